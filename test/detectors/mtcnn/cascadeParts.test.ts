// MTCNN's building blocks against hand-computed cases: the pyramid, face-api's box arithmetic
// (square, round, calibrate, crop region), its NMS (union and min overlap, tie order), the
// triangle resampling weights, and the two patch cutters (arrays vs differentiable tensors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  MTCNN_FACEAPI,
  calibrate,
  cascadeNms,
  cropPatchData,
  cropPatchTensor,
  cropRegion,
  pyramidScales,
  roundBox,
  toSquare,
  triangleTaps,
  windowOverlap,
} from '../../../src/detectors/mtcnn/index.js';

await tf.setBackend('cpu');

const close = (a: number, b: number, tolerance = 1e-9) => Math.abs(a - b) <= tolerance;

test('pyramid: 12/minFaceSize down by 0.709 while the shorter side covers more than a 12-pixel cell', () => {
  // 100x80: m = 0.6; shorter sides 48, 34.0, 24.1, 17.1 qualify; 80 * 0.6 * 0.709^4 = 12.1 floors to 12, not > 12.
  const scales = pyramidScales(100, 80, MTCNN_FACEAPI);
  const expected = [0, 1, 2, 3].map((k) => 0.6 * 0.709 ** k);
  assert.equal(scales.length, 4);
  scales.forEach((s, k) => assert.ok(close(s, expected[k]), `scale ${k}: ${s} vs ${expected[k]}`));
  assert.equal(pyramidScales(3000, 3000, MTCNN_FACEAPI).length, 10, 'at most maxNumScales');
  assert.deepEqual(pyramidScales(19, 400, MTCNN_FACEAPI), [], 'a shorter side of 19 px gives 11 px at 0.6: no scale');
});

test('box arithmetic follows face-api: square around the centre, round x/y/w/h, calibrate, crop region', () => {
  assert.deepEqual(toSquare({ left: 10, top: 20, right: 30, bottom: 60 }), { left: 0, top: 20, right: 40, bottom: 60 });
  assert.deepEqual(toSquare({ left: 0, top: 0, right: 9, bottom: 4 }), { left: 0, top: -2.5, right: 9, bottom: 6.5 });
  // round x, y, w, h (not the corners): x = round(1.6) = 2, w = round(1.8) = 2 -> right 4, where
  // rounding the corner 3.4 would give 3; y = round(2.5) = 3, h = round(3.4) = 3 -> bottom 6.
  assert.deepEqual(roundBox({ left: 1.6, top: 2.5, right: 3.4, bottom: 5.9 }), { left: 2, top: 3, right: 4, bottom: 6 });
  // calibrate: edges move by region * size (w 20, h 40): (12, 18, 30, 62) -> 18 x 44 -> square x -= 13.
  assert.deepEqual(calibrate({ left: 10, top: 20, right: 30, bottom: 60 }, [0.1, -0.05, 0, 0.05]), { left: -1, top: 18, right: 43, bottom: 62 });
  // Crop region: inclusive Matlab-style box from max(left,1)-1 to min(right, W), clipped at the borders.
  assert.deepEqual(cropRegion({ left: 5, top: 3, right: 9, bottom: 7 }, 20, 20), { x0: 4, y0: 2, x1: 9, y1: 7 });
  assert.deepEqual(cropRegion({ left: -4, top: 0, right: 30, bottom: 12 }, 10, 20), { x0: 0, y0: 0, x1: 20, y1: 10 });
  assert.equal(cropRegion({ left: 21, top: 0, right: 30, bottom: 5 }, 10, 20), undefined);
});

test('NMS: union or min overlap, picks by descending score, ties go to the later index', () => {
  const a = { left: 0, top: 0, right: 10, bottom: 10 };
  const b = { left: 5, top: 0, right: 15, bottom: 10 }; // overlaps a by 50: IoU 50/150, min 50/100
  const c = { left: 2, top: 2, right: 8, bottom: 8 }; // inside a: IoU 36/100, min 1
  assert.ok(close(windowOverlap(a, b, 'union'), 1 / 3));
  assert.ok(close(windowOverlap(a, b, 'min'), 0.5));
  assert.ok(close(windowOverlap(a, c, 'union'), 0.36));
  assert.ok(close(windowOverlap(a, c, 'min'), 1));
  assert.deepEqual(cascadeNms([a, b, c], [0.9, 0.8, 0.7], 0.4, 'union'), [0, 1, 2]);
  assert.deepEqual(cascadeNms([a, b, c], [0.9, 0.8, 0.7], 0.7, 'min'), [0, 1], 'c lies inside a');
  assert.deepEqual(cascadeNms([a, b, c], [0.7, 0.8, 0.9], 0.3, 'union'), [2, 1], 'c suppresses a (0.36 > 0.3), b survives c');
  assert.deepEqual(cascadeNms([a, a, a], [1, 1, 1], 0.5, 'union'), [2], 'equal scores: the last one wins');
  assert.deepEqual(cascadeNms([], [], 0.5, 'union'), []);
});

test('triangle taps: identity at equal size, bilinear when enlarging, widened triangle when shrinking', () => {
  const identity = triangleTaps(3, 3);
  identity.forEach((tap, i) => {
    const weights = tap.weights.map((w, k) => [tap.first + k, w]).filter(([, w]) => w > 0);
    assert.deepEqual(weights, [[i, 1]]);
  });
  // 2 -> 4: sample centres 0.25, 0.75, 1.25, 1.75 in source pixel units (clamped at the ends).
  const up = triangleTaps(2, 4).map((t) => ({ first: t.first, weights: t.weights.filter((w) => w > 0) }));
  assert.deepEqual(up[0], { first: 0, weights: [1] });
  assert.equal(up[1].first, 0);
  up[1].weights.forEach((w, k) => assert.ok(close(w, [0.75, 0.25][k])));
  up[2].weights.forEach((w, k) => assert.ok(close(w, [0.25, 0.75][k])));
  // 4 -> 2: triangle of half-width 2 around 1.0 and 3.0: weights 0.75, 0.75, 0.25 (normalised).
  const down = triangleTaps(4, 2);
  assert.equal(down[0].first, 0);
  down[0].weights.forEach((w, k) => assert.ok(close(w, [0.75, 0.75, 0.25][k] / 1.75)));
  assert.equal(down[1].first, 1);
  down[1].weights.forEach((w, k) => assert.ok(close(w, [0.25, 0.75, 0.75][k] / 1.75)));
});

test('a patch cut with arrays equals the one cut with tensors, transposed (x first)', () => {
  const [height, width] = [23, 31];
  const data = Float32Array.from({ length: height * width * 3 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
  const images = tf.tensor4d(Float32Array.from([...data, ...data.map((v) => 1 - v)]), [2, height, width, 3]);
  const regions = [
    { x0: 0, y0: 0, x1: 31, y1: 23 }, // shrink, whole image
    { x0: 3, y0: 5, x1: 10, y1: 9 }, // enlarge, non-square
    { x0: 30, y0: 22, x1: 31, y1: 23 }, // a single pixel
  ];
  for (const region of regions) {
    const expected = cropPatchData({ data, height, width }, region, 24);
    const got = tf.tidy(() => cropPatchTensor(images, 0, region, 24).dataSync());
    const worst = Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
    assert.ok(worst < 1e-5, `region ${JSON.stringify(region)}: max difference ${worst}`);
    const second = tf.tidy(() => cropPatchTensor(images, 1, region, 24).dataSync());
    assert.ok(Math.abs(second[0] - (1 - expected[0])) < 1e-5, 'the batch index picks the image');
  }
  // Transposed layout: patch (x, y) at (x * size + y); a single-pixel region repeats that pixel.
  const corner = cropPatchData({ data, height, width }, regions[2], 24);
  const pixel = ((height - 1) * width + (width - 1)) * 3;
  assert.ok(close(corner[(5 * 24 + 7) * 3 + 1], data[pixel + 1], 1e-6));
  // A horizontal ramp shows the transposition: values change along the first axis.
  const ramp = Float32Array.from({ length: height * width * 3 }, (_, i) => Math.floor(i / 3) % width);
  const patch = cropPatchData({ data: ramp, height, width }, { x0: 0, y0: 0, x1: 24, y1: 24 }, 24);
  assert.ok(close(patch[(10 * 24 + 3) * 3], 10, 1e-6) && close(patch[(3 * 24 + 10) * 3], 3, 1e-6));
  images.dispose();
});
