// DepthwiseConv2dNativeBackpropFilter for the wasm backend (which has none): with the batch folded
// into the channels (x as [1, H, W, B*C]) and dy as a per-channel filter ([oh, ow, B*C, m]) dilated
// by the forward stride, one forward depthwise convolution (XNNPACK) gives every (b, c, q)
// correlation; summing over b gives dW [kh, kw, C, m]. Needed only when weights are trained.
import * as tf from '@tensorflow/tfjs';
import { padInputForFilterGradient } from '../filterGradientGeometry.js';
import { reshape, runWasmKernel, sum, transpose, withIntermediates, type WasmBackend } from '../kernelCalls.js';

function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, dy } = inputs as Record<'x' | 'dy', tf.TensorInfo>;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? [1, 1],
    pad,
    dimRoundingMode,
    true,
  );
  const [filterHeight, filterWidth, channels, multiplier] = filterShape;
  const batch = x.shape[0];
  const [, outHeight, outWidth] = dy.shape;
  return withIntermediates(wasm, (keep) => {
    const { input, padding } = padInputForFilterGradient(wasm, x, convInfo, keep);
    const [, height, width] = input.shape;
    const batchInChannels = keep(reshape(wasm, keep(transpose(wasm, input, [1, 2, 0, 3])), [1, height, width, batch * channels]));
    const dyAsFilter = keep(
      reshape(wasm, keep(transpose(wasm, dy, [1, 2, 0, 3])), [outHeight, outWidth, batch * channels, multiplier]),
    );
    const perBatch = keep(
      runWasmKernel(wasm, tf.DepthwiseConv2dNative, { x: batchInChannels, filter: dyAsFilter }, {
        strides: [convInfo.dilationHeight, convInfo.dilationWidth],
        pad: padding,
        dilations: [convInfo.strideHeight, convInfo.strideWidth],
      }),
    );
    const grouped = keep(reshape(wasm, perBatch, [filterHeight * filterWidth, batch, channels * multiplier]));
    const summed = batch === 1 ? grouped : keep(sum(wasm, grouped, [1]));
    return reshape(wasm, summed, filterShape);
  });
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
