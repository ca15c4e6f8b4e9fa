// The SSD gradient check of gradients.test.ts with the finite differences on cpu as well (no
// backend switch): 1-2 minutes, since each cpu forward pass of SSD takes ~7 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { createDetector } from '../../../src/detectors/registry.js';
import { centralDifference, largestMagnitudes, loadSample } from './faceApiFixtures.js';

test('ssd-mobilenetv1 on cpu: gradient matches central differences at the 2 steepest pixels', async () => {
  await initBackend('cpu');
  const detector = await createDetector('ssd-mobilenetv1');
  const { pixels, image } = await loadSample(2, { crop: { left: 1400, top: 120, width: 300, height: 340 }, width: 40, height: 44 });
  const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(image)).dataSync();
  assert.ok(gradient.every(Number.isFinite));
  const scoreSum = async (x: tf.Tensor4D) => {
    const raw = detector.forwardRaw(x);
    const scores = (await raw.scores.data()) as Float32Array;
    tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    return scores.reduce((a, b) => a + b, 0);
  };
  for (const index of largestMagnitudes(gradient, 2)) {
    const numeric = await centralDifference(scoreSum, image, index, 1e-4);
    assert.ok(Math.abs(numeric - gradient[index]) <= 0.03 * Math.abs(gradient[index]) + 1e-2, `pixel ${index}: ${gradient[index]} vs ${numeric}`);
  }
  tf.dispose([pixels, image]);
  detector.dispose();
});
