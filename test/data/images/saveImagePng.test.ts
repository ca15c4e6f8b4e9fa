import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { saveImagePng } from '../../../src/data/images/saveImagePng.js';

test('writes an 8-bit RGB PNG (rounded, clamped) and leaves no temporary file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-png-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'nested', 'out.png');
  const values = [0, 0.5, 1, 0.1, -0.2, 1.7];
  await saveImagePng(path, { width: 2, height: 1, data: Float32Array.from(values) });
  assert.deepEqual(readdirSync(join(dir, 'nested')), ['out.png']);
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.format, 'raw');
  assert.deepEqual([info.width, info.height, info.channels], [2, 1, 3]);
  assert.equal((await sharp(path).metadata()).format, 'png');
  // Hand-computed: round(v * 255) after clamping to [0, 1].
  assert.deepEqual([...data], [0, 128, 255, 26, 0, 255]);
});
