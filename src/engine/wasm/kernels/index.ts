// The kernels facepatch adds to (or replaces in) the wasm backend of tfjs-backend-wasm 4.22.
import * as tf from '@tensorflow/tfjs';
import { activationGradFromOutputConfig, clipByValueGradConfig, leakyReluGradConfig, relu6GradConfig, reluGradConfig } from './activationGradients.js';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter.js';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput.js';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter.js';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput.js';
import { identityConfig } from './identity.js';
import { maxPoolGradConfig } from './maxPoolGrad.js';
import { resizeBilinearGradConfig } from './resizeBilinearGrad.js';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum.js';

/**
 * Replaced: Conv2DBackpropInput (shipped as a slow scalar loop), Identity (shipped as a copy),
 * MaxPoolGrad (shipped with a bug: no gradient through all-negative windows), ResizeBilinearGrad
 * (shipped ignoring halfPixelCenters).
 * Added (missing from the shipped backend): DepthwiseConv2dNativeBackpropInput, UnsortedSegmentSum
 * (gradient of gather), Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter (weight
 * gradients), and facepatch's activation-gradient kernels (see ../gradientOverrides.ts).
 */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  unsortedSegmentSumConfig,
  identityConfig,
  maxPoolGradConfig,
  resizeBilinearGradConfig,
  clipByValueGradConfig,
  relu6GradConfig,
  leakyReluGradConfig,
  reluGradConfig,
  activationGradFromOutputConfig,
];

const shippedKernels = new Map<string, tf.KernelConfig>();

/** Registers facepatch's wasm kernels (idempotent); a shipped kernel of the same name is set aside. */
export function registerWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    const current = tf.getKernel(config.kernelName, 'wasm');
    if (current?.kernelFunc === config.kernelFunc) continue;
    if (current) {
      shippedKernels.set(config.kernelName, current);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}

/** Restores the shipped wasm kernels and removes facepatch's own (for before/after comparisons). */
export function unregisterWasmKernels(): void {
  for (const config of WASM_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')?.kernelFunc !== config.kernelFunc) continue;
    tf.unregisterKernel(config.kernelName, 'wasm');
    const shipped = shippedKernels.get(config.kernelName);
    if (shipped) tf.registerKernel(shipped);
  }
}

export {
  activationGradFromOutputConfig,
  clipByValueGradConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  identityConfig,
  leakyReluGradConfig,
  maxPoolGradConfig,
  relu6GradConfig,
  reluGradConfig,
  resizeBilinearGradConfig,
  unsortedSegmentSumConfig,
};
