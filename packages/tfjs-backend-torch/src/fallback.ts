// Runs a tfjs cpu kernel for the torch backend: the inputs are copied into a private cpu
// backend, the cpu kernel runs there, and its outputs are copied back. Slow but complete, so a
// model never fails for a kernel the addon lacks; FACEPATCH_DEBUG=kernels names each kernel
// that fell back (once) so it can be implemented natively.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { getKernel, type KernelFunc, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from './backend.js';
import type { TorchKernelArgs } from './kernels/kernel.js';

let cpuBackend: MathBackendCPU | undefined;

function cpu(): MathBackendCPU {
  if (!cpuBackend) {
    cpuBackend = new MathBackendCPU();
    // silence the one-time "install tfjs-node" advice this private instance would print
    (cpuBackend as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpuBackend;
}

const reported = new Set<string>();

export function debugKernels(): boolean {
  return (process.env.FACEPATCH_DEBUG ?? '').split(',').some((flag) => flag.trim() === 'kernels');
}

function report(kernelName: string, reason: string): void {
  if (reported.has(kernelName) || !debugKernels()) return;
  reported.add(kernelName);
  process.stderr.write(`[torch backend] kernel ${kernelName} fell back to cpu (${reason})\n`);
}

/** Kernel names that fell back so far (reported or not), for tests and diagnostics. */
export const fallbackKernelsUsed = new Set<string>();

export function hasCpuKernel(kernelName: string): boolean {
  return getKernel(kernelName, 'cpu') != null;
}

export function runOnCpu(kernelName: string, args: TorchKernelArgs, reason: string): TensorInfo | TensorInfo[] {
  const config = getKernel(kernelName, 'cpu');
  if (!config) throw new Error(`kernel ${kernelName} is implemented neither by the torch backend nor by the cpu backend`);
  fallbackKernelsUsed.add(kernelName);
  report(kernelName, reason);
  const torch: TorchBackend = args.backend;
  const host = cpu();
  const created: TensorInfo[] = [];
  const cpuInputs: NamedTensorInfoMap = {};
  for (const [name, info] of Object.entries(args.inputs)) {
    if (info == null) continue;
    const copy = { dataId: host.write(torch.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    created.push(copy);
    cpuInputs[name] = copy;
  }
  const inputs: NamedTensorInfoMap | TensorInfo[] = Array.isArray(args.inputs)
    ? Object.keys(cpuInputs).map((k) => cpuInputs[k]!)
    : cpuInputs;
  try {
    const result = (config.kernelFunc as KernelFunc)({ inputs: inputs as NamedTensorInfoMap, backend: host, attrs: args.attrs });
    const outputs = Array.isArray(result) ? result : [result];
    created.push(...outputs);
    const copied = outputs.map((o) => torch.makeTensorInfo(o.shape, o.dtype, host.readSync(o.dataId)));
    return Array.isArray(result) ? copied : copied[0]!;
  } finally {
    const seen = new Set<object>();
    for (const info of created) {
      if (seen.has(info.dataId)) continue;
      seen.add(info.dataId);
      host.disposeData(info.dataId, true);
    }
  }
}
