// Loads the compiled addon (build/Release/tfjs_backend_torch.node) and describes its surface.
// Loading never throws: callers ask `loadNative()` and get the reason when it is missing, so a
// user without libtorch gets a clear message instead of a crash.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What every native op returns for one tensor: [handle, dtypeCode, ...shape]. */
export type NativeTensor = number[];

/**
 * An ATen-backed op; arguments are tensor handles, numbers, arrays and strings. It returns one
 * NativeTensor, or an array of them for multi-output ops (unpack, split, topk); the kernel
 * knows which, hence the intersection type.
 */
export type NativeOp = (...args: unknown[]) => NativeTensor & NativeTensor[];

export interface TorchBuildInfo {
  torchVersion: string;
  mkldnn: boolean;
  cuda: boolean;
  parallel: string;
}

export interface TorchNative {
  ops: Record<string, NativeOp>;
  fromArray(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: string): NativeTensor;
  toArray(handle: number): Float32Array | Int32Array | Uint8Array;
  free(handle: number): void;
  /** Tensors currently held by the addon's handle table. */
  liveCount(): number;
  cudaAvailable(): boolean;
  setDevice(device: 'cpu' | 'cuda'): void;
  getDevice(): 'cpu' | 'cuda';
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  buildInfo(): TorchBuildInfo;
}

/** Where the addon is looked for (FACEPATCH_TORCH_ADDON overrides). */
export function addonPath(): string {
  return (
    process.env.FACEPATCH_TORCH_ADDON ??
    fileURLToPath(new URL('../build/Release/tfjs_backend_torch.node', import.meta.url))
  );
}

let cached: { native?: TorchNative; error?: string } | undefined;

/** The addon, or the reason it cannot be loaded (not built, libtorch missing, ...). */
export function loadNative(): { native?: TorchNative; error?: string } {
  if (cached) return cached;
  const path = addonPath();
  if (!existsSync(path)) {
    cached = { error: `the torch addon is not built (${path} is missing; run \`npm run build:native\`, which needs libtorch)` };
    return cached;
  }
  try {
    const require = createRequire(import.meta.url);
    cached = { native: require(path) as TorchNative };
  } catch (error) {
    cached = { error: `the torch addon at ${path} failed to load: ${(error as Error).message}` };
  }
  return cached;
}

/** The addon, or throws why it is unavailable. */
export function requireNative(): TorchNative {
  const { native, error } = loadNative();
  if (!native) throw new Error(error);
  return native;
}
