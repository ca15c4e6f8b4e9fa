import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { imageGradient } from '../../src/attacks/step.js';
import { perFaceWeighting } from '../../src/attacks/sampleWeighting.js';
import { DEFAULT_SELECTION_PARAMS, selectionRegistry } from '../../src/attacks/selection/index.js';
import { PatchOptimizer } from '../../src/attacks/optimizer.js';
import { buildPastePlan } from '../../src/patch/paste.js';
import { placePatches, placementBox } from '../../src/patch/placement.js';
import { SeededRandom } from '../../src/util/random.js';
import { createToyDetector } from '../helpers/toyDetector.js';

// A 32x48 grey image with two red 16x16 "faces" the toy detector scores near 1.
function scene() {
  const H = 32, W = 48;
  const data = new Float32Array(H * W * 3).fill(0.5);
  const faces = [{ x: 4, y: 8, w: 16, h: 16 }, { x: 28, y: 8, w: 16, h: 16 }];
  for (const f of faces) for (let y = f.y; y < f.y + f.h; y++) for (let x = f.x; x < f.x + f.w; x++) data.set([1, 0, 0], (y * W + x) * 3);
  const placements = placePatches(faces, { alpha: 0.75, location: 'center' });
  return {
    image: tf.tensor3d(data, [H, W, 3]),
    faces,
    patchBoxes: placements.map(placementBox),
    plan: buildPastePlan(H, W, 8, placements),
  };
}

const detector = createToyDetector();
const P = 8;

test('the patch gradient of the selected loss matches central finite differences', () => {
  const item = scene();
  const rng = new SeededRandom(3);
  const values = Float32Array.from({ length: P * P * 3 }, () => rng.uniform(0.2, 0.8));
  const strategy = selectionRegistry.get('iou');
  const g = imageGradient(detector, values, P, item, strategy, DEFAULT_SELECTION_PARAMS);
  assert.ok(g.selected > 0 && g.gradient);
  const eps = 1e-2;
  let nonZero = 0;
  for (const index of [0, 1, 30, 31, 100, 150, 191]) {
    const plus = Float32Array.from(values), minus = Float32Array.from(values);
    plus[index]! += eps;
    minus[index]! -= eps;
    const fd = (imageGradient(detector, plus, P, item, strategy, DEFAULT_SELECTION_PARAMS).lossSum -
      imageGradient(detector, minus, P, item, strategy, DEFAULT_SELECTION_PARAMS).lossSum) / (2 * eps);
    const analytic = g.gradient![index]!;
    assert.ok(Math.abs(fd - analytic) <= 2e-2 * Math.max(1, Math.abs(fd)), `texel ${index}: fd ${fd} vs ${analytic}`);
    if (Math.abs(analytic) > 1e-3) nonZero++;
  }
  assert.ok(nonZero >= 3);
});

test('under per-face weighting the gradient matches finite differences and the weights sum to the faces covered', () => {
  const item = scene();
  const rng = new SeededRandom(5);
  const values = Float32Array.from({ length: P * P * 3 }, () => rng.uniform(0.2, 0.8));
  const strategy = selectionRegistry.get('combination');
  const run = (v: Float32Array) => imageGradient(detector, v, P, item, strategy, DEFAULT_SELECTION_PARAMS, undefined, perFaceWeighting);
  const g = run(values);
  // Both faces carry several selected anchors; each face's samples share a weight of 1.
  assert.ok(g.selected > 2 && g.gradient, `${g.selected} samples`);
  assert.ok(Math.abs(g.weight - 2) < 1e-6, `total weight ${g.weight}`);
  const unweighted = imageGradient(detector, values, P, item, strategy, DEFAULT_SELECTION_PARAMS);
  assert.equal(unweighted.weight, unweighted.selected);
  assert.notEqual(unweighted.lossSum, g.lossSum);
  const eps = 1e-2;
  for (const index of [0, 31, 100, 191]) {
    const plus = Float32Array.from(values), minus = Float32Array.from(values);
    plus[index]! += eps;
    minus[index]! -= eps;
    const fd = (run(plus).lossSum - run(minus).lossSum) / (2 * eps);
    const analytic = g.gradient![index]!;
    assert.ok(Math.abs(fd - analytic) <= 2e-2 * Math.max(1, Math.abs(fd)), `texel ${index}: fd ${fd} vs ${analytic}`);
  }
});

test('an image without selected samples gives no gradient (no free zero loss)', () => {
  const item = { ...scene(), faces: [], patchBoxes: [] };
  const g = imageGradient(detector, new Float32Array(P * P * 3).fill(0.5), P, item, selectionRegistry.get('iou'), DEFAULT_SELECTION_PARAMS);
  assert.equal(g.selected, 0);
  assert.equal(g.gradient, null);
});

for (const method of ['iou', 'score', 'score-focal', 'combination']) {
  test(`${method}: Adam steps on the patch lower the loss and the face scores`, () => {
    const item = scene();
    const strategy = selectionRegistry.get(method);
    const values = new Float32Array(P * P * 3).fill(0.9); // starts red-ish: faces stay detected
    for (let i = 0; i < values.length; i += 3) values[i + 1] = 0.1;
    const optimizer = PatchOptimizer.create('adam', 0.05, values.length);
    const first = imageGradient(detector, values, P, item, strategy, DEFAULT_SELECTION_PARAMS);
    for (let step = 0; step < 30; step++) {
      const g = imageGradient(detector, values, P, item, strategy, DEFAULT_SELECTION_PARAMS);
      if (!g.gradient) break;
      optimizer.step(values, g.gradient);
    }
    const last = imageGradient(detector, values, P, item, strategy, DEFAULT_SELECTION_PARAMS);
    assert.ok(last.maxScore < first.maxScore, `max score ${first.maxScore} -> ${last.maxScore}`);
    assert.ok(values.every((v) => v >= 0 && v <= 1), 'patch stays in [0, 1]');
  });
}

test('the gradient computation leaks no tensors', () => {
  const item = scene();
  const values = new Float32Array(P * P * 3).fill(0.5);
  imageGradient(detector, values, P, item, selectionRegistry.get('score'), DEFAULT_SELECTION_PARAMS);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 10; i++) imageGradient(detector, values, P, item, selectionRegistry.get('combination'), DEFAULT_SELECTION_PARAMS);
  assert.equal(tf.memory().numTensors, before);
});
