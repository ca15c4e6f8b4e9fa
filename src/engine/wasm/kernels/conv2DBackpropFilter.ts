// Conv2DBackpropFilter for the wasm backend (which has none): dW[i, j, ci, co] = sum over batch and
// output pixels of x[b, y*s + i, x*s + j, ci] * dy[b, y, x, co] — a forward convolution (XNNPACK)
// of x with channels and batch swapped ([Ci, H, W, B]) by dy as the filter ([oh, ow, B, Co]),
// dilated by the forward stride. Needed only when weights are trained, not for input gradients.
import * as tf from '@tensorflow/tfjs';
import { padInputForFilterGradient } from '../filterGradientGeometry.js';
import { runWasmKernel, transpose, withIntermediates, type WasmBackend } from '../kernelCalls.js';

function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, dy } = inputs as Record<'x' | 'dy', tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropFilter supports dataFormat NHWC only (got ${dataFormat})`);
  }
  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return withIntermediates(wasm, (keep) => {
    const { input, padding } = padInputForFilterGradient(wasm, x, convInfo, keep);
    const channelsAsBatch = keep(transpose(wasm, input, [3, 1, 2, 0]));
    const dyAsFilter = keep(transpose(wasm, dy, [1, 2, 0, 3]));
    const gradient = keep(
      runWasmKernel(wasm, tf.Conv2D, { x: channelsAsBatch, filter: dyAsFilter }, {
        strides: [convInfo.dilationHeight, convInfo.dilationWidth],
        pad: padding,
        dataFormat: 'NHWC',
        dilations: [convInfo.strideHeight, convInfo.strideWidth],
      }),
    );
    return transpose(wasm, gradient, [1, 2, 0, 3]);
  });
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
