// Cross-check of MTCNN's detections on face-api's demo photos against face-api's SSD MobileNetV1
// (an independent detector): SSD faces found by MTCNN with IoU > 0.5, and every MTCNN detection
// overlapping some SSD face (no detections on background).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { boxIoU, type ScoredBox } from '../../../src/util/geometry.js';
import type { FaceDetector } from '../../../src/detectors/types.js';
import { demoPhoto } from './mtcnnFixtures.js';

export interface CrossCheck {
  photo: number;
  mtcnn: ScoredBox[];
  ssd: ScoredBox[];
  /** Best IoU with an MTCNN detection, per SSD face. */
  bestIoU: number[];
  /** The same with the photo's channels reversed (BGR, as face-api.js feeds MTCNN). */
  bestIoUBgr: number[];
}

export async function crossCheck(photoIndex: number, mtcnn: FaceDetector, ssd: FaceDetector, width = 480): Promise<CrossCheck> {
  const photo = await demoPhoto(photoIndex, width);
  const images = tf.tensor4d(photo.data, [1, photo.height, photo.width, 3]);
  const reversed = tf.reverse(images, 3) as tf.Tensor4D;
  try {
    const [ours] = await mtcnn.detect(images);
    const [ourBgr] = await mtcnn.detect(reversed);
    const [theirs] = await ssd.detect(images, { scoreThreshold: 0.5 });
    const best = (found: ScoredBox[]) => theirs.map((face) => Math.max(0, ...found.map((d) => boxIoU(d, face))));
    return { photo: photoIndex, mtcnn: ours, ssd: theirs, bestIoU: best(ours), bestIoUBgr: best(ourBgr) };
  } finally {
    tf.dispose([images, reversed]);
  }
}

export function describeCheck(check: CrossCheck): string {
  return `sample${check.photo}: MTCNN ${JSON.stringify(check.mtcnn)} vs SSD ${JSON.stringify(check.ssd)}`;
}

/** `allFaces`: every SSD face must be found; otherwise at least one per photo. */
export function assertAgreement(check: CrossCheck, allFaces: boolean): void {
  const describe = describeCheck(check);
  assert.ok(check.ssd.length > 0, `SSD finds faces in ${describe}`);
  if (allFaces) check.bestIoU.forEach((iou, i) => assert.ok(iou > 0.5, `SSD face ${i} best IoU ${iou.toFixed(2)}; ${describe}`));
  else assert.ok(check.bestIoU.some((iou) => iou > 0.5), `no SSD face found; ${describe}`);
  for (const d of check.mtcnn) {
    assert.ok(
      check.ssd.some((face) => boxIoU(d, face) > 0.3),
      `MTCNN detection ${JSON.stringify(d)} overlaps no SSD face; ${describe}`,
    );
  }
}
