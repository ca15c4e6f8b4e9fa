// Slow checks (a few seconds per forward pass on the cpu backend): every ULFD variant finds the
// annotated faces of a WIDER FACE photo, and a batch gives the same outputs as its images alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { createDetector } from '../../../src/detectors/registry.js';
import { boxIoU, type Box } from '../../../src/util/geometry.js';
import { requireShared } from '../../helpers/shared.js';

await tf.setBackend('cpu');

const IMAGE = '19--Couple/19_Couple_Couple_19_1014.jpg';

function groundTruth(annotations: string, image: string): Box[] {
  const lines = readFileSync(annotations, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.trim() === image);
  const count = Number(lines[at + 1]);
  return lines.slice(at + 2, at + 2 + count).map((l) => {
    const [x, y, w, h] = l.trim().split(/\s+/).map(Number);
    return { x, y, w, h };
  });
}

for (const name of ['ulfd-rfb-320', 'ulfd-slim-320', 'ulfd-rfb-640']) {
  test(`${name} finds both annotated faces of ${IMAGE}`, async (t) => {
    const root = requireShared(t, 'data', 'widerface');
    if (!root) return;
    const faces = groundTruth(`${root}/wider_face_split/wider_face_val_bbx_gt.txt`, IMAGE);
    const { data, info } = await sharp(`${root}/WIDER_val/images/${IMAGE}`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = tf.tidy(() => tf.div(tf.tensor4d(new Uint8Array(data), [1, info.height, info.width, 3], 'int32').toFloat(), 255) as tf.Tensor4D);
    const detector = await createDetector(name);
    const [detections] = await detector.detect(image, { scoreThreshold: 0.5 });
    for (const face of faces) {
      const best = Math.max(...detections.map((d) => boxIoU(d, face)));
      assert.ok(best >= 0.5, `${name}, face ${JSON.stringify(face)}: best IoU ${best.toFixed(2)}`);
    }
    image.dispose();
    detector.dispose();
  });
}

test('ulfd-rfb-320: a batch of two images gives the outputs of each image alone', async (t) => {
  if (!requireShared(t, 'models', 'ulfd', 'version-RFB-320_without_postprocessing.onnx')) return;
  const detector = await createDetector('ulfd-rfb-320');
  const batch = tf.randomUniform([2, 60, 80, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  const together = detector.forwardRaw(batch);
  for (let b = 0; b < 2; b++) {
    const alone = detector.forwardRaw(tf.slice(batch, [b, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(together.scores.slice([b, 0], [1, -1]), alone.scores))).dataSync()[0]);
    assert.ok(diff < 1e-5, `image ${b}: max score diff ${diff}`);
    tf.dispose([alone.anchors, alone.scores, alone.boxes]);
  }
  tf.dispose([together.anchors, together.scores, together.boxes, batch]);
  detector.dispose();
});
