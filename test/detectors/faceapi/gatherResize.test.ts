import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { resizeBilinearDifferentiable } from '../../../src/detectors/faceapi/gatherResize.js';

test('gather-based resize equals tf.image.resizeBilinear on non-square images, up and down', () => {
  for (const [h, w, oh, ow] of [[7, 5, 16, 16], [30, 44, 13, 9], [5, 9, 5, 20]]) {
    const x = tf.randomUniform([2, h, w, 3], 0, 1, 'float32', h * w);
    const ours = resizeBilinearDifferentiable(x as tf.Tensor4D, [oh, ow]);
    const reference = tf.image.resizeBilinear(x as tf.Tensor4D, [oh, ow], false, false);
    const diff = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0];
    assert.ok(diff < 1e-5, `${h}x${w} -> ${oh}x${ow}: max difference ${diff}`);
    tf.dispose([x, ours, reference]);
  }
});

test('its gradient on a non-square image equals the exact derivative (the op is linear)', () => {
  const [h, w] = [6, 4];
  const x = tf.randomUniform([1, h, w, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const weights = tf.randomUniform([1, 9, 11, 1], 0, 1, 'float32', 4);
  const objective = (im: tf.Tensor) => tf.sum(tf.mul(resizeBilinearDifferentiable(im as tf.Tensor4D, [9, 11]), weights));
  const gradient = tf.grad(objective)(x).dataSync();
  // Linear in x: the derivative at pixel i is objective(e_i) exactly.
  for (const i of [0, 5, 13, 23]) {
    const unit = tf.tensor4d(Array.from({ length: h * w }, (_, j) => (j === i ? 1 : 0)), [1, h, w, 1]);
    const exact = objective(unit).dataSync()[0];
    assert.ok(Math.abs(gradient[i] - exact) < 1e-4, `pixel ${i}: ${gradient[i]} vs ${exact}`);
    unit.dispose();
  }
});
