// How many threads the wasm backend's XNNPACK pool gets.
import { availableParallelism } from 'node:os';

/** XNNPACK's pool in tfjs-backend-wasm is capped at 8 threads (and 8 pre-started workers). */
export const MAX_WASM_THREADS = 8;

/**
 * $FACEPATCH_WASM_THREADS if set (1 = the shipped single-threaded module; best on a machine whose
 * cores are busy with other work), else the core count, capped at 8.
 */
export function defaultWasmThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const requested = env.FACEPATCH_WASM_THREADS;
  if (requested !== undefined && requested !== '') {
    const count = Number(requested);
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`FACEPATCH_WASM_THREADS must be a positive integer (got "${requested}")`);
    }
    return Math.min(count, MAX_WASM_THREADS);
  }
  return Math.max(1, Math.min(availableParallelism(), MAX_WASM_THREADS));
}
