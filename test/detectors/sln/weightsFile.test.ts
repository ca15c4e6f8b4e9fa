import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../../../src/detectors/sln/params.js';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  loadSlnWeights,
  saveSlnWeights,
  weightsBinaryPath,
} from '../../../src/detectors/sln/weightsFile.js';
import { InputFileError } from '../../../src/util/errors.js';

// tfjs variable names are global, so each store uses its own prefix.
function tinyStore(prefix: string, extra = false): ParamStore {
  const store = new ParamStore(3);
  store.convFilter(`${prefix}.conv.weight`, 3, 3, 2, 4);
  store.constant(`${prefix}.conv.bias`, [4], 0.25);
  store.constant(`${prefix}.bn.weight`, [4], 1);
  store.buffer(`${prefix}.bn.running_var`, [4], 1);
  if (extra) store.constant(`${prefix}.head.bias`, [2], 0);
  // Some values of every magnitude, including ones below float16's normal range.
  store.get(`${prefix}.bn.weight`).assign(tf.tensor1d([1e-6, -3.14159, 1234.5, 0]));
  store.get(`${prefix}.bn.running_var`).assign(tf.tensor1d([0.1, 2, 3e-5, 65504]));
  return store;
}

function snapshot(store: ParamStore): Map<string, number[]> {
  return new Map([...store.params, ...store.buffers].map(([name, v]) => [name, Array.from(v.dataSync())]));
}

function scramble(store: ParamStore): void {
  for (const v of [...store.params.values(), ...store.buffers.values()]) v.assign(tf.fill(v.shape, 7));
}

test('float16 conversion rounds to nearest even, handles subnormals, overflow and NaN', () => {
  assert.equal(float32ToFloat16Bits(1), 0x3c00);
  assert.equal(float32ToFloat16Bits(-2), 0xc000);
  assert.equal(float32ToFloat16Bits(65504), 0x7bff);
  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // halfway to 2^16 rounds (to even) up to Infinity
  assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(float32ToFloat16Bits(2 ** -25), 0x0000); // tie between 0 and 2^-24: even is 0
  assert.equal(float32ToFloat16Bits(1.5 * 2 ** -24), 0x0002); // tie between 1 and 2 units: even is 2
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie: mantissa 0 is even
  assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie: up to the even mantissa 2
  assert.equal(float32ToFloat16Bits(Infinity), 0x7c00);
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN))));
  assert.equal(float16BitsToFloat32(0x3555), 0.333251953125);
  assert.equal(float16BitsToFloat32(0x8001), -(2 ** -24));
  for (let bits = 0; bits < 0x7c00; bits += 37) assert.equal(float32ToFloat16Bits(float16BitsToFloat32(bits)), bits);
});

test('SLN weights round-trip exactly in float32 and within 1e-3 relative in float16', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-weights-'));
  const store = tinyStore('roundtrip');
  const original = snapshot(store);
  const path = join(dir, 'w.json');
  const manifest = saveSlnWeights(store, path, { dtype: 'float32', metadata: { backbone: 'toy', note: 'hello' } });
  assert.equal(manifest.backbone, 'toy');
  assert.equal(manifest.tensors.find((t) => t.name === 'roundtrip.bn.running_var')?.kind, 'buffer');
  assert.equal(readFileSync(weightsBinaryPath(path)).length, manifest.byteLength);
  scramble(store);
  const loaded = loadSlnWeights(store, path);
  assert.deepEqual(loaded.metadata, { backbone: 'toy', note: 'hello' });
  assert.deepEqual(snapshot(store), original);

  const half = join(dir, 'half.json');
  const halfManifest = saveSlnWeights(store, half, { dtype: 'float16' });
  assert.equal(halfManifest.byteLength, manifest.byteLength / 2);
  scramble(store);
  assert.equal(loadSlnWeights(store, half).dtype, 'float16');
  for (const [name, values] of snapshot(store)) {
    const want = original.get(name)!;
    values.forEach((v, i) => {
      const w = want[i]!;
      assert.ok(Math.abs(v - w) <= 1e-3 * Math.abs(w) + 6e-8, `${name}[${i}]: ${v} vs ${w}`);
    });
  }
  store.dispose();
});

test('a corrupted binary, a missing tensor and a wrong shape are reported with the file and the tensor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-weights-'));
  const path = join(dir, 'w.json');
  const small = tinyStore('checks');
  saveSlnWeights(small, path, { dtype: 'float32', backbone: 'toy' });
  small.dispose();

  // The store has one more tensor than the file.
  const bigger = tinyStore('checks', true);
  assert.throws(() => loadSlnWeights(bigger, path), (e: unknown) => e instanceof InputFileError && e.file === path && /missing tensor checks\.head\.bias/.test(e.message));
  bigger.dispose();

  // A wrong shape.
  const reshaped = new ParamStore(1);
  reshaped.convFilter('checks.conv.weight', 1, 1, 2, 4);
  reshaped.constant('checks.conv.bias', [4], 0);
  reshaped.constant('checks.bn.weight', [4], 1);
  reshaped.buffer('checks.bn.running_var', [4], 1);
  assert.throws(() => loadSlnWeights(reshaped, path), /checks\.conv\.weight has shape \[3,3,2,4\], the network expects \[1,1,2,4\]/);
  // Fewer tensors in the store than in the file (another network).
  reshaped.params.get('checks.conv.bias')!.dispose();
  reshaped.params.delete('checks.conv.bias');
  reshaped.params.get('checks.conv.weight')!.dispose();
  reshaped.params.delete('checks.conv.weight');
  assert.throws(() => loadSlnWeights(reshaped, path), /tensor checks\.conv\.weight is not in the network/);
  reshaped.dispose();

  // One flipped byte in the binary.
  const store = tinyStore('checks');
  const before = snapshot(store);
  const binary = readFileSync(weightsBinaryPath(path));
  binary[10] = (binary[10] as number) ^ 0xff;
  writeFileSync(weightsBinaryPath(path), binary);
  assert.throws(() => loadSlnWeights(store, path), (e: unknown) => e instanceof InputFileError && e.file === weightsBinaryPath(path) && /sha256/.test(e.message));
  assert.deepEqual(snapshot(store), before, 'a failed load leaves the store unchanged');
  // A truncated binary, and a manifest that is not one.
  writeFileSync(weightsBinaryPath(path), binary.subarray(0, 8));
  assert.throws(() => loadSlnWeights(store, path), /truncated/);
  writeFileSync(path, '{"format": "something-else"}');
  assert.throws(() => loadSlnWeights(store, path), /not a facepatch SLN weights manifest/);
  assert.throws(() => loadSlnWeights(store, join(dir, 'none.json')), /not found/);
  store.dispose();
});
