// Bilinear resizing as gathers and blends, numerically what tf.image.resizeBilinear computes
// (alignCorners = false, halfPixelCenters = false), but differentiable for any aspect ratio:
// tfjs's cpu ResizeBilinearGrad swaps height and width, so its gradient fails on non-square
// images. The gradient is our own scatter-add: tf.gather's cpu gradient (unsortedSegmentSum)
// takes minutes on photo-sized inputs.
import * as tf from '@tensorflow/tfjs';

interface AxisSampling {
  lower: Int32Array;
  upper: Int32Array;
  /** Weight of `upper` per output index. */
  fraction: Float32Array;
}

function axisSampling(inSize: number, outSize: number): AxisSampling {
  const scale = inSize / outSize;
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const fraction = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const source = i * scale;
    lower[i] = Math.floor(source);
    upper[i] = Math.min(inSize - 1, Math.ceil(source));
    fraction[i] = source - lower[i];
  }
  return { lower, upper, fraction };
}

/** Permutation bringing `axis` of a rank-4 tensor to the front, and its inverse. */
function axisFirst(axis: 1 | 2): { perm: number[]; inverse: number[] } {
  return axis === 1 ? { perm: [1, 0, 2, 3], inverse: [1, 0, 2, 3] } : { perm: [2, 0, 1, 3], inverse: [1, 2, 0, 3] };
}

function resizeAxis(images: tf.Tensor4D, outSize: number, axis: 1 | 2): tf.Tensor4D {
  const inSize = images.shape[axis];
  if (inSize === outSize) return images;
  const { lower, upper, fraction } = axisSampling(inSize, outSize);
  const fractionShape = axis === 1 ? [1, outSize, 1, 1] : [1, 1, outSize, 1];
  const resize = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    const value = tf.tidy(() => {
      const a = tf.gather(x, tf.tensor1d(lower, 'int32'), axis);
      const b = tf.gather(x, tf.tensor1d(upper, 'int32'), axis);
      return tf.add(a, tf.mul(tf.sub(b, a), tf.tensor(fraction, fractionShape)));
    });
    // The adjoint: each output row sends (1 - f) of its gradient to `lower` and f to `upper`.
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => {
        const { perm, inverse } = axisFirst(axis);
        const dyFirst = tf.transpose(dy, perm);
        const weight = tf.tensor(fraction, [outSize, 1, 1, 1]);
        const shape = [inSize, ...dyFirst.shape.slice(1)];
        const toLower = tf.scatterND(tf.tensor2d(lower, [outSize, 1], 'int32'), tf.mul(dyFirst, tf.sub(1, weight)), shape);
        const toUpper = tf.scatterND(tf.tensor2d(upper, [outSize, 1], 'int32'), tf.mul(dyFirst, weight), shape);
        return tf.transpose(tf.add(toLower, toUpper), inverse);
      });
    return { value, gradFunc };
  });
  return resize(images) as tf.Tensor4D;
}

/** [B, H, W, C] -> [B, height, width, C], bilinear, differentiable on every backend. */
export function resizeBilinearDifferentiable(images: tf.Tensor4D, [height, width]: [number, number]): tf.Tensor4D {
  return tf.tidy(() => resizeAxis(resizeAxis(images, height, 1), width, 2));
}
