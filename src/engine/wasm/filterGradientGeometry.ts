// The filter gradient of a convolution is itself a convolution: the input x correlated with the
// upstream gradient dy used as a (large, stride-dilated) filter. This works out the padding of
// that convolution so that its output is exactly the filter's size.
import * as tf from '@tensorflow/tfjs';
import { slice, type WasmBackend } from './kernelCalls.js';

/**
 * Pads (or crops) x [B, H, W, C] for the filter-gradient convolution: it runs with stride = the
 * forward dilation and dilation = the forward stride, over a filter of dy's spatial size, and must
 * produce filterHeight x filterWidth outputs.
 */
export function padInputForFilterGradient(
  backend: WasmBackend,
  x: tf.TensorInfo,
  convInfo: tf.backend_util.Conv2DInfo,
  keep: (info: tf.TensorInfo) => tf.TensorInfo,
): { input: tf.TensorInfo; padding: [[number, number], [number, number], [number, number], [number, number]] } {
  const needed = (filterSize: number, dilation: number, outSize: number, stride: number) =>
    (filterSize - 1) * dilation + (outSize - 1) * stride + 1;
  const top = convInfo.padInfo.top;
  const left = convInfo.padInfo.left;
  const bottom = needed(convInfo.filterHeight, convInfo.dilationHeight, convInfo.outHeight, convInfo.strideHeight) - convInfo.inHeight - top;
  const right = needed(convInfo.filterWidth, convInfo.dilationWidth, convInfo.outWidth, convInfo.strideWidth) - convInfo.inWidth - left;
  let input = x;
  if (bottom < 0 || right < 0) {
    // The forward convolution never read the last rows/columns: drop them.
    const [batch, height, width, channels] = x.shape;
    input = keep(slice(backend, x, [0, 0, 0, 0], [batch, height + Math.min(0, bottom), width + Math.min(0, right), channels]));
  }
  return { input, padding: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]] };
}
