// Cutting a window's block out of the image and resampling it to the net's input size, in
// MTCNN's transposed layout [size (x), size (y), 3]. Two implementations of one formula: plain
// arrays for the non-differentiable R-Net stage (fast on thousands of proposals), and tfjs ops for
// the O-Net stage, differentiable w.r.t. the image: a slice (gradient: a pad) and two matmuls with
// the resampling matrices. tf.image.cropAndResize has no gradient in tfjs, and gather-based
// interpolation has an unusable gradient on the cpu backend (see notes), hence the matmuls.
import * as tf from '@tensorflow/tfjs';
import { tapsMatrix, triangleTaps } from './resample.js';
import type { CropRegion } from './windowBox.js';

/** One image's pixels, row-major [height, width, 3]. */
export interface PixelImage {
  data: Float32Array;
  height: number;
  width: number;
}

/** The patch of `region` resampled to size x size, transposed: value (x, y, c) at ((x * size + y) * 3 + c). */
export function cropPatchData(image: PixelImage, region: CropRegion, size: number): Float32Array {
  const { x0, y0, x1, y1 } = region;
  const blockWidth = x1 - x0;
  const rowTaps = triangleTaps(y1 - y0, size);
  const columnTaps = triangleTaps(blockWidth, size);
  // Vertical pass: rows[y][x][c] over the block's columns.
  const rows = new Float64Array(size * blockWidth * 3);
  rowTaps.forEach((tap, y) => {
    tap.weights.forEach((w, k) => {
      const source = ((y0 + tap.first + k) * image.width + x0) * 3;
      const target = y * blockWidth * 3;
      for (let i = 0; i < blockWidth * 3; i++) rows[target + i] += w * image.data[source + i];
    });
  });
  const patch = new Float32Array(size * size * 3);
  columnTaps.forEach((tap, x) => {
    for (let y = 0; y < size; y++) {
      let r = 0;
      let g = 0;
      let b = 0;
      tap.weights.forEach((w, k) => {
        const source = (y * blockWidth + tap.first + k) * 3;
        r += w * rows[source];
        g += w * rows[source + 1];
        b += w * rows[source + 2];
      });
      const target = (x * size + y) * 3;
      patch[target] = r;
      patch[target + 1] = g;
      patch[target + 2] = b;
    }
  });
  return patch;
}

/** The same patch from image `index` of a [B, H, W, 3] tensor, differentiable: [size, size, 3] transposed. */
export function cropPatchTensor(images: tf.Tensor4D, index: number, region: CropRegion, size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const { x0, y0, x1, y1 } = region;
    const height = y1 - y0;
    const width = x1 - x0;
    const rowMatrix = tf.tensor2d(tapsMatrix(triangleTaps(height, size), height), [size, height]);
    const columnMatrix = tf.tensor2d(tapsMatrix(triangleTaps(width, size), width), [size, width]);
    const block = tf.reshape(tf.slice(images, [index, y0, x0, 0], [1, height, width, 3]), [height, width * 3]);
    const rows = tf.reshape(tf.matMul(rowMatrix, block), [size, width, 3]);
    const byColumn = tf.reshape(tf.transpose(rows, [1, 0, 2]), [width, size * 3]);
    return tf.reshape(tf.matMul(columnMatrix, byColumn), [size, size, 3]) as tf.Tensor3D;
  });
}
