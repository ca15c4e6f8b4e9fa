import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadImage } from '../../../src/data/images/loadImage.js';
import type { RgbImage } from '../../../src/data/images/rgbImage.js';
import { InputFileError } from '../../../src/util/errors.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-images-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return [...image.data.subarray(i, i + 3)].map((v) => Math.round(v * 255));
}

test('an RGB PNG decodes exactly into HWC floats in [0, 1]', async (t) => {
  const dir = tempDir(t);
  // 3x2 pixels with distinct colours, row-major.
  const bytes = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const path = join(dir, 'rgb.png');
  await sharp(bytes, { raw: { width: 3, height: 2, channels: 3 } }).png().toFile(path);
  const image = await loadImage(path);
  assert.equal(image.width, 3);
  assert.equal(image.height, 2);
  assert.ok(image.data instanceof Float32Array);
  assert.equal(image.data.length, 18);
  assert.deepEqual([...image.data], [...bytes].map((b) => Math.fround(b / 255)));
});

test('grayscale files become three equal channels', async (t) => {
  const dir = tempDir(t);
  const gray = Buffer.from([0, 60, 120, 180, 240, 255]);
  const png = join(dir, 'gray.png');
  await sharp(gray, { raw: { width: 3, height: 2, channels: 1 } }).toColourspace('b-w').png().toFile(png);
  assert.equal((await sharp(png).metadata()).channels, 1);
  const image = await loadImage(png);
  assert.deepEqual([...image.data].map((v) => Math.round(v * 255)), [...gray].flatMap((g) => [g, g, g]));

  const jpeg = join(dir, 'gray.jpg');
  await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 100, g: 100, b: 100 } } })
    .toColourspace('b-w')
    .jpeg({ quality: 95 })
    .toFile(jpeg);
  assert.equal((await sharp(jpeg).metadata()).channels, 1);
  const decoded = await loadImage(jpeg);
  const [r, g, b] = pixel(decoded, 8, 8);
  assert.equal(r, g);
  assert.equal(g, b);
  assert.ok(Math.abs((r as number) - 100) <= 2, `gray ${r}`);
});

test('a CMYK JPEG is converted to sRGB', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'cmyk.jpg');
  await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 180, g: 120, b: 90 } } })
    .toColourspace('cmyk')
    .jpeg({ quality: 95 })
    .toFile(path);
  const meta = await sharp(path).metadata();
  assert.equal(meta.space, 'cmyk');
  assert.equal(meta.channels, 4);
  const image = await loadImage(path);
  assert.equal(image.data.length, 16 * 16 * 3);
  // Colour management (sRGB -> CMYK profile -> sRGB) makes the round trip approximate.
  const [r, g, b] = pixel(image, 8, 8) as [number, number, number];
  assert.ok(Math.abs(r - 180) <= 15 && Math.abs(g - 120) <= 15 && Math.abs(b - 90) <= 15, `got ${r},${g},${b}`);
  assert.ok(r > g && g > b, `got ${r},${g},${b}`);
});

test('alpha is dropped: the stored colours are kept, whatever their opacity', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'alpha.png');
  // A fully transparent red pixel and a half-transparent blue one.
  const rgba = Buffer.from([255, 0, 0, 0, 0, 0, 255, 128]);
  await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } }).png().toFile(path);
  const image = await loadImage(path);
  assert.deepEqual(pixel(image, 0, 0), [255, 0, 0]);
  assert.deepEqual(pixel(image, 1, 0), [0, 0, 255]);

  const grayAlpha = join(dir, 'gray-alpha.png');
  await sharp(Buffer.from([90, 10, 200, 255]), { raw: { width: 2, height: 1, channels: 2 } }).png().toFile(grayAlpha);
  const decoded = await loadImage(grayAlpha);
  assert.deepEqual([...decoded.data].map((v) => Math.round(v * 255)), [90, 90, 90, 200, 200, 200]);
});

test('EXIF orientation 6 is applied (the image comes out upright)', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'rotated.jpg');
  // Stored 32 wide x 16 high: left half red, right half blue. Orientation 6 = rotate 90 degrees
  // clockwise to display, so the upright image is 16 wide x 32 high, red on top, blue below.
  const stored = Buffer.alloc(32 * 16 * 3);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 32; x++) stored.set(x < 16 ? [255, 0, 0] : [0, 0, 255], (y * 32 + x) * 3);
  await sharp(stored, { raw: { width: 32, height: 16, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(path);
  assert.equal((await sharp(path).metadata()).orientation, 6);
  const image = await loadImage(path);
  assert.equal(image.width, 16);
  assert.equal(image.height, 32);
  const top = pixel(image, 8, 4);
  const bottom = pixel(image, 8, 28);
  assert.ok(top[0]! > 200 && top[2]! < 50, `top ${top}`);
  assert.ok(bottom[2]! > 200 && bottom[0]! < 50, `bottom ${bottom}`);
});

test('missing, truncated and non-image files are InputFileErrors naming the file', async (t) => {
  const dir = tempDir(t);
  const missing = join(dir, 'missing.jpg');
  await assert.rejects(loadImage(missing), (error: unknown) => error instanceof InputFileError && error.file === missing && /not found/.test(error.message));

  const full = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
  const truncated = join(dir, 'truncated.jpg');
  writeFileSync(truncated, full.subarray(0, Math.floor(full.length / 2)));
  await assert.rejects(loadImage(truncated), (error: unknown) => error instanceof InputFileError && error.file === truncated && /cannot decode/.test(error.message));

  const garbage = join(dir, 'garbage.png');
  writeFileSync(garbage, Buffer.from('this is not an image at all, only some text'));
  await assert.rejects(loadImage(garbage), (error: unknown) => error instanceof InputFileError && error.message.startsWith(`${garbage}: cannot decode the image`));
});
