// Max and average pooling (NHWC, as in tfjs) and their gradients.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { input, notNative, type TorchKernel, type TorchKernelArgs } from './kernel.js';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

interface PoolWindow {
  kernel: number[];
  strides: number[];
  pads: number[];
}

function poolWindow(xShape: number[], attrs: TorchKernelArgs['attrs']): PoolWindow {
  const info = backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { top, bottom, left, right } = info.padInfo;
  const atenHeight = Math.floor((info.inHeight + top + bottom - info.filterHeight) / info.strideHeight) + 1;
  const atenWidth = Math.floor((info.inWidth + left + right - info.filterWidth) / info.strideWidth) + 1;
  if (atenHeight !== info.outHeight || atenWidth !== info.outWidth) {
    notNative(`pooling geometry ATen cannot express (out ${info.outHeight}x${info.outWidth})`);
  }
  return {
    kernel: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pads: [top, bottom, left, right],
  };
}

function pool(op: string) {
  return ({ inputs, backend, attrs }: TorchKernelArgs): TensorInfo => {
    const x = input(inputs, 'x');
    const w = poolWindow(x.shape, attrs);
    return backend.output(backend.native.ops[op](backend.handle(x), w.kernel, w.strides, w.pads));
  };
}

function poolGrad(op: string) {
  return ({ inputs, backend, attrs }: TorchKernelArgs): TensorInfo => {
    const dy = input(inputs, 'dy');
    const x = input(inputs, 'input');
    const w = poolWindow(x.shape, attrs);
    return backend.output(backend.native.ops[op](backend.handle(dy), backend.handle(x), w.kernel, w.strides, w.pads));
  };
}

export const poolingKernels: TorchKernel[] = [
  { kernelName: 'MaxPool', kernelFunc: pool('maxPool') },
  { kernelName: 'AvgPool', kernelFunc: pool('avgPool') },
  { kernelName: 'MaxPoolGrad', kernelFunc: poolGrad('maxPoolGrad') },
  { kernelName: 'AvgPoolGrad', kernelFunc: poolGrad('avgPoolGrad') },
];
