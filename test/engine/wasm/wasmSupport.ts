// Shared by the wasm engine tests: activates the tuned wasm backend (through initBackend, as the
// CLI does) and runs one computation on both wasm and the cpu backend (the oracle).
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { randomValues } from '../../helpers/randomValues.js';

await initBackend('wasm');

export { randomValues } from '../../helpers/randomValues.js';

let nextSeed = 1;
/** A tensor of random values on the current backend, reproducible across runs. */
export function rand(shape: number[], low = -1, high = 1): tf.Tensor {
  return tf.tensor(randomValues(nextSeed++, tf.util.sizeFromShape(shape), low, high), shape);
}

async function runOn(backend: 'cpu' | 'wasm', seed: number, build: () => tf.Tensor | tf.Tensor[]): Promise<{ shapes: number[][]; values: Float32Array[] }> {
  await tf.setBackend(backend);
  nextSeed = seed;
  const outputs = tf.tidy(() => {
    const result = build();
    return Array.isArray(result) ? result : [result];
  });
  const values = await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
  const shapes = outputs.map((t) => t.shape);
  tf.dispose(outputs);
  return { shapes, values };
}

/**
 * Runs `build` on wasm and on cpu with the same random inputs (drawn with `rand` inside `build`)
 * and checks shapes and values: |wasm - cpu| <= tolerance * (1 + max |cpu|).
 */
export async function assertSameAsCpu(label: string, build: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): Promise<void> {
  const seed = 1 + Math.floor(Math.random() * 1e6);
  const expected = await runOn('cpu', seed, build);
  const actual = await runOn('wasm', seed, build);
  try {
    assert.deepEqual(actual.shapes, expected.shapes, `${label}: shapes`);
    expected.values.forEach((want, k) => {
      const got = actual.values[k];
      const scale = 1 + want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let worst = 0;
      let at = -1;
      for (let i = 0; i < want.length; i++) {
        const diff = Math.abs(got[i] - want[i]);
        if (!(diff <= worst)) {
          worst = diff;
          at = i;
        }
      }
      assert.ok(worst <= tolerance * scale, `${label}: output ${k} differs by ${worst} at ${at} (wasm ${got[at]}, cpu ${want[at]}, scale ${scale}); seed ${seed}`);
    });
  } finally {
    await tf.setBackend('wasm');
  }
}

/** The gradient of sum(f(x) * weights) w.r.t. x, with fixed random weights (so every output counts differently). */
export function weightedGradient(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  const probe = f(x);
  const weights = rand(probe.shape);
  return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), weights)))(x);
}
