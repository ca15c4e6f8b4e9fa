// The SLN as a FaceDetector on random-init networks (no trained weights needed): raw output
// shapes, scores in [0, 1], boxes decoded from the regression, detect() with NMS and the test
// pyramid, the input gradient against central differences, registration, the missing-weights
// error, and weights round-tripped through weightsFile.ts. Torch backend when the addon is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../../engine/torchSupport.js';
import { createSlnNetwork, slnAnchors } from '../../../src/detectors/sln/network.js';
import { SlnDetector, readSlnDetectorConfig, shippedSlnWeightsPath } from '../../../src/detectors/sln/slnDetector.js';
import { saveSlnWeights } from '../../../src/detectors/sln/weightsFile.js';
import { createDetector, listDetectors } from '../../../src/detectors/registry.js';
import { cornerIoU } from '../../../src/detectors/faceapi/greedyNms.js';
import { toCorners } from '../../../src/util/geometry.js';

const PYTHON = '/usr/bin/python3';
function torchPythonAvailable(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** Smooth deterministic pixels in [0, 1]. */
function pixels(shape: [number, number, number, number], phase = 0): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (Math.sin(i * 0.37 + phase) + 1) / 2);
}

function detector(backbone: string, seed = 7): SlnDetector {
  return new SlnDetector(createSlnNetwork(backbone, seed));
}

test('forwardRaw: anchors tiled on P2, scores = softmax face column in [0, 1], boxes decoded from the regression', () => {
  const sln = detector('mobilenet0.25');
  const shape: [number, number, number, number] = [2, 40, 28, 3];
  const input = tf.tensor4d(pixels(shape), shape);
  tf.dispose(Object.values(sln.forwardRaw(input))); // the first eval forward caches folded batch norms in the store
  const before = tf.memory().numTensors;
  const raw = sln.forwardRaw(input);
  const { logits, regression } = tf.tidy(() => {
    const out = sln.network.forward(input, 'eval');
    return { logits: out.logits.arraySync(), regression: out.regression.arraySync() };
  });
  const count = 10 * 7 * 4;
  assert.deepEqual(raw.anchors.shape, [count, 4]);
  assert.deepEqual(raw.scores.shape, [2, count]);
  assert.deepEqual(raw.boxes.shape, [2, count, 4]);
  assert.deepEqual(raw.anchors.dataSync(), slnAnchors(10, 7));
  const anchors = raw.anchors.arraySync();
  const scores = raw.scores.arraySync();
  const boxes = raw.boxes.arraySync();
  for (let b = 0; b < 2; b++) {
    for (let a = 0; a < count; a += 13) {
      const [l0, l1] = logits[b]![a]!;
      assert.ok(Math.abs(scores[b]![a]! - 1 / (1 + Math.exp(l0! - l1!))) < 1e-5, 'softmax face probability');
      assert.ok(scores[b]![a]! >= 0 && scores[b]![a]! <= 1);
      // centre = anchor centre + (dx, dy) * size; size = anchor size * exp(dw, dh)
      const [x1, y1, x2, y2] = anchors[a]!;
      const [dx, dy, dw, dh] = regression[b]![a]!;
      const [w, h] = [x2! - x1!, y2! - y1!];
      const cx = (x1! + x2!) / 2 + dx! * w;
      const cy = (y1! + y2!) / 2 + dy! * h;
      const [bw, bh] = [w * Math.exp(dw!), h * Math.exp(dh!)];
      const expected = [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2];
      boxes[b]![a]!.forEach((v, k) => assert.ok(Math.abs(v - expected[k]!) < 1e-3 * Math.max(1, Math.abs(expected[k]!)), `box ${a} coordinate ${k}`));
    }
  }
  tf.dispose([raw.anchors, raw.scores, raw.boxes]);
  assert.equal(tf.memory().numTensors, before, 'forwardRaw leaves only its outputs');
  input.dispose();
  sln.dispose();
});

test('detect(): sorted, thresholded, NMS-separated detections; a repeated pyramid scale changes nothing', async () => {
  const sln = detector('mobilenet0.25');
  const shape: [number, number, number, number] = [1, 48, 64, 3];
  const input = tf.tensor4d(pixels(shape, 1), shape);
  await sln.detect(input, { scoreThreshold: 0.3, maxDetections: 20 }); // caches folded batch norms in the store
  const before = tf.memory().numTensors;
  const [single] = await sln.detect(input, { scoreThreshold: 0.3, maxDetections: 20 });
  assert.equal(tf.memory().numTensors, before, 'detect leaves no tensor behind');
  assert.ok(single!.length > 0 && single!.length <= 20, `${single!.length} detections`);
  for (let i = 1; i < single!.length; i++) assert.ok(single![i - 1]!.score >= single![i]!.score, 'sorted by descending score');
  assert.ok(single!.every((d) => d.score >= 0.3 && d.w > 0 && d.h > 0));
  const corners = single!.flatMap((d) => toCorners(d));
  for (let i = 0; i < single!.length; i++) for (let j = 0; j < i; j++) assert.ok(cornerIoU(corners, i, j) <= 0.4, 'no two kept boxes overlap beyond IoU 0.4');

  // Scale 1 twice: every candidate appears twice with IoU 1, so NMS keeps exactly the single-scale set.
  const twice = new SlnDetector(sln.network, { pyramid: [1, 1] });
  const [repeated] = await twice.detect(input, { scoreThreshold: 0.3, maxDetections: 20 });
  assert.deepEqual(repeated, single);

  // Scale 2 alone: boxes come back in input pixels, i.e. the 2x image's best box halved.
  const doubled = new SlnDetector(sln.network, { pyramid: [2] });
  const [upscaled] = await doubled.detect(input, { scoreThreshold: 0, maxDetections: 5 });
  const manual = tf.tidy(() => {
    const raw = sln.forwardRaw(tf.image.resizeBilinear(input, [96, 128], false, true));
    const scores = raw.scores.dataSync();
    const best = scores.indexOf(Math.max(...scores));
    return { score: scores[best]!, box: Array.from(raw.boxes.dataSync().slice(4 * best, 4 * best + 4), (v) => v / 2) };
  });
  assert.ok(Math.abs(upscaled![0]!.score - manual.score) < 1e-6);
  toCorners(upscaled![0]!).forEach((v, k) => assert.ok(Math.abs(v - manual.box[k]!) < 1e-3, `corner ${k}: ${v} vs ${manual.box[k]}`));

  // The paper's test pyramid on a batch of two: one list per image, within the limits.
  const pyramid = new SlnDetector(sln.network, { pyramid: [0.5, 1, 2] });
  const batch = tf.concat([input, tf.reverse(input, 2)]) as tf.Tensor4D;
  const results = await pyramid.detect(batch, { scoreThreshold: 0.3, maxDetections: 10 });
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => r.length > 0 && r.length <= 10));
  batch.dispose();
  input.dispose();
  sln.dispose();
});

const GRADIENT_SHAPE: [number, number, number, number] = [1, 12, 16, 3];
const gradientInput = pixels(GRADIENT_SHAPE, 2);

/** The analytic gradient of the summed face scores w.r.t. the input, and the function itself. */
function scoreGradient(sln: SlnDetector): { g: Float32Array; f: (i: number, delta: number) => number } {
  const summedScores = (x: tf.Tensor) => tf.sum(sln.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar;
  const g = tf.tidy(() => tf.grad(summedScores)(tf.tensor4d(gradientInput, GRADIENT_SHAPE)).dataSync() as Float32Array);
  const f = (i: number, delta: number) =>
    tf.tidy(() => {
      const shifted = gradientInput.slice();
      shifted[i]! += delta;
      return summedScores(tf.tensor4d(shifted, GRADIENT_SHAPE)).dataSync()[0]!;
    });
  return { g, f };
}

test('mobilenet0.25: the gradient of summed scores w.r.t. the input matches central differences', () => {
  const sln = detector('mobilenet0.25', 11);
  const { g, f } = scoreGradient(sln);
  assert.ok(g.every(Number.isFinite), 'finite');
  const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
  assert.ok(Math.abs(g[order[0]!]!) > 1e-3, `non-zero (max ${g[order[0]!]})`);
  // LeakyReLU everywhere and no max-pooling: smooth enough for a plain central difference.
  const eps = 1e-2;
  for (const i of [...order.slice(0, 4), 101, 307, 499]) {
    const numeric = (f(i, eps) - f(i, -eps)) / (2 * eps);
    assert.ok(Math.abs(numeric - g[i]!) <= 2e-3 + 5e-2 * Math.abs(numeric), `pixel ${i}: analytic ${g[i]}, numeric ${numeric}`);
  }
  sln.dispose();
});

// A random-init ResNet is a dense patchwork of ReLU and max-pool kinks: central differences on
// single pixels straddle them (7% off at some pixels even at eps = 1e-3), so the oracle is
// PyTorch's float64 autograd on the same weights (bench/pytorch_sln.py), when /usr/bin/python3 has torch.
test('resnet18: the gradient of summed scores w.r.t. the input matches PyTorch float64 autograd', (t) => {
  if (!torchPythonAvailable()) {
    if (process.env.FACEPATCH_REQUIRE_TORCH === '1') throw new Error('python3-torch is required (FACEPATCH_REQUIRE_TORCH=1)');
    t.skip('needs /usr/bin/python3 with torch (Debian python3-torch)');
    return;
  }
  const sln = detector('resnet18', 11);
  const { g, f } = scoreGradient(sln);
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-sln-grad-'));
  try {
    saveSlnWeights(sln.network.store, join(dir, 'weights.json'), { dtype: 'float32' });
    writeFileSync(join(dir, 'in.json'), JSON.stringify({ backbone: 'resnet18', shape: GRADIENT_SHAPE, input: Array.from(gradientInput) }));
    const script = join('test', 'detectors', 'sln', 'fixtures', 'sln_gradient_reference.py');
    const run = spawnSync(PYTHON, [script, join(dir, 'weights.json'), join(dir, 'in.json'), join(dir, 'out.json')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const reference = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { value: number; grad: number[] };
    assert.ok(Math.abs(f(0, 0) - reference.value) < 1e-4 * Math.abs(reference.value), `value ${f(0, 0)} vs ${reference.value}`);
    let squaredDiff = 0;
    let squared = 0;
    reference.grad.forEach((v, i) => {
      squaredDiff += (v - g[i]!) ** 2;
      squared += v ** 2;
    });
    const relative = Math.sqrt(squaredDiff / squared);
    t.diagnostic(`relative L2 difference to PyTorch float64: ${relative.toExponential(2)}`);
    assert.ok(squared > 0 && relative < 1e-4, `gradient differs from PyTorch by ${relative} (relative L2)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    sln.dispose();
  }
});

test('the five SLN detectors are registered, and without weights createDetector says how to train them', async () => {
  const entries = (await listDetectors()).filter((e) => e.name.startsWith('sln-'));
  assert.deepEqual(entries.map((e) => e.name).sort(), ['sln-mobilenet0.25', 'sln-resnet101', 'sln-resnet18', 'sln-resnet50', 'sln-resnext101_32x8d']);
  for (const entry of entries) {
    assert.equal(entry.family, 'single-level');
    assert.match(entry.weightsSource, /weights/);
  }
  for (const backbone of ['resnet50', 'mobilenet0.25']) {
    if (existsSync(shippedSlnWeightsPath(backbone))) continue; // shipped by now: nothing to explain
    await assert.rejects(
      createDetector(`sln-${backbone}`),
      new RegExp(`no trained weights are shipped for sln-${backbone.replace('.', '\\.')} yet.*facepatch train-detector --backbone ${backbone.replace('.', '\\.')}.*--weights <out>/weights\\.json`),
    );
  }
  await assert.rejects(createDetector('sln-resnet18', { weights: '/nonexistent/weights.json' }), /not found/);
});

test('weights saved by saveSlnWeights load through createDetector({ weights }) to the same outputs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-sln-detector-'));
  try {
    const original = detector('mobilenet0.25', 23);
    // Non-trivial batch-norm statistics, so buffers are exercised too.
    tf.tidy(() => original.network.store.get('stage1.3.4.running_var').assign(tf.fill([32], 1.7)));
    const file = join(dir, 'weights.json');
    saveSlnWeights(original.network.store, file, { dtype: 'float32', metadata: { backbone: 'mobilenet0.25', note: 'test' } });
    const loaded = await createDetector('sln-mobilenet0.25', { weights: file, config: { pyramid: [1] } });
    assert.equal(loaded.name, 'sln-mobilenet0.25');
    const shape: [number, number, number, number] = [1, 32, 24, 3];
    const input = tf.tensor4d(pixels(shape, 3), shape);
    const scores = (d: typeof loaded) => tf.tidy(() => d.forwardRaw(input).scores.dataSync());
    assert.deepEqual(scores(loaded), scores(original));
    loaded.dispose();

    // Another backbone's file is refused with the file's name.
    await assert.rejects(createDetector('sln-resnet18', { weights: file }), (error: Error) => error.message.includes(file));
    original.dispose();
    input.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detector config: pyramid and thresholds validated with clear messages', () => {
  assert.deepEqual(readSlnDetectorConfig({ pyramid: [0.5, 1, 2] }).pyramid, [0.5, 1, 2]);
  assert.deepEqual(readSlnDetectorConfig().pyramid, [1]);
  assert.equal(readSlnDetectorConfig().nmsIoU, 0.4);
  assert.throws(() => readSlnDetectorConfig({ pyramid: [0, 1] }), /pyramid must be positive scales/);
  assert.throws(() => readSlnDetectorConfig({ pyramid: 2 }), /pyramid must be a non-empty array/);
  assert.throws(() => readSlnDetectorConfig({ nmsIoU: 1.5 }), /nmsIoU must be in \[0, 1\]/);
  assert.throws(() => readSlnDetectorConfig({ pyramids: [1] }), /unknown key "pyramids"; valid keys: pyramid, scoreThreshold/);
});
