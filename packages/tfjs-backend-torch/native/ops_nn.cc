// Convolutions, pooling, resizing and matrix products. tfjs tensors are NHWC; the NCHW view
// ATen wants is a permutation whose memory is exactly channels_last, so no data moves in or out.
// Padding comes from tfjs's own conv/pool info as [top, bottom, left, right]; ATen only pads
// symmetrically, so the rare asymmetric cases pad the input explicitly first.
#include "common.h"

#include <ATen/TensorIndexing.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace tfjs_torch {
namespace {

at::Tensor toNchw(const at::Tensor& nhwc) { return nhwc.permute({0, 3, 1, 2}); }
at::Tensor toNhwc(const at::Tensor& nchw) { return nchw.permute({0, 2, 3, 1}); }

struct Window {
  std::vector<int64_t> strides, pads, dilations;  // pads: top, bottom, left, right
  bool symmetric() const { return pads[0] == pads[1] && pads[2] == pads[3]; }
  std::vector<int64_t> symmetricPadding() const { return {pads[0], pads[2]}; }
  std::vector<int64_t> torchPadOrder() const { return {pads[2], pads[3], pads[0], pads[1]}; }
};

Window readWindow(const Args& a, size_t stridesAt, size_t padsAt, size_t dilationsAt) {
  Window w;
  w.strides = a.ints(stridesAt);
  w.pads = a.ints(padsAt);
  w.dilations = dilationsAt == 0 ? std::vector<int64_t>{1, 1} : a.ints(dilationsAt);
  return w;
}

// tfjs filter [kh, kw, in, out] -> ATen weight [out, in, kh, kw]; depthwise filters
// [kh, kw, in, multiplier] -> [in * multiplier, 1, kh, kw] with groups = in (same channel order).
at::Tensor torchWeightView(const at::Tensor& filter, bool depthwise) {
  if (!depthwise) return filter.permute({3, 2, 0, 1});
  const int64_t kh = filter.size(0), kw = filter.size(1);
  return filter.reshape({kh, kw, -1}).permute({2, 0, 1}).unsqueeze(1);
}

// The weight in channels_last memory, which oneDNN takes without a per-call reorder (several
// times faster than the permuted view); cached per filter handle, so frozen weights convert once.
// (NCHW convolutions get a plain contiguous weight, so that oneDNN keeps their layout.)
at::Tensor torchWeight(const Args& a, size_t filterAt, bool depthwise, bool nhwc) {
  const int variant = (depthwise ? 1 : 0) | (nhwc ? 2 : 0);
  return derivedTensor(a.handle(filterAt), variant, [depthwise, nhwc](const at::Tensor& filter) {
    return torchWeightView(filter, depthwise)
        .contiguous(nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
  });
}

// ATen weight gradient back to tfjs's filter layout.
at::Tensor tfjsFilter(const at::Tensor& weight, bool depthwise, int64_t inChannels) {
  if (!depthwise) return weight.permute({2, 3, 1, 0});
  const int64_t kh = weight.size(2), kw = weight.size(3);
  return weight.reshape({inChannels, -1, kh, kw}).permute({2, 3, 0, 1});
}

std::vector<int64_t> torchWeightShape(const std::vector<int64_t>& filterShape, bool depthwise) {
  if (!depthwise) return {filterShape[3], filterShape[2], filterShape[0], filterShape[1]};
  return {filterShape[2] * filterShape[3], 1, filterShape[0], filterShape[1]};
}

at::Tensor applyActivation(const at::Tensor& y, const std::string& name, const at::Tensor& preluWeights,
                           double leakyAlpha) {
  if (name.empty() || name == "linear") return y;
  if (name == "relu") return at::relu(y);
  if (name == "relu6") return at::clamp(y, 0, 6);
  if (name == "elu") return at::elu(y);
  if (name == "sigmoid") return at::sigmoid(y);
  if (name == "leakyrelu") return at::leaky_relu(y, leakyAlpha);  // one pass; where() made three tensors
  if (name == "prelu") return at::where(y < 0, y * preluWeights, y);
  throw std::invalid_argument("unknown fused activation '" + name + "'");
}

at::Tensor optionalTensor(const Args& a, size_t i) { return a.has(i) ? a.tensor(i) : at::Tensor(); }

}  // namespace

// conv2d(x, filter, bias?, preluWeights?, strides, pads, dilations, depthwise, nhwc, activation, leakyAlpha)
TORCH_OP(conv2d) {
  at::Tensor x = a.tensor(0), filter = a.tensor(1);
  at::Tensor bias = optionalTensor(a, 2), prelu = optionalTensor(a, 3);
  const Window w = readWindow(a, 4, 5, 6);
  const bool depthwise = a.flag(7), nhwc = a.flag(8);
  at::Tensor input = nhwc ? toNchw(x) : x;
  std::vector<int64_t> padding{0, 0};
  if (w.symmetric()) {
    padding = w.symmetricPadding();
  } else {
    input = at::constant_pad_nd(input, w.torchPadOrder(), 0);
  }
  const int64_t groups = depthwise ? input.size(1) : 1;
  // ATen adds a per-channel bias inside the convolution; any other bias shape broadcasts after.
  const int64_t outChannels = depthwise ? filter.size(2) * filter.size(3) : filter.size(3);
  const bool channelBias = bias.defined() && bias.dim() == 1 && bias.size(0) == outChannels;
  at::Tensor y = at::convolution(input, torchWeight(a, 1, depthwise, nhwc), channelBias ? bias : at::Tensor(), w.strides,
                                 padding, w.dilations, false, {0, 0}, groups);
  if (nhwc) y = toNhwc(y);
  if (bias.defined() && !channelBias) y = y + bias;
  return applyActivation(y, a.has(9) ? a.str(9) : "linear", prelu, a.has(10) ? a.f64(10) : 0.2);
}

// conv2dBackpropInput(dy, filter, inputShape, strides, pads, dilations, depthwise, nhwc)
TORCH_OP(conv2dBackpropInput) {
  at::Tensor dy = a.tensor(0), filter = a.tensor(1);
  const auto inputShape = a.ints(2);
  const Window w = readWindow(a, 3, 4, 5);
  const bool depthwise = a.flag(6), nhwc = a.flag(7);
  at::Tensor grad = nhwc ? toNchw(dy) : dy;
  // the gradient is taken w.r.t. the (explicitly) padded input, then the padding is cut off
  std::vector<int64_t> shape = nhwc ? std::vector<int64_t>{inputShape[0], inputShape[3], inputShape[1], inputShape[2]}
                                    : inputShape;
  std::vector<int64_t> padding{0, 0};
  if (w.symmetric()) {
    padding = w.symmetricPadding();
  } else {
    shape[2] += w.pads[0] + w.pads[1];
    shape[3] += w.pads[2] + w.pads[3];
  }
  // only the input's shape (and layout) matters for its gradient: its values are never read
  auto format = nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  at::Tensor placeholder = at::empty(shape, dy.options().memory_format(format));
  const int64_t groups = depthwise ? shape[1] : 1;
  auto grads = at::convolution_backward(grad, placeholder, torchWeight(a, 1, depthwise, nhwc), c10::nullopt, w.strides,
                                        padding, w.dilations, false, {0, 0}, groups, {true, false, false});
  at::Tensor dx = std::get<0>(grads);
  if (!w.symmetric()) {
    dx = dx.narrow(2, w.pads[0], shape[2] - w.pads[0] - w.pads[1]).narrow(3, w.pads[2], shape[3] - w.pads[2] - w.pads[3]);
  }
  return nhwc ? toNhwc(dx) : dx;
}

// conv2dBackpropFilter(x, dy, filterShape, strides, pads, dilations, depthwise, nhwc)
TORCH_OP(conv2dBackpropFilter) {
  at::Tensor x = a.tensor(0), dy = a.tensor(1);
  const auto filterShape = a.ints(2);
  const Window w = readWindow(a, 3, 4, 5);
  const bool depthwise = a.flag(6), nhwc = a.flag(7);
  at::Tensor input = nhwc ? toNchw(x) : x;
  at::Tensor grad = nhwc ? toNchw(dy) : dy;
  // The extent of the padded input the convolution reads: a stride that does not divide it
  // leaves trailing rows/columns unused.
  const int64_t usedH = (grad.size(2) - 1) * w.strides[0] + (filterShape[0] - 1) * w.dilations[0] + 1;
  const int64_t usedW = (grad.size(3) - 1) * w.strides[1] + (filterShape[1] - 1) * w.dilations[1] + 1;
  const bool unusedRealInput = usedH - w.pads[0] < input.size(2) || usedW - w.pads[2] < input.size(3);
  std::vector<int64_t> padding{0, 0};
  if (w.symmetric() && !unusedRealInput) {
    padding = w.symmetricPadding();
  } else {
    // ATen 1.13's CPU weight gradient (1x1 filter, stride > 1, channels_last) writes past its
    // buffers when input rows go unused (heap corruption, reproduced in PyTorch itself), so the
    // input is padded explicitly and cut to the extent actually read.
    input = at::constant_pad_nd(input, w.torchPadOrder(), 0).narrow(2, 0, usedH).narrow(3, 0, usedW);
  }
  const int64_t inChannels = input.size(1);
  const int64_t groups = depthwise ? inChannels : 1;
  auto format = nhwc ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  at::Tensor placeholder = at::empty(torchWeightShape(filterShape, depthwise), x.options().memory_format(format));
  auto grads = at::convolution_backward(grad, input, placeholder, c10::nullopt, w.strides, padding, w.dilations, false,
                                        {0, 0}, groups, {false, true, false});
  return tfjsFilter(std::get<1>(grads), depthwise, inChannels);
}

// --- pooling (NHWC only, like tfjs) --------------------------------------------------------
namespace {

bool poolPaddingFits(const Window& w, const std::vector<int64_t>& kernel) {
  return w.symmetric() && w.pads[0] * 2 <= kernel[0] && w.pads[2] * 2 <= kernel[1];
}

// The number of real (unpadded) inputs under each window, as an [1, 1, outH, outW] tensor.
at::Tensor validCounts(const at::Tensor& input, const std::vector<int64_t>& kernel, const Window& w) {
  at::Tensor ones = at::ones({1, 1, input.size(2), input.size(3)}, input.options().memory_format(at::MemoryFormat::Contiguous));
  ones = at::constant_pad_nd(ones, w.torchPadOrder(), 0);
  return at::avg_pool2d(ones, kernel, w.strides, {0, 0}, false, true, 1);
}

}  // namespace

// maxPool(x, kernel, strides, pads)
TORCH_OP(maxPool) {
  at::Tensor x = toNchw(a.tensor(0));
  const auto kernel = a.ints(1);
  const Window w = readWindow(a, 2, 3, 0);
  if (poolPaddingFits(w, kernel)) return toNhwc(at::max_pool2d(x, kernel, w.strides, w.symmetricPadding()));
  at::Tensor padded = at::constant_pad_nd(x, w.torchPadOrder(), -std::numeric_limits<double>::infinity());
  return toNhwc(at::max_pool2d(padded, kernel, w.strides, {0, 0}));
}

// maxPoolGrad(dy, x, kernel, strides, pads): the max positions are recomputed from x.
TORCH_OP(maxPoolGrad) {
  at::Tensor dy = toNchw(a.tensor(0)), x = toNchw(a.tensor(1));
  const auto kernel = a.ints(2);
  const Window w = readWindow(a, 3, 4, 0);
  const bool fits = poolPaddingFits(w, kernel);
  at::Tensor input = fits ? x : at::constant_pad_nd(x, w.torchPadOrder(), -std::numeric_limits<double>::infinity());
  std::vector<int64_t> padding = fits ? w.symmetricPadding() : std::vector<int64_t>{0, 0};
  auto pooled = at::max_pool2d_with_indices(input, kernel, w.strides, padding, {1, 1}, false);
  at::Tensor dx = at::max_pool2d_with_indices_backward(dy, input, kernel, w.strides, padding, {1, 1}, false,
                                                       std::get<1>(pooled));
  if (!fits) dx = dx.narrow(2, w.pads[0], x.size(2)).narrow(3, w.pads[2], x.size(3));
  return toNhwc(dx);
}

// avgPool(x, kernel, strides, pads): averages over the real inputs only, as tfjs does.
TORCH_OP(avgPool) {
  at::Tensor x = toNchw(a.tensor(0));
  const auto kernel = a.ints(1);
  const Window w = readWindow(a, 2, 3, 0);
  if (poolPaddingFits(w, kernel)) {
    return toNhwc(at::avg_pool2d(x, kernel, w.strides, w.symmetricPadding(), false, false));
  }
  at::Tensor sums = at::avg_pool2d(at::constant_pad_nd(x, w.torchPadOrder(), 0), kernel, w.strides, {0, 0}, false, true, 1);
  return toNhwc(sums / validCounts(x, kernel, w));
}

// avgPoolGrad(dy, x, kernel, strides, pads)
TORCH_OP(avgPoolGrad) {
  at::Tensor dy = toNchw(a.tensor(0)), x = toNchw(a.tensor(1));
  const auto kernel = a.ints(2);
  const Window w = readWindow(a, 3, 4, 0);
  if (poolPaddingFits(w, kernel)) {
    return toNhwc(at::avg_pool2d_backward(dy, x, kernel, w.strides, w.symmetricPadding(), false, false, c10::nullopt));
  }
  at::Tensor padded = at::constant_pad_nd(x, w.torchPadOrder(), 0);
  at::Tensor dx = at::avg_pool2d_backward(dy / validCounts(x, kernel, w), padded, kernel, w.strides, {0, 0}, false, true, 1);
  return toNhwc(dx.narrow(2, w.pads[0], x.size(2)).narrow(3, w.pads[2], x.size(3)));
}

// --- resizing: separable gathers with tfjs's exact source coordinates ----------------------
namespace {

struct LinearTaps {
  at::Tensor low, high, weight;  // source indices and the weight of `high`, per output position
};

double sizeRatio(int64_t in, int64_t out, bool alignCorners) {
  const bool aligned = alignCorners && out > 1;
  return double(aligned ? in - 1 : in) / double(aligned ? out - 1 : out);
}

LinearTaps linearTaps(int64_t in, int64_t out, bool alignCorners, bool halfPixelCenters, const at::Tensor& like) {
  const double ratio = sizeRatio(in, out, alignCorners);
  std::vector<int64_t> low(static_cast<size_t>(out)), high(static_cast<size_t>(out));
  std::vector<float> weight(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    const double source = halfPixelCenters ? ratio * (double(i) + 0.5) - 0.5 : ratio * double(i);
    const double floorIndex = std::max(0.0, std::floor(source));
    low[size_t(i)] = int64_t(floorIndex);
    high[size_t(i)] = std::min(in - 1, int64_t(std::ceil(source)));
    weight[size_t(i)] = float(source - floorIndex);
  }
  auto longs = at::TensorOptions().dtype(at::kLong);
  return {at::tensor(low, longs).to(like.device()), at::tensor(high, longs).to(like.device()),
          at::tensor(weight, at::TensorOptions().dtype(at::kFloat)).to(like.device())};
}

at::Tensor nearestIndices(int64_t in, int64_t out, bool alignCorners, bool halfPixelCenters, const at::Tensor& like) {
  const double ratio = sizeRatio(in, out, alignCorners);
  std::vector<int64_t> index(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    const double source = halfPixelCenters ? ratio * (double(i) + 0.5) : ratio * double(i);
    // JS Math.round rounds halves up: floor(x + 0.5)
    int64_t nearest = std::min(in - 1, int64_t(alignCorners ? std::floor(source + 0.5) : std::floor(source)));
    if (halfPixelCenters) nearest = std::max<int64_t>(0, nearest);
    index[size_t(i)] = nearest;
  }
  return at::tensor(index, at::TensorOptions().dtype(at::kLong)).to(like.device());
}

// Weight vector shaped to broadcast along `dim` of an NHWC tensor.
at::Tensor along(const at::Tensor& weight, int64_t dim) {
  std::vector<int64_t> shape{1, 1, 1, 1};
  shape[size_t(dim)] = -1;
  return weight.reshape(shape);
}

// Picks rows (dim 1) or columns (dim 2) of an NHWC tensor. Advanced indexing is one parallel
// gather, where index_select along an inner dim copies slice by slice (a parallel region per
// index, very slow when another process holds a core).
at::Tensor pick(const at::Tensor& x, int64_t dim, const at::Tensor& index) {
  using at::indexing::Slice;
  return dim == 1 ? x.index({Slice(), index}) : x.index({Slice(), Slice(), index});
}

at::Tensor interpolate(const at::Tensor& x, int64_t dim, const LinearTaps& taps) {
  at::Tensor low = pick(x, dim, taps.low), high = pick(x, dim, taps.high);
  return low + (high - low) * along(taps.weight, dim);
}

// out[..., index[i], ...] += source[..., i, ...] along dim 1 or 2 of NHWC tensors. An
// accumulating index_put_ is one serial pass; index_add_ along an inner dim runs a parallel
// region per index, which stalls whenever another process holds a core.
void accumulate(at::Tensor& out, int64_t dim, const at::Tensor& index, const at::Tensor& source) {
  c10::List<c10::optional<at::Tensor>> indices;
  for (int64_t d = 0; d < dim; ++d) indices.push_back(c10::nullopt);  // whole leading dims
  indices.push_back(index);
  out.index_put_(indices, source, true);
}

// The adjoint of `interpolate`: spreads `grad` back onto `size` source positions along `dim`.
at::Tensor spread(const at::Tensor& grad, int64_t dim, const LinearTaps& taps, int64_t size) {
  std::vector<int64_t> shape(grad.sizes().begin(), grad.sizes().end());
  shape[size_t(dim)] = size;
  at::Tensor out = at::zeros(shape, grad.options());
  at::Tensor w = along(taps.weight, dim);
  accumulate(out, dim, taps.low, grad * (1 - w));
  accumulate(out, dim, taps.high, grad * w);
  return out;
}

}  // namespace

// resizeBilinear(images, newHeight, newWidth, alignCorners, halfPixelCenters): columns are
// interpolated first, then rows, as tfjs does.
// Half-pixel centres and align-corners are exactly ATen's align_corners = false / true (both
// clamp sources to the edges), whose channels_last kernels are several times faster than the taps
// below; tfjs's legacy mode (neither flag) has no ATen twin and uses the taps.
bool atenResizeMode(bool align, bool half) { return align != half; }

TORCH_OP(resizeBilinear) {
  at::Tensor x = a.tensor(0);
  if (!at::isFloatingType(x.scalar_type())) x = x.to(at::kFloat);
  const int64_t newHeight = a.i64(1), newWidth = a.i64(2);
  const bool align = a.flag(3), half = a.flag(4);
  if (atenResizeMode(align, half)) {
    return toNhwc(at::upsample_bilinear2d(toNchw(x), {newHeight, newWidth}, align, c10::nullopt, c10::nullopt));
  }
  auto cols = linearTaps(x.size(2), newWidth, align, half, x);
  auto rows = linearTaps(x.size(1), newHeight, align, half, x);
  return interpolate(interpolate(x, 2, cols), 1, rows);
}

// resizeBilinearGrad(dy, images, alignCorners, halfPixelCenters): the exact adjoint.
TORCH_OP(resizeBilinearGrad) {
  at::Tensor dy = a.tensor(0), images = a.tensor(1);
  const bool align = a.flag(2), half = a.flag(3);
  const int64_t height = images.size(1), width = images.size(2);
  if (atenResizeMode(align, half)) {
    at::Tensor grad = toNchw(dy);
    return toNhwc(at::upsample_bilinear2d_backward(grad, {dy.size(1), dy.size(2)},
                                                   {dy.size(0), dy.size(3), height, width}, align, c10::nullopt,
                                                   c10::nullopt));
  }
  auto rows = linearTaps(height, dy.size(1), align, half, dy);
  auto cols = linearTaps(width, dy.size(2), align, half, dy);
  return spread(spread(dy, 1, rows, height), 2, cols, width);
}

TORCH_OP(resizeNearestNeighbor) {
  at::Tensor x = a.tensor(0);
  const int64_t newHeight = a.i64(1), newWidth = a.i64(2);
  const bool align = a.flag(3), half = a.flag(4);
  using at::indexing::Slice;
  at::Tensor rows = nearestIndices(x.size(1), newHeight, align, half, x).view({-1, 1});
  at::Tensor cols = nearestIndices(x.size(2), newWidth, align, half, x).view({1, -1});
  return x.index({Slice(), rows, cols});
}

TORCH_OP(resizeNearestNeighborGrad) {
  at::Tensor dy = a.tensor(0), images = a.tensor(1);
  const bool align = a.flag(2), half = a.flag(3);
  const int64_t height = images.size(1), width = images.size(2);
  at::Tensor rowsIndex = nearestIndices(height, dy.size(1), align, half, dy);
  at::Tensor colsIndex = nearestIndices(width, dy.size(2), align, half, dy);
  at::Tensor byRows = at::zeros({dy.size(0), height, dy.size(2), dy.size(3)}, dy.options());
  accumulate(byRows, 1, rowsIndex, dy);
  at::Tensor out = at::zeros({dy.size(0), height, width, dy.size(3)}, dy.options());
  accumulate(out, 2, colsIndex, byRows);
  return out;
}

// --- matrix products ---------------------------------------------------------------------
// matMul(a, b, bias?, preluWeights?, transposeA, transposeB, activation, leakyAlpha)
TORCH_OP(matMul) {
  at::Tensor x = a.tensor(0), y = a.tensor(1);
  at::Tensor bias = optionalTensor(a, 2), prelu = optionalTensor(a, 3);
  if (a.flag(4)) x = x.transpose(-1, -2);
  if (a.flag(5)) y = y.transpose(-1, -2);
  at::Tensor out = at::matmul(x, y);
  if (bias.defined()) out = out + bias;
  return applyActivation(out, a.has(6) ? a.str(6) : "linear", prelu, a.has(7) ? a.f64(7) : 0.2);
}

}  // namespace tfjs_torch
