// Runs the test suites with node's own test runner (TypeScript through tsx).
// Default: every test/**/*.test.ts except *.slow.test.ts (kept under 15 minutes on 2 cores).
// --slow: only the slow suites. --all: both. Extra arguments filter files by substring.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const mode = args.includes('--slow') ? 'slow' : args.includes('--all') ? 'all' : 'default';
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk('test')
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => {
    const slow = f.endsWith('.slow.test.ts');
    return mode === 'all' || (mode === 'slow' ? slow : !slow);
  })
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .map((f) => relative('.', f))
  .sort();

if (files.length === 0) {
  console.error(`no test files matched (mode ${mode}, filters ${filters.join(' ') || 'none'})`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(result.status ?? 1);
