// A FaceDetector over any ONNX face detector, described by an OnnxDetectorConfig (see
// detectorConfig.ts): images are resized to the model input differentiably (gather-based
// bilinear, see interpolation.ts), normalised, fed channels-last to the imported graph, and the
// score / box outputs are turned into per-anchor face probabilities and pixel boxes.
import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../util/errors.js';
import type { DetectOptions, DetectorFamily, FaceDetector, RawOutputs } from '../types.js';
import type { ScoredBox } from '../../util/geometry.js';
import { centreToCorners, decodeSsdOffsets, scaleCorners } from './boxDecoding.js';
import { parseOnnxDetectorConfig, type OnnxDetectorConfig } from './detectorConfig.js';
import { detectionsAfterNms } from './detections.js';
import { OnnxGraph } from './graph.js';
import { gridPriors } from './gridPriors.js';
import { resizeBilinearNHWC } from './interpolation.js';

const DEFAULT_SCORE_THRESHOLD = 0.02;
const DEFAULT_NMS_IOU = 0.4;
const DEFAULT_MAX_DETECTIONS = 750;

function asList(names: string | string[]): string[] {
  return typeof names === 'string' ? [names] : names;
}

function perChannel(value: number | [number, number, number] | undefined, fallback: number): [number, number, number] {
  if (value === undefined) return [fallback, fallback, fallback];
  return typeof value === 'number' ? [value, value, value] : value;
}

export class OnnxFaceDetector implements FaceDetector {
  readonly name: string;
  readonly family: DetectorFamily;
  readonly inputDescription: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  private readonly inputName: string;
  private readonly scoreOutputs: string[];
  private readonly boxOutputs: string[];
  /** Per-channel affine map from [0, 1] RGB to the model's input: x * gain - offset. */
  private readonly gain: tf.Tensor1D;
  private readonly offset: tf.Tensor1D;
  /** Centre-form normalised priors [A, 4], when the config has a prior spec. */
  private readonly priors?: tf.Tensor2D;
  /** Corner-form normalised anchors [A, 4]: the priors, or reference boxes (see detectorConfig.ts). */
  private anchorsNormalised?: tf.Tensor2D;
  private readonly nmsIoU: number;
  /**
   * Models whose input declares batch 1 often hard-code it (Reshape to [1, -1, C]); they run one
   * image at a time and the results are concatenated.
   */
  private readonly onePerRun: boolean;
  /** The graph's input is itself NHWC (TensorFlow exports): images go in as they are. */
  private readonly graphInputIsNHWC: boolean;

  constructor(
    readonly graph: OnnxGraph,
    readonly config: OnnxDetectorConfig,
    source: string,
  ) {
    const declared = graph.model.inputs;
    const inputName = config.input.name ?? declared[0]?.name;
    const inputInfo = declared.find((i) => i.name === inputName);
    if (!inputName || !inputInfo) {
      throw new FacepatchError(`${source}: the model has no input named "${inputName}" (inputs: ${graph.inputNames.join(', ')})`);
    }
    const dims = inputInfo.dims ?? [];
    this.graphInputIsNHWC = config.input.layout === 'NHWC';
    // Declared [N, C, H, W] (or [N, H, W, C]); symbolic or missing dimensions are undefined.
    const [, c, h, w] = this.graphInputIsNHWC ? [dims[0], dims[3], dims[1], dims[2]] : dims;
    const declaredHeight = typeof h === 'number' && h > 0 ? h : undefined;
    const declaredWidth = typeof w === 'number' && w > 0 ? w : undefined;
    const width = config.input.width ?? declaredWidth;
    const height = config.input.height ?? declaredHeight;
    if (width === undefined || height === undefined) {
      throw new FacepatchError(`${source}: the model's input size is not static; give input.width and input.height in the detector config`);
    }
    if (typeof c === 'number' && c !== 3) throw new FacepatchError(`${source}: input "${inputName}" has ${c} channels, expected 3`);
    this.inputName = inputName;
    this.onePerRun = dims[0] === 1;
    this.inputWidth = width;
    this.inputHeight = height;
    this.scoreOutputs = asList(config.scores.output);
    this.boxOutputs = asList(config.boxes.output);
    for (const name of [...this.scoreOutputs, ...this.boxOutputs]) {
      if (!graph.hasValue(name)) {
        throw new FacepatchError(`${source}: the model has no output or value named "${name}" (outputs: ${graph.outputNames.join(', ')})`);
      }
    }
    graph.assertSupported([...this.scoreOutputs, ...this.boxOutputs]);

    const scale = config.input.scale ?? 255;
    const mean = perChannel(config.input.mean, 0);
    const std = perChannel(config.input.std, 1);
    this.gain = tf.keep(tf.tensor1d(std.map((s) => scale / s)));
    this.offset = tf.keep(tf.tensor1d(mean.map((m, i) => m / std[i])));
    if (config.priors) {
      const priors = gridPriors(config.priors, width, height);
      this.priors = tf.keep(tf.tensor2d(priors, [priors.length / 4, 4]));
      this.anchorsNormalised = tf.keep(centreToCorners(this.priors) as tf.Tensor2D);
    }
    this.name = config.name ?? `onnx:${source}`;
    this.family = config.family ?? 'ssd';
    this.inputDescription = config.inputDescription ?? `any size; stretched to ${width}x${height} (bilinear)`;
    this.nmsIoU = config.nmsIoU ?? DEFAULT_NMS_IOU;
  }

  /** The model input for a batch of [0, 1] RGB images: resized, channel-ordered, normalised, NHWC. */
  private modelInput(images: tf.Tensor4D): tf.Tensor4D {
    const resized = resizeBilinearNHWC(images, this.inputHeight, this.inputWidth);
    const ordered = this.config.input.channelOrder === 'BGR' ? tf.reverse(resized, 3) : resized;
    return tf.sub(tf.mul(ordered, this.gain), this.offset);
  }

  /** Normalised corner boxes [B, A, 4] and face scores [B, A] of a model input batch. */
  private runModel(input: tf.Tensor4D): { scores: tf.Tensor2D; boxes: tf.Tensor3D } {
    const batch = input.shape[0];
    if (!this.onePerRun || batch === 1) return this.runBatch(input);
    const parts = tf.split(input, batch, 0).map((image) => this.runBatch(image as tf.Tensor4D));
    return {
      scores: tf.concat(parts.map((p) => p.scores), 0) as tf.Tensor2D,
      boxes: tf.concat(parts.map((p) => p.boxes), 0) as tf.Tensor3D,
    };
  }

  private runBatch(input: tf.Tensor4D): { scores: tf.Tensor2D; boxes: tf.Tensor3D } {
    // An NCHW graph input is fed channels-last (no transpose, see values.ts); an NHWC one as it is.
    const out = this.graph.run(
      { [this.inputName]: input },
      { channelsLastFeeds: !this.graphInputIsNHWC, outputs: [...this.scoreOutputs, ...this.boxOutputs] },
    );
    const scoreParts = this.scoreOutputs.map((name) => this.faceScores(out[name], name));
    const scores = (scoreParts.length === 1 ? scoreParts[0] : tf.concat(scoreParts, 1)) as tf.Tensor2D;
    const boxParts = this.boxOutputs.map((name) => {
      const t = out[name];
      if (t.rank !== 3 || t.shape[2]! < 4) throw new FacepatchError(`${this.name}: box output "${name}" has shape [${t.shape.join(', ')}], expected [B, A, >=4]`);
      return t.shape[2] === 4 ? t : tf.slice(t, [0, 0, 0], [-1, -1, 4]);
    });
    const raw = boxParts.length === 1 ? boxParts[0] : tf.concat(boxParts, 1);
    if (raw.shape[1] !== scores.shape[1]) {
      throw new FacepatchError(`${this.name}: the score outputs give ${scores.shape[1]} anchors but the box outputs give ${raw.shape[1]}`);
    }
    let boxes: tf.Tensor;
    if (this.config.boxes.encoding === 'ssd') {
      const priors = this.priors as tf.Tensor2D;
      if (priors.shape[0] !== raw.shape[1]) {
        throw new FacepatchError(
          `${this.name}: the model gives ${raw.shape[1]} anchors but the prior spec gives ${priors.shape[0]} for a ${this.inputWidth}x${this.inputHeight} input; check priors.strides and priors.minSizes`,
        );
      }
      const [centreVariance, sizeVariance] = this.config.boxes.variances ?? [0.1, 0.2];
      boxes = decodeSsdOffsets(raw, priors, centreVariance, sizeVariance);
    } else {
      boxes = this.config.boxes.units === 'pixels' ? tf.div(raw, tf.tensor1d([this.inputWidth, this.inputHeight, this.inputWidth, this.inputHeight])) : raw;
    }
    return { scores, boxes: boxes as tf.Tensor3D };
  }

  private faceScores(t: tf.Tensor, name: string): tf.Tensor2D {
    const activation = this.config.scores.activation ?? 'none';
    if (t.rank === 2) {
      if (activation === 'softmax') throw new FacepatchError(`${this.name}: softmax needs a [B, A, C] score output; "${name}" is [B, A]`);
      return (activation === 'sigmoid' ? tf.sigmoid(t) : t) as tf.Tensor2D;
    }
    if (t.rank !== 3) throw new FacepatchError(`${this.name}: score output "${name}" has shape [${t.shape.join(', ')}], expected [B, A, C] or [B, A]`);
    const classes = t.shape[2] as number;
    const face = this.config.scores.faceIndex ?? classes - 1;
    if (face >= classes) throw new FacepatchError(`${this.name}: scores.faceIndex ${face} is out of range for ${classes} classes`);
    const probabilities = activation === 'softmax' ? tf.softmax(t) : activation === 'sigmoid' ? tf.sigmoid(t) : t;
    return tf.reshape(tf.slice(probabilities, [0, 0, face], [-1, -1, 1]), [t.shape[0] as number, t.shape[1] as number]) as tf.Tensor2D;
  }

  /** Corner-form normalised anchors; for decoded-box models without priors, the boxes predicted on grey. */
  private normalisedAnchors(): tf.Tensor2D {
    if (!this.anchorsNormalised) {
      this.anchorsNormalised = tf.tidy(() => {
        const grey = tf.fill([1, this.inputHeight, this.inputWidth, 3], 0.5) as tf.Tensor4D;
        const { boxes } = this.runModel(this.modelInput(grey));
        return tf.keep(tf.reshape(boxes, [-1, 4]) as tf.Tensor2D);
      });
    }
    return this.anchorsNormalised;
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    if (images.rank !== 4 || images.shape[3] !== 3) {
      throw new FacepatchError(`${this.name}: expected images [B, H, W, 3], got [${images.shape.join(', ')}]`);
    }
    const [, height, width] = images.shape;
    const anchorsNormalised = this.normalisedAnchors();
    return tf.tidy(() => {
      const { scores, boxes } = this.runModel(this.modelInput(images));
      return {
        anchors: scaleCorners(anchorsNormalised, width, height) as tf.Tensor2D,
        scores,
        boxes: scaleCorners(boxes, width, height) as tf.Tensor3D,
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const raw = this.forwardRaw(images);
    try {
      return await detectionsAfterNms(raw.scores, raw.boxes, {
        scoreThreshold: options.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD,
        iouThreshold: options.nmsIoU ?? this.nmsIoU,
        maxDetections: options.maxDetections ?? DEFAULT_MAX_DETECTIONS,
      });
    } finally {
      raw.anchors.dispose();
      raw.scores.dispose();
      raw.boxes.dispose();
    }
  }

  dispose(): void {
    this.graph.dispose();
    this.gain.dispose();
    this.offset.dispose();
    this.priors?.dispose();
    this.anchorsNormalised?.dispose();
  }
}

/**
 * Loads an ONNX face detector from `file` with a config (an object, validated here; see
 * detectorConfig.ts for the fields).
 */
export async function createOnnxDetector(file: string, config: OnnxDetectorConfig | Record<string, unknown>, configSource = 'detector config'): Promise<OnnxFaceDetector> {
  const parsed = parseOnnxDetectorConfig(config, configSource);
  const graph = OnnxGraph.fromFile(file);
  try {
    return new OnnxFaceDetector(graph, { ...parsed, name: parsed.name ?? `onnx:${basename(file)}` }, file);
  } catch (error) {
    graph.dispose();
    throw error;
  }
}
