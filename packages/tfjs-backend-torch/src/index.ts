// @facepatch/tfjs-backend-torch: a TensorFlow.js backend named 'torch' whose tensors live in
// libtorch and whose kernels call ATen. Importing this module registers the backend, or throws
// why it cannot (the addon is not built, libtorch is missing).
import { TorchBackend } from './backend.js';
import { applyDevice, deviceFromEnvironment, threadsFromEnvironment, type TorchDevice } from './device.js';
import { requireNative, type TorchBuildInfo } from './native.js';
import { registerTorchBackend } from './register.js';

const native = requireNative();

registerTorchBackend(native, () => {
  native.setNumThreads(threadsFromEnvironment());
  applyDevice(native, deviceFromEnvironment(native));
});

/** Tensors the addon currently holds (a leak check: should stay flat across steps). */
export function nativeLiveTensorCount(): number {
  return native.liveCount();
}

export function setTorchDevice(device: TorchDevice): void {
  applyDevice(native, device);
}

export function torchDevice(): TorchDevice {
  return native.getDevice();
}

export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}

export function setTorchThreads(threads: number): void {
  native.setNumThreads(threads);
}

export function torchBuildInfo(): TorchBuildInfo & { threads: number; device: TorchDevice } {
  return { ...native.buildInfo(), threads: native.getNumThreads(), device: native.getDevice() };
}

export { TorchBackend };
export { BACKEND_NAME, nativeKernelNames } from './register.js';
export { fallbackKernelsUsed } from './fallback.js';
export { loadNative, addonPath, type TorchBuildInfo, type TorchNative } from './native.js';
export type { TorchDevice } from './device.js';
