// Every kernel the torch backend runs natively; anything else falls back to the cpu kernels.
import { convolutionKernels } from './convolution.js';
import { elementwiseKernels } from './elementwise.js';
import type { TorchKernel } from './kernel.js';
import { matmulKernels } from './matmul.js';
import { normalizationKernels } from './normalization.js';
import { poolingKernels } from './pooling.js';
import { reductionKernels } from './reduction.js';
import { resizeKernels } from './resize.js';
import { shapeKernels } from './shape.js';

export const nativeKernels: TorchKernel[] = [
  ...elementwiseKernels,
  ...reductionKernels,
  ...shapeKernels,
  ...convolutionKernels,
  ...poolingKernels,
  ...resizeKernels,
  ...matmulKernels,
  ...normalizationKernels,
];

export { NotNative, type TorchKernel, type TorchKernelArgs, type TorchKernelFunc } from './kernel.js';
