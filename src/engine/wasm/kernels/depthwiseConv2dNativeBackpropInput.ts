// DepthwiseConv2dNativeBackpropInput for the wasm backend (which has none): a forward depthwise
// convolution (XNNPACK) of the stride-spread dy with the flipped filter. With a channel
// multiplier m, each of the C*m output channels is convolved on its own and the m results of
// each input channel are summed.
import * as tf from '@tensorflow/tfjs';
import { reshape, reverse, runWasmKernel, sum, withIntermediates, type WasmBackend } from '../kernelCalls.js';
import { cachedFilterTransform } from '../transformedFilterCache.js';
import { stretchGradient } from '../transposedConv.js';

function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { dy, filter } = inputs as Record<'dy' | 'filter', tf.TensorInfo>;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const dilation = dilations ?? [1, 1];
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilation,
    pad,
    dimRoundingMode,
    true,
  );
  const [filterHeight, filterWidth, channels, multiplier] = filter.shape;
  const [batch, inHeight, inWidth] = inputShape;
  return withIntermediates(wasm, (keep) => {
    const { spread, padding } = stretchGradient(wasm, dy, convInfo, keep);
    // Flipped spatially; with a multiplier, one filter per output channel: [kh, kw, C*m, 1].
    const flipped = cachedFilterTransform(wasm, filter, 'depthwise-input-gradient', () =>
      withIntermediates(wasm, (keepInner) =>
        reshape(wasm, keepInner(reverse(wasm, filter, [0, 1])), [filterHeight, filterWidth, channels * multiplier, 1]),
      ),
    );
    const convolve = () =>
      runWasmKernel(wasm, tf.DepthwiseConv2dNative, { x: spread, filter: flipped }, {
        strides: [1, 1],
        pad: padding,
        dilations: dilation,
      });
    if (multiplier === 1) return convolve();
    const perOutputChannel = keep(convolve());
    const grouped = keep(reshape(wasm, perOutputChannel, [batch * inHeight * inWidth * channels, multiplier]));
    const summed = keep(sum(wasm, grouped, [1]));
    return reshape(wasm, summed, [batch, inHeight, inWidth, channels]);
  });
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
