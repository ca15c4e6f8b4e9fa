// Precision and recall from counts, with the conventions for empty denominators made explicit.
import type { ThresholdCounts } from './rankedOutcomes.js';
import type { OperatingPoint } from './types.js';

/**
 * recalled / proposals. With no proposals there is no false positive, so precision is 1 (the
 * paper's attack keeps precision high while recall falls; an attack that silences the detector
 * reads precision 1, recall 0). `proposals` is reported beside it so the case stays visible.
 */
export function precisionOf(counts: ThresholdCounts): number {
  return counts.proposals > 0 ? counts.recalled / counts.proposals : 1;
}

/** recalled / faces; null when there is no face to recall. */
export function recallOf(counts: ThresholdCounts, faces: number): number | null {
  return faces > 0 ? counts.recalled / faces : null;
}

export function operatingPoint(counts: ThresholdCounts, faces: number): OperatingPoint {
  return {
    faces,
    proposals: counts.proposals,
    recalled: counts.recalled,
    precision: precisionOf(counts),
    recall: recallOf(counts, faces),
  };
}
