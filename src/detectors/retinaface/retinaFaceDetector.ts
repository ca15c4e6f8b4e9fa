// RetinaFace-MobileNet0.25 as a FaceDetector: RGB [0, 1] in, the reference's BGR 0..255 minus
// mean inside (differentiably), priors per input size, softmax face scores, boxes in pixels,
// and the reference WIDER FACE post-processing in detect().
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { sharedDir } from '../../config/paths.js';
import type { ScoredBox } from '../../util/geometry.js';
import { loadStateDict } from '../pytorch/index.js';
import type { DetectOptions, DetectorCreateOptions, DetectorFamily, FaceDetector, RawOutputs } from '../types.js';
import { RETINAFACE_MNET, RETINAFACE_WEIGHTS_PATH } from './config.js';
import { decodeBoxes } from './decode.js';
import { disposeRetinaFaceNetwork, loadRetinaFaceNetwork, retinaFaceForward, type NetworkOutputs, type RetinaFaceNetwork } from './network.js';
import { computePriors, priorCorners, type Priors } from './priors.js';
import { referenceNms } from './referenceNms.js';
import { StateDictReader } from './weights.js';

export const RETINAFACE_NAME = 'retinaface-mobilenet0.25';
export const RETINAFACE_INPUT = 'any size (feature maps ceil(H/8), ceil(H/16), ceil(H/32)); no resizing';

export class RetinaFaceDetector implements FaceDetector {
  readonly name = RETINAFACE_NAME;
  readonly family: DetectorFamily = 'retinanet';
  readonly inputDescription = RETINAFACE_INPUT;
  private readonly priorCache = new Map<string, Priors>();

  constructor(
    private readonly net: RetinaFaceNetwork,
    readonly config = RETINAFACE_MNET,
  ) {}

  /** Loads the weights from a reference state dict (.pth), e.g. mobilenet0.25_Final.pth. */
  static fromCheckpoint(file: string): RetinaFaceDetector {
    const reader = new StateDictReader(loadStateDict(file), file, 'RetinaFace-MobileNet0.25');
    return new RetinaFaceDetector(loadRetinaFaceNetwork(reader));
  }

  priors(height: number, width: number): Priors {
    const key = `${height}x${width}`;
    let priors = this.priorCache.get(key);
    if (priors === undefined) {
      priors = computePriors(height, width, this.config);
      this.priorCache.set(key, priors);
    }
    return priors;
  }

  /** The network's raw outputs on RGB [0, 1] images (exposed for tests and landmark users). */
  network(images: tf.Tensor4D): NetworkOutputs {
    return tf.tidy(() => {
      // RGB [0,1] -> RGB 0..255 minus the mean; the first conv's filter is channel-reversed,
      // which equals the reference's BGR input exactly.
      const input = tf.sub(tf.mul(images, 255), tf.tensor1d([...this.config.meanRgb])) as tf.Tensor4D;
      return retinaFaceForward(this.net, input);
    });
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    const [, height, width] = images.shape;
    const priors = this.priors(height, width);
    return tf.tidy(() => {
      const { logits, regressions } = this.network(images);
      const [batch, count] = logits.shape;
      if (count !== priors.count) throw new Error(`RetinaFace: ${count} head outputs but ${priors.count} priors for ${height}x${width}`);
      const faceProbability = tf.slice(tf.softmax(logits, -1), [0, 0, 1], [batch, count, 1]);
      return {
        anchors: tf.tensor2d(priorCorners(priors), [priors.count, 4]),
        scores: tf.reshape(faceProbability, [batch, count]) as tf.Tensor2D,
        boxes: decodeBoxes(regressions, priors, this.config.variance),
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const threshold = options.scoreThreshold ?? this.config.scoreThreshold;
    const iou = options.nmsIoU ?? this.config.nmsIoU;
    const maxDetections = options.maxDetections ?? this.config.maxDetections;
    const raw = this.forwardRaw(images);
    try {
      const [scores, boxes] = await Promise.all([raw.scores.data(), raw.boxes.data()]);
      const [batch, count] = raw.scores.shape;
      const results: ScoredBox[][] = [];
      for (let b = 0; b < batch; b++) {
        const imageScores = scores.subarray(b * count, (b + 1) * count);
        const imageBoxes = boxes.subarray(b * count * 4, (b + 1) * count * 4);
        // As the reference: score > threshold, the top 5000 go to NMS, the top 750 survive.
        const candidates: number[] = [];
        for (let a = 0; a < count; a++) if (imageScores[a] > threshold) candidates.push(a);
        candidates.sort((i, j) => imageScores[j] - imageScores[i]);
        const kept = referenceNms(imageBoxes, imageScores, candidates.slice(0, this.config.preNmsTopK), iou).slice(0, maxDetections);
        results.push(
          kept.map((a) => {
            const [x1, y1, x2, y2] = imageBoxes.subarray(4 * a, 4 * a + 4);
            return { x: x1, y: y1, w: x2 - x1, h: y2 - y1, score: imageScores[a] };
          }),
        );
      }
      return results;
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    disposeRetinaFaceNetwork(this.net);
  }
}

/** The detector with the shared reference weights, or a user's .pth of the same architecture. */
export async function createRetinaFace(options: DetectorCreateOptions = {}): Promise<RetinaFaceDetector> {
  const file = options.weights ?? join(options.sharedDir ?? sharedDir(), ...RETINAFACE_WEIGHTS_PATH);
  return RetinaFaceDetector.fromCheckpoint(file);
}
