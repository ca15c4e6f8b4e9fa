// The differentiable image resize against tfjs's own resizeBilinear (half-pixel centres): forward
// values, and gradients against the Jacobian assembled from resizeBilinear's forward pass on
// one-hot images (resizeBilinear's own gradient fails for non-square images on the cpu backend).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { resizeBilinearNHWC } from '../../../src/detectors/onnx/index.js';

await tf.setBackend('cpu');

test('resizeBilinearNHWC equals tf.image.resizeBilinear with half-pixel centres (up, down, mixed)', () => {
  const images = tf.randomUniform([2, 7, 11, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  for (const [h, w] of [
    [5, 9],
    [16, 20],
    [3, 30],
    [7, 11],
  ]) {
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(resizeBilinearNHWC(images, h, w), tf.image.resizeBilinear(images, [h, w], false, true)))).dataSync()[0]);
    assert.ok(diff < 1e-5, `${h}x${w}: max diff ${diff}`);
  }
  images.dispose();
});

test('resizeBilinearNHWC gradients on a non-square image equal the transposed resize Jacobian', () => {
  const [H, W, h, w] = [4, 6, 7, 3];
  const outputWeights = tf.randomNormal([1, h, w, 1], 0, 1, 'float32', 3);
  const image = tf.randomUniform([1, H, W, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(resizeBilinearNHWC(x as tf.Tensor4D, h, w), outputWeights)))(image);
  const g = gradient.dataSync();
  // The resize is linear: d loss / d pixel i = sum(resize(e_i) * weights), with tfjs's forward as the oracle.
  let largest = 0;
  for (let i = 0; i < H * W; i++) {
    const expected = tf.tidy(() => {
      const oneHot = tf.reshape(tf.oneHot([i], H * W).toFloat(), [1, H, W, 1]) as tf.Tensor4D;
      return tf.sum(tf.mul(tf.image.resizeBilinear(oneHot, [h, w], false, true), outputWeights)).dataSync()[0];
    });
    assert.ok(Math.abs(g[i] - expected) < 1e-5, `pixel ${i}: gradient ${g[i]}, Jacobian ${expected}`);
    largest = Math.max(largest, Math.abs(expected));
  }
  assert.ok(largest > 0.1, 'the check compared only zeros');
  tf.dispose([outputWeights, image, gradient]);
});
