// The wasm backend (much faster than cpu) must give the cpu backend's scores and input
// gradients: it lacks some gradient kernels (depthwise backprop, UnsortedSegmentSum), which the
// port avoids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { RetinaFaceDetector } from '../../../src/detectors/retinaface/index.js';
import { sharedPath } from '../../../src/config/paths.js';
import { initBackend } from '../../../src/engine/backend.js';
import { requireShared } from '../../helpers/shared.js';

const WEIGHTS = ['models', 'retinaface-mobilenet0.25', 'mobilenet0.25_Final.pth'];

function scoresAndGradient(detector: RetinaFaceDetector, pixels: Float32Array, shape: [number, number, number, number]) {
  return tf.tidy(() => {
    const input = tf.tensor4d(pixels, shape);
    const scores = detector.forwardRaw(input).scores.dataSync();
    const grad = tf.grad((x) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(input).dataSync();
    return { scores: Float32Array.from(scores), grad: Float32Array.from(grad) };
  });
}

test('wasm and cpu agree on scores and input gradients', async (t) => {
  if (requireShared(t, ...WEIGHTS) === undefined) return;
  const shape: [number, number, number, number] = [1, 45, 38, 3];
  const pixels = Float32Array.from({ length: 45 * 38 * 3 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);

  await initBackend('cpu');
  const onCpu = RetinaFaceDetector.fromCheckpoint(sharedPath(...WEIGHTS));
  const cpu = scoresAndGradient(onCpu, pixels, shape);
  onCpu.dispose();

  await initBackend('wasm');
  const onWasm = RetinaFaceDetector.fromCheckpoint(sharedPath(...WEIGHTS));
  const wasm = scoresAndGradient(onWasm, pixels, shape);
  onWasm.dispose();

  let scoreDiff = 0;
  for (let i = 0; i < cpu.scores.length; i++) scoreDiff = Math.max(scoreDiff, Math.abs(cpu.scores[i] - wasm.scores[i]));
  let squaredDiff = 0;
  let squared = 0;
  for (let i = 0; i < cpu.grad.length; i++) {
    squaredDiff += (cpu.grad[i] - wasm.grad[i]) ** 2;
    squared += cpu.grad[i] ** 2;
  }
  const relative = Math.sqrt(squaredDiff / squared);
  t.diagnostic(`max |score diff| ${scoreDiff.toExponential(2)}, relative L2 gradient diff ${relative.toExponential(2)}`);
  assert.ok(scoreDiff < 1e-4);
  assert.ok(squared > 0 && relative < 2e-2);
});
