import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SELECTION_PARAMS, selectionRegistry } from '../../src/attacks/selection/index.js';
import { countBoxesWithAnchor, matchAnchorsToBoxes } from '../../src/attacks/anchorOverlap.js';

// Five anchors: 0 on the face (IoU 1), 1 shifted half a width off the face (IoU 1/3),
// 2 on the patch, 3 background, 4 slightly off the face (IoU 0.68).
const face = { x: 0, y: 0, w: 10, h: 10 };
const patch = { x: 100, y: 100, w: 10, h: 10 };
const anchors = Float32Array.from([
  0, 0, 10, 10,
  5, 0, 15, 10,
  100, 100, 110, 110,
  200, 200, 210, 210,
  1, 1, 11, 11,
]);
const scores = Float32Array.from([0.3, 0.9, 0.95, 0.99, 0.7]);
const input = { anchors, scores, faces: [face], patches: [patch] };
const select = (name: string) => Array.from(selectionRegistry.get(name).select(input, DEFAULT_SELECTION_PARAMS));

test('anchor-to-box IoU matches hand computation', () => {
  const { iou, box } = matchAnchorsToBoxes(anchors, [face]);
  assert.ok(Math.abs(iou[1]! - 50 / 150) < 1e-6);
  assert.ok(Math.abs(iou[4]! - 81 / 119) < 1e-6);
  assert.deepEqual(Array.from(box), [0, 0, -1, -1, 0]);
});

test('a box counts as covered when one of the given anchors overlaps it by IoU above the threshold', () => {
  const second = { x: 200, y: 200, w: 10, h: 10 };
  const empty = { x: 50, y: 50, w: 0, h: 10 };
  // Anchor 1 alone: IoU 1/3 with the face, above 0.3 but not 0.4; anchor 3 sits exactly on the second box.
  assert.equal(countBoxesWithAnchor(anchors, [1], [face, second, empty], 0.3), 1);
  assert.equal(countBoxesWithAnchor(anchors, [1], [face, second, empty], 0.4), 0);
  assert.equal(countBoxesWithAnchor(anchors, [1, 3], [face, second, empty], 0.3), 2);
  // Several anchors on one face count it once; no anchor covers nothing.
  assert.equal(countBoxesWithAnchor(anchors, [0, 1, 4], [face], 0.3), 1);
  assert.equal(countBoxesWithAnchor(anchors, [], [face, second], 0.3), 0);
});

test('Patch-IoU keeps anchors with IoU(anchor, face) > 0.6 whatever their score', () => {
  assert.deepEqual(select('iou'), [0, 4]);
});

test('Patch-Score and Patch-Score-Focal keep every score > 0.5, background included', () => {
  assert.deepEqual(select('score'), [1, 2, 3, 4]);
  assert.deepEqual(select('score-focal'), [1, 2, 3, 4]);
});

test('Patch-Combination keeps scores > 0.5 overlapping a face or the patch by > 0.3, not the background', () => {
  assert.deepEqual(select('combination'), [1, 2, 4]);
});

test('anchor-inside overlap is the fraction of the anchor the box covers', () => {
  // Anchor 1 is half on the face: IoU 1/3, but half of the anchor is inside.
  const { iou } = matchAnchorsToBoxes(anchors, [face], 'anchor-inside');
  assert.ok(Math.abs(iou[1]! - 0.5) < 1e-6);
  assert.equal(iou[0], 1);
  assert.equal(iou[3], 0);
});

test('Patch-Combination with anchor-inside also keeps a small face drawn inside the patch', () => {
  // A 4x4 anchor inside a 40x40 patch: IoU 0.01, anchor-inside 1.
  const bigPatch = { x: 100, y: 100, w: 40, h: 40 };
  const small = { anchors: Float32Array.from([110, 110, 114, 114, 300, 300, 304, 304]), scores: Float32Array.from([0.9, 0.9]), faces: [face], patches: [bigPatch] };
  const combination = selectionRegistry.get('combination');
  assert.deepEqual(Array.from(combination.select(small, DEFAULT_SELECTION_PARAMS)), []);
  assert.deepEqual(Array.from(combination.select(small, { ...DEFAULT_SELECTION_PARAMS, patchOverlap: 'anchor-inside' })), [0]);
  // On the five anchors of the other tests the two measures agree.
  assert.deepEqual(Array.from(combination.select(input, { ...DEFAULT_SELECTION_PARAMS, patchOverlap: 'anchor-inside' })), [1, 2, 4]);
});

test('the registry lists the four methods and rejects others', () => {
  assert.deepEqual(selectionRegistry.names(), ['combination', 'iou', 'score', 'score-focal']);
  assert.throws(() => selectionRegistry.get('pgd'), /valid choices: combination, iou, score, score-focal/);
});

test('focal loss: the weight is a constant by default, so every selected score is pushed down', () => {
  const focal = selectionRegistry.get('score-focal');
  const s = tf.tensor1d([0.55, 0.9]);
  const gradOf = (stop: boolean) =>
    Array.from(tf.grad((x: tf.Tensor) => tf.sum(focal.lossTerms(x as tf.Tensor1D, { ...DEFAULT_SELECTION_PARAMS, focalStopGradient: stop })))(s).dataSync());
  // Stop-gradient: d/dS [c * log S] = S^2 / S = S > 0: descent lowers both scores.
  const stopped = gradOf(true);
  assert.ok(Math.abs(stopped[0]! - 0.55) < 1e-5 && Math.abs(stopped[1]! - 0.9) < 1e-5);
  // Literal: d/dS [S^2 log S] = S (2 log S + 1), negative below e^-1/2 ~ 0.61: descent raises 0.55.
  const literal = gradOf(false);
  assert.ok(Math.abs(literal[0]! - 0.55 * (2 * Math.log(0.55) + 1)) < 1e-5);
  assert.ok(literal[0]! < 0 && literal[1]! > 0);
});
