// MaxPoolGrad for the wasm backend. The shipped kernel (tfjs-backend-wasm 4.22) drops the gradient
// of every window whose values are all negative (it starts the running maximum too high), which
// breaks the input gradient of detectors with max pooling. This one routes dy to the first
// maximum of each window in row-major order, as the cpu backend does.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../kernelCalls.js';

function maxPoolGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { dy, input } = inputs as Record<'dy' | 'input', tf.TensorInfo>;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const dx = wasm.makeOutput(input.shape, 'float32');
  // Views taken after the allocation: allocating may grow (and so replace) the wasm memory.
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const upstream = wasm.typedArrayFromHeap(dy) as Float32Array;
  const result = wasm.typedArrayFromHeap(dx) as Float32Array;
  result.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const yStart = oy * strideHeight - padTop;
      for (let ox = 0; ox < outWidth; ox++) {
        const xStart = ox * strideWidth - padLeft;
        for (let c = 0; c < channels; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let bestAt = -1;
          for (let i = 0; i < effectiveFilterHeight; i += dilationHeight) {
            const y = yStart + i;
            if (y < 0 || y >= inHeight) continue;
            for (let j = 0; j < effectiveFilterWidth; j += dilationWidth) {
              const xx = xStart + j;
              if (xx < 0 || xx >= inWidth) continue;
              const at = ((b * inHeight + y) * inWidth + xx) * channels + c;
              if (x[at] > best) {
                best = x[at];
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) result[bestAt] += upstream[((b * outHeight + oy) * outWidth + ox) * channels + c];
        }
      }
    }
  }
  return dx;
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
