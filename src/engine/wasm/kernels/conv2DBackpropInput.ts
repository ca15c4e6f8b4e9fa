// Conv2DBackpropInput for the wasm backend from the backend's fast forward convolution (XNNPACK).
// The kernel the wasm backend ships is a scalar loop, ten times slower than the forward pass.
// - stride 1: a stride-1 convolution of the padded dy with the flipped, in/out-transposed filter;
// - larger strides: cols = dy · W^T as one 1x1 convolution, then col2im (zero insertion would
//   waste stride^2 of the work, and the first layer's 3 input channels make it worse).
import * as tf from '@tensorflow/tfjs';
import { columnsToImage } from '../columnsToImage.js';
import { reshape, reverse, runWasmKernel, transpose, withIntermediates, type WasmBackend } from '../kernelCalls.js';
import { cachedFilterTransform } from '../transformedFilterCache.js';
import { stretchGradient } from '../transposedConv.js';

function conv2DBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { dy, filter } = inputs as Record<'dy' | 'filter', tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (tf.backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropInput supports dataFormat NHWC only (got ${dataFormat})`);
  }
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [filterHeight, filterWidth, inChannels, outChannels] = filter.shape;
  return withIntermediates(wasm, (keep) => {
    if (convInfo.strideHeight > 1 || convInfo.strideWidth > 1) {
      // [kh, kw, in, out] -> [1, 1, out, kh*kw*in]: each output pixel's dy times W^T is its patch.
      const columnsFilter = cachedFilterTransform(wasm, filter, 'conv2d-input-gradient-columns', () =>
        withIntermediates(wasm, (keepInner) => {
          const matrix = keepInner(reshape(wasm, filter, [filterHeight * filterWidth * inChannels, outChannels]));
          const transposed = keepInner(transpose(wasm, matrix, [1, 0]));
          return reshape(wasm, transposed, [1, 1, outChannels, filterHeight * filterWidth * inChannels]);
        }),
      );
      const cols = keep(
        runWasmKernel(wasm, tf.Conv2D, { x: dy, filter: columnsFilter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] }),
      );
      return columnsToImage(wasm, cols, convInfo);
    }
    const { spread, padding } = stretchGradient(wasm, dy, convInfo, keep);
    // [kh, kw, in, out] -> flipped [kh, kw, out, in]: the gradient flows from out to in channels.
    const flipped = cachedFilterTransform(wasm, filter, 'conv2d-input-gradient', () =>
      withIntermediates(wasm, (keepInner) => transpose(wasm, keepInner(reverse(wasm, filter, [0, 1])), [0, 1, 3, 2])),
    );
    return runWasmKernel(wasm, tf.Conv2D, { x: spread, filter: flipped }, {
      strides: [1, 1],
      pad: padding,
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
  });
}

export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
