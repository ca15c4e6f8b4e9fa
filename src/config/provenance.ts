// Every output records how it was made, so any figure can be reproduced.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

export interface Provenance {
  tool: 'facepatch';
  version: string;
  command: string[];
  commit: string;
  dirty: boolean;
  node: string;
  createdAt: string;
  detector?: string;
  backend?: string;
  seed?: number;
  config?: unknown;
}

let cachedCommit: { commit: string; dirty: boolean } | undefined;

/** The git commit of the facepatch checkout ('unknown' outside a git checkout). */
export function gitCommit(): { commit: string; dirty: boolean } {
  if (cachedCommit) return cachedCommit;
  const cwd = packageRoot();
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    cachedCommit = { commit, dirty: status.trim().length > 0 };
  } catch {
    cachedCommit = { commit: 'unknown', dirty: false };
  }
  return cachedCommit;
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

/** Provenance for an output made now, by this process, with the given details. */
export function makeProvenance(details: Pick<Provenance, 'detector' | 'backend' | 'seed' | 'config'> = {}): Provenance {
  const { commit, dirty } = gitCommit();
  return {
    tool: 'facepatch',
    version: packageVersion(),
    command: ['facepatch', ...process.argv.slice(2)],
    commit,
    dirty,
    node: process.version,
    createdAt: new Date().toISOString(),
    ...details,
  };
}
