// The wasm backend runs multithreaded in Node: FACEPATCH_WASM_THREADS=2 gives an XNNPACK pool of
// 2 threads on the threaded-simd module, results match the cpu backend, the process exits on its
// own, and the Emscripten glue leaves the process's error listeners as they were.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const probe = fileURLToPath(new URL('./fixtures/threadProbe.ts', import.meta.url));

function runProbe(threads: string) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', probe], {
    env: { ...process.env, FACEPATCH_WASM_THREADS: threads },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(child.error, undefined, `the probe did not exit by itself: ${child.error?.message}`);
  assert.equal(child.status, 0, `probe failed: ${child.stderr}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as {
    threads: number;
    status: { threaded: boolean; requestedThreads: number; fallbackReason?: string };
    onWasm: number[];
    onCpu: number[];
    listenersBefore: number;
    listenersAfter: number;
  };
}

function assertClose(actual: number[], expected: number[]): void {
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])), `${value} vs cpu ${expected[i]}`));
}

describe('wasm threads in Node', () => {
  test('2 threads: the threaded module starts, computes like cpu, and lets the process exit', () => {
    const result = runProbe('2');
    assert.equal(result.status.fallbackReason, undefined);
    assert.equal(result.status.threaded, true);
    assert.equal(result.threads, 2);
    assertClose(result.onWasm, result.onCpu);
    assert.equal(result.listenersAfter, result.listenersBefore, 'process error listeners changed');
  });

  test('1 thread: the shipped single-threaded module', () => {
    const result = runProbe('1');
    assert.equal(result.status.threaded, false);
    assert.equal(result.threads, 1);
    assertClose(result.onWasm, result.onCpu);
  });
});
