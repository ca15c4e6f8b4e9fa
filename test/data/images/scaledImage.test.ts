import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScaledImage, ScaledImageCache } from '../../../src/data/images/scaledImage.js';
import { saveImagePng } from '../../../src/data/images/saveImagePng.js';

async function writeImage(path: string, width: number, height: number, value: number): Promise<void> {
  await saveImagePng(path, { width, height, data: new Float32Array(width * height * 3).fill(value) });
}

test('the image cache returns what loadScaledImage returns, decodes each image once, and keeps to its budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-cache-'));
  const a = join(dir, 'a.png'), b = join(dir, 'b.png');
  await writeImage(a, 40, 20, 0.25);
  await writeImage(b, 40, 20, 0.75);
  const direct = await loadScaledImage(a, 30);
  const bytesPerImage = direct.image.data.byteLength; // 30 x 15 x 3 floats
  const cache = new ScaledImageCache(30, bytesPerImage); // room for one image
  const first = await cache.load(a);
  assert.equal(first.scale, direct.scale);
  assert.deepEqual(Array.from(first.image.data), Array.from(direct.image.data));
  assert.equal(await cache.load(a), first, 'the second load is the cached object');
  await cache.load(b);
  await cache.load(b);
  assert.deepEqual({ hits: cache.hits, misses: cache.misses, bytes: cache.cachedBytes }, { hits: 1, misses: 3, bytes: bytesPerImage });
  const disabled = new ScaledImageCache(30, 0);
  await disabled.load(a);
  await disabled.load(a);
  assert.deepEqual({ hits: disabled.hits, misses: disabled.misses }, { hits: 0, misses: 2 });
});

test('prefetch decodes ahead once, hands the result to the next load, and reports a failure there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-cache-'));
  const a = join(dir, 'a.png');
  await writeImage(a, 40, 20, 0.5);
  for (const budget of [undefined, 0]) {
    const cache = new ScaledImageCache(30, budget);
    cache.prefetch(a);
    cache.prefetch(a);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the decode may finish before load asks
    const loaded = await cache.load(a);
    assert.deepEqual(Array.from(loaded.image.data), Array.from((await loadScaledImage(a, 30)).image.data));
    assert.equal(cache.misses, 1, `one decode with budget ${budget}`);
  }
  const cache = new ScaledImageCache(30);
  const missing = join(dir, 'missing.png');
  cache.prefetch(missing);
  await new Promise((resolve) => setTimeout(resolve, 50)); // a rejection nobody awaits yet must not crash
  await assert.rejects(cache.load(missing), /missing\.png/);
});
