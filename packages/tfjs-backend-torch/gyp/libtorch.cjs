// Tells binding.gyp (and scripts/build-native.mjs) where libtorch is: the folder in the
// LIBTORCH environment variable (a libtorch download, possibly a CUDA build), else Debian's
// libtorch-dev under /usr. Usage: node gyp/libtorch.cjs include|libs|defines|describe
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function locate() {
  const root = process.env.LIBTORCH;
  if (root) {
    const lib = path.join(root, 'lib');
    return {
      source: `LIBTORCH=${root}`,
      include: [path.join(root, 'include'), path.join(root, 'include', 'torch', 'csrc', 'api', 'include')],
      lib,
      rpath: true,
    };
  }
  const lib = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'].find((dir) =>
    fs.existsSync(path.join(dir, 'libc10.so')),
  );
  return {
    source: "Debian's libtorch-dev",
    include: ['/usr/include', '/usr/include/torch/csrc/api/include'],
    lib: lib ?? '/usr/lib',
    rpath: false,
  };
}

function problems(where) {
  const found = [];
  if (!fs.existsSync(path.join(where.include[0], 'ATen', 'ATen.h'))) found.push(`no ATen/ATen.h under ${where.include[0]}`);
  if (!fs.existsSync(path.join(where.lib, 'libc10.so'))) found.push(`no libc10.so in ${where.lib}`);
  return found;
}

// A pre-cxx11-ABI libtorch (one of the pytorch.org downloads) needs _GLIBCXX_USE_CXX11_ABI=0.
function usesCxx11Abi(where) {
  try {
    return fs.readFileSync(path.join(where.lib, 'libc10.so')).includes('__cxx11');
  } catch {
    return true;
  }
}

function hasCuda(where) {
  return fs.existsSync(path.join(where.lib, 'libtorch_cuda.so'));
}

function libs(where) {
  const flags = [`-L${where.lib}`];
  if (where.rpath) flags.push(`-Wl,-rpath,${where.lib}`);
  // --no-as-needed keeps libtorch_cuda linked although no symbol of it is used directly:
  // loading it is what registers the CUDA kernels with ATen.
  flags.push('-Wl,--no-as-needed', '-ltorch', '-ltorch_cpu', '-lc10');
  if (hasCuda(where)) flags.push('-ltorch_cuda', '-lc10_cuda');
  flags.push('-Wl,--as-needed');
  return flags;
}

const where = locate();
const command = process.argv[2];
// /usr/include is a system folder already: naming it with -I breaks libstdc++'s #include_next.
if (command === 'include') console.log(where.include.filter((dir) => dir !== '/usr/include').join(' '));
else if (command === 'libs') console.log(libs(where).join(' '));
else if (command === 'defines') console.log(`_GLIBCXX_USE_CXX11_ABI=${usesCxx11Abi(where) ? 1 : 0}`);
else if (command === 'describe') {
  console.log(JSON.stringify({ ...where, cuda: hasCuda(where), cxx11Abi: usesCxx11Abi(where), problems: problems(where) }));
} else {
  console.error('usage: node gyp/libtorch.cjs include|libs|defines|describe');
  process.exit(2);
}
