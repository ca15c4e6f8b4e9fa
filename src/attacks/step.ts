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

/** How many faces have a selected anchor on them (IoU > 0.3). */
function countCoveredFaces(anchors: Float32Array, indices: Int32Array, faces: readonly Box[]): number {
  let covered = 0;
  for (const f of faces) {
    const area = f.w * f.h;
    if (area <= 0) continue;
    for (const i of indices) {
      const x1 = anchors[4 * i] as number, y1 = anchors[4 * i + 1] as number;
      const x2 = anchors[4 * i + 2] as number, y2 = anchors[4 * i + 3] as number;
      const iw = Math.min(x2, f.x + f.w) - Math.max(x1, f.x);
      const ih = Math.min(y2, f.y + f.h) - Math.max(y1, f.y);
      if (iw <= 0 || ih <= 0) continue;
      if ((iw * ih) / ((x2 - x1) * (y2 - y1) + area - iw * ih) > 0.3) {
        covered++;
        break;
      }
    }
  }
  return covered;
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
      facesWithSamples = countCoveredFaces(anchors, indices, item.faces);
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
