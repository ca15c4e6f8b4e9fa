import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { lossTargets, pairedIoU, slnDetectorLoss } from '../../src/training/losses.js';
import type { GroupSample } from '../../src/training/groupSampling.js';
import type { Box } from '../../src/util/geometry.js';

const ANCHORS = [
  [0, 0, 16, 16],
  [10, 10, 42, 42],
  [20, 0, 36, 16],
];

function sample(positives: number[], positiveFaces: number[], negatives: number[]): GroupSample {
  return { positives: Int32Array.from(positives), positiveFaces: Int32Array.from(positiveFaces), negatives: Int32Array.from(negatives), groups: [] };
}

test('cross-entropy parts match a hand computation, normalised by all sampled anchors', () => {
  const logits = tf.tensor3d([[[2, 0], [0, 1], [1, 1]]]); // (background, face)
  const regression = tf.zeros([1, 3, 4]) as tf.Tensor3D;
  const faces: Box[] = [{ x: 10, y: 10, w: 32, h: 32 }];
  const targets = lossTargets(3, [{ sample: sample([1], [0], [0, 2]), faces }]);
  const loss = slnDetectorLoss(logits, regression, tf.tensor2d(ANCHORS), targets);
  const pcls = Math.log(1 + Math.exp(-1)) / 3;
  const ncls = (Math.log(1 + Math.exp(-2)) + Math.log(2)) / 3;
  assert.ok(Math.abs(loss.positiveClassification.dataSync()[0]! - pcls) < 1e-6);
  assert.ok(Math.abs(loss.negativeClassification.dataSync()[0]! - ncls) < 1e-6);
  // The positive's anchor equals its face and the regression is zero: perfect box, no IoU loss.
  assert.ok(Math.abs(loss.regression.dataSync()[0]!) < 1e-7);
  assert.ok(Math.abs(loss.total.dataSync()[0]! - (pcls + ncls)) < 1e-6);
});

test('the IoU loss is the mean of (1 - IoU)^2 over positives', () => {
  // Positive 0 regresses [0,0,16,16] to a face of half its height (IoU 0.5); positive 2 to its own box.
  const faces: Box[] = [{ x: 0, y: 0, w: 16, h: 8 }, { x: 20, y: 0, w: 16, h: 16 }];
  const targets = lossTargets(3, [{ sample: sample([0, 2], [0, 1], [1]), faces }]);
  const loss = slnDetectorLoss(tf.zeros([1, 3, 2]) as tf.Tensor3D, tf.zeros([1, 3, 4]) as tf.Tensor3D, tf.tensor2d(ANCHORS), targets);
  assert.ok(Math.abs(loss.regression.dataSync()[0]! - (0.5 ** 2 + 0) / 2) < 1e-6);
  assert.deepEqual(Array.from(pairedIoU(tf.tensor2d([[0, 0, 2, 2], [0, 0, 1, 1]]), tf.tensor2d([[1, 1, 3, 3], [5, 5, 6, 6]])).dataSync()).map((v) => Number(v.toFixed(6))), [Number((1 / 7).toFixed(6)), 0]);
});

test('the gradient of the loss w.r.t. logits and regression matches central finite differences', () => {
  const faces: Box[] = [{ x: 12, y: 9, w: 30, h: 36 }, { x: 21, y: 2, w: 14, h: 13 }];
  const targets = lossTargets(3, [{ sample: sample([1, 2], [0, 1], [0]), faces }]);
  const anchors = tf.tensor2d(ANCHORS);
  const logits0 = [0.3, -0.2, 0.1, 0.4, -0.5, 0.2];
  const regression0 = [0.05, -0.1, 0.2, -0.15, 0.1, 0.07, -0.12, 0.09, -0.03, 0.04, 0.11, -0.06];
  const f = (logits: number[], regression: number[]) =>
    tf.tidy(() => slnDetectorLoss(tf.tensor3d(logits, [1, 3, 2]), tf.tensor3d(regression, [1, 3, 4]), anchors, targets).total.dataSync()[0]!);
  const [gLogits, gRegression] = tf.grads((l: tf.Tensor, r: tf.Tensor) => slnDetectorLoss(l as tf.Tensor3D, r as tf.Tensor3D, anchors, targets).total)([
    tf.tensor3d(logits0, [1, 3, 2]),
    tf.tensor3d(regression0, [1, 3, 4]),
  ]);
  const eps = 1e-2;
  const check = (analytic: Float32Array | Int32Array | Uint8Array, values: number[], which: 'logits' | 'regression') => {
    values.forEach((_, i) => {
      const plus = values.slice(), minus = values.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      const numeric = which === 'logits' ? (f(plus, regression0) - f(minus, regression0)) / (2 * eps) : (f(logits0, plus) - f(logits0, minus)) / (2 * eps);
      const a = analytic[i]!;
      assert.ok(Math.abs(a - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric), `${which}[${i}]: analytic ${a}, numeric ${numeric}`);
    });
  };
  check(gLogits!.dataSync(), logits0, 'logits');
  check(gRegression!.dataSync(), regression0, 'regression');
  // The negative anchor's regression gets no gradient; the positives' do.
  assert.deepEqual(Array.from(gRegression!.dataSync().slice(0, 4)), [0, 0, 0, 0]);
  assert.ok(gRegression!.dataSync().slice(4).some((v) => Math.abs(v) > 1e-3));
});
