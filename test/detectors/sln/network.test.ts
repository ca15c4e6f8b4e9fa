import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createSlnNetwork, slnAnchors } from '../../../src/detectors/sln/network.js';
import { loadStateIntoStore } from '../../../src/detectors/sln/checkpoint.js';
import { upsample2x } from '../../../src/detectors/sln/layers.js';
import { loadStateDict } from '../../../src/detectors/pytorch/index.js';

const PYTHON = '/usr/bin/python3';
function torchAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

test('SLN (ResNet-18 + FPN to P2) in eval mode matches the PyTorch twin on the same .pth', (t) => {
  if (!torchAvailable()) {
    if (process.env.FACEPATCH_REQUIRE_TORCH === '1') throw new Error('python3-torch is required (FACEPATCH_REQUIRE_TORCH=1)');
    t.skip('needs /usr/bin/python3 with torch (Debian python3-torch)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-sln-'));
  const [height, width] = [72, 100]; // odd sizes at deep levels: exercises the crop after upsampling
  const run = spawnSync(PYTHON, [join('test', 'detectors', 'sln', 'fixtures', 'sln_reference.py'), dir, String(height), String(width)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
  const net = createSlnNetwork('resnet18');
  const loaded = loadStateIntoStore(net.store, loadStateDict(join(dir, 'sln.pth')), join(dir, 'sln.pth'));
  assert.equal(loaded.length, net.store.params.size + net.store.buffers.size);
  const out = net.forward(tf.tensor4d(reference.input, [1, height, width, 3]), 'eval');
  assert.deepEqual(out.featureSize, [height / 4, width / 4]);
  const logits = out.logits.dataSync();
  const regression = out.regression.dataSync();
  assert.equal(logits.length, reference.logits.length);
  const maxDiff = (a: ArrayLike<number>, b: number[]) => b.reduce((m, v, i) => Math.max(m, Math.abs((a[i] as number) - v)), 0);
  const scale = Math.max(...reference.logits.map(Math.abs));
  assert.ok(maxDiff(logits, reference.logits) < 1e-4 * Math.max(1, scale), `logits differ by ${maxDiff(logits, reference.logits)} (scale ${scale})`);
  assert.ok(maxDiff(regression, reference.regression) < 1e-4 * Math.max(1, scale), `regression differs by ${maxDiff(regression, reference.regression)}`);
  net.store.dispose();
});

test('bilinear x2 upsampling matches the half-pixel formula by hand', () => {
  const x = tf.tensor4d([1, 2, 4], [1, 1, 3, 1]);
  // width: [1, 1.25, 1.75, 2.5, 3.5, 4] (edges clamped); height 1 -> 2 rows equal.
  const up = upsample2x(x, 2, 6).dataSync();
  assert.deepEqual(Array.from(up), [1, 1.25, 1.75, 2.5, 3.5, 4, 1, 1.25, 1.75, 2.5, 3.5, 4]);
  // Its gradient w.r.t. the input exists and sums each input's weights (1 per output column pair x 2 rows).
  const g = tf.grad((v: tf.Tensor) => tf.sum(upsample2x(v as tf.Tensor4D, 2, 6)))(x).dataSync();
  assert.deepEqual(Array.from(g), [2 * (1 + 0.75 + 0.25), 2 * (0.25 + 0.75 + 0.75 + 0.25), 2 * (0.25 + 0.75 + 1)]);
});

test('anchors tile P2 with scales 16, 32, 64, 128 at stride 4', () => {
  const a = slnAnchors(2, 3);
  assert.equal(a.length, 2 * 3 * 4 * 4);
  assert.deepEqual(Array.from(a.slice(0, 8)), [-6, -6, 10, 10, -14, -14, 18, 18]);
  // last anchor: row 1, col 2 -> centre (10, 6), scale 128
  assert.deepEqual(Array.from(a.slice(-4)), [10 - 64, 6 - 64, 10 + 64, 6 + 64]);
});
