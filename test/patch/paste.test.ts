import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildPastePlan, jitteredPatchBox, pastePatch } from '../../src/patch/paste.js';
import type { PatchPlacement } from '../../src/patch/placement.js';

// A deterministic pseudo-random generator so the test data is reproducible.
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Independent reference: per pixel, bilinear sample of the patch (half-pixel centres) if the pixel centre is inside. */
function naivePaste(image: Float32Array, H: number, W: number, patch: Float32Array, P: number, placements: PatchPlacement[]) {
  const out = Float32Array.from(image);
  const at = (r: number, c: number, ch: number) => patch[(r * P + c) * 3 + ch] as number;
  for (const pl of placements) {
    for (let py = 0; py < H; py++) {
      for (let px = 0; px < W; px++) {
        const u = (px + 0.5 - (pl.cx - pl.size / 2)) / pl.size;
        const v = (py + 0.5 - (pl.cy - pl.size / 2)) / pl.size;
        if (u < 0 || u >= 1 || v < 0 || v >= 1) continue;
        const x = Math.min(Math.max(u * P - 0.5, 0), P - 1);
        const y = Math.min(Math.max(v * P - 0.5, 0), P - 1);
        const x0 = Math.floor(x), y0 = Math.floor(y);
        const x1 = Math.min(x0 + 1, P - 1), y1 = Math.min(y0 + 1, P - 1);
        const ax = x - x0, ay = y - y0;
        for (let ch = 0; ch < 3; ch++) {
          out[(py * W + px) * 3 + ch] =
            (1 - ax) * (1 - ay) * at(y0, x0, ch) + ax * (1 - ay) * at(y0, x1, ch) + (1 - ax) * ay * at(y1, x0, ch) + ax * ay * at(y1, x1, ch);
        }
      }
    }
  }
  return out;
}

const H = 23, W = 31, P = 8;
const rand = lcg(7);
const imageData = Float32Array.from({ length: H * W * 3 }, rand);
const patchData = Float32Array.from({ length: P * P * 3 }, rand);
// Includes a patch clipped by the left/top border, one larger than the patch (upsampling), overlapping ones.
const placements: PatchPlacement[] = [
  { faceIndex: 0, cx: 2.3, cy: 1.7, size: 7.5 },
  { faceIndex: 1, cx: 15.2, cy: 11.6, size: 13.4 },
  { faceIndex: 2, cx: 20, cy: 14, size: 5 },
  { faceIndex: 3, cx: 29.5, cy: 22.5, size: 6 },
];

test('pasting matches a per-pixel bilinear reference, clipped at borders, later patches on top', () => {
  const plan = buildPastePlan(H, W, P, placements);
  const out = pastePatch(tf.tensor4d(imageData, [1, H, W, 3]), tf.tensor3d(patchData, [P, P, 3]), [plan]);
  const expected = naivePaste(imageData, H, W, patchData, P, placements);
  const got = out.dataSync();
  let maxDiff = 0;
  for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs((got[i] as number) - (expected[i] as number)));
  assert.ok(maxDiff < 1e-6, `max diff ${maxDiff}`);
  // Something was pasted and something was not.
  assert.ok(plan.covered > 0 && plan.covered < H * W);
});

test('the gradient w.r.t. the patch matches central finite differences', () => {
  const plan = buildPastePlan(H, W, P, placements);
  const image = tf.tensor4d(imageData, [1, H, W, 3]);
  const weights = tf.tensor4d(Float32Array.from({ length: H * W * 3 }, rand), [1, H, W, 3]);
  const objective = (patch: tf.Tensor) => tf.sum(tf.mul(tf.square(pastePatch(image, patch as tf.Tensor3D, [plan])), weights)) as tf.Scalar;
  const patch = tf.tensor3d(patchData, [P, P, 3]);
  const grad = tf.grad(objective)(patch).dataSync();
  const eps = 1e-2;
  let checked = 0;
  for (const index of [0, 5, 27, 64, 100, 150, 191]) {
    const plus = Float32Array.from(patchData);
    const minus = Float32Array.from(patchData);
    plus[index]! += eps;
    minus[index]! -= eps;
    const fd = ((objective(tf.tensor3d(plus, [P, P, 3])).dataSync()[0] as number) -
      (objective(tf.tensor3d(minus, [P, P, 3])).dataSync()[0] as number)) / (2 * eps);
    assert.ok(Math.abs(fd - (grad[index] as number)) <= 1e-2 * Math.max(1, Math.abs(fd)), `texel ${index}: fd ${fd} vs grad ${grad[index]}`);
    if (Math.abs(fd) > 1e-3) checked++;
  }
  assert.ok(checked >= 3, 'enough texels with a non-zero gradient were checked');
});

test('a batch pastes each image with its own plan; no placement leaves the image unchanged', () => {
  const planA = buildPastePlan(H, W, P, placements.slice(0, 2));
  const planB = buildPastePlan(H, W, P, []);
  const images = tf.tensor4d(Float32Array.from([...imageData, ...imageData]), [2, H, W, 3]);
  const out = pastePatch(images, tf.tensor3d(patchData, [P, P, 3]), [planA, planB]);
  const [a, b] = tf.unstack(out) as tf.Tensor3D[];
  const expectedA = naivePaste(imageData, H, W, patchData, P, placements.slice(0, 2));
  assert.ok(Math.max(...Array.from(a!.dataSync(), (v, i) => Math.abs(v - (expectedA[i] as number)))) < 1e-6);
  assert.deepEqual(Array.from(b!.dataSync()), Array.from(imageData));
});

test('a part mask keeps the original pixels in the removed part; a rotation by 2*pi changes nothing', () => {
  const one: PatchPlacement[] = [{ faceIndex: 0, cx: 15, cy: 11, size: 12 }];
  const full = buildPastePlan(H, W, P, one);
  const half = buildPastePlan(H, W, P, one, { mask: 'top-half' });
  assert.ok(Math.abs(half.covered - full.covered / 2) <= 12);
  const rotated = buildPastePlan(H, W, P, one, { jitter: [{ rotation: 2 * Math.PI }] });
  assert.equal(rotated.covered, full.covered);
});

test('pasting leaks no tensors', () => {
  const plan = buildPastePlan(H, W, P, placements);
  const image = tf.tensor4d(imageData, [1, H, W, 3]);
  const patch = tf.tensor3d(patchData, [P, P, 3]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) pastePatch(image, patch, [plan]).dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('jitteredPatchBox bounds exactly the pixels a jittered patch covers', () => {
  const placement: PatchPlacement = { faceIndex: 0, cx: 30.5, cy: 28, size: 20 };
  for (const jitter of [{}, { scale: 0.7 }, { scale: 1.2, rotation: 0.3 }, { rotation: Math.PI / 4 }]) {
    const box = jitteredPatchBox(placement, jitter);
    const plan = buildPastePlan(60, 64, 8, [placement], { jitter: [jitter] });
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let p = 0; p < plan.source.length; p++) {
      if ((plan.source[p] as number) < 60 * 64) continue;
      const x = (p % 64) + 0.5;
      const y = Math.floor(p / 64) + 0.5;
      [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
    }
    // Covered pixel centres lie inside the box and reach its edges within a pixel.
    const side = 20 * (jitter.scale ?? 1) * (Math.abs(Math.cos(jitter.rotation ?? 0)) + Math.abs(Math.sin(jitter.rotation ?? 0)));
    assert.ok(Math.abs(box.w - side) < 1e-9 && box.w === box.h, `side ${box.w} for ${JSON.stringify(jitter)}`);
    assert.ok(minX >= box.x && maxX <= box.x + box.w && minY >= box.y && maxY <= box.y + box.h, JSON.stringify({ jitter, box, minX, maxX, minY, maxY }));
    assert.ok(minX - box.x < 1.5 && box.x + box.w - maxX < 1.5 && minY - box.y < 1.5 && box.y + box.h - maxY < 1.5, JSON.stringify({ jitter, box, minX, maxX, minY, maxY }));
  }
});
