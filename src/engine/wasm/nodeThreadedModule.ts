// Loads tfjs-backend-wasm's multithreaded (threaded-simd) Emscripten module in Node.
//
// tfjs-backend-wasm 4.22 never uses threads in Node: its WASM_HAS_MULTITHREAD_SUPPORT flag returns
// false when IS_NODE (tfjs issue 3830), and its init() hands Emscripten a Blob URL for the pthread
// worker script and a Blob for the main script, which Node's worker_threads cannot load. The
// Emscripten glue itself supports Node (it uses worker_threads), so we call it directly:
// - the glue shipped as wasm-out/tfjs-backend-wasm-threaded-simd.js is loaded with require, so
//   the workers import the same file by path (Emscripten's default `_scriptDir`);
// - the pthread worker script is ./pthreadWorker.cjs (the shipped one is only a JS string);
// - the backend sizes its XNNPACK thread pool as min(threads, emscripten_num_logical_cores() / 2,
//   8), assuming hyper-threading: on a 2-core machine that is 1 thread. We instantiate the wasm
//   ourselves and answer emscripten_num_logical_cores with 2 * threads;
// - running pthread workers are unref'd so that they do not keep Node alive at exit.
// Measured on the 2-core dev machine with both cores free: a 128x128x128 3x3 convolution 110 ->
// 57 ms, SSD MobileNetV1 at 512 px forward 182 -> 103 ms, forward + input gradient 413 -> 263 ms.
// When other processes keep the cores busy, 2 threads can be slower than 1 (XNNPACK's pool
// spin-waits and waits for its slowest thread): set FACEPATCH_WASM_THREADS=1 there.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { packageRoot } from '../../config/paths.js';

const require = createRequire(import.meta.url);
const GLUE_MODULE = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
const WASM_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';
const WORKER_SCRIPT = 'pthreadWorker.cjs';
/** The module starts in well under a second; a stuck start must not hang the CLI. */
const START_TIMEOUT_MS = 60_000;

/** The parts of the Emscripten module that BackendWasm and facepatch use. */
export interface ThreadedWasmModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => unknown;
  PThread: { runningWorkers: Worker[]; unusedWorkers: Worker[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

interface EmscriptenImports {
  env: Record<string, unknown>;
  [namespace: string]: Record<string, unknown>;
}

interface EmscriptenConfig {
  locateFile(file: string, prefix: string): string;
  instantiateWasm(imports: EmscriptenImports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void): object;
  onAbort(reason: unknown): void;
}

type ModuleFactory = (config: EmscriptenConfig) => Promise<ThreadedWasmModule>;

/** The worker entry script: beside this module in src/, or in the package's src/ when running from dist/. */
export function pthreadWorkerScriptPath(): string {
  const candidates = [
    fileURLToPath(new URL(`./${WORKER_SCRIPT}`, import.meta.url)),
    join(packageRoot(), 'src', 'engine', 'wasm', WORKER_SCRIPT),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the wasm pthread worker script is missing (looked for ${candidates.join(', ')})`);
  return found;
}

type ProcessEvent = 'uncaughtException' | 'unhandledRejection';
type Listener = (...args: unknown[]) => void;
const GUARDED_EVENTS: ProcessEvent[] = ['uncaughtException', 'unhandledRejection'];

function listenersOf(event: ProcessEvent): Listener[] {
  return (process.listeners as (name: string) => Listener[])(event);
}

/**
 * The Emscripten glue adds process listeners that rethrow every uncaught exception and rejection
 * (and its cleanup would later remove all listeners, not just its own): put them back as they were.
 */
function restoreProcessListeners(before: Map<ProcessEvent, Listener[]>): void {
  for (const event of GUARDED_EVENTS) {
    const original = before.get(event) ?? [];
    for (const listener of listenersOf(event)) {
      if (!original.includes(listener)) process.removeListener(event, listener);
    }
  }
}

/**
 * The glue starts 8 pool workers, each loading the whole module (about 15 MB and 0.1 s apiece).
 * XNNPACK's pool needs threads - 1 of them (the calling thread works too); keep `threads` and stop
 * the rest before the module is sent to them. The pool must not run short: a worker started later
 * would wait for the main thread, which blocks while the pool starts.
 */
function trimWorkerPool(pool: ThreadedWasmModule['PThread'] | undefined, threads: number): void {
  if (!pool) return;
  for (const worker of pool.unusedWorkers.splice(threads)) void worker.terminate();
}

/** Starts the threaded module with an XNNPACK pool of `threads` threads (the caller included). */
export async function loadThreadedWasmModule(threads: number): Promise<ThreadedWasmModule> {
  const gluePath = require.resolve(GLUE_MODULE);
  const factory = require(gluePath) as ModuleFactory;
  const wasmBinary = readFileSync(join(dirname(gluePath), WASM_BINARY));
  const workerScript = pthreadWorkerScriptPath();
  const listenersBefore = new Map(GUARDED_EVENTS.map((event) => [event, listenersOf(event)] as const));

  let timer: NodeJS.Timeout | undefined;
  // Emscripten uses this object as the module itself: PThread appears on it once the glue ran.
  const config: EmscriptenConfig & Partial<ThreadedWasmModule> = {
    locateFile: (file, prefix) => (file.endsWith('.worker.js') ? workerScript : prefix + file),
    instantiateWasm(imports, receive) {
      const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      WebAssembly.instantiate(wasmBinary, { ...imports, env } as WebAssembly.Imports).then(({ instance, module }) => {
        trimWorkerPool(config.PThread, threads);
        receive(instance, module);
      }, failStart);
      return {};
    },
    onAbort: (reason) => failStart(new Error(`the threaded wasm module aborted: ${String(reason)}`)),
  };
  let failStart: (error: unknown) => void = () => {};
  try {
    return await new Promise<ThreadedWasmModule>((resolve, reject) => {
      failStart = reject;
      timer = setTimeout(() => reject(new Error(`the threaded wasm module did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      factory(config).then(resolve, reject);
    });
  } catch (error) {
    // Do not leave half-started workers behind (they would keep Node alive).
    config.PThread?.terminateAllThreads();
    throw error;
  } finally {
    clearTimeout(timer);
    restoreProcessListeners(listenersBefore);
  }
}

/** Adds the `tfjs` bridge that BackendWasm expects (the same functions tfjs-backend-wasm's init wraps). */
export function addTfjsBridge(module: ThreadedWasmModule): void {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
}

/** Lets Node exit while the thread pool's workers wait for work. */
export function unrefPthreadWorkers(module: ThreadedWasmModule): void {
  for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
}
