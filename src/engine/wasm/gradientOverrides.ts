// Gradients of activations that, on the wasm backend only, run one facepatch kernel instead of
// tfjs's chain of comparison/select kernels (slow on wasm). On every other backend the original
// tfjs gradient runs unchanged. These kernels have no gradients themselves (no second-order
// derivatives through them on wasm).
import * as tf from '@tensorflow/tfjs';
import { clipByValueGradConfig, leakyReluGradConfig, relu6GradConfig, reluGradConfig } from './kernels/index.js';

interface Override {
  /** The forward kernel whose gradient is replaced on wasm. */
  kernelName: string;
  /** The wasm kernel that computes dx from {dy, x} and the forward kernel's attributes. */
  gradientKernel: tf.KernelConfig;
}

export const WASM_GRADIENT_OVERRIDES: readonly Override[] = [
  { kernelName: tf.ClipByValue, gradientKernel: clipByValueGradConfig },
  { kernelName: tf.Relu6, gradientKernel: relu6GradConfig },
  { kernelName: tf.LeakyRelu, gradientKernel: leakyReluGradConfig },
  { kernelName: tf.Relu, gradientKernel: reluGradConfig },
];

const originals = new Map<string, tf.GradConfig>();

/** Installs the wasm-only gradients (idempotent); their kernels come with registerWasmKernels. */
export function registerWasmGradientOverrides(): void {
  for (const { kernelName, gradientKernel } of WASM_GRADIENT_OVERRIDES) {
    if (originals.has(kernelName)) continue;
    const original = tf.getGradient(kernelName);
    if (!original || original.inputsToSave?.[0] !== 'x') {
      throw new Error(`facepatch wasm gradients: unexpected tfjs gradient for ${kernelName}`);
    }
    originals.set(kernelName, original);
    tf.registerGradient({
      kernelName,
      inputsToSave: original.inputsToSave,
      outputsToSave: original.outputsToSave,
      gradFunc: (dy, saved, attrs) => {
        if (tf.getBackend() !== 'wasm' || Array.isArray(dy)) return original.gradFunc(dy, saved, attrs);
        const x = saved[0];
        return { x: () => tf.engine().runKernel(gradientKernel.kernelName, { dy, x }, attrs) as tf.Tensor };
      },
    });
  }
}

/** Puts tfjs's own gradients back. */
export function unregisterWasmGradientOverrides(): void {
  for (const [kernelName, original] of originals) tf.registerGradient(original);
  originals.clear();
}
