// ResizeBilinearGrad for the wasm backend: the exact adjoint of tfjs's bilinear resize, for every
// combination of alignCorners and halfPixelCenters. The shipped kernels (wasm and cpu alike)
// ignore halfPixelCenters, so their gradient is wrong for that mode.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../kernelCalls.js';

/** Source coordinate of each output row/column, as tfjs's resizeBilinear computes it. */
function sourceCoordinates(outSize: number, inSize: number, alignCorners: boolean, halfPixelCenters: boolean) {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const fraction = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const source = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    low[o] = Math.max(0, Math.floor(source));
    high[o] = Math.min(inSize - 1, Math.ceil(source));
    fraction[o] = source - low[o];
  }
  return { low, high, fraction };
}

function resizeBilinearGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { images, dy } = inputs as Record<'images' | 'dy', tf.TensorInfo>;
  const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeBilinearGradAttrs;
  const [batch, inHeight, inWidth, channels] = images.shape;
  const [, outHeight, outWidth] = dy.shape;
  const rows = sourceCoordinates(outHeight, inHeight, alignCorners, Boolean(halfPixelCenters));
  const cols = sourceCoordinates(outWidth, inWidth, alignCorners, Boolean(halfPixelCenters));
  const dx = wasm.makeOutput(images.shape, 'float32');
  // Views taken after the allocation: allocating may grow (and so replace) the wasm memory.
  const upstream = wasm.typedArrayFromHeap(dy) as Float32Array;
  const result = wasm.typedArrayFromHeap(dx) as Float32Array;
  result.fill(0);
  const rowStride = inWidth * channels;
  let from = 0;
  for (let b = 0; b < batch; b++) {
    const image = b * inHeight * rowStride;
    for (let r = 0; r < outHeight; r++) {
      const top = image + rows.low[r] * rowStride;
      const bottom = image + rows.high[r] * rowStride;
      const rowFraction = rows.fraction[r];
      for (let c = 0; c < outWidth; c++) {
        const left = cols.low[c] * channels;
        const right = cols.high[c] * channels;
        const colFraction = cols.fraction[c];
        // out = TL (1-cf)(1-rf) + TR cf (1-rf) + BL (1-cf) rf + BR cf rf
        const topLeft = (1 - colFraction) * (1 - rowFraction);
        const topRight = colFraction * (1 - rowFraction);
        const bottomLeft = (1 - colFraction) * rowFraction;
        const bottomRight = colFraction * rowFraction;
        for (let d = 0; d < channels; d++, from++) {
          const g = upstream[from];
          result[top + left + d] += g * topLeft;
          result[top + right + d] += g * topRight;
          result[bottom + left + d] += g * bottomLeft;
          result[bottom + right + d] += g * bottomRight;
        }
      }
    }
  }
  return dx;
}

export const resizeBilinearGradConfig: tf.KernelConfig = {
  kernelName: tf.ResizeBilinearGrad,
  backendName: 'wasm',
  kernelFunc: resizeBilinearGrad,
};
