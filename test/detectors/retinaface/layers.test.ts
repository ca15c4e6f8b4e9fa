// Building blocks of the RetinaFace port, each against an independent oracle: tfjs's own
// depthwise conv and its gradient, PyTorch's nearest-index formula, hand-computed priors and NMS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyConv, type FrozenConv } from '../../../src/detectors/retinaface/frozenConv.js';
import { nearestSourceIndices, upsampleNearestTo } from '../../../src/detectors/retinaface/network.js';
import { computePriors, priorCorners, referenceNms } from '../../../src/detectors/retinaface/index.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('a frozen depthwise conv: forward and input gradient equal tfjs’s plain ops (strides 1 and 2, odd and even sizes)', () => {
  for (const [height, width, stride] of [[9, 10, 2], [8, 7, 2], [6, 5, 1], [11, 11, 2]] as const) {
    tf.tidy(() => {
      const filter = tf.randomNormal([3, 3, 4, 1], 0, 1, 'float32', height) as tf.Tensor4D;
      const layer: FrozenConv = { depthwise: true, filter, bias: tf.zeros([4]), stride, pad: 1 };
      const x = tf.randomNormal([2, height, width, 4], 0, 1, 'float32', width) as tf.Tensor4D;
      const outShape = tf.depthwiseConv2d(x, filter, stride, 1).shape;
      const weights = tf.randomNormal(outShape, 0, 1, 'float32', 5);
      const ours = tf.grad((input) => tf.sum(tf.mul(applyConv(input as tf.Tensor4D, layer), weights)))(x);
      const native = tf.grad((input) => tf.sum(tf.mul(tf.depthwiseConv2d(input as tf.Tensor4D, filter, stride, 1), weights)))(x);
      assert.ok(maxAbsDiff(applyConv(x, layer), tf.depthwiseConv2d(x, filter, stride, 1)) < 1e-6, 'same forward');
      assert.ok(maxAbsDiff(ours, native) < 1e-4, `gradient ${height}x${width} stride ${stride}`);
    });
  }
});

test('nearest upsampling picks the rows and columns PyTorch picks', () => {
  // torch: out == in -> i; out == 2 in -> i >> 1; else floor(i * float32(in / out)).
  assert.deepEqual(Array.from(nearestSourceIndices(3, 5)), [0, 0, 1, 1, 2]);
  assert.deepEqual(Array.from(nearestSourceIndices(3, 6)), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(nearestSourceIndices(4, 7)), [0, 0, 1, 1, 2, 2, 3]);
  for (const [inH, inW, outH, outW] of [[3, 4, 5, 8], [2, 2, 4, 3], [5, 7, 9, 13], [3, 2, 7, 5]] as const) {
    tf.tidy(() => {
      const x = tf.randomNormal([1, inH, inW, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
      const like = tf.zeros([1, outH, outW, 2]) as tf.Tensor4D;
      const expected = tf.gather(tf.gather(x, nearestSourceIndices(inH, outH), 1), nearestSourceIndices(inW, outW), 2);
      assert.equal(maxAbsDiff(upsampleNearestTo(x, like), expected), 0, `${inH}x${inW} -> ${outH}x${outW}`);
    });
  }
  // The reshape form must agree with the float32 formula for every pyramid size we can meet.
  for (let n = 1; n <= 400; n++) {
    for (const out of [2 * n - 1, 2 * n]) {
      const torch = nearestSourceIndices(n, out);
      for (let o = 0; o < out; o++) assert.equal(torch[o], o >> 1, `n=${n} out=${out} o=${o}`);
    }
  }
});

test('priors for a 16x24 input, by hand', () => {
  const priors = computePriors(16, 24);
  // Levels: ceil(16/8) x ceil(24/8) = 2x3, 1x2, 1x1; two sizes each.
  assert.deepEqual(priors.featureMaps, [[2, 3], [1, 2], [1, 1]]);
  assert.equal(priors.count, 2 * 3 * 2 + 1 * 2 * 2 + 1 * 1 * 2);
  const corners = priorCorners(priors);
  // First: row 0, col 0, size 16, centre (4, 4). Second: same centre, size 32.
  assert.deepEqual(Array.from(corners.subarray(0, 8)), [-4, -4, 12, 12, -12, -12, 20, 20]);
  // Third: row 0, col 1 -> centre (12, 4), size 16.
  assert.deepEqual(Array.from(corners.subarray(8, 12)), [4, -4, 20, 12]);
  // Level 2 starts at 12: row 0, col 0 -> centre (8, 8), size 64; then col 1 -> centre (24, 8).
  assert.deepEqual(Array.from(corners.subarray(48, 52)), [-24, -24, 40, 40]);
  assert.deepEqual(Array.from(corners.subarray(56, 60)), [-8, -24, 56, 40]);
  // Level 3: centre (16, 16), sizes 256 and 512.
  assert.deepEqual(Array.from(corners.subarray(64, 72)), [-112, -112, 144, 144, -240, -240, 272, 272]);
});

test('reference NMS (inclusive-pixel areas), by hand', () => {
  const boxes = [0, 0, 9, 9, 1, 0, 10, 9, 0, 0, 4, 9, 20, 20, 29, 29];
  const scores = [0.9, 0.8, 0.7, 0.6];
  // Box 1 vs 0: overlap 9x10 = 90, areas 100 + 100 -> IoU 90/110 = 0.818 > 0.4: dropped.
  // Box 2 vs 0: overlap 5x10 = 50, areas 100 + 50 -> IoU 50/100 = 0.5 > 0.4: dropped.
  assert.deepEqual(referenceNms(boxes, scores, [0, 1, 2, 3], 0.4), [0, 3]);
  // At threshold 0.5, IoU 0.5 is not above it: box 2 survives.
  assert.deepEqual(referenceNms(boxes, scores, [0, 1, 2, 3], 0.5), [0, 2, 3]);
  assert.deepEqual(referenceNms(boxes, scores, [3, 1], 0.4), [1, 3]);
});
