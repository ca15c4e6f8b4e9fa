// The SLN's multi-task loss (paper section 3.1): L = L_pcls + L_ncls + L_reg.
// - L_pcls, L_ncls: softmax cross-entropy of the sampled positives (class face) and negatives
//   (class background), each summed and divided by the number of sampled anchors;
// - L_reg = 1/N_reg * sum over sampled positives of (1 - IoU(decoded box, matched face))^2, the
//   IoU least-squares regression loss, with boxes decoded by decodeSlnBoxes (as at inference).
// Sampled anchors enter as dense float masks over all anchors built in JS, so the backward pass
// is dense elementwise work and reductions: no gather (whose gradient is a slow scatter on some
// backends) on the [B, A, .] outputs.
import * as tf from '@tensorflow/tfjs';
import { decodeSlnBoxes } from '../detectors/sln/boxes.js';
import type { Box } from '../util/geometry.js';
import type { GroupSample } from './groupSampling.js';

/** The targets of one batch, dense over anchors: built by lossTargets, owned by the caller. */
export interface LossTargets {
  /** [B, A]: 1 at sampled positives. */
  positiveMask: tf.Tensor2D;
  /** [B, A]: 1 at sampled negatives. */
  negativeMask: tf.Tensor2D;
  /** [B, A, 4]: the matched face (x1, y1, x2, y2) at sampled positives, 0 elsewhere. */
  boxes: tf.Tensor3D;
  positives: number;
  negatives: number;
}

/** Per image of a batch: its sample and its faces (the indices of the sample's positiveFaces). */
export function lossTargets(anchorCount: number, samples: readonly { sample: GroupSample; faces: readonly Box[] }[]): LossTargets {
  const batch = samples.length;
  const positiveMask = new Float32Array(batch * anchorCount);
  const negativeMask = new Float32Array(batch * anchorCount);
  const boxes = new Float32Array(batch * anchorCount * 4);
  let positives = 0, negatives = 0;
  samples.forEach(({ sample, faces }, b) => {
    const base = b * anchorCount;
    sample.positives.forEach((anchor, j) => {
      const face = faces[sample.positiveFaces[j] as number];
      if (!face) throw new RangeError(`lossTargets: positive anchor ${anchor} matches face ${sample.positiveFaces[j]}, image ${b} has ${faces.length}`);
      positiveMask[base + anchor] = 1;
      boxes.set([face.x, face.y, face.x + face.w, face.y + face.h], (base + anchor) * 4);
    });
    for (const anchor of sample.negatives) negativeMask[base + anchor] = 1;
    positives += sample.positives.length;
    negatives += sample.negatives.length;
  });
  return {
    positiveMask: tf.tensor2d(positiveMask, [batch, anchorCount]),
    negativeMask: tf.tensor2d(negativeMask, [batch, anchorCount]),
    boxes: tf.tensor3d(boxes, [batch, anchorCount, 4]),
    positives,
    negatives,
  };
}

export function disposeTargets(targets: LossTargets): void {
  tf.dispose([targets.positiveMask, targets.negativeMask, targets.boxes]);
}

export interface LossParts {
  total: tf.Scalar;
  positiveClassification: tf.Scalar;
  negativeClassification: tf.Scalar;
  regression: tf.Scalar;
}

/** Elementwise IoU of two [..., 4] corner-box tensors (differentiable; 0 for empty boxes). */
export function pairedIoU(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const axis = a.rank - 1;
    const [ax1, ay1, ax2, ay2] = tf.split(a, 4, axis) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [bx1, by1, bx2, by2] = tf.split(b, 4, axis) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const iw = tf.relu(tf.sub(tf.minimum(ax2, bx2), tf.maximum(ax1, bx1)));
    const ih = tf.relu(tf.sub(tf.minimum(ay2, by2), tf.maximum(ay1, by1)));
    const intersection = tf.mul(iw, ih);
    const areaA = tf.mul(tf.relu(tf.sub(ax2, ax1)), tf.relu(tf.sub(ay2, ay1)));
    const areaB = tf.mul(tf.relu(tf.sub(bx2, bx1)), tf.relu(tf.sub(by2, by1)));
    const union = tf.sub(tf.add(areaA, areaB), intersection);
    return tf.squeeze(tf.div(intersection, tf.add(union, 1e-9)), [axis]);
  });
}

/**
 * The loss of one batch: logits [B, A, 2] (background, face), regression [B, A, 4], anchors
 * [A, 4]. Returns the total and its parts (scalars, owned by the caller).
 */
export function slnDetectorLoss(logits: tf.Tensor3D, regression: tf.Tensor3D, anchors: tf.Tensor2D, targets: LossTargets): LossParts {
  return tf.tidy(() => {
    const sampled = Math.max(1, targets.positives + targets.negatives);
    const logProbabilities = tf.logSoftmax(logits, -1);
    const [logBackground, logFace] = tf.split(logProbabilities, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
    const positiveClassification = tf.div(tf.neg(tf.sum(tf.mul(tf.squeeze(logFace, [2]), targets.positiveMask))), sampled) as tf.Scalar;
    const negativeClassification = tf.div(tf.neg(tf.sum(tf.mul(tf.squeeze(logBackground, [2]), targets.negativeMask))), sampled) as tf.Scalar;
    const iou = pairedIoU(decodeSlnBoxes(regression, anchors), targets.boxes);
    const squaredGap = tf.square(tf.sub(1, iou));
    const regressionLoss = tf.div(tf.sum(tf.mul(squaredGap, targets.positiveMask)), Math.max(1, targets.positives)) as tf.Scalar;
    const total = tf.addN([positiveClassification, negativeClassification, regressionLoss]) as tf.Scalar;
    return { total, positiveClassification, negativeClassification, regression: regressionLoss };
  });
}
