// Every registered detector on the torch backend against the cpu backend: face scores and the
// gradient of their sum w.r.t. the input image (what an attack uses). Slow (the cpu oracle runs
// real detectors), hence *.slow.test.ts. Detectors whose weights are missing are skipped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createDetector, listDetectors } from '../../src/detectors/registry.js';
import { torch, torchSkipReason } from './torchSupport.js';

const SHAPE: [number, number, number, number] = [1, 96, 80, 3];
const pixels = Float32Array.from({ length: SHAPE.reduce((a, b) => a * b, 1) }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);

async function scoresAndGradient(backend: string, name: string) {
  await tf.setBackend(backend);
  const detector = await createDetector(name);
  try {
    return tf.tidy(() => {
      const input = tf.tensor4d(pixels, SHAPE);
      const scores = Float32Array.from(detector.forwardRaw(input).scores.dataSync());
      const grad = Float32Array.from(
        tf.grad((x) => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores))(input).dataSync(),
      );
      return { scores, grad };
    });
  } finally {
    detector.dispose();
  }
}

describe('detectors on torch vs cpu', { skip: torchSkipReason }, async () => {
  for (const entry of await listDetectors()) {
    test(entry.name, async (t) => {
      let cpu;
      try {
        cpu = await scoresAndGradient('cpu', entry.name);
      } catch (error) {
        t.skip(`${entry.name} does not run on cpu here: ${(error as Error).message.split('\n')[0]}`);
        return;
      }
      torch!.fallbackKernelsUsed.clear();
      const onTorch = await scoresAndGradient('torch', entry.name);
      let scoreDiff = 0;
      for (let i = 0; i < cpu.scores.length; i++) scoreDiff = Math.max(scoreDiff, Math.abs(cpu.scores[i]! - onTorch.scores[i]!));
      let squaredDiff = 0;
      let squared = 0;
      for (let i = 0; i < cpu.grad.length; i++) {
        squaredDiff += (cpu.grad[i]! - onTorch.grad[i]!) ** 2;
        squared += cpu.grad[i]! ** 2;
      }
      const relative = Math.sqrt(squaredDiff / Math.max(squared, 1e-30));
      t.diagnostic(
        `max |score diff| ${scoreDiff.toExponential(2)}, relative L2 gradient diff ${relative.toExponential(2)}, ` +
          `cpu fallbacks: ${[...torch!.fallbackKernelsUsed].join(', ') || 'none'}`,
      );
      assert.equal(onTorch.scores.length, cpu.scores.length);
      assert.ok(scoreDiff < 1e-3, `scores differ by ${scoreDiff}`);
      assert.ok(relative < 2e-2, `gradients differ by ${relative} (relative L2)`);
    });
  }
});
