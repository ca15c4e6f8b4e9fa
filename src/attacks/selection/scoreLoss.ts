// How one selected face score S enters the loss, which is minimised. The paper minimises log S
// (eq. 1). Its gradient w.r.t. the detector's logit is 1 - S: a sample at 0.995 pulls on the
// patch 80 times less than one at 0.6, although only samples at or above delta = 0.99 count in
// the paper's metrics. `log-background` minimises -log(1 - S), the cross-entropy towards the
// background class (beyond the paper): its logit gradient is S, so the confident samples that the
// metrics count pull hardest.
import * as tf from '@tensorflow/tfjs';
import { Registry } from '../../util/registry.js';

/** Scores and 1 - S are clamped to this, so a saturated score gives a finite loss (and no gradient). */
export const SCORE_FLOOR = 1e-7;

export interface ScoreLoss {
  name: string;
  description: string;
  /** The loss term of each score (elementwise, differentiable). */
  terms(scores: tf.Tensor1D): tf.Tensor1D;
}

export const logScoreLoss: ScoreLoss = {
  name: 'log-score',
  description: "log S (the paper's eq. 1): the logit gradient 1 - S fades as S nears 1",
  terms: (scores) => tf.tidy(() => tf.log(tf.maximum(scores, SCORE_FLOOR)) as tf.Tensor1D),
};

export const logBackgroundLoss: ScoreLoss = {
  name: 'log-background',
  description: '-log(1 - S), cross-entropy towards background: the logit gradient S is largest for the most confident samples',
  terms: (scores) => tf.tidy(() => tf.neg(tf.log(tf.maximum(tf.sub(1, scores), SCORE_FLOOR))) as tf.Tensor1D),
};

/** The paper's loss: the default, and what runs saved before the option existed used. */
export const DEFAULT_SCORE_LOSS = logScoreLoss.name;

/** `--score-loss` choices by name. */
export const scoreLossRegistry = new Registry<ScoreLoss>('score loss');
for (const loss of [logScoreLoss, logBackgroundLoss]) scoreLossRegistry.register(loss.name, loss);

/** The loss terms of the selection parameters' score loss (the paper's log S when unset). */
export function scoreLossTerms(scores: tf.Tensor1D, scoreLoss: string | undefined): tf.Tensor1D {
  return scoreLossRegistry.get(scoreLoss ?? DEFAULT_SCORE_LOSS).terms(scores);
}
