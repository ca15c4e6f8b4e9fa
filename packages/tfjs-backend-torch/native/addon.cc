// Module entry of the torch backend addon: the handle table, data transfer between JS typed
// arrays and ATen tensors, device and thread settings, and the wrapper that exposes every
// registered op to JS with ATen errors turned into JS exceptions.
#include "common.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/api/include/torch/version.h>

#include <cstdlib>
#include <cstring>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <unordered_map>
#include <stdexcept>

namespace tfjs_torch {

namespace {

struct HandleTable {
  std::vector<at::Tensor> slots{at::Tensor()};  // slot 0 is never used: 0 means "no tensor"
  std::vector<uint32_t> freeSlots;
  size_t live = 0;
  // derived tensors by (handle << 4 | variant), dropped with their handle
  std::unordered_map<uint64_t, at::Tensor> derived;
  std::unordered_map<uint32_t, std::vector<uint64_t>> derivedKeys;
};

HandleTable& table() {
  static HandleTable instance;
  return instance;
}

at::Device& deviceSetting() {
  static at::Device device(at::kCPU);
  return device;
}

// Keeps only the three dtypes tfjs knows (ATen returns int64 indices, float64 sums, ...).
at::Tensor normaliseType(at::Tensor t) {
  switch (t.scalar_type()) {
    case at::kFloat:
    case at::kInt:
    case at::kBool:
      return t;
    case at::kDouble:
    case at::kHalf:
    case at::kBFloat16:
      return t.to(at::kFloat);
    default:
      return t.to(at::kInt);
  }
}

int dtypeCode(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
      return 0;
    case at::kInt:
      return 1;
    case at::kBool:
      return 2;
    default:
      throw std::runtime_error(std::string("unexpected stored dtype ") + c10::toString(type));
  }
}

// [handle, dtypeCode, ...shape]: everything JS needs to build a TensorInfo in one call.
Napi::Value describe(Napi::Env env, at::Tensor t) {
  t = normaliseType(std::move(t));
  const auto sizes = t.sizes();
  const int code = dtypeCode(t.scalar_type());
  Napi::Array out = Napi::Array::New(env, sizes.size() + 2);
  out.Set(uint32_t(0), Napi::Number::New(env, storeTensor(t)));
  out.Set(uint32_t(1), Napi::Number::New(env, code));
  for (size_t i = 0; i < sizes.size(); ++i) out.Set(uint32_t(i + 2), Napi::Number::New(env, double(sizes[i])));
  return out;
}

Napi::Value toJs(Napi::Env env, OpResult& result) {
  if (auto* single = std::get_if<at::Tensor>(&result)) return describe(env, *single);
  auto& many = std::get<std::vector<at::Tensor>>(result);
  Napi::Array out = Napi::Array::New(env, many.size());
  for (size_t i = 0; i < many.size(); ++i) out.Set(uint32_t(i), describe(env, many[i]));
  return out;
}

// Runs `body` with autograd bookkeeping off and ATen errors turned into JS errors.
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* what, Body body) {
  Napi::Env env = info.Env();
  try {
    c10::InferenceMode inferenceOnly;
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& error) {
    throw Napi::Error::New(env, std::string("torch backend: ") + what + ": " + error.what_without_backtrace());
  } catch (const std::exception& error) {
    throw Napi::Error::New(env, std::string("torch backend: ") + what + ": " + error.what());
  }
}

Napi::Value callOp(const Napi::CallbackInfo& info) {
  const auto* definition = static_cast<const OpDefinition*>(info.Data());
  return guarded(info, definition->name, [&]() {
    Args args(info);
    OpResult result = definition->function(args);
    return toJs(info.Env(), result);
  });
}

// fromArray(typedArray, shape, dtypeName) -> [handle, dtypeCode, ...shape]
Napi::Value fromArray(const Napi::CallbackInfo& info) {
  return guarded(info, "fromArray", [&]() -> Napi::Value {
    Args args(info);
    if (!info[0].IsTypedArray()) throw std::invalid_argument("expected a typed array");
    auto values = info[0].As<Napi::TypedArray>();
    const auto shape = args.ints(1);
    const auto type = scalarTypeFromName(args.str(2));
    // bools arrive as bytes; any nonzero byte must become a proper `true`
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type == at::kBool ? at::kByte : type));
    const size_t bytes = size_t(t.numel()) * t.element_size();
    if (values.ByteLength() != bytes) {
      throw std::invalid_argument("typed array holds " + std::to_string(values.ByteLength()) + " bytes, shape needs " +
                                  std::to_string(bytes));
    }
    const auto* source = static_cast<const uint8_t*>(values.ArrayBuffer().Data()) + values.ByteOffset();
    if (bytes > 0) std::memcpy(t.data_ptr(), source, bytes);
    if (type == at::kBool) t = t.ne(0);
    if (currentDevice() != at::Device(at::kCPU)) t = t.to(currentDevice());
    return describe(info.Env(), t);
  });
}

// toArray(handle) -> Float32Array | Int32Array | Uint8Array (bool), a copy in row-major order
Napi::Value toArray(const Napi::CallbackInfo& info) {
  return guarded(info, "toArray", [&]() -> Napi::Value {
    Args args(info);
    at::Tensor t = args.tensor(0).contiguous();
    if (!t.device().is_cpu()) t = t.cpu();
    const size_t count = size_t(t.numel());
    const size_t bytes = count * t.element_size();
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(info.Env(), bytes);
    if (bytes > 0) std::memcpy(buffer.Data(), t.data_ptr(), bytes);
    switch (t.scalar_type()) {
      case at::kFloat:
        return Napi::Float32Array::New(info.Env(), count, buffer, 0);
      case at::kInt:
        return Napi::Int32Array::New(info.Env(), count, buffer, 0);
      case at::kBool:
        return Napi::Uint8Array::New(info.Env(), count, buffer, 0);
      default:
        throw std::runtime_error("cannot read a tensor of this dtype");
    }
  });
}

Napi::Value freeTensor(const Napi::CallbackInfo& info) {
  return guarded(info, "free", [&]() -> Napi::Value {
    releaseTensor(uint32_t(info[0].As<Napi::Number>().Uint32Value()));
    return info.Env().Undefined();
  });
}

Napi::Value liveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), double(liveTensorCount()));
}

Napi::Value cudaAvailable(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), at::hasCUDA()); }

Napi::Value setDevice(const Napi::CallbackInfo& info) {
  return guarded(info, "setDevice", [&]() -> Napi::Value {
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    if (name == "cpu") {
      deviceSetting() = at::Device(at::kCPU);
    } else if (name == "cuda") {
      if (!at::hasCUDA()) {
        throw std::runtime_error(
            "CUDA was requested but this libtorch reports no CUDA support (no CUDA build, no driver or no GPU); "
            "point LIBTORCH at a CUDA-enabled libtorch, rebuild with `npm run build:native`, or use device 'cpu'");
      }
      deviceSetting() = at::Device(at::kCUDA, 0);
    } else {
      throw std::invalid_argument("unknown device '" + name + "' (expected 'cpu' or 'cuda')");
    }
    return info.Env().Undefined();
  });
}

Napi::Value getDevice(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), currentDevice().is_cuda() ? "cuda" : "cpu");
}

Napi::Value setNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info, "setNumThreads", [&]() -> Napi::Value {
    at::set_num_threads(int(info[0].As<Napi::Number>().Int32Value()));
    return info.Env().Undefined();
  });
}

Napi::Value getNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value buildInfo(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("torchVersion", TORCH_VERSION);
  out.Set("mkldnn", at::hasMKLDNN());
  out.Set("cuda", at::hasCUDA());
  out.Set("parallel", at::get_parallel_info());
  return out;
}

}  // namespace

// --- handle table ------------------------------------------------------------------------
uint32_t storeTensor(at::Tensor tensor) {
  auto& t = table();
  uint32_t handle;
  if (!t.freeSlots.empty()) {
    handle = t.freeSlots.back();
    t.freeSlots.pop_back();
    t.slots[handle] = std::move(tensor);
  } else {
    handle = uint32_t(t.slots.size());
    t.slots.push_back(std::move(tensor));
  }
  ++t.live;
  return handle;
}

const at::Tensor& tensorAt(uint32_t handle) {
  auto& t = table();
  if (handle == 0 || handle >= t.slots.size() || !t.slots[handle].defined()) {
    throw std::invalid_argument("invalid or disposed tensor handle " + std::to_string(handle));
  }
  return t.slots[handle];
}

void releaseTensor(uint32_t handle) {
  auto& t = table();
  if (handle == 0 || handle >= t.slots.size() || !t.slots[handle].defined()) {
    throw std::invalid_argument("double free of tensor handle " + std::to_string(handle));
  }
  t.slots[handle] = at::Tensor();
  t.freeSlots.push_back(handle);
  --t.live;
  auto keys = t.derivedKeys.find(handle);
  if (keys != t.derivedKeys.end()) {
    for (auto key : keys->second) t.derived.erase(key);
    t.derivedKeys.erase(keys);
  }
}

at::Tensor derivedTensor(uint32_t handle, int variant, const std::function<at::Tensor(const at::Tensor&)>& derive) {
  auto& t = table();
  const uint64_t key = (uint64_t(handle) << 4) | uint64_t(variant);
  auto found = t.derived.find(key);
  if (found != t.derived.end()) return found->second;
  at::Tensor value = derive(tensorAt(handle));
  t.derived.emplace(key, value);
  t.derivedKeys[handle].push_back(key);
  return value;
}

size_t liveTensorCount() { return table().live; }

at::Device currentDevice() { return deviceSetting(); }

at::ScalarType scalarTypeFromName(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  throw std::invalid_argument("the torch backend has no dtype '" + name + "'");
}

// --- Args --------------------------------------------------------------------------------
at::Tensor Args::tensor(size_t i) const { return tensorAt(handle(i)); }
uint32_t Args::handle(size_t i) const { return uint32_t(info_[i].As<Napi::Number>().Uint32Value()); }

std::vector<at::Tensor> Args::tensors(size_t i) const {
  auto list = info_[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(list.Length());
  for (uint32_t k = 0; k < list.Length(); ++k) {
    out.push_back(tensorAt(uint32_t(list.Get(k).As<Napi::Number>().Uint32Value())));
  }
  return out;
}

int64_t Args::i64(size_t i) const { return info_[i].As<Napi::Number>().Int64Value(); }
double Args::f64(size_t i) const { return info_[i].As<Napi::Number>().DoubleValue(); }
bool Args::flag(size_t i) const { return info_[i].ToBoolean().Value(); }
std::string Args::str(size_t i) const { return info_[i].As<Napi::String>().Utf8Value(); }

std::vector<int64_t> Args::ints(size_t i) const {
  auto list = info_[i].As<Napi::Array>();
  std::vector<int64_t> out(list.Length());
  for (uint32_t k = 0; k < list.Length(); ++k) out[k] = list.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

std::vector<OpDefinition>& opRegistry() {
  static std::vector<OpDefinition> registry;
  return registry;
}

// glibc returns freed blocks above 128 KiB to the kernel (munmap, heap trimming), so every new
// activation or gradient tensor page-faults its memory in afresh: on RetinaFace at 640x480 that
// was a third of a forward + input-gradient pass. Keeping freed memory in the heap lets the next
// image reuse it (the process keeps up to 1 GiB it no longer uses).
// FACEPATCH_TORCH_KEEP_FREED_MEMORY=0 keeps glibc's defaults.
void keepFreedMemory() {
#ifdef __GLIBC__
  const char* setting = std::getenv("FACEPATCH_TORCH_KEEP_FREED_MEMORY");
  if (setting != nullptr && std::string(setting) == "0") return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest accepted value on 64-bit
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  keepFreedMemory();
  Napi::Object ops = Napi::Object::New(env);
  for (const auto& definition : opRegistry()) {
    ops.Set(definition.name, Napi::Function::New(env, callOp, definition.name, const_cast<OpDefinition*>(&definition)));
  }
  exports.Set("ops", ops);
  exports.Set("fromArray", Napi::Function::New(env, fromArray, "fromArray"));
  exports.Set("toArray", Napi::Function::New(env, toArray, "toArray"));
  exports.Set("free", Napi::Function::New(env, freeTensor, "free"));
  exports.Set("liveCount", Napi::Function::New(env, liveCount, "liveCount"));
  exports.Set("cudaAvailable", Napi::Function::New(env, cudaAvailable, "cudaAvailable"));
  exports.Set("setDevice", Napi::Function::New(env, setDevice, "setDevice"));
  exports.Set("getDevice", Napi::Function::New(env, getDevice, "getDevice"));
  exports.Set("setNumThreads", Napi::Function::New(env, setNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, getNumThreads, "getNumThreads"));
  exports.Set("buildInfo", Napi::Function::New(env, buildInfo, "buildInfo"));
  return exports;
}

}  // namespace tfjs_torch

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) { return tfjs_torch::init(env, exports); }

NODE_API_MODULE(tfjs_backend_torch, initAddon)
