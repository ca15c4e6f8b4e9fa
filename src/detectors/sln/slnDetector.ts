// The paper's Single Level Network (section 3.1, Fig. 3) as a FaceDetector: RGB [0, 1] in, the
// network's ImageNet normalisation inside, face scores = softmax(logits)[..., 1] and boxes decoded
// by decodeSlnBoxes (the trainer's box coding) for the anchors tiled on P2. detect() runs the
// test pyramid (config.pyramid, default one scale), merges the detections of every scale in
// input-image pixels, and keeps the survivors of one greedy NMS.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../config/paths.js';
import { FacepatchError, InputFileError } from '../../util/errors.js';
import { fromCorners, type ScoredBox } from '../../util/geometry.js';
import { greedyNms } from '../faceapi/greedyNms.js';
import { loadStateDict } from '../pytorch/index.js';
import type { DetectOptions, DetectorCreateOptions, DetectorFamily, FaceDetector, RawOutputs } from '../types.js';
import { decodeSlnBoxes } from './boxes.js';
import { loadStateIntoStore } from './checkpoint.js';
import { createSlnNetwork, slnAnchors, type SlnNetwork } from './network.js';
import { loadSlnWeights } from './weightsFile.js';

export const SLN_INPUT = 'any size; no resizing (P2 ceil(H/4) x ceil(W/4), anchors 16-128 px); test pyramid via config.pyramid';

export interface SlnDetectorConfig {
  /** Scales of the test image pyramid (the paper tests "with the same image pyramid strategy as in training"); [1] = single scale. */
  pyramid: number[];
  scoreThreshold: number;
  nmsIoU: number;
  maxDetections: number;
  /** Candidates per image (all scales together, best first) that enter NMS. */
  preNmsTopK: number;
}

export const SLN_DETECTOR_DEFAULTS: Readonly<SlnDetectorConfig> = {
  pyramid: [1],
  scoreThreshold: 0.02,
  nmsIoU: 0.4,
  maxDetections: 750,
  preNmsTopK: 5000,
};

/** Validates a detector config (e.g. --detector-config '{"pyramid": [0.5, 1, 2]}'); unknown keys are errors. */
export function readSlnDetectorConfig(raw: Record<string, unknown> = {}): SlnDetectorConfig {
  const config: SlnDetectorConfig = { ...SLN_DETECTOR_DEFAULTS, pyramid: [...SLN_DETECTOR_DEFAULTS.pyramid] };
  const number = (key: string, value: unknown, ok: (v: number) => boolean, what: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw new FacepatchError(`SLN detector config: ${key} must be ${what}, got ${JSON.stringify(value)}`);
    return value;
  };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'pyramid') {
      if (!Array.isArray(value) || value.length === 0) throw new FacepatchError(`SLN detector config: pyramid must be a non-empty array of scales, e.g. [0.5, 1, 2]; got ${JSON.stringify(value)}`);
      config.pyramid = value.map((v) => number('pyramid', v, (s) => s > 0, 'positive scales'));
    } else if (key === 'scoreThreshold') config.scoreThreshold = number(key, value, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    else if (key === 'nmsIoU') config.nmsIoU = number(key, value, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    else if (key === 'maxDetections') config.maxDetections = number(key, value, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    else if (key === 'preNmsTopK') config.preNmsTopK = number(key, value, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    else throw new FacepatchError(`SLN detector config: unknown key "${key}"; valid keys: ${Object.keys(SLN_DETECTOR_DEFAULTS).join(', ')}`);
  }
  return config;
}

export class SlnDetector implements FaceDetector {
  readonly name: string;
  readonly family: DetectorFamily = 'single-level';
  readonly inputDescription = SLN_INPUT;
  readonly config: SlnDetectorConfig;
  private readonly anchorCache = new Map<string, Float32Array>();

  constructor(
    readonly network: SlnNetwork,
    config: Partial<SlnDetectorConfig> = {},
  ) {
    this.name = `sln-${network.backbone}`;
    this.config = { ...SLN_DETECTOR_DEFAULTS, ...config };
  }

  private anchors(featureHeight: number, featureWidth: number): Float32Array {
    const key = `${featureHeight}x${featureWidth}`;
    let anchors = this.anchorCache.get(key);
    if (anchors === undefined) {
      anchors = slnAnchors(featureHeight, featureWidth);
      this.anchorCache.set(key, anchors);
    }
    return anchors;
  }

  /** [B, H, W, 3] RGB in [0, 1] -> anchors [A, 4], scores [B, A], boxes [B, A, 4] (A = ceil(H/4) ceil(W/4) 4), in input pixels. */
  forwardRaw(images: tf.Tensor4D): RawOutputs {
    return tf.tidy(() => {
      const { logits, regression, featureSize } = this.network.forward(images, 'eval');
      const [batch, count] = logits.shape;
      const anchors = tf.tensor2d(this.anchors(featureSize[0], featureSize[1]), [count, 4]);
      const faceProbability = tf.slice(tf.softmax(logits, -1), [0, 0, 1], [batch, count, 1]);
      return {
        anchors,
        scores: tf.reshape(faceProbability, [batch, count]) as tf.Tensor2D,
        boxes: decodeSlnBoxes(regression, anchors),
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const settings = {
      scoreThreshold: options.scoreThreshold ?? this.config.scoreThreshold,
      iouThreshold: options.nmsIoU ?? this.config.nmsIoU,
      maxDetections: options.maxDetections ?? this.config.maxDetections,
    };
    const [batch, height, width] = images.shape;
    // Per image, the candidates of every scale in input-image pixels: corners and scores.
    const candidates = Array.from({ length: batch }, () => ({ boxes: [] as number[], scores: [] as number[] }));
    for (const scale of this.config.pyramid) {
      const scaledHeight = Math.max(1, Math.round(height * scale));
      const scaledWidth = Math.max(1, Math.round(width * scale));
      const input = scale === 1 ? images : tf.tidy(() => tf.image.resizeBilinear(images, [scaledHeight, scaledWidth], false, true));
      const raw = this.forwardRaw(input);
      try {
        const [scores, boxes] = await Promise.all([raw.scores.data(), raw.boxes.data()]);
        const count = raw.scores.shape[1];
        const sx = width / scaledWidth;
        const sy = height / scaledHeight;
        for (let b = 0; b < batch; b++) {
          const out = candidates[b]!;
          for (let a = 0; a < count; a++) {
            const score = scores[b * count + a]!;
            if (score < settings.scoreThreshold) continue;
            const o = (b * count + a) * 4;
            out.boxes.push(boxes[o]! * sx, boxes[o + 1]! * sy, boxes[o + 2]! * sx, boxes[o + 3]! * sy);
            out.scores.push(score);
          }
        }
      } finally {
        tf.dispose([raw.anchors, raw.scores, raw.boxes]);
        if (input !== images) input.dispose();
      }
    }
    return candidates.map(({ boxes, scores }) => {
      const order = Array.from(scores.keys()).sort((i, j) => scores[j]! - scores[i]!).slice(0, this.config.preNmsTopK);
      const topBoxes = new Float32Array(order.length * 4);
      const topScores = new Float32Array(order.length);
      order.forEach((i, k) => {
        topBoxes.set(boxes.slice(4 * i, 4 * i + 4), 4 * k);
        topScores[k] = scores[i]!;
      });
      return greedyNms(topBoxes, topScores, settings).map((k) => ({
        ...fromCorners(topBoxes[4 * k]!, topBoxes[4 * k + 1]!, topBoxes[4 * k + 2]!, topBoxes[4 * k + 3]!),
        score: topScores[k]!,
      }));
    });
  }

  dispose(): void {
    this.network.store.dispose();
  }
}

/** Where the trained weights of an SLN backbone are shipped: <package root>/weights/sln-<backbone>.json. */
export function shippedSlnWeightsPath(backbone: string): string {
  return join(packageRoot(), 'weights', `sln-${backbone}.json`);
}

export function missingSlnWeightsMessage(backbone: string): string {
  return (
    `no trained weights are shipped for sln-${backbone} yet (${shippedSlnWeightsPath(backbone)} does not exist). ` +
    `Train them with \`facepatch train-detector --backbone ${backbone} ...\` (see facepatch train-detector --help), ` +
    `then pass \`--weights <out>/weights.json\``
  );
}

/**
 * Fills every parameter of `network` from `file`: a facepatch weights manifest (.json with its
 * .bin, see weightsFile.ts), or a PyTorch state dict of the same network (.pth/.pt/.tar, names
 * as bench/pytorch_sln.py). Returns the manifest's metadata (empty for a state dict).
 */
export function loadSlnNetworkWeights(network: SlnNetwork, file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new InputFileError(file, `not found (weights for sln-${network.backbone})`);
  if (file.endsWith('.json')) {
    const { metadata, backbone } = loadSlnWeights(network.store, file);
    if (backbone !== null && backbone !== network.backbone) throw new InputFileError(file, `holds weights of sln-${backbone}, not sln-${network.backbone}`);
    return metadata;
  }
  if (/\.(pth|pt|tar)$/.test(file)) {
    loadStateIntoStore(network.store, loadStateDict(file), file, true);
    return {};
  }
  throw new InputFileError(file, 'expected SLN weights as a .json manifest (facepatch train-detector) or a PyTorch .pth state dict');
}

/**
 * The SLN detector for `backbone` with, in this order, the user's weights (options.weights), or
 * the shipped weights/sln-<backbone>.json; without either it throws missingSlnWeightsMessage.
 */
export async function createSlnDetector(backbone: string, options: DetectorCreateOptions = {}): Promise<SlnDetector> {
  const config = readSlnDetectorConfig(options.config);
  const shipped = shippedSlnWeightsPath(backbone);
  const file = options.weights ?? (existsSync(shipped) ? shipped : undefined);
  if (file === undefined) throw new FacepatchError(missingSlnWeightsMessage(backbone));
  const network = createSlnNetwork(backbone);
  try {
    loadSlnNetworkWeights(network, file);
  } catch (error) {
    network.store.dispose();
    throw error;
  }
  return new SlnDetector(network, config);
}
