import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeImage } from '../../../src/data/images/resizeImage.js';
import type { RgbImage } from '../../../src/data/images/rgbImage.js';

function constantImage(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

test('a constant image stays constant, with 16-bit precision (8 bits would err by up to 0.002)', async () => {
  const rgb: [number, number, number] = [0.123456, 0.5, 0.987654];
  const resized = await resizeImage(constantImage(10, 6, rgb), 7, 13);
  assert.equal(resized.width, 7);
  assert.equal(resized.height, 13);
  assert.equal(resized.data.length, 7 * 13 * 3);
  for (let i = 0; i < resized.data.length; i++) assert.ok(Math.abs((resized.data[i] as number) - (rgb[i % 3] as number)) < 2e-5, `sample ${i}: ${resized.data[i]}`);
});

test('the same size is the identity; halves stay on their side when shrinking', async () => {
  const width = 8;
  const height = 4;
  const image = constantImage(width, height, [0, 0, 0]);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set(x < 4 ? [0.2, 0.3, 0.4] : [0.8, 0.7, 0.6], (y * width + x) * 3);
  const same = await resizeImage(image, width, height);
  for (let i = 0; i < image.data.length; i++) assert.ok(Math.abs((same.data[i] as number) - (image.data[i] as number)) < 2e-5);
  const small = await resizeImage(image, 4, 2);
  const at = (x: number, y: number) => [...small.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
  for (const y of [0, 1]) {
    at(0, y).forEach((v, c) => assert.ok(Math.abs(v - ([0.2, 0.3, 0.4][c] as number)) < 1e-3, `left ${v}`));
    at(3, y).forEach((v, c) => assert.ok(Math.abs(v - ([0.8, 0.7, 0.6][c] as number)) < 1e-3, `right ${v}`));
  }
});

test('values outside [0, 1] are clamped; bad sizes are rejected', async () => {
  const resized = await resizeImage(constantImage(2, 2, [-0.5, 1.5, 0.5]), 3, 3);
  assert.ok(Math.abs((resized.data[0] as number) - 0) < 1e-6 && Math.abs((resized.data[1] as number) - 1) < 1e-6);
  await assert.rejects(resizeImage(constantImage(2, 2, [0, 0, 0]), 0, 3), /positive integers/);
  await assert.rejects(resizeImage({ width: 2, height: 2, data: new Float32Array(5) }, 3, 3), /expected 2x2x3 = 12 values, got 5/);
});
