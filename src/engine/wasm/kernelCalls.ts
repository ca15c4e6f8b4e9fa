// Composes wasm kernels inside another wasm kernel: calls their kernel functions directly on the
// backend (no engine bookkeeping, no gradient tape) and frees the intermediate results.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type WasmBackend = BackendWasm;
type Attrs = Record<string, unknown>;

/** Runs the wasm backend's own kernel `name` on tensors that live on `backend`. */
export function runWasmKernel(backend: WasmBackend, name: string, inputs: Record<string, tf.TensorInfo>, attrs: Attrs = {}): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`facepatch wasm kernels: the wasm backend has no '${name}' kernel to build on`);
  const result = config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  if (Array.isArray(result)) throw new Error(`facepatch wasm kernels: '${name}' returned several tensors`);
  return result;
}

/**
 * Tracks the intermediate tensors of a composed kernel and frees them at the end, whatever
 * happens; the returned result is kept.
 */
export function withIntermediates<T>(backend: WasmBackend, body: (keep: (info: tf.TensorInfo) => tf.TensorInfo) => T): T {
  const intermediates: tf.TensorInfo[] = [];
  try {
    return body((info) => {
      intermediates.push(info);
      return info;
    });
  } finally {
    for (const info of intermediates) backend.disposeData(info.dataId);
  }
}

export function reshape(backend: WasmBackend, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return runWasmKernel(backend, tf.Reshape, { x }, { shape });
}

export function transpose(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasmKernel(backend, tf.Transpose, { x }, { perm });
}

export function reverse(backend: WasmBackend, x: tf.TensorInfo, dims: number[]): tf.TensorInfo {
  return runWasmKernel(backend, tf.Reverse, { x }, { dims });
}

export function sum(backend: WasmBackend, x: tf.TensorInfo, axis: number[]): tf.TensorInfo {
  return runWasmKernel(backend, tf.Sum, { x }, { axis, keepDims: false });
}

export function slice(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  return runWasmKernel(backend, tf.Slice, { x }, { begin, size });
}

export function padWithZeros(backend: WasmBackend, x: tf.TensorInfo, paddings: [number, number][]): tf.TensorInfo {
  return runWasmKernel(backend, tf.PadV2, { x }, { paddings, constantValue: 0 });
}
