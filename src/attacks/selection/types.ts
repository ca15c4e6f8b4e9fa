// A sample-selection strategy picks the adversarial samples (anchor, face, score, patch) of the
// paper from a detector's raw outputs on one patched image, and says how each selected score
// enters the loss. The loss is minimised: selected face scores go down.
import type * as tf from '@tensorflow/tfjs';
import type { Box } from '../../util/geometry.js';
import type { OverlapMeasure } from '../anchorOverlap.js';
import { DEFAULT_SCORE_LOSS } from './scoreLoss.js';

export interface SelectionInput {
  /** [A*4] anchors as x1, y1, x2, y2 in image pixels. */
  anchors: Float32Array;
  /** [A] face scores of this image (probabilities). */
  scores: Float32Array;
  /** Ground-truth faces of the image. */
  faces: readonly Box[];
  /** Boxes of the patches pasted on this image. */
  patches: readonly Box[];
}

export interface SelectionParams {
  /** delta - m of the paper: score threshold of score-based selection (0.5). */
  scoreThreshold: number;
  /** IoU(anchor, face) threshold of Patch-IoU (0.6, the detector's positive rule). */
  iouThreshold: number;
  /** lambda1 of Patch-Combination: IoU(anchor, face) threshold (0.3). */
  lambdaFace: number;
  /** lambda2 of Patch-Combination: IoU(anchor, patch) threshold (0.3). */
  lambdaPatch: number;
  /**
   * How lambda2's overlap of an anchor with a patch is measured: 'iou' (the paper) or
   * 'anchor-inside' (the fraction of the anchor on the patch, see anchorOverlap.ts). Absent in
   * runs saved before the option existed: 'iou'.
   */
  patchOverlap?: OverlapMeasure;
  /** gamma of Patch-Score-Focal (2). */
  gamma: number;
  /** Patch-Score-Focal: treat S^gamma as a constant weight (true, default) or differentiate it (the literal eq. 2). */
  focalStopGradient: boolean;
  /**
   * How each selected score enters the loss (scoreLoss.ts): 'log-score' (the paper's log S) or
   * 'log-background' (-log(1 - S)). Absent in runs saved before the option existed: 'log-score'.
   */
  scoreLoss?: string;
}

export const DEFAULT_SELECTION_PARAMS: SelectionParams = {
  scoreThreshold: 0.5,
  iouThreshold: 0.6,
  lambdaFace: 0.3,
  lambdaPatch: 0.3,
  patchOverlap: 'iou',
  gamma: 2,
  focalStopGradient: true,
  scoreLoss: DEFAULT_SCORE_LOSS,
};

export interface SelectionStrategy {
  /** Registry name (iou, score, score-focal, combination). */
  name: string;
  /** The paper's name (Patch-IoU, ...). */
  paperName: string;
  description: string;
  /** Indices of the selected anchors. */
  select(input: SelectionInput, params: SelectionParams): Int32Array;
  /**
   * The per-anchor loss terms to minimise, given scores [A] (differentiable, elementwise).
   * Their sum over the selected anchors of a batch, divided by their number N, is the batch loss.
   */
  lossTerms(selectedScores: tf.Tensor1D, params: SelectionParams): tf.Tensor1D;
}
