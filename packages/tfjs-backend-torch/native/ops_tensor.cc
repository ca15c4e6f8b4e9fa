// Element-wise, reduction, shape and indexing ops. Each op keeps tfjs's semantics (dtypes,
// edge cases); the JS kernels translate tfjs attributes into these positional arguments.
#include "common.h"

#include <ATen/Parallel.h>

#include <functional>
#include <stdexcept>

namespace tfjs_torch {
namespace {

bool isFloating(const at::Tensor& t) { return at::isFloatingType(t.scalar_type()); }

// tfjs runs float math on ints (exp of an int32 is a float32); ATen does the same promotion
// for most ops, but a few (floor, ceil, round) must leave integers alone.
at::Tensor floatOrSelf(const at::Tensor& x, const std::function<at::Tensor(const at::Tensor&)>& f) {
  return isFloating(x) ? f(x) : x;
}

// Reduces over `dims` with a function that only takes one dim, by moving the reduced dims to
// the end and flattening them into one.
at::Tensor reduceFlattened(const at::Tensor& x, std::vector<int64_t> dims, bool keepDims,
                           const std::function<at::Tensor(const at::Tensor&, int64_t)>& reduceLast) {
  const int64_t rank = x.dim();
  std::vector<bool> reduced(size_t(rank), false);
  for (auto& d : dims) reduced[size_t(normaliseDim(d, rank))] = true;
  std::vector<int64_t> order, keptShape, keepDimsShape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[size_t(d)]) {
      order.push_back(d);
      keptShape.push_back(x.size(d));
      keepDimsShape.push_back(x.size(d));
    } else {
      keepDimsShape.push_back(1);
    }
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (reduced[size_t(d)]) order.push_back(d);
  }
  std::vector<int64_t> flatShape = keptShape;
  flatShape.push_back(-1);
  at::Tensor flat = x.permute(order).reshape(flatShape);
  at::Tensor out = reduceLast(flat, flat.dim() - 1);
  return keepDims ? out.reshape(keepDimsShape) : out.reshape(keptShape);
}

// The integer/float result type tfjs gives sums and products: int32 for int and bool inputs.
at::ScalarType accumulationType(const at::Tensor& x) { return isFloating(x) ? x.scalar_type() : at::kInt; }

}  // namespace

// --- unary -------------------------------------------------------------------------------
#define UNARY_OP(NAME, EXPR) \
  TORCH_OP(NAME) {           \
    at::Tensor x = a.tensor(0); \
    return at::Tensor(EXPR);    \
  }

UNARY_OP(abs, at::abs(x))
UNARY_OP(neg, at::neg(x))
UNARY_OP(exp, at::exp(x))
UNARY_OP(expm1, at::expm1(x))
UNARY_OP(log, at::log(x))
UNARY_OP(log1p, at::log1p(x))
UNARY_OP(sqrt, at::sqrt(x))
UNARY_OP(rsqrt, at::rsqrt(x))
UNARY_OP(square, at::mul(x, x))
UNARY_OP(reciprocal, at::reciprocal(x))
UNARY_OP(relu, at::relu(x))
UNARY_OP(relu6, at::clamp(x, 0, 6))
UNARY_OP(elu, at::elu(x))
UNARY_OP(selu, at::selu(x))
UNARY_OP(sigmoid, at::sigmoid(x))
UNARY_OP(tanh, at::tanh(x))
UNARY_OP(softplus, at::softplus(x))
UNARY_OP(erf, at::erf(x))
UNARY_OP(sin, at::sin(x))
UNARY_OP(cos, at::cos(x))
UNARY_OP(tan, at::tan(x))
UNARY_OP(asin, at::asin(x))
UNARY_OP(acos, at::acos(x))
UNARY_OP(atan, at::atan(x))
UNARY_OP(sinh, at::sinh(x))
UNARY_OP(cosh, at::cosh(x))
UNARY_OP(asinh, at::asinh(x))
UNARY_OP(acosh, at::acosh(x))
UNARY_OP(atanh, at::atanh(x))
UNARY_OP(sign, at::sign(x))
UNARY_OP(floor, floatOrSelf(x, [](const at::Tensor& t) { return at::floor(t); }))
UNARY_OP(ceil, floatOrSelf(x, [](const at::Tensor& t) { return at::ceil(t); }))
UNARY_OP(round, floatOrSelf(x, [](const at::Tensor& t) { return at::round(t); }))
UNARY_OP(isNaN, at::isnan(x))
UNARY_OP(isInf, at::isinf(x))
UNARY_OP(isFinite, at::isfinite(x))
UNARY_OP(logicalNot, at::logical_not(x))
// Constant tensors are one broadcast scalar: no memory, no pass over it (tfjs's gradients make
// many full-size ones and zeros). Safe since stored tensors are never written.
static at::Tensor constantLike(const at::Tensor& x, double value) {
  return at::scalar_tensor(value, x.options()).expand(x.sizes());
}
UNARY_OP(zerosLike, constantLike(x, 0))
UNARY_OP(onesLike, constantLike(x, 1))
// A second handle on the same tensor: tensors are never modified in place, so sharing is safe.
UNARY_OP(identity, x)

// eluGrad(dy, y): tfjs's EluGrad takes the forward output.
TORCH_OP(eluGrad) {
  at::Tensor dy = a.tensor(0), y = a.tensor(1);
  return at::where(y < 0, dy * (y + 1), dy);
}

// One fused pass for floats (the where() form makes three full-size tensors: ten times slower on
// a large activation); integers keep the where() form, which ATen's leaky_relu does not take.
TORCH_OP(leakyRelu) {
  at::Tensor x = a.tensor(0);
  if (at::isFloatingType(x.scalar_type())) return at::leaky_relu(x, a.f64(1));
  return at::where(x < 0, x * a.f64(1), x);
}

TORCH_OP(prelu) {
  at::Tensor x = a.tensor(0), alpha = a.tensor(1);
  return at::where(x < 0, x * alpha, x);
}

// step(x, alpha): 1 where x > 0, alpha elsewhere, NaN kept. It is ReLU's gradient in tfjs, so
// dense float tensors get one fused pass instead of ATen's compare + cast + NaN check.
TORCH_OP(step) {
  at::Tensor x = a.tensor(0);
  const double alpha = a.f64(1);
  if (x.scalar_type() == at::kFloat && x.device().is_cpu() && x.is_contiguous()) {
    at::Tensor out = at::empty_like(x);
    const float* in = x.data_ptr<float>();
    float* result = out.data_ptr<float>();
    const float low = float(alpha);
    at::parallel_for(0, x.numel(), 32768, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {  // branch-free, so it vectorises
        const float v = in[i];
        const float stepped = v > 0 ? 1.0f : low;
        result[i] = v != v ? v : stepped;
      }
    });
    return out;
  }
  at::Tensor out = (x > 0).to(at::kFloat);
  if (alpha != 0) out = out * (1 - alpha) + alpha;
  if (isFloating(x) && at::isnan(x).any().item<bool>()) out = at::where(at::isnan(x), x.to(at::kFloat), out);
  return out.to(x.scalar_type());  // tfjs keeps the input dtype
}

TORCH_OP(clip) {
  at::Tensor x = a.tensor(0);
  return at::clamp(x, a.f64(1), a.f64(2));
}

TORCH_OP(cast) {
  at::Tensor x = a.tensor(0);
  const auto type = scalarTypeFromName(a.str(1));
  return x.scalar_type() == type ? x : x.to(type);
}

// --- binary (broadcasting like numpy, as tfjs does) -------------------------------------
#define BINARY_OP(NAME, EXPR) \
  TORCH_OP(NAME) {            \
    at::Tensor x = a.tensor(0), y = a.tensor(1); \
    return at::Tensor(EXPR);  \
  }

BINARY_OP(add, at::add(x, y))
BINARY_OP(sub, at::sub(x, y))
BINARY_OP(mul, at::mul(x, y))
// tfjs's RealDiv of two int32 tensors stays int32 (truncated); everything else divides truly.
BINARY_OP(realDiv, (isFloating(x) || isFloating(y)) ? at::div(x, y) : at::div(x, y, "trunc"))
BINARY_OP(floorDiv, at::div(x, y, "floor"))
BINARY_OP(mod, at::remainder(x, y))
BINARY_OP(maximum, at::maximum(x, y))
BINARY_OP(minimum, at::minimum(x, y))
BINARY_OP(pow, at::pow(x, y))
BINARY_OP(squaredDifference, at::square(at::sub(x, y)))
BINARY_OP(atan2, at::atan2(x, y))
BINARY_OP(equal, at::eq(x, y))
BINARY_OP(notEqual, at::ne(x, y))
BINARY_OP(greater, at::gt(x, y))
BINARY_OP(greaterEqual, at::ge(x, y))
BINARY_OP(less, at::lt(x, y))
BINARY_OP(lessEqual, at::le(x, y))
BINARY_OP(logicalAnd, at::logical_and(x, y))
BINARY_OP(logicalOr, at::logical_or(x, y))
BINARY_OP(logicalXor, at::logical_xor(x, y))
BINARY_OP(bitwiseAnd, at::bitwise_and(x, y))

// select(condition, whenTrue, whenFalse); a rank-1 condition picks whole rows (tfjs Select).
TORCH_OP(select) {
  at::Tensor condition = a.tensor(0), t = a.tensor(1), e = a.tensor(2);
  if (condition.dim() == 1 && t.dim() > 1) {
    std::vector<int64_t> shape(size_t(t.dim()), 1);
    shape[0] = condition.size(0);
    condition = condition.reshape(shape);
  }
  return at::where(condition.to(at::kBool), t, e);
}

TORCH_OP(addN) {
  auto list = a.tensors(0);
  at::Tensor sum = list.at(0);
  for (size_t i = 1; i < list.size(); ++i) sum = sum + list[i];
  return sum;
}

// --- reductions (axes already normalised by JS; never empty) ---------------------------
TORCH_OP(sum) {
  at::Tensor x = a.tensor(0);
  return at::sum(x, a.ints(1), a.flag(2), accumulationType(x));
}

TORCH_OP(mean) {
  at::Tensor x = a.tensor(0);
  return at::mean(isFloating(x) ? x : x.to(at::kFloat), a.ints(1), a.flag(2));
}

TORCH_OP(max) {
  at::Tensor x = a.tensor(0);
  return at::amax(x, a.ints(1), a.flag(2));
}

TORCH_OP(min) {
  at::Tensor x = a.tensor(0);
  return at::amin(x, a.ints(1), a.flag(2));
}

TORCH_OP(prod) {
  at::Tensor x = a.tensor(0);
  const auto type = accumulationType(x);
  return reduceFlattened(x, a.ints(1), a.flag(2),
                         [type](const at::Tensor& t, int64_t d) { return at::prod(t, d, false, type); });
}

TORCH_OP(all) {
  at::Tensor x = a.tensor(0);
  return reduceFlattened(x, a.ints(1), a.flag(2), [](const at::Tensor& t, int64_t d) { return at::all(t, d); });
}

TORCH_OP(any) {
  at::Tensor x = a.tensor(0);
  return reduceFlattened(x, a.ints(1), a.flag(2), [](const at::Tensor& t, int64_t d) { return at::any(t, d); });
}

TORCH_OP(argMax) {
  at::Tensor x = a.tensor(0);
  return at::argmax(x, a.i64(1), false).to(at::kInt);
}

TORCH_OP(argMin) {
  at::Tensor x = a.tensor(0);
  return at::argmin(x, a.i64(1), false).to(at::kInt);
}

// batchNorm(x, mean, variance, offset?, scale?, epsilon): tfjs's FusedBatchNorm.
TORCH_OP(batchNorm) {
  at::Tensor x = a.tensor(0), mean = a.tensor(1), variance = a.tensor(2);
  at::Tensor out = (x - mean) * at::rsqrt(variance + a.f64(5));
  if (a.has(4)) out = out * a.tensor(4);
  if (a.has(3)) out = out + a.tensor(3);
  return out;
}

// batchNormTrain(x NHWC, scale, offset, runningMean, runningVar, momentum, epsilon) ->
// [y, batchMean, batchInvStd, newRunningMean, newRunningVar]: ATen's fused training batch norm
// (one statistics pass and one normalising pass over channels_last memory). The running
// statistics are updated on copies, so tfjs tensors stay immutable.
TORCH_OP(batchNormTrain) {
  at::Tensor x = a.tensor(0).permute({0, 3, 1, 2});
  at::Tensor runningMean = a.tensor(3).clone(), runningVar = a.tensor(4).clone();
  auto result = at::native_batch_norm(x, a.tensor(1), a.tensor(2), runningMean, runningVar, true, a.f64(5), a.f64(6));
  return std::vector<at::Tensor>{std::get<0>(result).permute({0, 2, 3, 1}), std::get<1>(result), std::get<2>(result),
                                 runningMean, runningVar};
}

// batchNormTrainGrad(dy NHWC, x NHWC, scale, batchMean, batchInvStd, epsilon) -> [dx, dScale, dOffset].
TORCH_OP(batchNormTrainGrad) {
  at::Tensor dy = a.tensor(0).permute({0, 3, 1, 2}), x = a.tensor(1).permute({0, 3, 1, 2});
  // ATen's backward kernels want the gradient in the input's memory format
  if (!dy.is_contiguous(at::MemoryFormat::ChannelsLast)) dy = dy.contiguous(at::MemoryFormat::ChannelsLast);
  auto grads = at::native_batch_norm_backward(dy, x, a.tensor(2), at::Tensor(), at::Tensor(), a.tensor(3), a.tensor(4),
                                              true, a.f64(5), {true, true, true});
  return std::vector<at::Tensor>{std::get<0>(grads).permute({0, 2, 3, 1}), std::get<1>(grads), std::get<2>(grads)};
}

// activationGradFromOutput(dy, y, activation, alpha): the gradient through relu / relu6 /
// leakyrelu evaluated from the activation's output y (a frozen fused conv keeps only y): one
// ATen pass instead of tfjs's comparison, logical, cast and multiply kernels.
TORCH_OP(activationGradFromOutput) {
  at::Tensor dy = a.tensor(0), y = a.tensor(1);
  const std::string activation = a.str(2);
  if (activation == "relu") return at::threshold_backward(dy, y, 0);
  if (activation == "relu6") return at::hardtanh_backward(dy, y, 0, 6);
  if (activation == "leakyrelu") return at::leaky_relu_backward(dy, y, a.f64(3), true);
  throw std::invalid_argument("activationGradFromOutput: unknown activation '" + activation + "'");
}

TORCH_OP(softmax) {
  at::Tensor x = a.tensor(0);
  return at::softmax(x, a.i64(1));
}

TORCH_OP(logSoftmax) {
  at::Tensor x = a.tensor(0);
  return at::log_softmax(x, a.i64(1));
}

// cumulative(x, axis, exclusive, reverse) in tfjs's sense.
static at::Tensor cumulative(const Args& a, bool product) {
  at::Tensor x = a.tensor(0);
  const int64_t axis = normaliseDim(a.i64(1), x.dim());
  const bool exclusive = a.flag(2), reverse = a.flag(3);
  const auto type = accumulationType(x);
  if (reverse) x = x.flip({axis});
  at::Tensor out = product ? at::cumprod(x, axis, type) : at::cumsum(x, axis, type);
  if (exclusive) {
    const int64_t n = out.size(axis);
    auto first = product ? at::ones_like(out.narrow(axis, 0, std::min<int64_t>(1, n)))
                         : at::zeros_like(out.narrow(axis, 0, std::min<int64_t>(1, n)));
    out = n == 0 ? out : at::cat({first, out.narrow(axis, 0, n - 1)}, axis);
  }
  if (reverse) out = out.flip({axis});
  return out;
}

TORCH_OP(cumsum) { return cumulative(a, false); }
TORCH_OP(cumprod) { return cumulative(a, true); }

// --- creation ----------------------------------------------------------------------------
TORCH_OP(fill) {
  const auto type = scalarTypeFromName(a.str(2));
  return at::scalar_tensor(a.f64(1), deviceOptions(type)).expand(a.ints(0));
}

// range(start, step, count, dtype): tfjs computes start + i * step in float64.
TORCH_OP(range) {
  const auto type = scalarTypeFromName(a.str(3));
  at::Tensor steps = at::arange(a.i64(2), deviceOptions(at::kDouble));
  return (steps * a.f64(1) + a.f64(0)).to(type);
}

// oneHot(indices, depth, onValue, offValue, dtype): out-of-range indices give all-off rows.
TORCH_OP(oneHot) {
  at::Tensor indices = a.tensor(0);
  const int64_t depth = a.i64(1);
  const auto type = scalarTypeFromName(a.str(4));
  at::Tensor classes = at::arange(depth, at::TensorOptions().dtype(at::kLong).device(indices.device()));
  at::Tensor hot = indices.to(at::kLong).unsqueeze(-1).eq(classes);
  auto options = at::TensorOptions().dtype(type).device(indices.device());
  return at::where(hot, at::scalar_tensor(a.f64(2), options), at::scalar_tensor(a.f64(3), options));
}

// --- shape -------------------------------------------------------------------------------
TORCH_OP(reshape) {
  at::Tensor x = a.tensor(0);
  return x.reshape(a.ints(1));
}

TORCH_OP(transpose) {
  at::Tensor x = a.tensor(0);
  return x.permute(a.ints(1));
}

TORCH_OP(expandDims) {
  at::Tensor x = a.tensor(0);
  return x.unsqueeze(a.i64(1));
}

TORCH_OP(broadcastTo) {
  at::Tensor x = a.tensor(0);
  return x.expand(a.ints(1));
}

TORCH_OP(tile) {
  at::Tensor x = a.tensor(0);
  return x.repeat(a.ints(1));
}

TORCH_OP(reverse) {
  at::Tensor x = a.tensor(0);
  auto dims = a.ints(1);
  return dims.empty() ? x : x.flip(dims);
}

// slice(x, begin, size): a view, no copy.
TORCH_OP(slice) {
  at::Tensor x = a.tensor(0);
  const auto begin = a.ints(1), size = a.ints(2);
  for (int64_t d = 0; d < int64_t(begin.size()); ++d) {
    if (begin[size_t(d)] != 0 || size[size_t(d)] != x.size(d)) x = x.narrow(d, begin[size_t(d)], size[size_t(d)]);
  }
  return x;
}

// stridedSlice(x, begin, strides, sparseShape, finalShape): out[i] = x[begin + i * stride] per
// dim, sizes already resolved by tfjs's slice_util.
TORCH_OP(stridedSlice) {
  at::Tensor x = a.tensor(0);
  const auto begin = a.ints(1), strides = a.ints(2), sizes = a.ints(3);
  for (int64_t d = 0; d < int64_t(begin.size()) && d < x.dim(); ++d) {
    const int64_t b = begin[size_t(d)], s = strides[size_t(d)], n = sizes[size_t(d)];
    if (n == 0) {
      x = x.narrow(d, 0, 0);
    } else if (s > 0) {
      x = x.slice(d, b, b + (n - 1) * s + 1, s);
    } else {
      // negative stride: index b, b+s, ... (a gather, since ATen views have positive strides)
      at::Tensor index = at::arange(n, at::TensorOptions().dtype(at::kLong).device(x.device())) * s + b;
      x = x.index_select(d, index);
    }
  }
  return x.reshape(a.ints(4));
}

TORCH_OP(concat) {
  auto list = a.tensors(0);
  const int64_t axis = a.i64(1);
  if (list.size() == 1) return list[0];
  return at::cat(list, axis);
}

TORCH_OP(pack) {
  return at::stack(a.tensors(0), a.i64(1));
}

TORCH_OP(unpack) {
  at::Tensor x = a.tensor(0);
  return x.unbind(a.i64(1));
}

TORCH_OP(splitV) {
  at::Tensor x = a.tensor(0);
  return x.split_with_sizes(a.ints(1), a.i64(2));
}

// pad(x, [before0, after0, before1, ...], value)
TORCH_OP(pad) {
  at::Tensor x = a.tensor(0);
  const auto paddings = a.ints(1);
  std::vector<int64_t> torchOrder;  // ATen lists the last dim first
  for (int64_t d = x.dim() - 1; d >= 0; --d) {
    torchOrder.push_back(paddings[size_t(2 * d)]);
    torchOrder.push_back(paddings[size_t(2 * d + 1)]);
  }
  return at::constant_pad_nd(x, torchOrder, a.f64(2));
}

// mirrorPad(x, [before0, after0, ...], symmetric): a gather per padded dim.
TORCH_OP(mirrorPad) {
  at::Tensor x = a.tensor(0);
  const auto paddings = a.ints(1);
  const int64_t offset = a.flag(2) ? 1 : 0;  // 'symmetric' repeats the edge, 'reflect' does not
  for (int64_t d = 0; d < x.dim(); ++d) {
    const int64_t before = paddings[size_t(2 * d)], after = paddings[size_t(2 * d + 1)];
    if (before == 0 && after == 0) continue;
    const int64_t n = x.size(d);
    std::vector<int64_t> index;
    for (int64_t i = -before; i < n + after; ++i) {
      int64_t source = i;
      if (i < 0) source = -i - offset;
      if (i >= n) source = 2 * (n - 1) - i + offset;
      index.push_back(source);
    }
    at::Tensor indexTensor = at::tensor(index, at::TensorOptions().dtype(at::kLong)).to(x.device());
    x = x.index_select(d, indexTensor);
  }
  return x;
}

// gather(x, indices, axis) with batchDims 0: out shape x[:axis] + indices + x[axis+1:].
TORCH_OP(gather) {
  at::Tensor x = a.tensor(0), indices = a.tensor(1);
  const int64_t axis = normaliseDim(a.i64(2), x.dim());
  at::Tensor picked = x.index_select(axis, asIndex(indices.reshape({-1})));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (auto s : indices.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return picked.reshape(shape);
}

// out[index[i]] += rows[i]: an accumulating index_put_ is one pass, where index_add_ runs a
// parallel region per index (thousands for a gather's gradient).
static void addRows(at::Tensor& out, const at::Tensor& index, const at::Tensor& rows) {
  c10::List<c10::optional<at::Tensor>> indices;
  indices.push_back(index);
  out.index_put_(indices, rows, true);
}

// gatherBatched(x, indices, axis, batchDims): each of the leading batchDims dims of x picks
// with its own rows of indices (TF's batch_dims).
TORCH_OP(gatherBatched) {
  at::Tensor x = a.tensor(0), indices = a.tensor(1);
  const int64_t axis = normaliseDim(a.i64(2), x.dim()), batchDims = a.i64(3);
  int64_t batch = 1, before = 1, after = 1;
  for (int64_t d = 0; d < batchDims; ++d) batch *= x.size(d);
  for (int64_t d = batchDims; d < axis; ++d) before *= x.size(d);
  for (int64_t d = axis + 1; d < x.dim(); ++d) after *= x.size(d);
  at::Tensor params = x.reshape({batch, before, x.size(axis), after});
  at::Tensor rows = asIndex(indices).reshape({batch, -1});
  c10::List<c10::optional<at::Tensor>> index;
  index.push_back(at::arange(batch, rows.options()).unsqueeze(1));
  index.push_back(c10::nullopt);
  index.push_back(rows);
  // separated advanced indices put their broadcast dims first: [batch, n, before, after]
  at::Tensor picked = at::index(params, index).permute({0, 2, 1, 3});
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (int64_t d = batchDims; d < indices.dim(); ++d) shape.push_back(indices.size(d));
  for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return picked.reshape(shape);
}

// Flat row indices of a [..., K] index tensor into the first K dims of `shape`.
static at::Tensor flatIndices(const at::Tensor& indices, at::IntArrayRef shape) {
  const int64_t k = indices.size(-1);
  at::Tensor idx = asIndex(indices).reshape({-1, k});
  std::vector<int64_t> strides(size_t(k), 1);
  for (int64_t d = k - 2; d >= 0; --d) strides[size_t(d)] = strides[size_t(d + 1)] * shape[size_t(d + 1)];
  at::Tensor strideTensor = at::tensor(strides, at::TensorOptions().dtype(at::kLong)).to(indices.device());
  return (idx * strideTensor).sum(1);
}

// gatherNd(x, indices): indices [..., K] address the first K dims of x.
TORCH_OP(gatherNd) {
  at::Tensor x = a.tensor(0), indices = a.tensor(1);
  const int64_t k = indices.size(-1);
  std::vector<int64_t> rowShape{-1};
  for (int64_t d = k; d < x.dim(); ++d) rowShape.push_back(x.size(d));
  at::Tensor rows = x.reshape(rowShape).index_select(0, flatIndices(indices, x.sizes()));
  std::vector<int64_t> shape(indices.sizes().begin(), indices.sizes().end() - 1);
  for (int64_t d = k; d < x.dim(); ++d) shape.push_back(x.size(d));
  return rows.reshape(shape);
}

// scatterNd(indices, updates, shape): duplicates add up, as in TF.
TORCH_OP(scatterNd) {
  at::Tensor indices = a.tensor(0), updates = a.tensor(1);
  const auto shape = a.ints(2);
  const int64_t k = indices.size(-1);
  std::vector<int64_t> rowShape{1};
  for (int64_t d = 0; d < k; ++d) rowShape[0] *= shape[size_t(d)];
  for (size_t d = size_t(k); d < shape.size(); ++d) rowShape.push_back(shape[d]);
  std::vector<int64_t> updateRows{-1};
  for (size_t d = size_t(k); d < shape.size(); ++d) updateRows.push_back(shape[d]);
  at::Tensor out = at::zeros(rowShape, updates.options());
  addRows(out, flatIndices(indices, shape), updates.reshape(updateRows));
  return out.reshape(shape);
}

// unsortedSegmentSum(x, segmentIds, numSegments): ids address the leading dims of x; ids
// outside [0, numSegments) are dropped, as in TF.
TORCH_OP(unsortedSegmentSum) {
  at::Tensor x = a.tensor(0), ids = a.tensor(1);
  const int64_t numSegments = a.i64(2);
  std::vector<int64_t> rowShape{-1}, outShape{numSegments};
  for (int64_t d = ids.dim(); d < x.dim(); ++d) {
    rowShape.push_back(x.size(d));
    outShape.push_back(x.size(d));
  }
  at::Tensor flatIds = asIndex(ids.reshape({-1}));
  at::Tensor rows = x.reshape(rowShape);
  at::Tensor valid = (flatIds >= 0).logical_and(flatIds < numSegments);
  if (!valid.all().item<bool>()) {
    at::Tensor keep = valid.nonzero().reshape({-1});
    flatIds = flatIds.index_select(0, keep);
    rows = rows.index_select(0, keep);
  }
  at::Tensor out = at::zeros(outShape, x.options().dtype(accumulationType(x)));
  addRows(out, flatIds, rows.to(out.scalar_type()));
  return out;
}

// topk(x, k): values and int32 indices along the last dim, largest first.
TORCH_OP(topk) {
  at::Tensor x = a.tensor(0);
  auto result = at::topk(x, a.i64(1), -1, true, true);
  return std::vector<at::Tensor>{std::get<0>(result), std::get<1>(result).to(at::kInt)};
}

TORCH_OP(einsum) {
  return at::einsum(a.str(0), a.tensors(1));
}

}  // namespace tfjs_torch
