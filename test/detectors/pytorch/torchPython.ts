// Debian's python3-torch as a test oracle: runs a script with /usr/bin/python3 (a pyenv python3
// earlier on PATH would not see torch) and parses the JSON it prints. Tests skip with a message
// where python3-torch is not installed.
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export const SYSTEM_PYTHON = '/usr/bin/python3';
let available: boolean | undefined;

export function torchPythonAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
    available = probe.status === 0;
  }
  return available;
}

/** True when torch can be used; otherwise marks the test skipped with the reason. */
export function requireTorchPython(t: TestContext): boolean {
  if (torchPythonAvailable()) return true;
  t.skip(`needs PyTorch for ${SYSTEM_PYTHON} (Debian package python3-torch) as the reference`);
  return false;
}

/** Runs a python script file with arguments and returns its stdout parsed as JSON. */
export function runPythonJson<T>(script: string, args: string[], input?: string): T {
  const result = spawnSync(SYSTEM_PYTHON, [script, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
