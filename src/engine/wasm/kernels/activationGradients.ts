// Backward kernels of piecewise-linear activations for the wasm backend: one pass over dy and x on
// the wasm heap. tfjs builds these gradients from comparison, logical and select kernels, which
// are slow scalar loops with broadcasting on wasm (the ClipByValue gradient alone cost more than
// the whole forward pass of SSD MobileNetV1). The kernel names are facepatch's own; see
// ../gradientOverrides.ts for where they are used.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../kernelCalls.js';

type Attrs = Record<string, unknown>;
type GradientLoop = (dy: Float32Array, x: Float32Array, dx: Float32Array, attrs: Attrs) => void;

function elementwiseGradientKernel(kernelName: string, loop: GradientLoop): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as WasmBackend;
      const { dy, x } = inputs as Record<'dy' | 'x', tf.TensorInfo>;
      if (dy.dtype !== 'float32' || x.dtype !== 'float32') throw new Error(`${kernelName}: float32 tensors only`);
      if (!tf.util.arraysEqual(dy.shape, x.shape)) throw new Error(`${kernelName}: dy ${dy.shape} and x ${x.shape} differ`);
      const out = wasm.makeOutput(x.shape, 'float32');
      // Views taken after the allocation: allocating may grow (and so replace) the wasm memory.
      loop(wasm.typedArrayFromHeap(dy) as Float32Array, wasm.typedArrayFromHeap(x) as Float32Array, wasm.typedArrayFromHeap(out) as Float32Array, attrs as Attrs);
      return out;
    },
  };
}

// The loops are branchless (a comparison turned into 0/1): activations straddle the thresholds at
// random, and mispredicted branches made the loops four times slower.

/** d clipByValue(x, min, max) / dx: 1 where min <= x <= max (tfjs's convention at the bounds). */
export const clipByValueGradConfig = elementwiseGradientKernel('FacepatchClipByValueGrad', (dy, x, dx, attrs) => {
  const min = attrs.clipValueMin as number;
  const max = attrs.clipValueMax as number;
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (Number(v >= min) & Number(v <= max));
  }
});

/** d relu6(x) / dx: 1 where 0 < x <= 6. */
export const relu6GradConfig = elementwiseGradientKernel('FacepatchRelu6Grad', (dy, x, dx) => {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i];
    dx[i] = dy[i] * (Number(v > 0) & Number(v <= 6));
  }
});

/** d leakyRelu(x, alpha) / dx: 1 where x > 0, else alpha (as a float32, as tfjs multiplies it). */
export const leakyReluGradConfig = elementwiseGradientKernel('FacepatchLeakyReluGrad', (dy, x, dx, attrs) => {
  const slopes = new Float64Array([Math.fround(attrs.alpha as number), 1]);
  for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * slopes[Number(x[i] > 0)];
});

/** d relu(x) / dx: 1 where x > 0. */
export const reluGradConfig = elementwiseGradientKernel('FacepatchReluGrad', (dy, x, dx) => {
  for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * Number(x[i] > 0);
});

/**
 * The gradient through relu / relu6 / leakyrelu from the activation's output y (what a frozen
 * fused conv keeps): relu y > 0; relu6 0 < y < 6; leakyrelu y > 0 ? 1 : alpha. The same kernel
 * name is native on the torch backend (src/detectors/frozenFusedConv.ts calls it).
 */
const FROM_OUTPUT = 'FacepatchActivationGradFromOutput';
const gradientsFromOutput: Record<string, tf.KernelConfig> = {
  relu: elementwiseGradientKernel(FROM_OUTPUT, (dy, y, dx) => {
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * Number(y[i] > 0);
  }),
  relu6: elementwiseGradientKernel(FROM_OUTPUT, (dy, y, dx) => {
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * (Number(y[i] > 0) & Number(y[i] < 6));
  }),
  leakyrelu: elementwiseGradientKernel(FROM_OUTPUT, (dy, y, dx, attrs) => {
    const slopes = new Float64Array([Math.fround(attrs.alpha as number), 1]);
    for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * slopes[Number(y[i] > 0)];
  }),
};

export const activationGradFromOutputConfig: tf.KernelConfig = {
  kernelName: FROM_OUTPUT,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const activation = (attrs as Attrs).activation as string;
    const kernel = gradientsFromOutput[activation];
    if (!kernel) throw new Error(`${FROM_OUTPUT}: unknown activation '${activation}'`);
    const { dy, y } = inputs as Record<'dy' | 'y', tf.TensorInfo>;
    return kernel.kernelFunc({ inputs: { dy, x: y }, backend, attrs }) as tf.TensorInfo;
  },
};
