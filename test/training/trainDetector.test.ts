// End-to-end detector training on a synthetic dataset (bright squares as "faces") with the real
// ResNet-18 SLN at 64 x 64 on the torch backend: the loss falls, tensors do not leak, the outputs
// are written, and a run stopped after one epoch and resumed ends with the same weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { torchSkipReason } from '../engine/torchSupport.js';
import { DEFAULT_DETECTOR_TRAINING, trainSlnDetector, type DetectorTrainingConfig } from '../../src/training/trainDetector.js';
import { saveImagePng } from '../../src/data/images/saveImagePng.js';
import type { TrainingItem } from '../../src/attacks/trainingSet.js';
import { SeededRandom } from '../../src/util/random.js';
import { readHistoryCsv } from '../../src/training/history.js';

const SIDE = 64;

async function syntheticItems(dir: string, count: number): Promise<TrainingItem[]> {
  const rng = new SeededRandom(11);
  const items: TrainingItem[] = [];
  for (let n = 0; n < count; n++) {
    const data = new Float32Array(SIDE * SIDE * 3);
    for (let i = 0; i < data.length; i++) data[i] = 0.2 + 0.2 * rng.next();
    const size = 24 + rng.int(9);
    const face = { x: rng.int(SIDE - size), y: rng.int(SIDE - size), w: size, h: size };
    for (let y = face.y; y < face.y + size; y++) for (let x = face.x; x < face.x + size; x++) data.set([0.95, 0.85, 0.7], (y * SIDE + x) * 3);
    const path = join(dir, `img${n}.png`);
    await saveImagePng(path, { width: SIDE, height: SIDE, data });
    items.push({ id: `img${n}`, path, faces: [face] });
  }
  return items;
}

const config: DetectorTrainingConfig = {
  ...DEFAULT_DETECTOR_TRAINING,
  epochs: 1,
  maxSide: SIDE,
  scaleFactors: [1],
  warmupSteps: 0,
  samplesPerGroup: 32,
  accumulate: 1,
  // From scratch with one image per step, the paper's 0.01 (for 8 images per step) lets the IoU
  // regression collapse (boxes off their faces, no gradient) on this toy set within ~10 steps.
  lr: 0.001,
  backboneWeights: 'none',
};

test('a tiny training run lowers the loss, keeps the tensor count flat and writes its outputs', { skip: torchSkipReason }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-train-'));
  const items = await syntheticItems(dir, 20);
  const tensorCounts: number[] = [];
  const result = await trainSlnDetector(
    { config, items, outDir: join(dir, 'run'), exports: [{ path: join(dir, 'half.json'), dtype: 'float16' }] },
    { onStep: () => tensorCounts.push(tf.memory().numTensors) },
  );
  const losses = result.history.map((r) => r.loss);
  assert.equal(losses.length, 20);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(losses.slice(-5)) < 0.8 * mean(losses.slice(0, 5)), `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`);
  assert.equal(tensorCounts[tensorCounts.length - 1], tensorCounts[1], `tensor counts ${tensorCounts.join(' ')}`);
  // Every image has its face covered by a positive anchor (24-32 px squares, anchors of 32).
  assert.equal(result.epochs[0]!.coverage, 1);
  assert.ok(result.history.every((r) => r.positives > 0 && r.positives <= 4 * 8 && r.positives + r.negatives === 4 * 32));
  for (const f of ['checkpoint.json', 'history.csv', 'curve.png', 'curve.svg', 'weights.json', 'weights.bin', 'checkpoint/epoch-001.weights.bin', 'checkpoint/epoch-001.momentum.json']) {
    assert.ok(existsSync(join(dir, 'run', f)), f);
  }
  assert.ok(existsSync(join(dir, 'half.bin')));
  assert.deepEqual(readHistoryCsv(join(dir, 'run', 'history.csv')), result.history);
  const manifest = JSON.parse(readFileSync(join(dir, 'run', 'weights.json'), 'utf8'));
  assert.equal(manifest.backbone, 'resnet18');
  assert.equal(manifest.metadata.config.samplesPerGroup, 32);
});

test('a run stopped after one epoch and resumed gives the same weights as an uninterrupted one', { skip: torchSkipReason }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-train-'));
  const items = await syntheticItems(dir, 3);
  const resumable: DetectorTrainingConfig = { ...config, epochs: 3, accumulate: 2, scaleFactors: [0.75, 1], warmupSteps: 2 };
  const full = await trainSlnDetector({ config: resumable, items, outDir: join(dir, 'full') });
  assert.equal(full.steps, 6);
  const partial = await trainSlnDetector({ config: resumable, items, outDir: join(dir, 'resumed'), stopAfterEpochs: 1 });
  assert.equal(partial.epochsDone, 1);
  assert.equal(partial.weights, null);
  await assert.rejects(trainSlnDetector({ config: resumable, items, outDir: join(dir, 'resumed') }), /--resume/);
  await assert.rejects(trainSlnDetector({ config: { ...resumable, lr: 0.02 }, items, outDir: join(dir, 'resumed'), resume: true }), /settings differ/);
  const resumed = await trainSlnDetector({ config: resumable, items, outDir: join(dir, 'resumed'), resume: true });
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(resumed.history.map((r) => [r.step, r.lr, r.loss, r.positives]), full.history.map((r) => [r.step, r.lr, r.loss, r.positives]));
  const sha = (run: string) => JSON.parse(readFileSync(join(dir, run, 'weights.json'), 'utf8')).sha256;
  assert.equal(sha('resumed'), sha('full'));
  // Only the last epoch's checkpoint files are kept.
  assert.ok(!existsSync(join(dir, 'full', 'checkpoint', 'epoch-002.weights.bin')));
});

test('--resume may change --epochs only while the steps taken keep their learning rates', { skip: torchSkipReason }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-train-'));
  const items = await syntheticItems(dir, 3);
  // 2 steps an epoch; milestones at 60% and 80% of the steps.
  const short: DetectorTrainingConfig = { ...config, epochs: 3, accumulate: 2, scaleFactors: [0.75, 1], warmupSteps: 2 };
  const full = await trainSlnDetector({ config: short, items, outDir: join(dir, 'full') });
  // Begun as a 5-epoch run (first decay at step 6), shortened to 3 (first decay at step 3) after
  // epoch 1: steps 0-1 had the same rates, so the result is the 3-epoch run's.
  await trainSlnDetector({ config: { ...short, epochs: 5 }, items, outDir: join(dir, 'shortened'), stopAfterEpochs: 1 });
  const changes: unknown[] = [];
  const shortened = await trainSlnDetector({ config: short, items, outDir: join(dir, 'shortened'), resume: true }, { onScheduleChange: (c) => changes.push(c) });
  assert.deepEqual(changes, [{ atEpoch: 1, fromEpochs: 5, toEpochs: 3 }]);
  assert.deepEqual(shortened.history.map((r) => [r.step, r.lr, r.loss]), full.history.map((r) => [r.step, r.lr, r.loss]));
  const sha = (run: string) => JSON.parse(readFileSync(join(dir, run, 'weights.json'), 'utf8')).sha256;
  assert.equal(sha('shortened'), sha('full'));
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'shortened', 'weights.json'), 'utf8')).metadata.scheduleChanges, changes);
  // After epoch 2 of the 3-epoch run, step 3 (0-based) was already decayed: lengthening to 5 is refused.
  await trainSlnDetector({ config: short, items, outDir: join(dir, 'decayed'), stopAfterEpochs: 2 });
  await assert.rejects(trainSlnDetector({ config: { ...short, epochs: 5 }, items, outDir: join(dir, 'decayed'), resume: true }), /would have changed the learning rate at step 4/);
  // Not fewer epochs than done.
  await assert.rejects(trainSlnDetector({ config: { ...short, epochs: 2 }, items, outDir: join(dir, 'decayed'), resume: true }), /not more than the 2 epochs/);
});
