// One gradient computation of the universal patch on one image: paste the patch on every face,
// run the frozen detector, select the adversarial samples, and differentiate the summed loss terms
// w.r.t. the patch only.
import * as tf from '@tensorflow/tfjs';
import type { FaceDetector } from '../detectors/types.js';
import type { Box } from '../util/geometry.js';
import type { PastePlan } from '../patch/paste.js';
import { pastePatch } from '../patch/paste.js';
import type { EotOptions, PhotometricDraw } from '../patch/photometric.js';
import { applyPhotometric, NO_EOT } from '../patch/photometric.js';
import type { SelectionParams, SelectionStrategy } from './selection/types.js';
import type { SampleWeighting } from './sampleWeighting.js';
import { perSampleWeighting } from './sampleWeighting.js';
import { countBoxesWithAnchor } from './anchorOverlap.js';

/** A face counts as having a sample when a selected anchor overlaps it by IoU > 0.3 (lambda1). */
const COVERAGE_IOU = 0.3;

export interface AttackImage {
  /** [H, W, 3] RGB in [0, 1]. */
  image: tf.Tensor3D;
  faces: readonly Box[];
  /** Boxes of the pasted patches (for Patch-Combination and the criteria). */
  patchBoxes: readonly Box[];
  plan: PastePlan;
  photometric?: PhotometricDraw;
}

export interface ImageGradient {
  /** Weighted sum of the selected samples' loss terms (0 when none was selected). */
  lossSum: number;
  /** Number of selected samples. */
  selected: number;
  /** Sum of the selected samples' weights (= selected under the paper's per-sample weighting): the batch loss divides by it. */
  weight: number;
  /** d(lossSum)/d(patch), flattened [P*P*3]; null when no sample was selected (no free zero loss). */
  gradient: Float32Array | null;
  /** Highest face score in the patched image (for logs). */
  maxScore: number;
  /** Faces with at least one selected sample on them (IoU(anchor, face) > 0.3), for the coverage log. */
  facesWithSamples: number;
}

export function imageGradient(
  detector: FaceDetector,
  patchValues: Float32Array,
  patchSize: number,
  item: AttackImage,
  strategy: SelectionStrategy,
  params: SelectionParams,
  eot: EotOptions = NO_EOT,
  weighting: SampleWeighting = perSampleWeighting,
): ImageGradient {
  let selected = 0;
  let weight = 0;
  let maxScore = 0;
  let facesWithSamples = 0;
  const result = tf.tidy(() => {
    const patch = tf.tensor3d(patchValues, [patchSize, patchSize, 3]);
    const image = item.image.expandDims(0) as tf.Tensor4D;
    const lossOf = (p: tf.Tensor): tf.Scalar => {
      const transformed = item.photometric ? applyPhotometric(p as tf.Tensor3D, eot, item.photometric) : (p as tf.Tensor3D);
      const patched = pastePatch(image, transformed, [item.plan]);
      const raw = detector.forwardRaw(patched);
      const scores = raw.scores.squeeze([0]) as tf.Tensor1D;
      const scoreValues = scores.dataSync() as Float32Array;
      const anchors = raw.anchors.dataSync() as Float32Array;
      maxScore = scoreValues.reduce((m, s) => (s > m ? s : m), 0);
      const input = { anchors, scores: scoreValues, faces: item.faces, patches: item.patchBoxes };
      const indices = strategy.select(input, params);
      selected = indices.length;
      facesWithSamples = countBoxesWithAnchor(anchors, indices, item.faces, COVERAGE_IOU);
      // Zero through the patch alone, not through the scores: the tape then backpropagates two small
      // ops instead of the whole detector (a quarter of the images select nothing).
      if (selected === 0) return tf.mul(tf.sum(p), 0) as tf.Scalar;
      // A dense weight mask (0 for unselected anchors) rather than tf.gather: gather's gradient
      // (UnsortedSegmentSum) costs one kernel call per anchor on the cpu backend.
      const weights = weighting.weights(input, indices);
      const mask = new Float32Array(scoreValues.length);
      indices.forEach((i, j) => {
        mask[i] = weights[j] as number;
        weight += weights[j] as number;
      });
      return tf.sum(tf.mul(strategy.lossTerms(scores, params), tf.tensor1d(mask))) as tf.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(lossOf)(patch);
    return { loss: value.dataSync()[0] as number, gradient: grad.dataSync() as Float32Array };
  });
  return {
    lossSum: selected > 0 ? result.loss : 0,
    selected,
    weight,
    gradient: selected > 0 ? Float32Array.from(result.gradient) : null,
    maxScore,
    facesWithSamples,
  };
}
