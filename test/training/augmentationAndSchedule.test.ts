import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { applyAugmentation, augmentSample, DEFAULT_AUGMENTATION, drawAugmentation, transformFaces, type AugmentationPlan } from '../../src/training/augmentation.js';
import { learningRateAt, SgdMomentum } from '../../src/training/schedule.js';
import type { RgbImage } from '../../src/data/images/rgbImage.js';
import { SeededRandom } from '../../src/util/random.js';

/** A grey image with a white rectangle (the "face") and a black one. */
function picture(width: number, height: number, white: { x: number; y: number; w: number; h: number }): RgbImage {
  const data = new Float32Array(width * height * 3).fill(0.5);
  for (let y = white.y; y < white.y + white.h; y++) for (let x = white.x; x < white.x + white.w; x++) data.fill(1, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, data };
}

const pixel = (image: RgbImage, x: number, y: number) => image.data[(y * image.width + x) * 3]!;

test('boxes follow flip, scale and crop; the crop is at most maxSide; cut faces are clipped or ignored', async () => {
  const face = { x: 40, y: 20, w: 20, h: 16 };
  const image = picture(100, 60, face);
  const plan: AugmentationPlan = { flip: true, scale: 2, scaledWidth: 200, scaledHeight: 120, crop: { left: 50, top: 10, width: 80, height: 80 } };
  const out = await applyAugmentation(image, plan);
  assert.deepEqual([out.width, out.height], [80, 80]);
  // Scaled face [80, 40, 120, 72] -> crop [30, 30, 70, 62] -> flipped in 80: [10, 30, 50, 62].
  const { faces, ignoredFaces } = transformFaces([face], 100, 60, plan, DEFAULT_AUGMENTATION);
  assert.deepEqual(faces, [{ x: 10, y: 30, w: 40, h: 32 }]);
  assert.deepEqual(ignoredFaces, []);
  assert.ok(pixel(out, 30, 46) > 0.99, 'the face is white inside its new box');
  assert.ok(Math.abs(pixel(out, 5, 46) - 0.5) < 1e-3 && Math.abs(pixel(out, 55, 46) - 0.5) < 1e-3, 'and grey outside it');

  // A face half out of the crop is clipped (kept at >= 50%), one mostly out is ignored.
  const cut: AugmentationPlan = { flip: false, scale: 1, scaledWidth: 100, scaledHeight: 60, crop: { left: 50, top: 0, width: 50, height: 60 } };
  const split = transformFaces([{ x: 40, y: 10, w: 20, h: 10 }, { x: 44, y: 30, w: 20, h: 10 }, { x: 0, y: 0, w: 10, h: 10 }, { x: 60, y: 5, w: 3, h: 8 }], 100, 60, cut, DEFAULT_AUGMENTATION);
  assert.deepEqual(split.faces, [{ x: 0, y: 10, w: 10, h: 10 }, { x: 0, y: 30, w: 14, h: 10 }]);
  assert.deepEqual(split.ignoredFaces, [{ x: 10, y: 5, w: 3, h: 8 }]);
  const wider = transformFaces([{ x: 42, y: 10, w: 20, h: 10 }], 100, 60, cut, DEFAULT_AUGMENTATION);
  assert.deepEqual(wider.faces, [{ x: 0, y: 10, w: 12, h: 10 }]);
  const mostlyOut = transformFaces([{ x: 35, y: 10, w: 20, h: 10 }], 100, 60, cut, DEFAULT_AUGMENTATION);
  assert.deepEqual(mostlyOut.ignoredFaces, [{ x: 0, y: 10, w: 5, h: 10 }]);

  // Random plans: scale from the paper's list, crop inside the scaled image, longer side <= maxSide.
  const rng = new SeededRandom(4);
  const options = { ...DEFAULT_AUGMENTATION, maxSide: 48 };
  const scales = new Set<number>();
  let flips = 0;
  for (let i = 0; i < 200; i++) {
    const p = drawAugmentation(100, 60, options, rng);
    scales.add(p.scale);
    if (p.flip) flips++;
    assert.ok(Math.max(p.crop.width, p.crop.height) <= 48);
    assert.ok(p.crop.left >= 0 && p.crop.left + p.crop.width <= p.scaledWidth && p.crop.top >= 0 && p.crop.top + p.crop.height <= p.scaledHeight);
  }
  assert.deepEqual([...scales].sort(), [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
  assert.ok(flips > 60 && flips < 140, `${flips} flips in 200`);
  const a = await augmentSample(image, [face], options, new SeededRandom(9));
  const b = await augmentSample(image, [face], options, new SeededRandom(9));
  assert.deepEqual(a.plan, b.plan);
  assert.ok(Math.max(a.image.width, a.image.height) <= 48);
});

test('learning rate: warm-up from 0.001 x lr, then lr, x0.1 at 60% and x0.01 at 80% of the steps', () => {
  const schedule = { baseLr: 0.01, totalSteps: 1000, milestones: [0.6, 0.8], gamma: 0.1, warmupSteps: 100, warmupRatio: 0.001 };
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12 * Math.max(1, b) + 1e-15, `${a} vs ${b}`);
  close(learningRateAt(schedule, 0), 0.01 * 0.001);
  close(learningRateAt(schedule, 50), 0.01 * (0.001 + 0.999 * 0.5));
  close(learningRateAt(schedule, 100), 0.01);
  close(learningRateAt(schedule, 599), 0.01);
  close(learningRateAt(schedule, 600), 0.001);
  close(learningRateAt(schedule, 799), 0.001);
  close(learningRateAt(schedule, 800), 0.0001);
  close(learningRateAt({ ...schedule, warmupSteps: 0 }, 0), 0.01);
});

test('momentum SGD follows PyTorch: d = g + wd * w (filters only), v = mu v + d, w -= lr v', () => {
  const params = new Map([
    ['sgd.conv.weight', tf.variable(tf.fill([1, 1, 1, 2], 1), true, 'sgd.conv.weight')],
    ['sgd.conv.bias', tf.variable(tf.fill([2], 1), true, 'sgd.conv.bias')],
  ]);
  const sgd = new SgdMomentum(params, { momentum: 0.9, weightDecay: 0.5 });
  assert.deepEqual(sgd.decayedNames, ['sgd.conv.weight']);
  const grads = { 'sgd.conv.weight': tf.fill([1, 1, 1, 2], 2), 'sgd.conv.bias': tf.fill([2], 2) };
  sgd.step(grads, 0.1, 0.5); // g = 1 after scaling
  // weight: d = 1 + 0.5 = 1.5, v = 1.5, w = 1 - 0.15 = 0.85; bias: d = 1, w = 0.9.
  assert.ok(Math.abs(params.get('sgd.conv.weight')!.dataSync()[0]! - 0.85) < 1e-6);
  assert.ok(Math.abs(params.get('sgd.conv.bias')!.dataSync()[0]! - 0.9) < 1e-6);
  sgd.step(grads, 0.1, 0.5);
  // weight: d = 1 + 0.425 = 1.425, v = 1.35 + 1.425 = 2.775, w = 0.85 - 0.2775.
  assert.ok(Math.abs(params.get('sgd.conv.weight')!.dataSync()[0]! - (0.85 - 0.2775)) < 1e-6);
  const state = sgd.state();
  const fresh = new SgdMomentum(params, { momentum: 0.9, weightDecay: 0.5 });
  fresh.restore(new Map(state.map((s) => [s.name, s])));
  assert.deepEqual(fresh.state(), state);
  sgd.dispose();
  fresh.dispose();
  for (const v of params.values()) v.dispose();
});
