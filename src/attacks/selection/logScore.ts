// log S, clamped away from 0 so a fully suppressed score gives a finite loss and gradient.
import * as tf from '@tensorflow/tfjs';

export const SCORE_FLOOR = 1e-7;

export function logScore(scores: tf.Tensor1D): tf.Tensor1D {
  return tf.log(tf.maximum(scores, SCORE_FLOOR)) as tf.Tensor1D;
}
