// Batch normalisation (tfjs's FusedBatchNorm): (x - mean) / sqrt(variance + eps) * scale + offset.
// Plus two kernels tfjs does not have, for training with batch statistics (facepatch's SLN layers
// call them through tf.customGrad when the backend is torch): ATen's fused forward and backward.
import { input, type TorchKernel } from './kernel.js';

/** inputs x, scale, offset, runningMean, runningVariance; attrs momentum, epsilon -> [y, batchMean, batchInvStd, runningMean', runningVariance']. */
export const TORCH_BATCH_NORM_TRAIN = 'TorchBatchNormTrain';
/** inputs dy, y (an activation's output); attrs activation ('relu' | 'relu6' | 'leakyrelu'), alpha -> dx. */
export const ACTIVATION_GRAD_FROM_OUTPUT = 'FacepatchActivationGradFromOutput';
/** inputs dy, x, scale, batchMean, batchInvStd; attrs epsilon -> [dx, dScale, dOffset]. */
export const TORCH_BATCH_NORM_TRAIN_GRAD = 'TorchBatchNormTrainGrad';

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

  {
    kernelName: TORCH_BATCH_NORM_TRAIN,
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.outputs(
        backend.native.ops.batchNormTrain(
          backend.handle(input(inputs, 'x')),
          backend.handle(input(inputs, 'scale')),
          backend.handle(input(inputs, 'offset')),
          backend.handle(input(inputs, 'runningMean')),
          backend.handle(input(inputs, 'runningVariance')),
          attrs.momentum as number,
          attrs.epsilon as number,
        ),
      ),
  },
  {
    kernelName: TORCH_BATCH_NORM_TRAIN_GRAD,
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.outputs(
        backend.native.ops.batchNormTrainGrad(
          backend.handle(input(inputs, 'dy')),
          backend.handle(input(inputs, 'x')),
          backend.handle(input(inputs, 'scale')),
          backend.handle(input(inputs, 'batchMean')),
          backend.handle(input(inputs, 'batchInvStd')),
          attrs.epsilon as number,
        ),
      ),
  },
  {
    kernelName: ACTIVATION_GRAD_FROM_OUTPUT,
    kernelFunc: ({ inputs, backend, attrs }) =>
      backend.output(
        backend.native.ops.activationGradFromOutput(
          backend.handle(input(inputs, 'dy')),
          backend.handle(input(inputs, 'y')),
          attrs.activation as string,
          (attrs.alpha as number | undefined) ?? 0,
        ),
      ),
  },
];
