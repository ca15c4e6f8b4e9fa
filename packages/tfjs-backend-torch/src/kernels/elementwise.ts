// Element-wise kernels: unary math, broadcasting binary math and comparisons, and the
// activations with parameters. ATen broadcasts exactly like tfjs.
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { input, inputList, type TorchKernel } from './kernel.js';

/** tfjs kernel name -> addon op taking one tensor `x`. */
const UNARY_OPS: Record<string, string> = {
  Abs: 'abs',
  Neg: 'neg',
  Exp: 'exp',
  Expm1: 'expm1',
  Log: 'log',
  Log1p: 'log1p',
  Sqrt: 'sqrt',
  Rsqrt: 'rsqrt',
  Square: 'square',
  Reciprocal: 'reciprocal',
  Relu: 'relu',
  Relu6: 'relu6',
  Elu: 'elu',
  Selu: 'selu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
  Erf: 'erf',
  Sin: 'sin',
  Cos: 'cos',
  Tan: 'tan',
  Asin: 'asin',
  Acos: 'acos',
  Atan: 'atan',
  Sinh: 'sinh',
  Cosh: 'cosh',
  Asinh: 'asinh',
  Acosh: 'acosh',
  Atanh: 'atanh',
  Sign: 'sign',
  Floor: 'floor',
  Ceil: 'ceil',
  Round: 'round',
  IsNan: 'isNaN',
  IsInf: 'isInf',
  IsFinite: 'isFinite',
  LogicalNot: 'logicalNot',
  ZerosLike: 'zerosLike',
  OnesLike: 'onesLike',
  Identity: 'identity',
};

/** tfjs kernel name -> addon op taking tensors `a` and `b`. */
const BINARY_OPS: Record<string, string> = {
  Add: 'add',
  Sub: 'sub',
  Multiply: 'mul',
  RealDiv: 'realDiv',
  FloorDiv: 'floorDiv',
  Mod: 'mod',
  Maximum: 'maximum',
  Minimum: 'minimum',
  Pow: 'pow',
  SquaredDifference: 'squaredDifference',
  Atan2: 'atan2',
  Equal: 'equal',
  NotEqual: 'notEqual',
  Greater: 'greater',
  GreaterEqual: 'greaterEqual',
  Less: 'less',
  LessEqual: 'lessEqual',
  LogicalAnd: 'logicalAnd',
  LogicalOr: 'logicalOr',
  BitwiseAnd: 'bitwiseAnd',
};

const unaryKernels: TorchKernel[] = Object.entries(UNARY_OPS).map(([kernelName, op]) => ({
  kernelName,
  kernelFunc: ({ inputs, backend }) => backend.output(backend.native.ops[op](backend.handle(input(inputs, 'x')))),
}));

/** Binary kernels whose tfjs output dtype is fixed whatever the inputs. */
const BINARY_OUTPUT_DTYPE: Record<string, DataType> = { FloorDiv: 'int32' };

const binaryKernels: TorchKernel[] = Object.entries(BINARY_OPS).map(([kernelName, op]) => ({
  kernelName,
  kernelFunc: ({ inputs, backend }) => {
    const out = backend.native.ops[op](backend.handle(input(inputs, 'a')), backend.handle(input(inputs, 'b')));
    const dtype = BINARY_OUTPUT_DTYPE[kernelName];
    return dtype ? backend.outputAs(out, dtype) : backend.output(out);
  },
}));

export const elementwiseKernels: TorchKernel[] = [
  ...unaryKernels,
  ...binaryKernels,
  {
    kernelName: 'LeakyRelu',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.leakyRelu(backend.handle(input(inputs, 'x')), attrs.alpha as number)),
  },
  {
    kernelName: 'Prelu',
    kernelFunc: ({ inputs, backend }) =>
      backend.output(backend.native.ops.prelu(backend.handle(input(inputs, 'x')), backend.handle(input(inputs, 'alpha')))),
  },
  {
    kernelName: 'Step',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.step(backend.handle(input(inputs, 'x')), attrs.alpha as number)),
  },
  {
    kernelName: 'EluGrad',
    kernelFunc: ({ inputs, backend }) =>
      backend.output(backend.native.ops.eluGrad(backend.handle(input(inputs, 'dy')), backend.handle(input(inputs, 'y')))),
  },
  {
    kernelName: 'ClipByValue',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.clip(
          backend.handle(input(inputs, 'x')),
          attrs.clipValueMin as number,
          attrs.clipValueMax as number,
        ),
      ),
  },
  {
    kernelName: 'Cast',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(backend.native.ops.cast(backend.handle(input(inputs, 'x')), attrs.dtype as string)),
  },
  {
    kernelName: 'Select',
    kernelFunc: ({ inputs, backend }) =>
      backend.output(
        backend.native.ops.select(
          backend.handle(input(inputs, 'condition')),
          backend.handle(input(inputs, 't')),
          backend.handle(input(inputs, 'e')),
        ),
      ),
  },
  {
    kernelName: 'AddN',
    kernelFunc: ({ inputs, backend }) => {
      const list: TensorInfo[] = inputList(inputs);
      return backend.output(backend.native.ops.addN(list.map((t) => backend.handle(t))));
    },
  },
];
