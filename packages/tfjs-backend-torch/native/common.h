// Shared plumbing of the torch backend addon: the tensor handle table, argument readers and
// the registry through which each translation unit contributes its ops to the JS module.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace tfjs_torch {

// --- tensor handles --------------------------------------------------------------------------
// JS holds small integers; the tensors themselves live in a table here so that disposal is
// deterministic (tfjs disposes explicitly) and the number of live tensors is observable.
uint32_t storeTensor(at::Tensor tensor);
const at::Tensor& tensorAt(uint32_t handle);
void releaseTensor(uint32_t handle);
size_t liveTensorCount();

// A tensor derived from a stored one (e.g. a filter converted to ATen's channels_last weight
// layout), kept until the stored tensor's handle is released. Stored tensors never change, so
// the derived one stays valid; frozen model weights are converted once instead of every call.
at::Tensor derivedTensor(uint32_t handle, int variant, const std::function<at::Tensor(const at::Tensor&)>& derive);

// The device new tensors are created on ('cpu' unless setDevice('cuda') succeeded).
at::Device currentDevice();
inline at::TensorOptions deviceOptions(at::ScalarType type) {
  return at::TensorOptions().dtype(type).device(currentDevice());
}

// tfjs knows float32, int32 and bool; every stored tensor is normalised to one of them.
at::ScalarType scalarTypeFromName(const std::string& name);

// --- arguments ---------------------------------------------------------------------------
class Args {
 public:
  explicit Args(const Napi::CallbackInfo& info) : info_(info) {}
  size_t size() const { return info_.Length(); }
  bool has(size_t i) const { return i < info_.Length() && !info_[i].IsUndefined() && !info_[i].IsNull(); }
  at::Tensor tensor(size_t i) const;
  uint32_t handle(size_t i) const;
  std::vector<at::Tensor> tensors(size_t i) const;
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  bool flag(size_t i) const;
  std::string str(size_t i) const;
  std::vector<int64_t> ints(size_t i) const;
  Napi::Env env() const { return info_.Env(); }

 private:
  const Napi::CallbackInfo& info_;
};

// --- op registry -------------------------------------------------------------------------
using OpResult = std::variant<at::Tensor, std::vector<at::Tensor>>;
using OpFunction = OpResult (*)(const Args&);

struct OpDefinition {
  const char* name;
  OpFunction function;
};

std::vector<OpDefinition>& opRegistry();

struct OpRegistrar {
  OpRegistrar(const char* name, OpFunction function) { opRegistry().push_back({name, function}); }
};

// Defines an op callable from JS as `native.ops.NAME(...)`; the body sees `a` (Args).
#define TORCH_OP(NAME)                                                        \
  static OpResult op_##NAME(const Args& a);                                   \
  static OpRegistrar registrar_##NAME(#NAME, &op_##NAME);                     \
  static OpResult op_##NAME(const Args& a)

// --- small helpers shared by the op files ------------------------------------------------
inline int64_t normaliseDim(int64_t dim, int64_t rank) { return dim < 0 ? dim + rank : dim; }

// The index tensor type ATen's indexing ops want.
inline at::Tensor asIndex(const at::Tensor& t) { return t.to(at::kLong); }

}  // namespace tfjs_torch
