import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SCORE_LOSS, DEFAULT_SELECTION_PARAMS, scoreLossRegistry, selectionRegistry } from '../../../src/attacks/selection/index.js';

const close = (actual: number, expected: number, tolerance = 1e-4) => assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);

/** The loss of a two-class score S = sigmoid(z) and its gradient w.r.t. the logit z, as the detectors' softmax gives it. */
function termAndLogitGradient(lossName: string, logit: number): { term: number; gradient: number } {
  const loss = scoreLossRegistry.get(lossName);
  const z = tf.tensor1d([logit]);
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(loss.terms(tf.sigmoid(x) as tf.Tensor1D)))(z);
  return { term: value.dataSync()[0] as number, gradient: grad.dataSync()[0] as number };
}

test('log-score is the paper\'s log S: its logit gradient 1 - S fades for confident samples', () => {
  for (const s of [0.6, 0.9, 0.995]) {
    const { term, gradient } = termAndLogitGradient('log-score', Math.log(s / (1 - s)));
    close(term, Math.log(s));
    close(gradient, 1 - s, 1e-3);
  }
});

test('log-background is -log(1 - S): its logit gradient S is largest for the most confident samples', () => {
  for (const s of [0.6, 0.9, 0.995]) {
    const { term, gradient } = termAndLogitGradient('log-background', Math.log(s / (1 - s)));
    close(term, -Math.log(1 - s), 1e-3);
    close(gradient, s, 1e-3);
  }
  // A sample at 0.995 pulls 1.7 times harder than one at 0.6 (log S: 80 times less).
  const confident = termAndLogitGradient('log-background', Math.log(0.995 / 0.005)).gradient;
  const middling = termAndLogitGradient('log-background', Math.log(0.6 / 0.4)).gradient;
  close(confident / middling, 0.995 / 0.6, 1e-3);
});

test('a saturated score (1 - S below the floor) gives a finite loss', () => {
  const terms = scoreLossRegistry.get('log-background').terms(tf.tensor1d([1, 0.5]));
  const values = Array.from(terms.dataSync());
  assert.ok(values.every(Number.isFinite));
  close(values[1]!, Math.log(2));
});

test('every method uses the selection parameters\' score loss, the paper\'s log S by default', () => {
  assert.equal(DEFAULT_SCORE_LOSS, 'log-score');
  assert.equal(DEFAULT_SELECTION_PARAMS.scoreLoss, 'log-score');
  const scores = tf.tensor1d([0.7, 0.95]);
  const logS = [Math.log(0.7), Math.log(0.95)];
  const logBackground = [-Math.log(0.3), -Math.log(0.05)];
  for (const method of ['iou', 'score', 'combination']) {
    const strategy = selectionRegistry.get(method);
    const paper = Array.from(strategy.lossTerms(scores, DEFAULT_SELECTION_PARAMS).dataSync());
    const unset = Array.from(strategy.lossTerms(scores, { ...DEFAULT_SELECTION_PARAMS, scoreLoss: undefined }).dataSync());
    const background = Array.from(strategy.lossTerms(scores, { ...DEFAULT_SELECTION_PARAMS, scoreLoss: 'log-background' }).dataSync());
    paper.forEach((v, i) => close(v, logS[i]!));
    unset.forEach((v, i) => close(v, logS[i]!));
    background.forEach((v, i) => close(v, logBackground[i]!));
  }
  // Patch-Score-Focal keeps its S^gamma weight on either loss.
  const focal = Array.from(selectionRegistry.get('score-focal').lossTerms(scores, { ...DEFAULT_SELECTION_PARAMS, scoreLoss: 'log-background' }).dataSync());
  focal.forEach((v, i) => close(v, [0.7, 0.95][i]! ** 2 * logBackground[i]!));
});

test('the registry lists both losses and rejects others', () => {
  assert.deepEqual(scoreLossRegistry.names(), ['log-background', 'log-score']);
  assert.throws(() => scoreLossRegistry.get('hinge'), /valid choices: log-background, log-score/);
});
