// Reductions, arg-reductions, softmax and cumulative sums. Axes are normalised here with tfjs's
// own helper, since ATen reads an empty axis list as "all axes" where tfjs means "none".
import { util, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend.js';
import { input, type TorchKernel } from './kernel.js';

/** Result dtype tfjs gives: sums and products of ints/bools are int32, means are float32. */
type ResultType = 'same' | 'accumulate' | 'float32' | 'bool';

function resultDtype(x: TensorInfo, rule: ResultType): DataType {
  if (rule === 'same') return x.dtype;
  if (rule === 'float32' || rule === 'bool') return rule;
  return x.dtype === 'float32' ? 'float32' : 'int32';
}

function reduction(kernelName: string, op: string, rule: ResultType, axisAttr = 'axis'): TorchKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const axes = util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      const keepDims = Boolean(attrs.keepDims);
      if (axes.length === 0) return noReduction(backend, x, resultDtype(x, rule));
      return backend.outputAs(backend.native.ops[op](backend.handle(x), axes, keepDims), resultDtype(x, rule));
    },
  };
}

/** Reducing over no axis copies the input (in the result dtype). */
function noReduction(backend: TorchBackend, x: TensorInfo, dtype: DataType): TensorInfo {
  return backend.outputAs(backend.native.ops.identity(backend.handle(x)), dtype);
}

function argReduction(kernelName: string, op: string): TorchKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const [axis] = util.parseAxisParam(attrs.axis as number | number[], x.shape);
      return backend.output(backend.native.ops[op](backend.handle(x), axis));
    },
  };
}

function cumulative(kernelName: string, op: string): TorchKernel {
  return {
    kernelName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = input(inputs, 'x');
      const [axis] = util.parseAxisParam(attrs.axis as number, x.shape);
      return backend.output(
        backend.native.ops[op](backend.handle(x), axis, Boolean(attrs.exclusive), Boolean(attrs.reverse)),
      );
    },
  };
}

export const reductionKernels: TorchKernel[] = [
  reduction('Sum', 'sum', 'accumulate'),
  reduction('Prod', 'prod', 'accumulate'),
  reduction('Mean', 'mean', 'float32'),
  reduction('Max', 'max', 'same', 'reductionIndices'),
  reduction('Min', 'min', 'same'),
  reduction('All', 'all', 'bool'),
  reduction('Any', 'any', 'bool'),
  argReduction('ArgMax', 'argMax'),
  argReduction('ArgMin', 'argMin'),
  cumulative('Cumsum', 'cumsum'),
  cumulative('Cumprod', 'cumprod'),
  {
    kernelName: 'Softmax',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const logits = input(inputs, 'logits');
      const [dim] = util.parseAxisParam([attrs.dim as number], logits.shape);
      return backend.output(backend.native.ops.softmax(backend.handle(logits), dim));
    },
  },
];
