// Differentiability of RetinaFace w.r.t. its input, checked against central finite differences
// of our own forward pass, and tensor hygiene of repeated forward passes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { RetinaFaceDetector } from '../../../src/detectors/retinaface/index.js';
import { sharedPath } from '../../../src/config/paths.js';
import { requireShared } from '../../helpers/shared.js';

const WEIGHTS = ['models', 'retinaface-mobilenet0.25', 'mobilenet0.25_Final.pth'];
const IMAGE = ['data', 'widerface', 'WIDER_val', 'images', '19--Couple', '19_Couple_Couple_19_1014.jpg'];
const HEIGHT = 60;
const WIDTH = 52;

let detector: RetinaFaceDetector | undefined;
let pixels: Float32Array | undefined;

before(async () => {
  try {
    detector = RetinaFaceDetector.fromCheckpoint(sharedPath(...WEIGHTS));
    // A small photo with one face filling a good part of it, so scores are far from 0 and 1.
    const { data } = await sharp(sharedPath(...IMAGE))
      .extract({ left: 620, top: 160, width: 340, height: 392 })
      .resize(WIDTH, HEIGHT, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    pixels = Float32Array.from(data, (v) => v / 255);
  } catch {
    /* reported by requireShared */
  }
});
after(() => detector?.dispose());

function ready(t: import('node:test').TestContext): boolean {
  return requireShared(t, ...WEIGHTS) !== undefined && requireShared(t, ...IMAGE) !== undefined && detector !== undefined;
}

const summedScores = (x: tf.Tensor) => tf.sum(detector!.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar;

test('the gradient of summed scores is finite, non-zero and matches central differences', (t) => {
  if (!ready(t)) return;
  const input = tf.tensor4d(pixels!, [1, HEIGHT, WIDTH, 3]);
  const grad = tf.tidy(() => tf.grad(summedScores)(input));
  const g = grad.dataSync();
  grad.dispose();
  assert.ok(g.every(Number.isFinite), 'finite');
  const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
  assert.ok(Math.abs(g[order[0]]) > 1e-3, 'non-zero');

  // The strongest pixels and a few ordinary ones (every 997th element).
  const probes = [...order.slice(0, 4), ...[997, 1994, 2991, 3988].filter((i) => i < g.length)];
  const eps = 2e-3;
  const f = (i: number, delta: number) =>
    tf.tidy(() => {
      const shifted = pixels!.slice();
      shifted[i] += delta;
      return summedScores(tf.tensor4d(shifted, [1, HEIGHT, WIDTH, 3])).dataSync()[0];
    });
  for (const i of probes) {
    const numeric = (f(i, eps) - f(i, -eps)) / (2 * eps);
    t.diagnostic(`element ${i}: autodiff ${g[i].toExponential(3)}, central difference ${numeric.toExponential(3)}`);
    assert.ok(Math.abs(numeric - g[i]) <= 0.05 * Math.abs(g[i]) + 2e-3, `element ${i}: ${g[i]} vs ${numeric}`);
  }
  input.dispose();
});

test('repeated forwardRaw inside tf.tidy keeps the tensor count flat; detect() leaks nothing', async (t) => {
  if (!ready(t)) return;
  const input = tf.tensor4d(pixels!, [1, HEIGHT, WIDTH, 3]);
  const counts: number[] = [];
  for (let i = 0; i < 4; i++) {
    tf.tidy(() => {
      const raw = detector!.forwardRaw(input);
      tf.grad(summedScores)(input);
      return tf.sum(raw.scores).dataSync();
    });
    counts.push(tf.memory().numTensors);
  }
  assert.ok(counts.every((c) => c === counts[0]), `tensor counts ${counts}`);
  const before = tf.memory().numTensors;
  await detector!.detect(input);
  await detector!.detect(input, { scoreThreshold: 0.5 });
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
});
