// How the torch addon's build finds libtorch: Debian's libtorch-dev by default, or the folder in
// LIBTORCH (a download, possibly a CUDA build or a pre-cxx11-ABI one); and the build script's
// message when libtorch is missing. Runs without libtorch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { packageRoot } from '../../src/config/paths.js';

const helper = join(packageRoot(), 'packages', 'tfjs-backend-torch', 'gyp', 'libtorch.cjs');

function ask(command: string, env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [helper, command], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

/** A fake libtorch folder: the files the helper looks at, with chosen contents. */
function fakeLibtorch(options: { cuda: boolean; cxx11: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'fake-libtorch-'));
  mkdirSync(join(root, 'include', 'ATen'), { recursive: true });
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'include', 'ATen', 'ATen.h'), '');
  writeFileSync(join(root, 'lib', 'libc10.so'), options.cxx11 ? 'x_ZNSt7__cxx1112basic_stringx' : 'x_ZNSsx');
  if (options.cuda) writeFileSync(join(root, 'lib', 'libtorch_cuda.so'), '');
  return root;
}

describe('libtorch discovery for the torch addon', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('LIBTORCH with a CUDA, cxx11-ABI build: its include dirs, an rpath and the CUDA libraries', () => {
    const root = fakeLibtorch({ cuda: true, cxx11: true });
    made.push(root);
    const env = { LIBTORCH: root };
    assert.equal(ask('include', env), `${join(root, 'include')} ${join(root, 'include', 'torch', 'csrc', 'api', 'include')}`);
    const libs = ask('libs', env).split(' ');
    assert.ok(libs.includes(`-L${join(root, 'lib')}`));
    assert.ok(libs.includes(`-Wl,-rpath,${join(root, 'lib')}`));
    assert.ok(libs.includes('-ltorch_cuda') && libs.includes('-lc10_cuda'));
    assert.ok(libs.indexOf('-Wl,--no-as-needed') < libs.indexOf('-ltorch_cuda'), 'CUDA libs stay linked though unused');
    assert.equal(ask('defines', env), '_GLIBCXX_USE_CXX11_ABI=1');
    assert.deepEqual(JSON.parse(ask('describe', env)).problems, []);
  });

  test('LIBTORCH with a CPU, pre-cxx11-ABI download', () => {
    const root = fakeLibtorch({ cuda: false, cxx11: false });
    made.push(root);
    const libs = ask('libs', { LIBTORCH: root }).split(' ');
    assert.ok(!libs.includes('-ltorch_cuda'));
    assert.equal(ask('defines', { LIBTORCH: root }), '_GLIBCXX_USE_CXX11_ABI=0');
  });

  test('without LIBTORCH: Debian paths, no -I/usr/include (it would break #include_next)', () => {
    const include = ask('include', { LIBTORCH: undefined });
    assert.equal(include, '/usr/include/torch/csrc/api/include');
    const described = JSON.parse(ask('describe', { LIBTORCH: undefined }));
    assert.equal(described.source, "Debian's libtorch-dev");
  });

  test('build:native stops with a clear message when libtorch is missing', () => {
    const result = spawnSync(process.execPath, [join(packageRoot(), 'scripts', 'build-native.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, LIBTORCH: join(tmpdir(), 'no-such-libtorch') },
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /libtorch not found .*no ATen\/ATen\.h.*apt-get install libtorch-dev.*LIBTORCH=/s);
  });
});
