// Box decoding of the reference (utils/box_utils.decode) done directly in input-image pixels:
//   centre = prior centre + d_xy * variance0 * prior size,  size = prior size * exp(d_wh * variance1).
import * as tf from '@tensorflow/tfjs';
import type { Priors } from './priors.js';

/** [B, A, 4] regressions -> [B, A, 4] corners x1, y1, x2, y2. */
export function decodeBoxes(regressions: tf.Tensor3D, priors: Priors, variance: readonly [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const centers = tf.tensor3d(priors.centers, [1, priors.count, 2]);
    const sizes = tf.tensor3d(priors.sizes, [1, priors.count, 1]);
    const [dxy, dwh] = tf.split(regressions, 2, 2);
    const center = tf.add(centers, tf.mul(tf.mul(dxy, variance[0]), sizes));
    const size = tf.mul(sizes, tf.exp(tf.mul(dwh, variance[1])));
    const topLeft = tf.sub(center, tf.div(size, 2));
    return tf.concat([topLeft, tf.add(topLeft, size)], 2) as tf.Tensor3D;
  });
}
