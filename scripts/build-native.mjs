// Builds the torch backend (packages/tfjs-backend-torch): the N-API addon against libtorch
// (Debian's libtorch-dev, or the folder in LIBTORCH) and the package's JavaScript.
// Usage: npm run build:native [-- --clean]
// Incremental: only changed C++ files recompile, unless LIBTORCH changed or --clean is given.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages', 'tfjs-backend-torch');
const require = createRequire(import.meta.url);
const clean = process.argv.includes('--clean');

function run(command, args, options = {}) {
  console.error(`> ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`build-native: \`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

// 1. Is libtorch there?
const describe = spawnSync(process.execPath, [join(pkg, 'gyp', 'libtorch.cjs'), 'describe'], { encoding: 'utf8' });
const libtorch = JSON.parse(describe.stdout);
if (libtorch.problems.length > 0) {
  console.error(
    `build-native: libtorch not found (${libtorch.source}: ${libtorch.problems.join('; ')}).\n` +
      `Install Debian's libtorch-dev (apt-get install libtorch-dev) or download libtorch and set ` +
      `LIBTORCH=/path/to/libtorch (the folder holding include/ and lib/).`,
  );
  process.exit(1);
}
console.error(`build-native: libtorch from ${libtorch.source}${libtorch.cuda ? ' (with CUDA)' : ''}`);

// 2. Node's headers: node-gyp downloads them unless told where they are (no network here).
const nodeGypArgs = [];
const nodedir = process.env.npm_config_nodedir ?? join(dirname(process.execPath), '..');
if (existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) nodeGypArgs.push(`--nodedir=${nodedir}`);

// 3. Configure when needed, then compile.
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const stampFile = join(pkg, 'build', 'libtorch-stamp.json');
const stamp = JSON.stringify({ source: libtorch.source, node: process.version });
const configured =
  existsSync(join(pkg, 'build', 'Makefile')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
if (clean) run(process.execPath, [nodeGyp, 'clean'], { cwd: pkg });
if (clean || !configured) {
  run(process.execPath, [nodeGyp, 'configure', ...nodeGypArgs], { cwd: pkg });
  mkdirSync(join(pkg, 'build'), { recursive: true });
  writeFileSync(stampFile, stamp);
}
run(process.execPath, [nodeGyp, 'build', `-j`, String(Math.min(3, availableParallelism())), ...nodeGypArgs], {
  cwd: pkg,
});

// 4. The package's JavaScript (dist/) for plain-node consumers; tsx users run src/ directly.
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(pkg, 'tsconfig.json')], { cwd: root });
console.error('build-native: done');
