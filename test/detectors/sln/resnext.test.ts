// The ResNeXt-101 32x8d SLN backbone (torchvision's resnext101_32x8d): grouped convolutions (one
// conv per group, concatenated) against a dense conv with the block-diagonal filter, eval and
// train, and the whole SLN in eval mode against the PyTorch twin (bench/pytorch_sln.py) on the
// same random .pth. Creating the network (88.9M He-initialised parameters) takes ~4 s on one
// core, so the parity test builds it the ordinary way and overwrites every tensor from the .pth.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../../../src/detectors/sln/params.js';
import { conv, convBn, defineBatchNorm, defineConv, type ConvSpec } from '../../../src/detectors/sln/layers.js';
import { createSlnNetwork, SLN_BACKBONES, type SlnNetwork } from '../../../src/detectors/sln/network.js';
import { RESNET_SPECS } from '../../../src/detectors/sln/resnet.js';
import { loadStateIntoStore } from '../../../src/detectors/sln/checkpoint.js';
import { loadStateDict } from '../../../src/detectors/pytorch/index.js';
import { listDetectors } from '../../../src/detectors/registry.js';
import { randomValues, torchSkipReason } from '../../engine/torchSupport.js';

const BACKBONE = 'resnext101_32x8d';
const PYTHON = '/usr/bin/python3';

function torchAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function randomTensor(seed: number, shape: number[], low = -1, high = 1): tf.Tensor {
  return tf.tensor(randomValues(seed, shape.reduce((a, b) => a * b, 1), low, high), shape);
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/** The dense [k, k, in, out] filter of a grouped [k, k, in / groups, out] one: zero off the diagonal blocks. */
function blockDiagonal(grouped: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [kh, kw, groupIn, out] = grouped.shape;
  const groupOut = out / groups;
  const src = grouped.dataSync();
  const dense = new Float32Array(kh * kw * groupIn * groups * out);
  for (let p = 0; p < kh * kw; p++) {
    for (let i = 0; i < groupIn; i++) {
      for (let o = 0; o < out; o++) {
        const g = Math.floor(o / groupOut);
        dense[(p * groupIn * groups + g * groupIn + i) * out + o] = src[(p * groupIn + i) * out + o]!;
      }
    }
  }
  return tf.tensor4d(dense, [kh, kw, groupIn * groups, out]);
}

/** Grouped store and its dense twin: same filter (block-diagonal), same batch norm and bias. */
function twinStores(inChannels: number, outChannels: number, groups: number, bias: boolean): [ParamStore, ParamStore] {
  const grouped = new ParamStore(4);
  const dense = new ParamStore(4);
  defineConv(grouped, 'c', inChannels, outChannels, { kernel: 3, groups, bias });
  defineConv(dense, 'c', inChannels, outChannels, { kernel: 3, bias });
  dense.get('c.weight').assign(blockDiagonal(grouped.get('c.weight') as tf.Tensor4D, groups));
  for (const store of [grouped, dense]) {
    defineBatchNorm(store, 'bn', outChannels);
    store.get('bn.weight').assign(randomTensor(11, [outChannels], 0.5, 1.5));
    store.get('bn.bias').assign(randomTensor(12, [outChannels]));
    store.get('bn.running_mean').assign(randomTensor(13, [outChannels], -0.3, 0.3));
    store.get('bn.running_var').assign(randomTensor(14, [outChannels], 0.5, 2));
    if (bias) store.get('c.bias').assign(randomTensor(15, [outChannels]));
  }
  return [grouped, dense];
}

const GROUPS = 4;
const [IN, OUT] = [8, 12];

for (const backend of ['cpu', 'torch']) {
  const skip = backend === 'torch' ? torchSkipReason : undefined;
  for (const mode of ['eval', 'train'] as const) {
    test(`grouped conv (${GROUPS} groups) on ${backend}, ${mode}: equals the dense conv with a block-diagonal filter, value and gradients`, { skip }, async () => {
      const previous = tf.getBackend();
      await tf.setBackend(backend);
      const [grouped, dense] = twinStores(IN, OUT, GROUPS, false);
      const [groupedBias, denseBias] = twinStores(IN, OUT, GROUPS, true);
      try {
        tf.tidy(() => {
          const x = randomTensor(7, [2, 7, 9, IN]) as tf.Tensor4D;
          const spec: ConvSpec = { kernel: 3, stride: 2, pad: 1 };
          const upstream = randomTensor(8, [2, 4, 5, OUT]);
          const layers: [string, (store: ParamStore, groups: number) => (input: tf.Tensor4D) => tf.Tensor4D, ParamStore, ParamStore][] = [
            ['convBn relu', (store, groups) => (input) => convBn(store, 'c', 'bn', input, { ...spec, groups }, mode, 'relu'), grouped, dense],
            ['conv + bias leaky', (store, groups) => (input) => conv(store, 'c', input, { ...spec, bias: true, groups }, mode, 'leakyrelu'), groupedBias, denseBias],
            ['conv + bias relu', (store, groups) => (input) => conv(store, 'c', input, { ...spec, bias: true, groups }, mode, 'relu'), groupedBias, denseBias],
          ];
          for (const [label, layer, g, d] of layers) {
            const fast = layer(g, GROUPS);
            const oracle = layer(d, 1);
            assert.ok(maxAbsDiff(fast(x), oracle(x)) < 1e-5, `${label}: value`);
            const objective = (f: (input: tf.Tensor4D) => tf.Tensor4D) => () => tf.sum(tf.mul(f(x), upstream)) as tf.Scalar;
            const gFast = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(fast(input as tf.Tensor4D), upstream)) as tf.Scalar)(x);
            const gOracle = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(oracle(input as tf.Tensor4D), upstream)) as tf.Scalar)(x);
            assert.ok(maxAbsDiff(gFast, gOracle) < 1e-4, `${label}: input gradient differs by ${maxAbsDiff(gFast, gOracle)}`);
            if (mode === 'train') {
              // the filter gradient: the dense one's diagonal blocks (off them it is not zero, the weights are)
              const wFast = tf.variableGrads(objective(fast), [g.get('c.weight')]).grads[g.get('c.weight').name] as tf.Tensor4D;
              const wOracle = tf.variableGrads(objective(oracle), [d.get('c.weight')]).grads[d.get('c.weight').name] as tf.Tensor4D;
              const onDiagonal = tf.mul(wOracle, blockDiagonal(tf.onesLike(wFast), GROUPS));
              assert.ok(maxAbsDiff(blockDiagonal(wFast, GROUPS), onDiagonal) < 1e-4, `${label}: filter gradient differs by ${maxAbsDiff(blockDiagonal(wFast, GROUPS), onDiagonal)}`);
              assert.ok(maxAbsDiff(wFast, tf.zerosLike(wFast)) > 1e-3, `${label}: filter gradient is zero`);
            }
          }
          if (mode === 'train') {
            for (const name of ['bn.running_mean', 'bn.running_var']) assert.ok(maxAbsDiff(grouped.get(name), dense.get(name)) < 1e-5, name);
          }
        });
      } finally {
        for (const store of [grouped, dense, groupedBias, denseBias]) store.dispose();
        await tf.setBackend(previous);
      }
    });
  }
}

test('grouped conv layout: channels must split into the groups, and depthwise excludes groups', () => {
  const store = new ParamStore(0);
  defineConv(store, 'g', 8, 12, { kernel: 3, groups: 4 });
  assert.deepEqual(store.get('g.weight').shape, [3, 3, 2, 12]);
  assert.throws(() => defineConv(store, 'bad', 6, 12, { kernel: 3, groups: 4 }), /do not split into 4 groups/);
  assert.throws(() => defineConv(store, 'dw', 8, 8, { kernel: 3, groups: 4, depthwise: true }), /depthwise or grouped/);
  store.dispose();
});

let shared: SlnNetwork | undefined;
/** One ResNeXt-101 SLN for the tests below (~4 s and ~360 MB to create). */
function resnext(): SlnNetwork {
  shared ??= createSlnNetwork(BACKBONE);
  return shared;
}
after(() => shared?.store.dispose());

test('resnext101_32x8d: a selectable, registered SLN backbone with torchvision names and shapes', async () => {
  assert.ok(SLN_BACKBONES.includes(BACKBONE));
  assert.deepEqual(RESNET_SPECS[BACKBONE], { block: 'bottleneck', layers: [3, 4, 23, 3], groups: 32, widthPerGroup: 8 });
  const names = (await listDetectors()).map((e) => e.name);
  assert.ok(names.includes(`sln-${BACKBONE}`), `sln-${BACKBONE} not among ${names.join(', ')}`);
  const tfjsBackend = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    const { store } = resnext();
    // torchvision's resnext101_32x8d has 88,791,336 parameters; minus fc (2048 x 1000 + 1000) plus the FPN and heads
    const fpnAndHeads = [256, 512, 1024, 2048].reduce((n, c) => n + c * 256 + 256, 0) + 2 * (256 * 256 * 9 + 256) + (256 * 8 + 8) + (256 * 16 + 16);
    assert.equal(store.count(), 88_791_336 - (2048 * 1000 + 1000) + fpnAndHeads);
    const shapes: [string, number[]][] = [
      ['layer1.0.conv1.weight', [1, 1, 64, 256]],
      ['layer1.0.conv2.weight', [3, 3, 8, 256]],
      ['layer1.0.conv3.weight', [1, 1, 256, 256]],
      ['layer1.0.downsample.0.weight', [1, 1, 64, 256]],
      ['layer2.0.conv2.weight', [3, 3, 16, 512]],
      ['layer3.22.conv2.weight', [3, 3, 32, 1024]],
      ['layer4.0.conv1.weight', [1, 1, 1024, 2048]],
      ['layer4.2.conv2.weight', [3, 3, 64, 2048]],
      ['layer4.2.bn3.running_var', [2048]],
      ['fpn.lateral5.weight', [1, 1, 2048, 256]],
    ];
    for (const [name, shape] of shapes) assert.deepEqual(store.get(name).shape, shape, name);
  } finally {
    await tf.setBackend(tfjsBackend);
  }
});

for (const backend of ['cpu', 'torch']) {
  test(`SLN (ResNeXt-101 32x8d + FPN to P2) on ${backend} in eval mode matches the PyTorch twin on the same .pth`, { skip: backend === 'torch' ? torchSkipReason : undefined }, async (t) => {
    if (!torchAvailable()) {
      if (process.env.FACEPATCH_REQUIRE_TORCH === '1') throw new Error('python3-torch is required (FACEPATCH_REQUIRE_TORCH=1)');
      t.skip('needs /usr/bin/python3 with torch (Debian python3-torch)');
      return;
    }
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    const dir = mkdtempSync(join(tmpdir(), 'facepatch-resnext-'));
    try {
      const [height, width] = [64, 96]; // C5 is 2 x 3: non-square maps through the FPN
      const run = spawnSync(PYTHON, [join('test', 'detectors', 'sln', 'fixtures', 'sln_reference.py'), dir, String(height), String(width), BACKBONE], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
      const net = resnext();
      assert.equal(net.store.count(), reference.parameters);
      const file = join(dir, 'sln.pth');
      const loaded = loadStateIntoStore(net.store, loadStateDict(file), file);
      assert.equal(loaded.length, net.store.params.size + net.store.buffers.size);
      tf.tidy(() => {
        const out = net.forward(tf.tensor4d(reference.input, [1, height, width, 3]), 'eval');
        assert.deepEqual(out.featureSize, [height / 4, width / 4]);
        const logits = out.logits.dataSync();
        const regression = out.regression.dataSync();
        assert.equal(logits.length, reference.logits.length);
        assert.equal(regression.length, reference.regression.length);
        const maxDiff = (a: ArrayLike<number>, b: number[]) => b.reduce((m, v, i) => Math.max(m, Math.abs((a[i] as number) - v)), 0);
        const scale = Math.max(...reference.logits.map(Math.abs), ...reference.regression.map(Math.abs));
        t.diagnostic(`max |difference|: logits ${maxDiff(logits, reference.logits).toExponential(2)}, regression ${maxDiff(regression, reference.regression).toExponential(2)} (scale ${scale.toFixed(3)})`);
        assert.ok(maxDiff(logits, reference.logits) < 1e-4 * Math.max(1, scale), `logits differ by ${maxDiff(logits, reference.logits)} (scale ${scale})`);
        assert.ok(maxDiff(regression, reference.regression) < 1e-4 * Math.max(1, scale), `regression differs by ${maxDiff(regression, reference.regression)}`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await tf.setBackend(previous);
    }
  });
}
