// MTCNN as a registered detector: registry entry, weight errors, detections on a demo photo
// against the faces face-api's SSD MobileNetV1 finds there, and batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { nodeModulePath } from '../../../src/config/paths.js';
import { createDetector, listDetectors } from '../../../src/detectors/registry.js';
import { InputFileError } from '../../../src/util/errors.js';
import { boxIoU } from '../../../src/util/geometry.js';
import { requireShared } from '../../helpers/shared.js';
import { demoPhoto, SSD_FACES_SAMPLE4, WEIGHTS } from './mtcnnFixtures.js';

await tf.setBackend('cpu');

test('mtcnn is registered as a cascade; missing weights name the manifest', async () => {
  const entry = (await listDetectors()).find((e) => e.name === 'mtcnn');
  assert.ok(entry, 'registered');
  assert.equal(entry.family, 'cascade');
  assert.match(entry.weightsSource, /models\/mtcnn\/mtcnn_model-weights_manifest\.json/);
  await assert.rejects(
    createDetector('mtcnn', { sharedDir: '/nonexistent/shared' }),
    (e: unknown) => e instanceof InputFileError && (e as InputFileError).file === '/nonexistent/shared/models/mtcnn/mtcnn_model-weights_manifest.json',
  );
});

test('finds the four faces of sample4.jpg (480 px) that face-api SSD finds, and nothing else', async (t) => {
  if (!requireShared(t, ...WEIGHTS)) return;
  const mtcnn = await createDetector('mtcnn');
  const photo = await demoPhoto(4);
  const images = tf.tensor4d(photo.data, [1, photo.height, photo.width, 3]);
  try {
    const [detections] = await mtcnn.detect(images);
    const describe = JSON.stringify(detections);
    for (const face of SSD_FACES_SAMPLE4) {
      const best = Math.max(0, ...detections.map((d) => boxIoU(d, face)));
      assert.ok(best > 0.5, `SSD face ${JSON.stringify(face)}: best IoU ${best.toFixed(2)} among ${describe}`);
    }
    assert.equal(detections.length, 4, describe);
    for (const d of detections) {
      assert.equal(d.w, d.h, 'MTCNN boxes are square');
      assert.ok(d.score >= 0.7 && d.score <= 1, `score ${d.score}`);
    }
    assert.deepEqual(
      detections.map((d) => d.score),
      detections.map((d) => d.score).sort((a, b) => b - a),
      'sorted by descending score',
    );
  } finally {
    images.dispose();
    mtcnn.dispose();
  }
});

test('a batch gives each image its own detections; a blank image gives none; maxDetections cuts', async (t) => {
  if (!requireShared(t, ...WEIGHTS)) return;
  const mtcnn = await createDetector('mtcnn');
  // One face: a 72x64 crop of sample1.jpg at 480 px.
  const { data, info } = await sharp(nodeModulePath('@vladmandic/face-api', 'demo', 'sample1.jpg'))
    .resize(480)
    .extract({ left: 94, top: 82, width: 64, height: 72 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const single = tf.tensor4d(Float32Array.from(data, (v) => v / 255), [1, info.height, info.width, 3]);
  const blank = tf.fill([1, info.height, info.width, 3], 0.5) as tf.Tensor4D;
  const both = tf.concat([blank, single]) as tf.Tensor4D;
  try {
    const [alone] = await mtcnn.detect(single);
    const [none, batched] = await mtcnn.detect(both);
    assert.equal(alone.length, 1, JSON.stringify(alone));
    assert.deepEqual(none, []);
    assert.deepEqual(
      batched.map((d) => [d.x, d.y, d.w, d.h]),
      alone.map((d) => [d.x, d.y, d.w, d.h]),
    );
    batched.forEach((d, i) => assert.ok(Math.abs(d.score - alone[i].score) < 1e-5));
    assert.deepEqual(await mtcnn.detect(single, { maxDetections: 0 }), [[]]);
    assert.deepEqual(await mtcnn.detect(single, { scoreThreshold: 1.01 }), [[]], 'scoreThreshold sets the last stage threshold');
  } finally {
    tf.dispose([single, blank, both]);
    mtcnn.dispose();
  }
});
