// Registers the torch backend and its kernels with tfjs: every native kernel, wrapped so that
// inputs it cannot take (strings, unsupported attributes) run on the cpu kernel instead, and a
// cpu fallback for every other kernel the cpu backend has.
import {
  getKernelsForBackend,
  registerBackend,
  registerKernel,
  type KernelFunc,
  type NamedTensorInfoMap,
} from '@tensorflow/tfjs-core';
import { TorchBackend } from './backend.js';
import { runOnCpu } from './fallback.js';
import { NotNative, nativeKernels, type TorchKernel, type TorchKernelArgs } from './kernels/index.js';
import type { TorchNative } from './native.js';

export const BACKEND_NAME = 'torch';

function hasNonNumericInput(inputs: NamedTensorInfoMap): boolean {
  for (const key in inputs) {
    const dtype = inputs[key]?.dtype;
    if (dtype === 'string' || dtype === 'complex64') return true;
  }
  return false;
}

function nativeWithFallback(kernel: TorchKernel): KernelFunc {
  return (args) => {
    const torchArgs = args as unknown as TorchKernelArgs;
    if (hasNonNumericInput(torchArgs.inputs)) return runOnCpu(kernel.kernelName, torchArgs, 'non-numeric input');
    try {
      return kernel.kernelFunc(torchArgs);
    } catch (error) {
      if (error instanceof NotNative) return runOnCpu(kernel.kernelName, torchArgs, error.message);
      throw error;
    }
  };
}

let registered = false;

/** Registers the backend (priority 3, above cpu and wasm) and all kernels, once. */
export function registerTorchBackend(native: TorchNative, configure: (backend: TorchBackend) => void): void {
  if (registered) return;
  registered = true;
  registerBackend(
    BACKEND_NAME,
    () => {
      const backend = new TorchBackend(native);
      configure(backend);
      return backend;
    },
    3,
  );
  const natives = new Set<string>();
  for (const kernel of nativeKernels) {
    natives.add(kernel.kernelName);
    registerKernel({ kernelName: kernel.kernelName, backendName: BACKEND_NAME, kernelFunc: nativeWithFallback(kernel) });
  }
  for (const config of getKernelsForBackend('cpu')) {
    if (natives.has(config.kernelName)) continue;
    const kernelName = config.kernelName;
    registerKernel({
      kernelName,
      backendName: BACKEND_NAME,
      kernelFunc: (args) => runOnCpu(kernelName, args as unknown as TorchKernelArgs, 'no native kernel'),
    });
  }
}

/** Names of the kernels that run natively (the rest fall back to cpu). */
export function nativeKernelNames(): string[] {
  return nativeKernels.map((k) => k.kernelName);
}
