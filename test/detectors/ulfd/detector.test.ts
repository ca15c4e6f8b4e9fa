// The ULFD detectors as registered detectors: listing, errors, detections on a WIDER FACE photo
// against its ground truth, anchors in image pixels, and tensor hygiene.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { createDetector, listDetectors } from '../../../src/detectors/registry.js';
import { UnknownNameError, InputFileError } from '../../../src/util/errors.js';
import { boxIoU, type Box } from '../../../src/util/geometry.js';
import { requireShared } from '../../helpers/shared.js';

await tf.setBackend('cpu');

test('the three ULFD detectors are registered (family ssd); there is no slim-640', async () => {
  const entries = (await listDetectors()).filter((e) => e.name.startsWith('ulfd-'));
  assert.deepEqual(
    entries.map((e) => e.name),
    ['ulfd-rfb-320', 'ulfd-rfb-640', 'ulfd-slim-320'],
  );
  for (const e of entries) assert.equal(e.family, 'ssd');
  await assert.rejects(createDetector('ulfd-slim-640'), (e: unknown) => e instanceof UnknownNameError && /ulfd-rfb-320/.test((e as Error).message));
  await assert.rejects(
    createDetector('ulfd-rfb-320', { sharedDir: '/nonexistent/shared' }),
    (e: unknown) => e instanceof InputFileError && (e as InputFileError).file.startsWith('/nonexistent/shared/models/ulfd/'),
  );
});

/** Ground-truth faces of one image from the official WIDER FACE annotation file. */
function groundTruth(annotations: string, image: string): Box[] {
  const lines = readFileSync(annotations, 'utf8').split('\n');
  const at = lines.findIndex((l) => l.trim() === image);
  assert.ok(at >= 0, `${image} is in the annotations`);
  const count = Number(lines[at + 1]);
  return lines.slice(at + 2, at + 2 + count).map((l) => {
    const [x, y, w, h] = l.trim().split(/\s+/).map(Number);
    return { x, y, w, h };
  });
}

async function loadImage(file: string): Promise<tf.Tensor4D> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return tf.tidy(() => tf.div(tf.tensor4d(new Uint8Array(data), [1, info.height, info.width, 3], 'int32').toFloat(), 255) as tf.Tensor4D);
}

test('ulfd-rfb-320 finds both annotated faces of a WIDER FACE validation photo (non-square, 1024x1237)', async (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const name = '19--Couple/19_Couple_Couple_19_1014.jpg';
  const faces = groundTruth(`${root}/wider_face_split/wider_face_val_bbx_gt.txt`, name);
  assert.equal(faces.length, 2);
  const image = await loadImage(`${root}/WIDER_val/images/${name}`);
  const detector = await createDetector('ulfd-rfb-320');
  const [detections] = await detector.detect(image, { scoreThreshold: 0.5 });
  for (const face of faces) {
    const best = Math.max(...detections.map((d) => boxIoU(d, face)));
    assert.ok(best >= 0.5, `face ${JSON.stringify(face)}: best IoU ${best.toFixed(2)} among ${detections.length} detections`);
  }
  assert.ok(detections.length <= 4, `${detections.length} detections above 0.5 on a photo of two faces`);
  image.dispose();
  detector.dispose();
});

test('anchors are the priors in input-image pixels; repeated forwardRaw and detect keep tensor counts flat', async (t) => {
  if (!requireShared(t, 'models', 'ulfd', 'version-RFB-320_without_postprocessing.onnx')) return;
  const detector = await createDetector('ulfd-rfb-320');
  const [H, W] = [48, 64];
  const image = tf.randomUniform([1, H, W, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const warm = detector.forwardRaw(image);
  // First prior: centre (4/320, 4/240) of the input, size 10/320 x 10/240, scaled to 64x48.
  const first = Array.from(warm.anchors.slice([0, 0], [1, 4]).dataSync());
  const expected = [(4 - 5) / 320, (4 - 5) / 240, (4 + 5) / 320, (4 + 5) / 240].map((v, i) => v * (i % 2 === 0 ? W : H));
  first.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-4, `anchor[0] ${first} vs ${expected}`));
  tf.dispose([warm.anchors, warm.scores, warm.boxes]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) {
    tf.tidy(() => {
      const raw = detector.forwardRaw(image);
      tf.sum(raw.scores).dataSync();
    });
  }
  await detector.detect(image);
  assert.equal(tf.memory().numTensors, before);
  image.dispose();
  detector.dispose();
});
