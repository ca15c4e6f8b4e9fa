// Chooses the TensorFlow.js backend every model runs on. All model code is plain tfjs, so the
// choice changes speed, never results (beyond float rounding).
import * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../util/errors.js';

export type BackendName = 'auto' | 'torch' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'torch', 'wasm', 'cpu'];

/** A backend that can be loaded: `load` registers it with tfjs, or throws why it cannot. */
interface BackendLoader {
  name: Exclude<BackendName, 'auto'>;
  load(): Promise<void>;
}

const loaders: BackendLoader[] = [
  {
    name: 'torch',
    async load() {
      // The native backend is a workspace package; it is absent until built against libtorch.
      const moduleName = '@facepatch/tfjs-backend-torch';
      try {
        await import(moduleName);
      } catch (error) {
        const notBuilt = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
        throw new FacepatchError(
          notBuilt
            ? 'the torch backend is not built (run `npm run build:native`; it needs libtorch-dev or LIBTORCH)'
            : `the torch backend is not available (${(error as Error).message})`,
        );
      }
    },
  },
  {
    name: 'wasm',
    async load() {
      // Tuned: threads in Node ($FACEPATCH_WASM_THREADS), fast and complete gradient kernels.
      const { setupWasmEngine } = await import('./wasm/index.js');
      setupWasmEngine();
    },
  },
  { name: 'cpu', async load() {} },
];

let active: Exclude<BackendName, 'auto'> | undefined;

/**
 * Activates a backend. 'auto' tries torch, then wasm, then cpu, and reports which it picked
 * through `onChoice` (the CLI prints it).
 */
export async function initBackend(
  requested: BackendName = 'auto',
  onChoice: (message: string) => void = () => {},
): Promise<Exclude<BackendName, 'auto'>> {
  if (!BACKEND_NAMES.includes(requested)) {
    throw new FacepatchError(`unknown backend "${requested}"; valid choices: ${BACKEND_NAMES.join(', ')}`);
  }
  const candidates = requested === 'auto' ? loaders : loaders.filter((l) => l.name === requested);
  const reasons: string[] = [];
  for (const loader of candidates) {
    try {
      await loader.load();
      if (!(await tf.setBackend(loader.name))) throw new Error('tfjs refused to initialise it');
      await tf.ready();
      active = loader.name;
      onChoice(
        requested === 'auto'
          ? `backend: ${loader.name} (auto${reasons.length ? `; skipped ${reasons.join('; ')}` : ''})`
          : `backend: ${loader.name}`,
      );
      return loader.name;
    } catch (error) {
      reasons.push(`${loader.name}: ${(error as Error).message}`);
      if (requested !== 'auto') throw new FacepatchError(`backend ${loader.name} failed to load: ${(error as Error).message}`);
    }
  }
  throw new FacepatchError(`no backend could be loaded: ${reasons.join('; ')}`);
}

/** The backend initBackend activated (or tfjs's current one). */
export function activeBackend(): string {
  return active ?? tf.getBackend();
}
