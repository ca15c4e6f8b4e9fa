// Matrix products (batch dims broadcast, as in tfjs 4) and the fused bias/activation variant.
import { input, type TorchKernel } from './kernel.js';

export const matmulKernels: TorchKernel[] = [
  {
    kernelName: 'BatchMatMul',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.matMul(
          backend.handle(input(inputs, 'a')),
          backend.handle(input(inputs, 'b')),
          undefined,
          undefined,
          Boolean(attrs.transposeA),
          Boolean(attrs.transposeB),
        ),
      ),
  },
  {
    kernelName: '_FusedMatMul',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.matMul(
          backend.handle(input(inputs, 'a')),
          backend.handle(input(inputs, 'b')),
          inputs.bias ? backend.handle(inputs.bias) : undefined,
          inputs.preluActivationWeights ? backend.handle(inputs.preluActivationWeights) : undefined,
          Boolean(attrs.transposeA),
          Boolean(attrs.transposeB),
          (attrs.activation as string) ?? 'linear',
          (attrs.leakyreluAlpha as number | undefined) ?? 0.2,
        ),
      ),
  },
];
