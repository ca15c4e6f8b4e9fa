// Patch-Score-Focal (eq. 2): as Patch-Score, each term weighted by S^gamma so high-scoring samples
// count more. Taken literally with its gradient, -S^g log S peaks at S = e^(-1/g) (0.61 for g = 2),
// so ascent would push scores between 0.5 and 0.61 up; by default the weight is a constant
// (stop-gradient), and `focalStopGradient: false` gives the literal form.
import * as tf from '@tensorflow/tfjs';
import type { SelectionStrategy } from './types.js';
import { selectByScore } from './score.js';
import { scoreLossTerms } from './scoreLoss.js';

export const scoreFocalSelection: SelectionStrategy = {
  name: 'score-focal',
  paperName: 'Patch-Score-Focal',
  description: 'anchors with S > 0.5; loss mean S^gamma log S (gamma 2, weight as a constant by default)',
  select: selectByScore,
  lossTerms(scores, { gamma, focalStopGradient, scoreLoss }) {
    return tf.tidy(() => {
      const weight = tf.pow(scores, gamma);
      // A fresh tensor from the values cuts the gradient through the weight.
      const usedWeight = focalStopGradient ? tf.tensor1d(weight.dataSync() as Float32Array) : weight;
      return tf.mul(usedWeight, scoreLossTerms(scores, scoreLoss)) as tf.Tensor1D;
    });
  },
};
