// Gradients of the summed face scores w.r.t. the input image, computed on the cpu backend (the one
// with every gradient kernel), against central finite differences of the forward pass, run on
// wasm (same math; a cpu forward pass of SSD costs ~7 s). gradients.slow.test.ts does SSD all on cpu.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { createDetector } from '../../../src/detectors/registry.js';
import type { FaceDetector } from '../../../src/detectors/types.js';
import { centralDifference, largestMagnitudes, loadSample } from './faceApiFixtures.js';

/** A small non-square crop around a face of sample1 (pad and resize are on the gradient path). */
const FACE_CROP = { left: 380, top: 320, width: 260, height: 320 };

function scoreSum(detector: FaceDetector): (x: tf.Tensor4D) => Promise<number> {
  return async (x) => {
    const raw = detector.forwardRaw(x);
    const scores = (await raw.scores.data()) as Float32Array;
    tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    return scores.reduce((a, b) => a + b, 0); // float64 sum: keeps differences above rounding noise
  };
}

async function gradientOfScoreSum(detector: FaceDetector, image: tf.Tensor4D): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(image));
  assert.equal(tf.memory().numTensors, before + 1, 'tf.grad inside tf.tidy leaves only the gradient');
  const values = (await gradient.data()) as Float32Array;
  gradient.dispose();
  return values;
}

async function assertMatchesFiniteDifferences(detector: FaceDetector, image: tf.Tensor4D, gradient: Float32Array, label: string): Promise<void> {
  assert.ok(gradient.every(Number.isFinite), `${label}: gradient has non-finite values`);
  const indices = largestMagnitudes(gradient, 3);
  assert.ok(Math.abs(gradient[indices[0]]) > 1e-3, `${label}: gradient is (near) zero`);
  for (const index of indices) {
    // A small step: the clipped/leaky activations make the score sum kinked at larger steps.
    const numeric = await centralDifference(scoreSum(detector), image, index, 1e-4);
    const analytic = gradient[index];
    assert.ok(
      Math.abs(numeric - analytic) <= 0.03 * Math.abs(analytic) + 1e-2,
      `${label}: pixel ${index}: analytic ${analytic}, central difference ${numeric}`,
    );
  }
}

test('tiny-face: d(sum of scores)/d(image) is finite, non-zero and matches central differences', async () => {
  await initBackend('cpu');
  const detector = await createDetector('tiny-face');
  const { pixels, image } = await loadSample(1, { crop: FACE_CROP, width: 48, height: 60 });
  const gradient = await gradientOfScoreSum(detector, image);
  await initBackend('wasm');
  await assertMatchesFiniteDifferences(detector, image, gradient, 'tiny-face');
  tf.dispose([pixels, image]);
  detector.dispose();
});

test('ssd-mobilenetv1: d(sum of scores)/d(image) is finite, non-zero and matches central differences', async () => {
  await initBackend('cpu');
  const detector = await createDetector('ssd-mobilenetv1');
  const { pixels, image } = await loadSample(1, { crop: FACE_CROP, width: 48, height: 60 });
  const gradient = await gradientOfScoreSum(detector, image);
  await initBackend('wasm');
  await assertMatchesFiniteDifferences(detector, image, gradient, 'ssd-mobilenetv1');
  tf.dispose([pixels, image]);
  detector.dispose();
});
