// Batch normalisation (tfjs's FusedBatchNorm): (x - mean) / sqrt(variance + eps) * scale + offset.
import { input, type TorchKernel } from './kernel.js';

export const normalizationKernels: TorchKernel[] = [
  {
    kernelName: 'FusedBatchNorm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.batchNorm(
          backend.handle(input(inputs, 'x')),
          backend.handle(input(inputs, 'mean')),
          backend.handle(input(inputs, 'variance')),
          inputs.offset ? backend.handle(inputs.offset) : undefined,
          inputs.scale ? backend.handle(inputs.scale) : undefined,
          (attrs.varianceEpsilon as number | undefined) ?? 0.001,
        ),
      ),
  },
];
