// col2im: scatters per-output-pixel patch columns back onto the image, summing overlaps. With
// cols = dy · W^T (one 1x1 convolution), this gives a strided convolution's input gradient
// without the stride^2 wasted work of zero insertion.
import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './kernelCalls.js';

/**
 * cols [B, oh, ow, kh*kw*C] (tap order i, j, c) -> image [B, H, W, C] where tap (i, j) of output
 * pixel (oy, ox) lands on (oy*sh + i*dh - padTop, ox*sw + j*dw - padLeft); taps in the padding
 * are dropped.
 */
export function columnsToImage(
  backend: WasmBackend,
  cols: tf.TensorInfo,
  convInfo: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = convInfo;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = convInfo;
  const padTop = convInfo.padInfo.top;
  const padLeft = convInfo.padInfo.left;
  const image = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  // Views taken after the allocation: allocating may grow (and so replace) the wasm memory.
  const source = backend.typedArrayFromHeap(cols) as Float32Array;
  const target = backend.typedArrayFromHeap(image) as Float32Array;
  target.fill(0);
  const tapsPerPixel = filterHeight * filterWidth * inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const column = ((b * outHeight + oy) * outWidth + ox) * tapsPerPixel;
        for (let i = 0; i < filterHeight; i++) {
          const y = oy * strideHeight + i * dilationHeight - padTop;
          if (y < 0 || y >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const x = ox * strideWidth + j * dilationWidth - padLeft;
            if (x < 0 || x >= inWidth) continue;
            const from = column + (i * filterWidth + j) * inChannels;
            const to = ((b * inHeight + y) * inWidth + x) * inChannels;
            for (let c = 0; c < inChannels; c++) target[to + c] += source[from + c];
          }
        }
      }
    }
  }
  return image;
}
