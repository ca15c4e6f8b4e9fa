// The torch backend's storage and bookkeeping: data round trips per dtype, strings, moving
// tensors between backends, variables, disposal and the native live-tensor counter, the cpu
// fallback (and its FACEPATCH_DEBUG=kernels report), the device option and initBackend.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { packageRoot } from '../../src/config/paths.js';
import { assertSameAsCpu, rand, torch, torchRequired, torchSkipReason } from './torchSupport.js';

function runTsx(script: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: packageRoot(),
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('torch backend storage', { skip: torchSkipReason }, () => {
  test('round-trips float32, int32 and bool data, sync and async', async () => {
    await tf.setBackend('torch');
    const f = tf.tensor([[1.5, -2.25, 3], [4, 5e-8, -6e7]]);
    const i = tf.tensor([1, -2, 2147483647], [3], 'int32');
    const b = tf.tensor([true, false, true], [3], 'bool');
    assert.deepEqual(Array.from(f.dataSync()), Array.from(new Float32Array([1.5, -2.25, 3, 4, 5e-8, -6e7])));
    assert.ok(f.dataSync() instanceof Float32Array);
    assert.deepEqual(Array.from(await i.data()), [1, -2, 2147483647]);
    assert.ok(i.dataSync() instanceof Int32Array);
    assert.deepEqual(Array.from(b.dataSync()), [1, 0, 1]);
    assert.ok(b.dataSync() instanceof Uint8Array);
    assert.deepEqual(f.arraySync(), [[1.5, -2.25, 3], [4, Math.fround(5e-8), -6e7]]);
    assert.deepEqual(tf.scalar(7).dataSync()[0], 7);
    const fromBytes = tf.tensor(new Uint8Array([0, 2, 255]), [3], 'bool');
    assert.deepEqual(Array.from(tf.logicalNot(fromBytes).dataSync()), [1, 0, 0], 'nonzero bytes are true');
    assert.deepEqual(tf.zeros([0, 3]).dataSync().length, 0);
    tf.dispose([f, i, b]);
  });

  test('keeps string tensors in JS and runs their kernels on cpu', async () => {
    await tf.setBackend('torch');
    const s = tf.tensor(['a', 'bc', 'déf'], [3]);
    assert.deepEqual(s.dataSync(), ['a', 'bc', 'déf']);
    const r = tf.reshape(s, [3, 1]);
    assert.deepEqual(r.arraySync(), [['a'], ['bc'], ['déf']]);
    tf.dispose([s, r]);
  });

  test('refuses complex64 with a clear message', async () => {
    await tf.setBackend('torch');
    assert.throws(() => tf.complex([1], [2]), /complex64/);
  });

  test('moves tensors created on cpu when torch kernels use them', async () => {
    await tf.setBackend('cpu');
    const a = tf.tensor([1, 2, 3]);
    await tf.setBackend('torch');
    const sum = tf.add(a, tf.tensor([10, 20, 30]));
    assert.deepEqual(Array.from(sum.dataSync()), [11, 22, 33]);
    assert.deepEqual(Array.from(a.dataSync()), [1, 2, 3]);
    tf.dispose([a, sum]);
  });

  test('variables assign, share data and dispose', async () => {
    await tf.setBackend('torch');
    const before = torch!.nativeLiveTensorCount();
    const initial = tf.tensor([1, 2]);
    const v = tf.variable(initial);
    initial.dispose();
    const w = tf.tensor([5, 6]);
    v.assign(w);
    assert.deepEqual(Array.from(v.dataSync()), [5, 6]);
    w.dispose();
    assert.deepEqual(Array.from(v.dataSync()), [5, 6], 'assigned data outlives the source tensor');
    v.dispose();
    assert.equal(torch!.nativeLiveTensorCount(), before);
  });

  test('frees native tensors with their tfjs tensors', async () => {
    await tf.setBackend('torch');
    const tensorsBefore = tf.memory().numTensors;
    const nativeBefore = torch!.nativeLiveTensorCount();
    const kept = tf.tidy(() => {
      const x = rand([4, 5]);
      const parts = tf.split(tf.transpose(x), [1, 3], 1); // views of x
      return tf.keep(tf.add(parts[0]!, 1));
    });
    assert.equal(tf.memory().numTensors, tensorsBefore + 1);
    assert.equal(torch!.nativeLiveTensorCount(), nativeBefore + 1);
    assert.equal((tf.memory() as unknown as { nativeTensors: number }).nativeTensors, nativeBefore + 1);
    kept.dispose();
    assert.equal(torch!.nativeLiveTensorCount(), nativeBefore);
  });

  test('a disposed tensor cannot be read', async () => {
    await tf.setBackend('torch');
    const x = tf.tensor([1]);
    x.dispose();
    assert.throws(() => x.dataSync(), /disposed/);
  });
});

describe('torch backend fallback to cpu kernels', { skip: torchSkipReason }, () => {
  test('a kernel without a native implementation gives the cpu result', async () => {
    await assertSameAsCpu('fallback kernels', () => [
      tf.image.flipLeftRight(rand([2, 3, 4, 2]) as tf.Tensor4D),
      tf.linspace(-1, 2, 7),
      tf.image.cropAndResize(rand([1, 6, 6, 2]) as tf.Tensor4D, tf.tensor2d([[0, 0, 0.5, 1]]), [0], [3, 3]),
    ]);
    assert.ok(torch!.fallbackKernelsUsed.has('FlipLeftRight'));
  });

  test('non-max suppression runs through the fallback', async () => {
    await tf.setBackend('torch');
    const boxes = tf.tensor2d([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]);
    const scores = tf.tensor1d([0.9, 0.8, 0.7]);
    const kept = await tf.image.nonMaxSuppressionAsync(boxes, scores, 3, 0.5);
    assert.deepEqual(Array.from(kept.dataSync()), [0, 2]);
    tf.dispose([boxes, scores, kept]);
  });

  test('FACEPATCH_DEBUG=kernels names each fallen-back kernel once', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'engine', 'fixtures', 'fallbackDebug.ts')], {
      cwd: packageRoot(),
      encoding: 'utf8',
      env: { ...process.env, FACEPATCH_DEBUG: 'kernels' },
    });
    assert.equal(child.status, 0, child.stderr);
    const lines = child.stderr.split('\n').filter((l) => l.includes('fell back to cpu'));
    assert.equal(lines.filter((l) => l.includes('FlipLeftRight')).length, 1, child.stderr);
    assert.equal(lines.filter((l) => l.includes('LinSpace')).length, 1, child.stderr);
  });
});

describe('torch backend device and loading', { skip: torchSkipReason }, () => {
  test('cuda fails with a clear message when ATen has no CUDA', (t) => {
    if (torch!.cudaAvailable()) {
      t.skip('this libtorch has CUDA');
      return;
    }
    assert.throws(() => torch!.setTorchDevice('cuda'), /CUDA was requested but this libtorch reports no CUDA support/);
    assert.equal(torch!.torchDevice(), 'cpu');
  });

  test("initBackend('torch') loads the built package", (t) => {
    const dist = join(packageRoot(), 'packages', 'tfjs-backend-torch', 'dist', 'index.js');
    if (!existsSync(dist)) {
      if (torchRequired) assert.fail(`${dist} is missing: run npm run build:native`);
      t.skip(`${dist} is missing (npm run build:native builds it)`);
      return;
    }
    const child = runTsx(
      "import { initBackend } from './src/engine/backend.ts'; import * as tf from '@tensorflow/tfjs';" +
        "const name = await initBackend('torch', (m) => console.error(m));" +
        'console.log(name, tf.getBackend(), tf.add(tf.tensor([1, 2]), 3).dataSync().join(","));',
    );
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), 'torch torch 4,5');
  });
});
