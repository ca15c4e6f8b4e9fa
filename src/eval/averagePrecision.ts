// Average precision with the official WIDER FACE protocol (eval_tools/evaluation.m, and its
// Python port): scores are min-max normalised over every detection of the whole set; at each
// of 1000 thresholds 1 - t/1000 (t = 1..1000) the proposal and recall counts are summed over
// images; precision = recalled / proposals, recall = recalled / kept faces; AP is the VOC area
// under the monotone precision envelope.
import { RankedOutcomes, type SubsetOutcomes } from './rankedOutcomes.js';

export const OFFICIAL_THRESHOLD_COUNT = 1000;

/** The official thresholds, highest first: 0.999, 0.998, ..., 0. */
export function officialThresholds(count = OFFICIAL_THRESHOLD_COUNT): number[] {
  return Array.from({ length: count }, (_, t) => 1 - (t + 1) / count);
}

/**
 * Min-max normalisation over the whole set, as the official norm_score. When every score is
 * the same (the official code divides by zero there), every detection normalises to 1, so it
 * is counted from the first threshold on.
 */
export function minMaxNormaliser(scores: Iterable<number>): (score: number) => number {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const range = max - min;
  if (!(range > 0)) return () => 1;
  return (score) => (score - min) / range;
}

export interface PrecisionRecallCurve {
  /** At each official threshold (highest first); NaN where there is no proposal, as in the official code. */
  precision: number[];
  recall: number[];
}

/** The official PR curve of one subset; `normalise` maps raw scores to [0, 1] over the whole set. */
export function officialPrecisionRecallCurve(
  subset: SubsetOutcomes,
  normalise: (score: number) => number,
  thresholds: readonly number[] = officialThresholds(),
): PrecisionRecallCurve {
  const ranked = new RankedOutcomes(subset.outcomes.map((o) => ({ ...o, score: normalise(o.score) })));
  const precision: number[] = [];
  const recall: number[] = [];
  for (const threshold of thresholds) {
    const { proposals, recalled } = ranked.countsAtOrAbove(threshold);
    precision.push(recalled / proposals); // 0/0 = NaN, like the official script
    recall.push(recalled / subset.faces);
  }
  return { precision, recall };
}

/** max that skips NaN, as MATLAB's max does (the envelope must not be poisoned by empty thresholds). */
function maxSkippingNaN(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}

/**
 * VOC AP: pad recall with 0 and 1 and precision with 0 and 0, make precision non-increasing from
 * the right (the envelope), then sum (recall step) x (envelope precision) where recall changes.
 * `recall` must be non-decreasing.
 */
export function vocAveragePrecision(recall: readonly number[], precision: readonly number[]): number {
  const paddedRecall = [0, ...recall, 1];
  const envelope = [0, ...precision, 0];
  for (let i = envelope.length - 2; i >= 0; i--) {
    envelope[i] = maxSkippingNaN(envelope[i] as number, envelope[i + 1] as number);
  }
  let ap = 0;
  for (let i = 0; i + 1 < paddedRecall.length; i++) {
    const step = (paddedRecall[i + 1] as number) - (paddedRecall[i] as number);
    if (step !== 0) ap += step * (envelope[i + 1] as number);
  }
  return ap;
}

/** The official AP of one subset; null when the subset keeps no face. */
export function officialAveragePrecision(subset: SubsetOutcomes, normalise: (score: number) => number): number | null {
  if (subset.faces === 0) return null;
  const { precision, recall } = officialPrecisionRecallCurve(subset, normalise);
  return vocAveragePrecision(recall, precision);
}
