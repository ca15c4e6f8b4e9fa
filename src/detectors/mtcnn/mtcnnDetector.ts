// MTCNN (P-Net / R-Net / O-Net, face-api.js weights) as a FaceDetector.
//
// Differentiability, the design choice: a cascade's window choices are discrete. Stages 1 and 2
// (pyramid P-Net, R-Net on 24x24 patches, thresholds, NMS, regression) run on plain values and
// only decide WHICH windows the last stage sees, the way an anchor set does for a one-stage
// detector. The last stage is differentiable w.r.t. the input pixels: each window's 48x48 patch is
// cut from the input tensor (slice + resampling matmuls, see patches.ts) and O-Net's face
// probability of it is the window's score. So forwardRaw's
//   anchors = the O-Net input windows (stage-2 output) in input pixels,
//   scores  = O-Net's face probability of each window,
//   boxes   = the windows regressed by O-Net and squared (not rounded).
// A gradient step therefore lowers the final scores of the faces the cascade currently passes to
// O-Net; faces rejected by stages 1-2 have no window and no gradient.
// With a batch, anchors are the windows of all images concatenated; an image's scores for another
// image's windows are 0 (and its boxes there are the anchors themselves).
//
// Where we differ from face-api.js on purpose:
// - Channel order. face-api reverses the canvas's RGB to BGR before every net (its
//   bgrToRgbTensor, and "RGBA -> BGR" in extractImagePatches), a leftover of a BGR (OpenCV)
//   source; the weights are the original MTCNN's, trained on RGB. Fed RGB they find 21 of the 22
//   faces face-api's SSD finds on its six demo photos at 480 px; fed BGR, 14 (measured by
//   test/detectors/mtcnn/detector.slow.test.ts). We feed RGB.
// - Patch resampling. face-api cuts R-Net/O-Net patches with a canvas drawImage (browser or
//   node-canvas resampling, 8-bit); we use a triangle filter that widens when shrinking (PIL's
//   BILINEAR), in float. The pixel blocks cut (borders clipped, not padded) are face-api's.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { sharedDir } from '../../config/paths.js';
import type { ScoredBox } from '../../util/geometry.js';
import type { DetectOptions, DetectorCreateOptions, DetectorFamily, FaceDetector, RawOutputs } from '../types.js';
import { cascadeNms } from './cascadeNms.js';
import { MTCNN_FACEAPI, MTCNN_WEIGHTS_PATH, ONET_INPUT, type MtcnnConfig } from './config.js';
import { normalizePixels, onetForward } from './networks.js';
import { cropPatchTensor, type PixelImage } from './patches.js';
import { selectWindows, type ScoredWindow } from './stages.js';
import { disposeMtcnnNetworks, loadMtcnnNetworks, type MtcnnNetworks } from './weights.js';
import { cropRegion, roundBox, type WindowBox } from './windowBox.js';

export const MTCNN_NAME = 'mtcnn';
export const MTCNN_INPUT = 'any size; pyramid from 0.6x (20-pixel faces onto 12-pixel cells) down by 0.709, then 24x24 and 48x48 window patches';

/** Window corners [left, top, right, bottom] -> regressed and squared corners, as tensors. */
function regressAndSquare(anchors: tf.Tensor2D, regions: tf.Tensor2D): tf.Tensor2D {
  const [left, top, right, bottom] = tf.split(anchors, 4, 1);
  const [dl, dt, dr, db] = tf.split(regions, 4, 1);
  const width = tf.sub(right, left);
  const height = tf.sub(bottom, top);
  const x1 = tf.add(left, tf.mul(dl, width));
  const y1 = tf.add(top, tf.mul(dt, height));
  const x2 = tf.add(right, tf.mul(dr, width));
  const y2 = tf.add(bottom, tf.mul(db, height));
  const boxWidth = tf.sub(x2, x1);
  const boxHeight = tf.sub(y2, y1);
  const side = tf.maximum(boxWidth, boxHeight);
  // The shorter side grows symmetrically to the longer one (face-api Box.toSquare).
  const x = tf.sub(x1, tf.div(tf.sub(side, boxWidth), 2));
  const y = tf.sub(y1, tf.div(tf.sub(side, boxHeight), 2));
  return tf.concat([x, y, tf.add(x, side), tf.add(y, side)], 1) as tf.Tensor2D;
}

export class MtcnnDetector implements FaceDetector {
  readonly name = MTCNN_NAME;
  readonly family: DetectorFamily = 'cascade';
  readonly inputDescription = MTCNN_INPUT;

  constructor(
    readonly nets: MtcnnNetworks,
    readonly config: MtcnnConfig = MTCNN_FACEAPI,
  ) {}

  /** Loads face-api.js's weights manifest (the shard lies beside it). */
  static fromManifest(file: string, config: MtcnnConfig = MTCNN_FACEAPI): MtcnnDetector {
    return new MtcnnDetector(loadMtcnnNetworks(file), config);
  }

  /** Stages 1-2 on each image of a [B, H, W, 3] batch: the windows O-Net will score, with their R-Net scores. */
  selectWindows(images: tf.Tensor4D): ScoredWindow[][] {
    const [batch, height, width] = images.shape;
    const pixels = images.dataSync() as Float32Array;
    const size = height * width * 3;
    return Array.from({ length: batch }, (_, b) => {
      const image: PixelImage = { data: pixels.subarray(b * size, (b + 1) * size), height, width };
      return selectWindows(image, this.nets, this.config);
    });
  }

  /**
   * The last stage on given windows (windows[b] belong to image b): O-Net on 48x48 patches cut
   * differentiably from `images`. Fixing the windows makes the scores a smooth function of the
   * pixels (used by the finite-difference tests).
   */
  scoreWindows(images: tf.Tensor4D, windows: readonly (readonly WindowBox[])[]): RawOutputs {
    const [batch, height, width] = images.shape;
    if (windows.length !== batch) throw new Error(`MTCNN scoreWindows: ${windows.length} window lists for ${batch} images`);
    const owners = windows.flatMap((list, b) => list.map(() => b));
    const flat = windows.flat();
    const regions = flat.map((w) => {
      const region = cropRegion(w, height, width);
      if (!region) throw new Error(`MTCNN scoreWindows: window ${JSON.stringify(w)} lies outside the ${width}x${height} image`);
      return region;
    });
    const count = flat.length;
    return tf.tidy(() => {
      if (count === 0) {
        // Empty, but still a function of the input so tf.grad gives zeros instead of throwing.
        const scores = tf.reshape(tf.slice(images, [0, 0, 0, 0], [batch, 0, 1, 1]), [batch, 0]) as tf.Tensor2D;
        return { anchors: tf.zeros([0, 4]) as tf.Tensor2D, scores, boxes: tf.zeros([batch, 0, 4]) as tf.Tensor3D };
      }
      const patches = tf.concat(
        regions.map((region, a) => tf.expandDims(cropPatchTensor(images, owners[a], region, ONET_INPUT), 0)),
        0,
      ) as tf.Tensor4D;
      const out = onetForward(normalizePixels(patches), this.nets.onet);
      const anchors = tf.tensor2d(flat.flatMap((w) => [w.left, w.top, w.right, w.bottom]), [count, 4]);
      const regressed = regressAndSquare(anchors, out.regions);
      const ownership = new Float32Array(batch * count);
      owners.forEach((b, a) => (ownership[b * count + a] = 1));
      const owned = tf.tensor2d(ownership, [batch, count]);
      const ownedBoxes = tf.expandDims(owned, 2);
      return {
        anchors,
        scores: tf.mul(owned, tf.expandDims(out.scores, 0)) as tf.Tensor2D,
        boxes: tf.add(tf.mul(ownedBoxes, tf.expandDims(regressed, 0)), tf.mul(tf.sub(1, ownedBoxes), tf.expandDims(anchors, 0))) as tf.Tensor3D,
      };
    });
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    const windows = this.selectWindows(images).map((list) => list.map((w) => w.box));
    return this.scoreWindows(images, windows);
  }

  /**
   * The full cascade as face-api.js runs it: O-Net scores above the last threshold (default the
   * reference 0.7; `scoreThreshold` overrides it, stages 1-2 keep theirs), boxes regressed,
   * squared and rounded, then NMS by intersection over the smaller box (default 0.7).
   */
  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const threshold = options.scoreThreshold ?? this.config.scoreThresholds[2];
    const overlap = options.nmsIoU ?? this.config.onetNms;
    const maxDetections = options.maxDetections ?? 750;
    const windows = this.selectWindows(images).map((list) => list.map((w) => w.box));
    const raw = this.scoreWindows(images, windows);
    try {
      const [scores, boxes] = await Promise.all([raw.scores.data(), raw.boxes.data()]);
      const count = raw.anchors.shape[0];
      let offset = 0;
      return windows.map((list, b) => {
        const candidates: { box: WindowBox; score: number }[] = [];
        for (let a = offset; a < offset + list.length; a++) {
          const score = scores[b * count + a];
          if (!(score >= threshold)) continue;
          const at = (b * count + a) * 4;
          candidates.push({ box: roundBox({ left: boxes[at], top: boxes[at + 1], right: boxes[at + 2], bottom: boxes[at + 3] }), score });
        }
        offset += list.length;
        const kept = cascadeNms(candidates.map((c) => c.box), candidates.map((c) => c.score), overlap, this.config.onetNmsOverlap);
        return kept.slice(0, maxDetections).map((k) => {
          const { box, score } = candidates[k];
          return { x: box.left, y: box.top, w: box.right - box.left, h: box.bottom - box.top, score };
        });
      });
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    disposeMtcnnNetworks(this.nets);
  }
}

/** The detector with face-api.js's weights from the shared folder, or a user's manifest (--weights). */
export async function createMtcnn(options: DetectorCreateOptions = {}): Promise<MtcnnDetector> {
  const file = options.weights ?? join(options.sharedDir ?? sharedDir(), ...MTCNN_WEIGHTS_PATH);
  return MtcnnDetector.fromManifest(file);
}
