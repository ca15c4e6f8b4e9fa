// Identity for the wasm backend without a copy: the output shares the input's (immutable,
// reference-counted) data, as on the cpu backend. The shipped kernel copies the tensor, and
// tfjs calls Identity for every tensor it saves for the backward pass.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../kernelCalls.js';

function identity({ inputs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = inputs as Record<'x', tf.TensorInfo>;
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity,
};
