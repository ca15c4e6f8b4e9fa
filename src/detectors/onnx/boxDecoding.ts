// Box conversions between the forms detectors output, as differentiable tfjs ops.
import * as tf from '@tensorflow/tfjs';

/**
 * SSD decoding: regression offsets [..., A, 4] against centre-form priors [A, 4] (normalised),
 * with the centre and size variances of the training code (ULFD and RetinaFace: 0.1 and 0.2).
 * Returns corner-form [x1, y1, x2, y2] boxes, normalised like the priors.
 */
export function decodeSsdOffsets(offsets: tf.Tensor, priors: tf.Tensor2D, centerVariance: number, sizeVariance: number): tf.Tensor {
  return tf.tidy(() => {
    const [dxy, dwh] = tf.split(offsets, [2, 2], -1);
    const [priorXY, priorWH] = tf.split(priors, [2, 2], -1);
    const centre = tf.add(tf.mul(tf.mul(dxy, centerVariance), priorWH), priorXY);
    const size = tf.mul(tf.exp(tf.mul(dwh, sizeVariance)), priorWH);
    return centreToCorners(tf.concat([centre, size], -1));
  });
}

/** [cx, cy, w, h] -> [x1, y1, x2, y2] along the last axis. */
export function centreToCorners(boxes: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [centre, size] = tf.split(boxes, [2, 2], -1);
    const half = tf.div(size, 2);
    return tf.concat([tf.sub(centre, half), tf.add(centre, half)], -1);
  });
}

/** Scales normalised [x1, y1, x2, y2] boxes to pixels of a width x height image. */
export function scaleCorners(boxes: tf.Tensor, width: number, height: number): tf.Tensor {
  return tf.mul(boxes, tf.tensor1d([width, height, width, height]));
}
