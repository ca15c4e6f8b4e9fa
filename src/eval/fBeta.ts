// The paper's Threshold-F_beta curve and AF_beta (Section 4.1): F_beta = (1 + b^2) / (b^2/P + 1/R)
// as a function of the score threshold t on the raw probability, and AF_beta its area over
// t in [0, 1] (lower is a better attack). Precision and recall at t count the detections with
// score >= t, matched with the official WIDER FACE rules.
import { precisionOf, recallOf } from './operatingPoint.js';
import { RankedOutcomes, type SubsetOutcomes } from './rankedOutcomes.js';

/** F_beta from precision and recall; 0 when either is 0 (the formula's limit). */
export function fBeta(precision: number, recall: number, beta: number): number {
  if (precision <= 0 || recall <= 0) return 0;
  const b2 = beta * beta;
  return (1 + b2) / (b2 / precision + 1 / recall);
}

/** The reporting grid: k / steps for k = 0..steps (101 thresholds 0, 0.01, ..., 1 by default). */
export function fBetaThresholdGrid(steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => k / steps);
}

/** F_beta of one subset at score >= threshold. */
function fBetaAt(ranked: RankedOutcomes, faces: number, threshold: number, beta: number): number {
  const counts = ranked.countsAtOrAbove(threshold);
  return fBeta(precisionOf(counts), recallOf(counts, faces) ?? 0, beta);
}

export interface ThresholdFBeta {
  /** F_beta at each threshold of the grid; null when the subset keeps no face. */
  curve: (number | null)[];
  /** The exact area under F_beta(t), t in [0, 1]; null when the subset keeps no face. */
  area: number | null;
}

/**
 * The Threshold-F_beta curve of one subset, sampled on `thresholds`, and its area. F_beta(t) is a
 * step function (it changes only where t passes a detection's score), so the area is summed
 * exactly over the steps rather than estimated from the samples: on (s_next, s] it equals
 * F_beta at threshold s, and above the highest score it is 0 (no detection, recall 0).
 */
export function thresholdFBeta(subset: SubsetOutcomes, beta: number, thresholds: readonly number[]): ThresholdFBeta {
  if (subset.faces === 0) return { curve: thresholds.map(() => null), area: null };
  const ranked = new RankedOutcomes(subset.outcomes);
  const curve = thresholds.map((t) => fBetaAt(ranked, subset.faces, t, beta));
  const scores = ranked.distinctScores();
  let area = 0;
  scores.forEach((score, j) => {
    const upper = Math.min(score, 1);
    const lower = Math.max(j + 1 < scores.length ? (scores[j + 1] as number) : -Infinity, 0);
    if (upper > lower) area += (upper - lower) * fBetaAt(ranked, subset.faces, score, beta);
  });
  return { curve, area };
}
