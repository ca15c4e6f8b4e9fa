// `ssd-mobilenetv1`: face-api's SSD MobileNetV1 face detector (trained on WIDER FACE), with the
// weights of the installed @vladmandic/face-api package. Preprocessing as face-api's own
// detectAllFaces: pad to a square at the bottom/right, resize to 512x512, scale to [-1, 1].
import * as tf from '@tensorflow/tfjs';
import type { ScoredBox } from '../../util/geometry.js';
import { registerDetector } from '../registry.js';
import type { DetectOptions, DetectorCreateOptions, FaceDetector, RawOutputs } from '../types.js';
import { assertRgbBatch } from './inputCheck.js';
import { nmsSettings, rawToDetections } from './rawToDetections.js';
import { padToSquareAndResize } from './squareInput.js';
import { decodeSsdBoxes, ownedTensors, SSD_INPUT_SIZE, ssdHeads, ssdParamsFromWeights, type SsdMobilenetV1Params } from './ssdMobilenetV1Net.js';
import { loadFaceApiWeights, loadWeightsManifest } from './weights.js';

/** face-api's SsdMobilenetv1 locateFaces uses IoU 0.5 (and minConfidence 0.5, maxResults 100). */
export const SSD_REFERENCE_NMS_IOU = 0.5;
const INPUT_DESCRIPTION = 'any size; padded to a square at the bottom/right, resized to 512x512';

export class SsdMobilenetV1Detector implements FaceDetector {
  readonly name = 'ssd-mobilenetv1';
  readonly family = 'ssd' as const;
  readonly inputDescription = INPUT_DESCRIPTION;
  private readonly params: SsdMobilenetV1Params;

  constructor(private readonly weights: tf.NamedTensorMap) {
    this.params = ssdParamsFromWeights(weights);
  }

  forwardRaw(images: tf.Tensor4D): RawOutputs {
    assertRgbBatch(this.name, images);
    return tf.tidy(() => {
      const { resized, side } = padToSquareAndResize(images, SSD_INPUT_SIZE);
      // face-api maps pixels p in [0, 255] to p / 127.5 - 1; our input is p / 255.
      const x = tf.sub(tf.mul(resized, 2), 1) as tf.Tensor4D;
      const { encodings, faceLogits } = ssdHeads(x, this.params);
      const [ymin, xmin, ymax, xmax] = tf.split(this.params.priors, 4, 1);
      return {
        anchors: tf.mul(tf.concat([xmin, ymin, xmax, ymax], 1), side) as tf.Tensor2D,
        scores: tf.sigmoid(faceLogits),
        boxes: tf.mul(decodeSsdBoxes(encodings, this.params.priors), side) as tf.Tensor3D,
      };
    });
  }

  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<ScoredBox[][]> {
    const raw = this.forwardRaw(images);
    try {
      // face-api clips SSD boxes to the padded square it fed the network.
      const side = Math.max(images.shape[1], images.shape[2]);
      return await rawToDetections(raw, nmsSettings(options, SSD_REFERENCE_NMS_IOU), { width: side, height: side });
    } finally {
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    }
  }

  dispose(): void {
    tf.dispose(ownedTensors(this.params));
    tf.dispose(Object.values(this.weights));
  }
}

export async function createSsdMobilenetV1(options: DetectorCreateOptions = {}): Promise<SsdMobilenetV1Detector> {
  const weights = options.weights ? loadWeightsManifest(options.weights) : loadFaceApiWeights('ssd_mobilenetv1_model');
  return new SsdMobilenetV1Detector(weights);
}

registerDetector({
  name: 'ssd-mobilenetv1',
  family: 'ssd',
  inputDescription: INPUT_DESCRIPTION,
  weightsSource: 'npm @vladmandic/face-api: model/ssd_mobilenetv1_model-weights_manifest.json (or --weights <manifest>)',
  create: createSsdMobilenetV1,
});
