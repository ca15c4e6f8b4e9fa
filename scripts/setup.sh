#!/usr/bin/env bash
# Sets up a fresh machine for facepatch: system packages (libtorch for the native engine,
# PyTorch for the benchmark's peer), npm packages, and the native torch backend.
# Safe to run again: every step skips what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-pil: the MTCNN parity tests' PyTorch reference resizes with PIL
system_packages=(libtorch-dev python3-torch python3-pil)
missing=()
for p in "${system_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: system packages missing (${missing[*]}); install them with apt-get as root, or set LIBTORCH to a libtorch folder." >&2
    echo "setup: continuing: facepatch falls back to the wasm backend without libtorch." >&2
  fi
fi

# onnxruntime-node's postinstall would try to download GPU binaries; its CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -f packages/tfjs-backend-torch/binding.gyp ] && node -e "process.exit(require('fs').existsSync('node_modules/node-gyp') ? 0 : 1)"; then
  echo "setup: building the native torch backend"
  npm run --silent build:native || echo "setup: the torch backend did not build; facepatch will use the wasm backend" >&2
fi
echo "setup: done"
