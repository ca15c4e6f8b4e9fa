// Our re-implementations against face-api's own detectAllFaces on the package's sample photos
// (downscaled to keep the default suite fast; parity.slow.test.ts runs them full size on cpu).
// Both run on the wasm backend: the oracle is face-api's code path, not the backend.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { createDetector, listDetectors } from '../../../src/detectors/registry.js';
import { faceApiDetections, loadFaceApi, loadSample } from './faceApiFixtures.js';
import { assertSameDetections } from './parityCheck.js';

before(async () => {
  await initBackend('wasm');
  await loadFaceApi();
});

test('both detectors are registered with their families', async () => {
  const entries = await listDetectors();
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.equal(byName.get('ssd-mobilenetv1')?.family, 'ssd');
  assert.equal(byName.get('tiny-face')?.family, 'yolo');
});

test('ssd-mobilenetv1 matches face-api detectAllFaces (boxes IoU > 0.99, scores within 1e-3)', async () => {
  const detector = await createDetector('ssd-mobilenetv1');
  for (const [n, minConfidence] of [[1, 0.5], [5, 0.3]] as const) {
    const { pixels, image } = await loadSample(n, { width: 720 });
    const reference = await faceApiDetections(pixels, { ssd: { minConfidence, maxResults: 100 } });
    assert.ok(reference.length >= 3, `sample${n}: face-api finds ${reference.length} faces`);
    const [ours] = await detector.detect(image, { scoreThreshold: minConfidence, maxDetections: 100 });
    assertSameDetections(ours, reference, `ssd sample${n}`);
    tf.dispose([pixels, image]);
  }
  detector.dispose();
});

test('tiny-face matches face-api detectAllFaces at input sizes 416 and 320', async () => {
  for (const inputSize of [416, 320]) {
    const detector = await createDetector('tiny-face', { config: { inputSize } });
    for (const n of [1, 6]) {
      const { pixels, image } = await loadSample(n, { width: 720 });
      const reference = await faceApiDetections(pixels, { tiny: { inputSize, scoreThreshold: 0.4 } });
      assert.ok(reference.length >= 2, `sample${n}: face-api finds ${reference.length} faces`);
      const [ours] = await detector.detect(image, { scoreThreshold: 0.4 });
      assertSameDetections(ours, reference, `tiny ${inputSize} sample${n}`);
      tf.dispose([pixels, image]);
    }
    detector.dispose();
  }
});

test('raw outputs have the interface shapes; anchors are face-api priors in input pixels', async () => {
  const ssd = await createDetector('ssd-mobilenetv1');
  const tiny = await createDetector('tiny-face');
  const images = tf.randomUniform([2, 90, 60, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const raw = ssd.forwardRaw(images);
  assert.deepEqual(raw.anchors.shape, [5118, 4]);
  assert.deepEqual(raw.scores.shape, [2, 5118]);
  assert.deepEqual(raw.boxes.shape, [2, 5118, 4]);
  // The last 1x1-grid prior is centred on the padded 90x90 square.
  const last = raw.anchors.arraySync()[5112];
  assert.ok(Math.abs((last[0] + last[2]) / 2 - 45) < 1e-3 && Math.abs((last[1] + last[3]) / 2 - 45) < 1e-3);
  const t = tiny.forwardRaw(images);
  assert.deepEqual(t.anchors.shape, [13 * 13 * 5, 4]);
  assert.deepEqual(t.scores.shape, [2, 13 * 13 * 5]);
  // First anchor of the tiny grid: centred on cell (0, 0) of a 90-pixel square, 1.603231 x 2.094468 cells.
  assert.deepEqual(Array.from(t.anchors.slice([0, 0], [1, 4]).dataSync()).map((v) => Number(v.toFixed(3))),
    [(0.5 - 1.603231 / 2) / 13 * 90, (0.5 - 2.094468 / 2) / 13 * 90, (0.5 + 1.603231 / 2) / 13 * 90, (0.5 + 2.094468 / 2) / 13 * 90].map((v) => Number(v.toFixed(3))));
  // A batch gives the same result per image as one image at a time.
  const single = ssd.forwardRaw(images.slice([1, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D);
  const diff = tf.max(tf.abs(tf.sub(single.scores, raw.scores.slice([1, 0], [1, -1])))).dataSync()[0];
  assert.ok(diff < 1e-5, `batch vs single score difference ${diff}`);
  tf.dispose([images, raw.anchors, raw.scores, raw.boxes, t.anchors, t.scores, t.boxes, single.anchors, single.scores, single.boxes]);
  ssd.dispose();
  tiny.dispose();
});

test('repeated forwardRaw and detect keep tf.memory().numTensors flat', async () => {
  for (const name of ['ssd-mobilenetv1', 'tiny-face']) {
    const detector = await createDetector(name);
    const image = tf.randomUniform([1, 40, 64, 3]) as tf.Tensor4D;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        const raw = detector.forwardRaw(image);
        return tf.sum(raw.scores); // used, then released by the tidy
      }).dispose();
      await detector.detect(image);
      counts.push(tf.memory().numTensors);
    }
    assert.equal(counts[2], counts[0], `${name}: tensor counts ${counts.join(', ')}`);
    image.dispose();
    detector.dispose();
  }
});
