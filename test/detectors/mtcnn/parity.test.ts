// MTCNN against an independent reference (fixtures/reference_mtcnn.py: the three nets re-stated
// in PyTorch from the same weights manifest, PIL's BILINEAR resize for patches, the cascade of
// face-api.js's stages in NumPy): per-net outputs on fixed inputs, patches, and a whole photo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { sharedPath } from '../../../src/config/paths.js';
import {
  MtcnnDetector,
  cropPatchData,
  normalizePixels,
  onetForward,
  pnetForward,
  rnetForward,
} from '../../../src/detectors/mtcnn/index.js';
import { requireShared } from '../../helpers/shared.js';
import { requireTorchPython } from '../pytorch/torchPython.js';
import { demoPhoto, referenceCascade, runReference, squareCorners, SSD_FACES_SAMPLE4, WEIGHTS, writeFloats, type Photo } from './mtcnnFixtures.js';

await tf.setBackend('cpu');

let detector: MtcnnDetector | undefined;
let photo: Photo | undefined;
before(async () => {
  try {
    detector = MtcnnDetector.fromManifest(sharedPath(...WEIGHTS));
  } catch {
    /* reported by requireShared */
  }
  photo = await demoPhoto(4);
});
after(() => detector?.dispose());

function ready(t: import('node:test').TestContext): boolean {
  return requireShared(t, ...WEIGHTS) !== undefined && requireTorchPython(t) && detector !== undefined;
}

/** Deterministic values in [lo, hi). */
function pseudoRandom(count: number, seed: number, lo = 0, hi = 1): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + ((hi - lo) * state) / 2147483648;
  });
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths');
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// Three faces of sample4.jpg as face-api's SSD finds them, squared: real faces give inputs
// scoring far from 0.
const FACES_SAMPLE4 = SSD_FACES_SAMPLE4.slice(0, 3).map(squareCorners);

test('P-Net, R-Net and O-Net match the PyTorch reference on the same inputs', (t) => {
  if (!ready(t)) return;
  const [pw, ph] = [41, 33];
  const pnetInput = pseudoRandom(pw * ph * 3, 7, -1, 1);
  const facePatches = (size: number) =>
    FACES_SAMPLE4.map(([left, top, right, bottom]) => cropPatchData(photo!, { x0: left - 1, y0: top - 1, x1: right, y1: bottom }, size).map((v) => (v * 255 - 127.5) * 0.0078125));
  const batch = (size: number, seed: number) => {
    const noise = pseudoRandom(3 * size * size * 3, seed, -1, 1);
    const all = new Float32Array(6 * size * size * 3);
    facePatches(size).forEach((p, i) => all.set(p, i * size * size * 3));
    all.set(noise, 3 * size * size * 3);
    return all;
  };
  const rnetInput = batch(24, 11);
  const onetInput = batch(48, 13);
  const file = writeFloats('nets.f32', Float32Array.from([...pnetInput, ...rnetInput, ...onetInput]));
  const reference = runReference<Record<string, number[]>>('nets', [file, String(pw), String(ph), '6']);

  const ours = tf.tidy(() => {
    const p = pnetForward(tf.tensor4d(pnetInput, [1, pw, ph, 3]), detector!.nets.pnet);
    const r = rnetForward(tf.tensor4d(rnetInput, [6, 24, 24, 3]), detector!.nets.rnet);
    const o = onetForward(tf.tensor4d(onetInput, [6, 48, 48, 3]), detector!.nets.onet);
    return {
      pnetScores: p.scores.dataSync(),
      pnetRegions: p.regions.dataSync(),
      rnetScores: r.scores.dataSync(),
      rnetRegions: r.regions.dataSync(),
      onetScores: o.scores.dataSync(),
      onetRegions: o.regions.dataSync(),
    };
  });
  for (const [name, values] of Object.entries(ours)) {
    const worst = maxDifference(values, reference[name]);
    assert.ok(worst < 1e-4, `${name}: max difference ${worst}`);
  }
  assert.equal(ours.pnetScores.length, 16 * 12, 'P-Net map of a 41x33 input: (41-2)/2 - 4 = 16 by 12');
  // Sanity of the inputs themselves: the three faces are faces, the noise is not.
  assert.ok(Array.from(ours.onetScores.slice(0, 3)).every((s) => s > 0.95), `O-Net on faces: ${ours.onetScores.slice(0, 3)}`);
  assert.ok(Array.from(ours.onetScores.slice(3)).every((s) => s < 0.5), `O-Net on noise: ${ours.onetScores.slice(3)}`);
});

test('normalisation is (255 x - 127.5) / 128', () => {
  const values = tf.tidy(() => normalizePixels(tf.tensor1d([0, 0.5, 1])).dataSync());
  [-127.5 / 128, 0, 127.5 / 128].forEach((v, i) => assert.ok(Math.abs(values[i] - v) < 1e-6));
});

test('window patches match PIL BILINEAR resizes of the same pixel blocks', (t) => {
  if (!ready(t)) return;
  const [height, width] = [37, 45];
  const image = { data: pseudoRandom(height * width * 3, 3), height, width };
  const file = writeFloats('crops.f32', image.data);
  const cases = [
    { size: 24, region: { x0: 0, y0: 0, x1: 45, y1: 37 } },
    { size: 24, region: { x0: 10, y0: 4, x1: 17, y1: 15 } },
    { size: 48, region: { x0: 2, y0: 3, x1: 40, y1: 36 } },
    { size: 48, region: { x0: 44, y0: 30, x1: 45, y1: 37 } },
  ];
  for (const size of [24, 48]) {
    const chosen = cases.filter((c) => c.size === size);
    const reference = runReference<{ patches: number[][] }>('crops', [
      file,
      String(height),
      String(width),
      String(size),
      ...chosen.map(({ region: r }) => `${r.x0},${r.y0},${r.x1},${r.y1}`),
    ]);
    chosen.forEach(({ region }, k) => {
      const worst = maxDifference(cropPatchData(image, region, size), reference.patches[k]);
      assert.ok(worst < 1e-5, `${size}x${size} patch of ${JSON.stringify(region)}: max difference ${worst}`);
    });
  }
});

test('the whole cascade on a photo: the same O-Net windows and detections as the reference', async (t) => {
  if (!ready(t)) return;
  const reference = referenceCascade(photo!, 'sample4.f32');
  const images = tf.tensor4d(photo!.data, [1, photo!.height, photo!.width, 3]);
  const windows = detector!.selectWindows(images)[0];
  const [detections] = await detector!.detect(images);
  images.dispose();

  const key = (b: readonly number[]) => b.join(',');
  const ours = new Set(windows.map((w) => key([w.box.left, w.box.top, w.box.right, w.box.bottom])));
  const shared = reference.windows.filter((w) => ours.has(key(w.box))).length;
  assert.ok(reference.windows.length > 5, `${reference.windows.length} reference windows`);
  assert.ok(shared >= 0.95 * Math.max(ours.size, reference.windows.length), `${shared} shared windows of ${ours.size} (ours) and ${reference.windows.length} (reference)`);

  assert.equal(detections.length, reference.detections.length, `detections ${JSON.stringify(detections)} vs ${JSON.stringify(reference.detections)}`);
  for (const d of reference.detections) {
    const match = detections.find((o) => key([o.x, o.y, o.x + o.w, o.y + o.h]) === key(d.box));
    assert.ok(match, `reference detection ${JSON.stringify(d)} not found in ${JSON.stringify(detections)}`);
    assert.ok(Math.abs(match.score - d.score) < 1e-4, `score ${match.score} vs ${d.score}`);
  }
});
