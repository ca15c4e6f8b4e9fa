// What the evaluation consumes and produces.
import type { SubsetName } from '../data/types.js';
import type { Box, ScoredBox } from '../util/geometry.js';
import type { FalsePositive } from './falsePositives.js';

/** One image to score: its annotated faces, subset membership, detections and pasted patches. */
export interface EvaluationImage {
  id: string;
  /** Annotated faces, in annotation order. */
  faces: Box[];
  /** Per subset, the 0-based indices into `faces` that the subset keeps (its gt_list); the rest are ignored. */
  subsets: Record<SubsetName, number[]>;
  /** The detector's output on this image (any order; scores are the raw probabilities). */
  detections: ScoredBox[];
  /** Boxes where an adversarial patch was pasted (criterion 2); absent or empty for clean images. */
  patches?: Box[];
}

export interface EvaluationOptions {
  images: EvaluationImage[];
  /** Score threshold delta of the paper (Section 4.1); detections with score >= delta count as faces. */
  delta?: number;
  /** The betas of the Threshold-F_beta curves (the paper's Figure 8 uses these four). */
  betas?: number[];
  /** The F_beta curves are reported at thresholds k / curveSteps, k = 0..curveSteps. */
  curveSteps?: number;
}

export const EVAL_DEFAULT_DELTA = 0.99;
export const EVAL_DEFAULT_BETAS: readonly number[] = [0.001, 0.01, 0.1, 0.5];
export const EVAL_DEFAULT_CURVE_STEPS = 100;

/** Counts and ratios at one score threshold for one subset. */
export interface OperatingPoint {
  /** Faces the subset keeps over all images (the recall denominator). */
  faces: number;
  /** Detections at or above the threshold that count as proposals (not matched to ignored faces). */
  proposals: number;
  /** Kept faces recalled by those detections. */
  recalled: number;
  /** recalled / proposals; 1 when there are no proposals (no detection, so no false positive). */
  precision: number;
  /** recalled / faces; null when the subset keeps no face. */
  recall: number | null;
}

export type BySubset<T> = Record<SubsetName, T>;
/** Keyed by String(beta), e.g. "0.001". */
export type ByBeta<T> = Record<string, T>;

export interface FBetaCurves {
  /** Thresholds on the raw score at which the curves are reported: k / curveSteps. */
  thresholds: number[];
  /** Per subset and beta, F_beta at each threshold (null for a subset that keeps no face). */
  curves: BySubset<ByBeta<(number | null)[]>>;
  /** Per subset and beta, the exact area under the step curve F_beta(t) over t in [0, 1]. */
  afbeta: BySubset<ByBeta<number | null>>;
}

export interface AttackCriteria {
  /** Criterion 1 (faces should fall below delta): kept faces still recalled at score >= delta. */
  criterion1: { facesDetected: BySubset<number>; faces: BySubset<number> };
  /**
   * Criterion 2 (the patch itself should not be detected): detections at score >= delta whose box
   * has IoU >= 0.5 with a pasted patch box of the same image, the number of patches, and how many
   * patches have at least one such detection. detectionsWithinPatches (beyond the paper): the
   * other detections at score >= delta lying at least half inside a patch box, i.e. small faces
   * drawn within a patch (absent in reports written before it existed).
   */
  criterion2: { detections: number; patches: number; patchesDetected: number; detectionsWithinPatches?: number };
}

export interface EvaluationResult {
  delta: number;
  images: number;
  betas: number[];
  /** Precision at score >= delta per subset (1 when no proposals; see OperatingPoint). */
  precision: BySubset<number>;
  /** Recall at score >= delta per subset (null when the subset keeps no face). */
  recall: BySubset<number | null>;
  /** The counts behind precision and recall. */
  atDelta: BySubset<OperatingPoint>;
  /** Average precision with the official WIDER FACE protocol (null when the subset keeps no face). */
  ap: BySubset<number | null>;
  /** AF_beta on the 'all' subset, keyed by beta. */
  afbeta: ByBeta<number | null>;
  fbeta: FBetaCurves;
  criteria: AttackCriteria;
  /** The proposals at delta on 'all' that recall no face (proposals - recalled of atDelta.all), each with why. */
  falsePositives: FalsePositive[];
}
