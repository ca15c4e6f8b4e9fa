// Prepares TensorFlow.js's wasm backend for facepatch, before it is first activated:
// - multithreaded XNNPACK in Node (tfjs-backend-wasm ships it for browsers only), falling back to
//   the shipped single-threaded module if the threaded one cannot start;
// - input-gradient kernels of convolutions computed as forward convolutions, the gradient kernels
//   the shipped backend lacks, and one-pass activation gradients (see ./kernels and
//   ./gradientOverrides.ts).
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { nodeModulePath } from '../../config/paths.js';
import { registerWasmGradientOverrides } from './gradientOverrides.js';
import { registerWasmKernels } from './kernels/index.js';
import { addTfjsBridge, loadThreadedWasmModule, unrefPthreadWorkers } from './nodeThreadedModule.js';
import { defaultWasmThreadCount } from './threadCount.js';

/** tfjs-backend-wasm registers its backend with priority 2; ours replaces it under the same name. */
const WASM_PRIORITY = 2;

export interface WasmEngineOptions {
  /** XNNPACK threads (default: $FACEPATCH_WASM_THREADS, else the core count, at most 8). */
  threads?: number;
  /** Register facepatch's kernels and wasm gradients (default true; false keeps the shipped kernels, for benchmarks). */
  tunedKernels?: boolean;
}

export interface WasmEngineStatus {
  requestedThreads: number;
  /** Whether the threaded module runs (false: the shipped single-threaded one). */
  threaded: boolean;
  /** Why the threaded module was not used, when it was requested. */
  fallbackReason?: string;
}

let status: WasmEngineStatus | undefined;
let prepared = false;

/** What the last activation of the wasm backend ended up with (undefined before it is activated). */
export function wasmEngineStatus(): WasmEngineStatus | undefined {
  return status;
}

/** The XNNPACK thread count of the active wasm backend (1 when single-threaded). */
export function wasmThreadCount(): number {
  return wasmBackend.getThreadsCount();
}

/**
 * Registers the tuned wasm backend with tfjs; call before `tf.setBackend('wasm')`. Calling it again
 * is harmless; once the backend is initialised its thread count can no longer change.
 */
export function setupWasmEngine(options: WasmEngineOptions = {}): void {
  if (options.tunedKernels !== false) {
    registerWasmKernels();
    registerWasmGradientOverrides();
  }
  if (prepared || tf.findBackend('wasm')) return;
  prepared = true;
  wasmBackend.setWasmPaths(`${nodeModulePath('@tensorflow/tfjs-backend-wasm', 'dist')}/`);
  const threads = options.threads ?? defaultWasmThreadCount();
  const shippedFactory = tf.findBackendFactory('wasm');
  if (!shippedFactory) throw new Error('tfjs-backend-wasm did not register its backend');
  if (threads <= 1) {
    status = { requestedThreads: threads, threaded: false };
    return;
  }
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      try {
        const module = await loadThreadedWasmModule(threads);
        addTfjsBridge(module);
        wasmBackend.setThreadsCount(threads);
        const backend = new wasmBackend.BackendWasm(module as unknown as wasmBackend.BackendWasm['wasm']);
        unrefPthreadWorkers(module);
        status = { requestedThreads: threads, threaded: true };
        return backend;
      } catch (error) {
        status = { requestedThreads: threads, threaded: false, fallbackReason: (error as Error).message };
        wasmBackend.setThreadsCount(1);
        return shippedFactory();
      }
    },
    WASM_PRIORITY,
  );
}
