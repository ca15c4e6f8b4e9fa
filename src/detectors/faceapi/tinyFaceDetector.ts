// `tiny-face`: face-api's TinyFaceDetector with the weights of the installed @vladmandic/face-api
// package. Preprocessing as face-api's detectAllFaces: pad to a square at the bottom/right, resize
// to the input size (default 416, a multiple of 32), subtract the RGB mean, divide by 255.
import * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../util/errors.js';
import type { ScoredBox } from '../../util/geometry.js';
import { registerDetector } from '../registry.js';
import type { DetectOptions, DetectorCreateOptions, FaceDetector, RawOutputs } from '../types.js';
import { assertRgbBatch } from './inputCheck.js';
import { nmsSettings, rawToDetections } from './rawToDetections.js';
import { padToSquareAndResize } from './squareInput.js';
import { decodeTinyFace, TINY_FACE_MEAN_RGB, tinyFaceAnchorBoxes, tinyFaceEncodings, tinyFaceParamsFromWeights, type TinyFaceParams } from './tinyFaceDetectorNet.js';
import { loadFaceApiWeights, loadWeightsManifest } from './weights.js';

/** face-api's TinyFaceDetector NMS IoU (tinyFaceDetector/const.ts). */
export const TINY_FACE_REFERENCE_NMS_IOU = 0.4;
export const TINY_FACE_DEFAULT_INPUT_SIZE = 416;

export class TinyFaceDetector implements FaceDetector {
  readonly name = 'tiny-face';
  readonly family = 'yolo' as const;
  readonly inputDescription: string;
  private readonly params: TinyFaceParams;

  constructor(
    private readonly weights: tf.NamedTensorMap,
    readonly inputSize = TINY_FACE_DEFAULT_INPUT_SIZE,
  ) {
    if (!Number.isInteger(inputSize) || inputSize <= 0 || inputSize % 32 !== 0) {
      throw new FacepatchError(`tiny-face: inputSize must be a positive multiple of 32, got ${inputSize}`);
    }
    this.params = tinyFaceParamsFromWeights(weights);
    this.inputDescription = `any size; padded to a square at the bottom/right, resized to ${inputSize}x${inputSize}`;
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    assertRgbBatch(this.name, images);
    return tf.tidy(() => {
      const { resized, side } = padToSquareAndResize(images, this.inputSize);
      // face-api computes (p - mean) / 255 on pixels p in [0, 255]; our input is p / 255.
      const mean = tf.tensor1d(TINY_FACE_MEAN_RGB.map((m) => m / 255));
      const x = tf.sub(resized, mean) as tf.Tensor4D;
      const encodings = tinyFaceEncodings(x, this.params);
      const { scores, boxes } = decodeTinyFace(encodings);
      return {
        anchors: tf.mul(tinyFaceAnchorBoxes(encodings.shape[1]), side) as tf.Tensor2D,
        scores,
        boxes: tf.mul(boxes, side) as tf.Tensor3D,
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const raw = this.forwardRaw(images);
    try {
      return await rawToDetections(raw, nmsSettings(options, TINY_FACE_REFERENCE_NMS_IOU));
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.weights));
  }
}

export async function createTinyFaceDetector(options: DetectorCreateOptions = {}): Promise<TinyFaceDetector> {
  const inputSize = options.config?.inputSize ?? TINY_FACE_DEFAULT_INPUT_SIZE;
  if (typeof inputSize !== 'number') throw new FacepatchError(`tiny-face: config.inputSize must be a number, got ${JSON.stringify(inputSize)}`);
  const weights = options.weights ? loadWeightsManifest(options.weights) : loadFaceApiWeights('tiny_face_detector_model');
  return new TinyFaceDetector(weights, inputSize);
}

registerDetector({
  name: 'tiny-face',
  family: 'yolo',
  inputDescription: `any size; padded to a square at the bottom/right, resized to ${TINY_FACE_DEFAULT_INPUT_SIZE}x${TINY_FACE_DEFAULT_INPUT_SIZE} (config.inputSize)`,
  weightsSource: 'npm @vladmandic/face-api: model/tiny_face_detector_model-weights_manifest.json (or --weights <manifest>)',
  create: createTinyFaceDetector,
});
