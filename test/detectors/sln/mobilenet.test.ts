// The SLN's MobileNetV1 x0.25 backbone: C2..C5 shapes and strides, its ImageNet checkpoint
// (every backbone tensor filled), and its C2..C5 against a PyTorch twin of Pytorch_Retinaface's
// MobileNetV1 in eval and train mode. Runs on the torch backend when the addon is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../../engine/torchSupport.js';
import { createSlnNetwork, isSlnBackboneParameter, loadSlnBackboneImageNet, SLN_BACKBONES, SLN_IMAGENET_WEIGHTS } from '../../../src/detectors/sln/network.js';
import { defineMobileNetV1, MOBILENET_FEATURE_TAPS } from '../../../src/detectors/sln/mobilenet.js';
import { ParamStore } from '../../../src/detectors/sln/params.js';
import { loadStateDict } from '../../../src/detectors/pytorch/index.js';
import { loadStateIntoStore } from '../../../src/detectors/sln/checkpoint.js';
import { sharedDir } from '../../../src/config/paths.js';
import { requireShared } from '../../helpers/shared.js';

const CHECKPOINT = SLN_IMAGENET_WEIGHTS['mobilenet0.25'] as string[];
const PYTHON = '/usr/bin/python3';

function torchPythonAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

test('mobilenet0.25 is a registered SLN backbone beside the ResNets', () => {
  assert.deepEqual(SLN_BACKBONES, ['resnet18', 'resnet50', 'resnet101', 'resnext101_32x8d', 'mobilenet0.25']);
  assert.throws(() => createSlnNetwork('resnext101'), /unknown SLN backbone "resnext101"; valid choices: resnet18, resnet50, resnet101, resnext101_32x8d, mobilenet0.25/);
});

test('MobileNetV1 x0.25 gives C2..C5 at strides 4, 8, 16, 32 with 32, 64, 128, 256 channels', () => {
  const store = new ParamStore(1);
  const backbone = defineMobileNetV1(store);
  assert.deepEqual(backbone.channels, [32, 64, 128, 256]);
  for (const mode of ['eval', 'train'] as const) {
    const shapes = tf.tidy(() => backbone.forward(tf.randomUniform([2, 64, 64, 3]) as tf.Tensor4D, mode).map((c) => c.shape));
    assert.deepEqual(shapes, [[2, 16, 16, 32], [2, 8, 8, 64], [2, 4, 4, 128], [2, 2, 2, 256]], mode);
  }
  // Odd sizes: every stride-2 layer rounds up (PyTorch's 3x3, padding 1), as the FPN expects.
  const odd = tf.tidy(() => backbone.forward(tf.zeros([1, 70, 45, 3]) as tf.Tensor4D, 'eval').map((c) => c.shape.slice(1, 3)));
  assert.deepEqual(odd, [[18, 12], [9, 6], [5, 3], [3, 2]]);
  assert.deepEqual(MOBILENET_FEATURE_TAPS.map((t) => t.stride), [4, 8, 16, 32]);
  // 27 conv layers (1 conv_bn + 13 conv_dw x 2), each with a batch norm of 4 tensors.
  assert.equal(store.params.size + store.buffers.size, 27 * 5);
  store.dispose();
});

test('the SLN with a MobileNet backbone: logits and regression for 4 anchors per P2 cell; train mode too', () => {
  const net = createSlnNetwork('mobilenet0.25', 3);
  for (const mode of ['eval', 'train'] as const) {
    const [logits, regression, featureSize] = tf.tidy(() => {
      const out = net.forward(tf.randomUniform([2, 64, 48, 3]) as tf.Tensor4D, mode);
      return [out.logits.shape, out.regression.shape, out.featureSize];
    });
    assert.deepEqual(featureSize, [16, 12]);
    assert.deepEqual(logits, [2, 16 * 12 * 4, 2]);
    assert.deepEqual(regression, [2, 16 * 12 * 4, 4]);
  }
  net.store.dispose();
});

test('the ImageNet checkpoint fills every MobileNet backbone tensor and nothing else', (t) => {
  if (requireShared(t, ...CHECKPOINT) === undefined) return;
  const net = createSlnNetwork('mobilenet0.25');
  const before = net.store.get('fpn.lateral2.weight').dataSync().slice();
  const report = loadSlnBackboneImageNet(net, sharedDir());
  const backboneNames = [...net.store.params.keys(), ...net.store.buffers.keys()].filter(isSlnBackboneParameter);
  assert.equal(report.expected, backboneNames.length);
  assert.equal(report.loaded, 135);
  assert.equal(report.loaded, report.expected);
  assert.deepEqual(report.missing, []);
  assert.deepEqual(report.unused, ['fc.weight', 'fc.bias']);
  assert.deepEqual(net.store.get('fpn.lateral2.weight').dataSync(), before, 'the FPN keeps its initialisation');
  // A depthwise filter: PyTorch [32, 1, 3, 3] -> [3, 3, 32, 1]; element (c=5, y=1, x=2).
  const torchFilter = loadStateDict(report.file).get('stage1.3.0.weight')!;
  const stored = net.store.get('stage1.3.0.weight');
  assert.deepEqual(stored.shape, [3, 3, 32, 1]);
  assert.equal(stored.dataSync()[(1 * 3 + 2) * 32 + 5], torchFilter.data[5 * 9 + 1 * 3 + 2]);
  net.store.dispose();
});

test('backbone weights: a ResNet needs --backbone-weights; a file with no matching tensor fails clearly', (t) => {
  const resnet = createSlnNetwork('resnet18');
  assert.throws(() => loadSlnBackboneImageNet(resnet, '/nonexistent'), /no ImageNet weights for the SLN backbone resnet18.*--backbone-weights/);
  assert.throws(() => loadSlnBackboneImageNet(resnet, '/nonexistent', '/nonexistent/resnet18.pth'), /not found/);
  const checkpoint = requireShared(t, ...CHECKPOINT);
  if (checkpoint !== undefined) {
    assert.throws(() => loadSlnBackboneImageNet(resnet, sharedDir(), checkpoint), /no tensor matches the resnet18 backbone/);
  }
  resnet.store.dispose();
});

test('C2..C5 match a PyTorch twin of Pytorch_Retinaface MobileNetV1 on the ImageNet weights (eval and train)', (t) => {
  const checkpoint = requireShared(t, ...CHECKPOINT);
  if (checkpoint === undefined) return;
  if (!torchPythonAvailable()) {
    if (process.env.FACEPATCH_REQUIRE_TORCH === '1') throw new Error('python3-torch is required (FACEPATCH_REQUIRE_TORCH=1)');
    t.skip('needs /usr/bin/python3 with torch (Debian python3-torch)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-mobilenet-'));
  const [height, width] = [72, 100]; // odd sizes at stride 8 and 32
  const file = join(dir, 'reference.json');
  const run = spawnSync(PYTHON, [join('test', 'detectors', 'sln', 'fixtures', 'mobilenet_reference.py'), checkpoint, file, String(height), String(width)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const reference = JSON.parse(readFileSync(file, 'utf8')) as { input: number[]; eval: { shape: number[]; values: number[] }[]; train: { shape: number[]; values: number[] }[] };
  rmSync(dir, { recursive: true, force: true });

  const store = new ParamStore(0);
  const backbone = defineMobileNetV1(store);
  const loaded = loadStateIntoStore(store, loadStateDict(checkpoint), checkpoint, true);
  assert.equal(loaded.length, 135);
  for (const mode of ['eval', 'train'] as const) {
    const outputs = tf.tidy(() => backbone.forward(tf.tensor4d(reference.input, [2, height, width, 3]), mode).map((c) => ({ shape: c.shape, values: c.dataSync() })));
    outputs.forEach((c, level) => {
      const expected = reference[mode][level]!;
      assert.deepEqual(c.shape, expected.shape, `${mode} C${level + 2} shape`);
      const scale = Math.max(1, ...expected.values.map(Math.abs));
      let maxDiff = 0;
      expected.values.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(c.values[i]! - v))));
      t.diagnostic(`${mode} C${level + 2}: max |diff| ${maxDiff.toExponential(2)} (max |value| ${scale.toFixed(2)})`);
      assert.ok(maxDiff < 1e-4 * scale, `${mode} C${level + 2} differs by ${maxDiff} (scale ${scale})`);
    });
  }
  store.dispose();
});
