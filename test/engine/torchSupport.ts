// Shared by the torch backend tests: loads the backend or explains why the tests skip (a user
// without libtorch); with FACEPATCH_REQUIRE_TORCH=1 (CI) a missing addon fails instead.
// Also runs one computation on both torch and the cpu backend (the oracle) and compares.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { loadNative } from '../../packages/tfjs-backend-torch/src/native.js';
import { randomValues } from '../helpers/randomValues.js';

export const torchRequired = process.env.FACEPATCH_REQUIRE_TORCH === '1';

const { error } = loadNative();
if (error && torchRequired) throw new Error(`FACEPATCH_REQUIRE_TORCH=1 but ${error}`);

/** Set when the tests must skip; pass as `{ skip: torchSkipReason }`. */
export const torchSkipReason: string | undefined = error ? `torch backend unavailable: ${error}` : undefined;

/** The backend package (registers 'torch'), or undefined when skipping. */
export const torch = error ? undefined : await import('../../packages/tfjs-backend-torch/src/index.js');

// The test inputs are tiny (one thread is fastest for them) and test files run two at a time
// on a 2-core machine, where more OpenMP threads would only contend.
if (torch) {
  await tf.setBackend('torch');
  torch.setTorchThreads(1);
}

export { randomValues } from '../helpers/randomValues.js';

let nextSeed = 1;

/**
 * A random float32 tensor (values in [low, high)) on the active backend. Seeds restart at every
 * evaluateOn, so a build function sees the same data on each backend.
 */
export function rand(shape: number[], low = -1, high = 1, seed = nextSeed++): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(randomValues(seed, size, low, high), shape, 'float32');
}

export interface Evaluated {
  shape: number[];
  dtype: string;
  values: number[];
}

type Built = tf.Tensor | tf.Tensor[];

/** Runs `build` on `backend` (inside tidy) and reads every output. */
export async function evaluateOn(backend: string, build: () => Built): Promise<Evaluated[]> {
  assert.ok(await tf.setBackend(backend), `backend ${backend} failed to initialise`);
  assert.equal(tf.getBackend(), backend);
  nextSeed = 1;
  const outputs = tf.tidy(() => {
    const built = build();
    return Array.isArray(built) ? built : [built];
  });
  const read = outputs.map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number>) }));
  tf.dispose(outputs);
  return read;
}

export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export function assertClose(actual: Evaluated[], expected: Evaluated[], label: string, tol: Tolerance = {}): void {
  const atol = tol.atol ?? 1e-4;
  const rtol = tol.rtol ?? 1e-4;
  assert.equal(actual.length, expected.length, `${label}: number of outputs`);
  actual.forEach((a, k) => {
    const e = expected[k]!;
    assert.deepEqual(a.shape, e.shape, `${label}[${k}]: shape`);
    assert.equal(a.dtype, e.dtype, `${label}[${k}]: dtype`);
    for (let i = 0; i < e.values.length; i++) {
      const x = a.values[i]!;
      const y = e.values[i]!;
      if (Number.isNaN(y)) {
        assert.ok(Number.isNaN(x), `${label}[${k}] at ${i}: torch ${x}, cpu NaN`);
        continue;
      }
      if (e.dtype !== 'float32') {
        assert.equal(x, y, `${label}[${k}] at ${i}: torch ${x}, cpu ${y}`);
        continue;
      }
      const ok = x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
      if (!ok) assert.fail(`${label}[${k}] at ${i} of ${e.values.length}: torch ${x}, cpu ${y} (shape ${e.shape})`);
    }
  });
}

/** Runs `build` on torch and on cpu and asserts the outputs agree. */
export async function assertSameAsCpu(label: string, build: () => Built, tol?: Tolerance): Promise<void> {
  const expected = await evaluateOn('cpu', build);
  const actual = await evaluateOn('torch', build);
  assertClose(actual, expected, label, tol);
}

/**
 * Checks on torch that `backward` is the adjoint of the linear map `forward`:
 * <forward(v), dy> = <v, backward(dy)> for random v and dy. An oracle independent of tfjs's cpu
 * kernels, for gradient kernels where those are wrong (they ignore dilation, padding counts or
 * halfPixelCenters).
 */
export async function assertAdjoint(
  label: string,
  inShape: number[],
  forward: (v: tf.Tensor) => tf.Tensor,
  backward: (dy: tf.Tensor, v: tf.Tensor) => tf.Tensor,
): Promise<void> {
  const [result] = await evaluateOn('torch', () => {
    const v = rand(inShape);
    const out = forward(v);
    const dy = rand(out.shape);
    const back = backward(dy, v);
    assert.deepEqual(back.shape, v.shape, `${label}: gradient shape`);
    return tf.stack([tf.sum(tf.mul(out, dy)), tf.sum(tf.mul(v, back))]);
  });
  const [lhs, rhs] = result!.values as [number, number];
  assert.ok(Math.abs(lhs - rhs) <= 1e-4 * Math.max(1, Math.abs(lhs)), `${label}: <Av,dy>=${lhs} but <v,A'dy>=${rhs}`);
}
