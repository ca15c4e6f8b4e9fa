// Runs the CLI as a user would (a child process), capturing stdout, stderr and the exit code.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/paths.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'facepatch.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, FACEPATCH_QUIET: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
