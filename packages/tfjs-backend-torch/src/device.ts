// Threads and device of the torch backend, from the environment or set in code before tensors
// exist: FACEPATCH_TORCH_THREADS (default: all cores) and FACEPATCH_TORCH_DEVICE
// ('cpu' default, 'cuda', or 'auto' = cuda when ATen reports it available).
import { availableParallelism } from 'node:os';
import type { TorchNative } from './native.js';

export type TorchDevice = 'cpu' | 'cuda';

export function threadsFromEnvironment(): number {
  const requested = Number.parseInt(process.env.FACEPATCH_TORCH_THREADS ?? '', 10);
  return Number.isFinite(requested) && requested > 0 ? requested : availableParallelism();
}

export function deviceFromEnvironment(native: TorchNative): TorchDevice {
  const requested = (process.env.FACEPATCH_TORCH_DEVICE ?? 'cpu').toLowerCase();
  if (requested === 'auto') return native.cudaAvailable() ? 'cuda' : 'cpu';
  if (requested === 'cpu' || requested === 'cuda') return requested;
  throw new Error(`FACEPATCH_TORCH_DEVICE must be cpu, cuda or auto, got "${requested}"`);
}

/**
 * Moves tensor creation to `device`. Tensors already created stay where they are and ATen
 * refuses to mix devices, so this must happen before any tensor exists. 'cuda' throws a clear
 * message when this libtorch has no CUDA (or no GPU is visible).
 */
export function applyDevice(native: TorchNative, device: TorchDevice): void {
  if (native.getDevice() === device) return;
  if (device === 'cuda' && !native.cudaAvailable()) native.setDevice(device); // throws why
  if (native.liveCount() > 0) {
    throw new Error(`cannot switch the torch backend to ${device} while ${native.liveCount()} tensors exist; set it first`);
  }
  native.setDevice(device);
}
