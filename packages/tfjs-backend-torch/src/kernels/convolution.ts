// Convolution kernels and their gradients. tfjs's own conv info resolves 'same'/'valid'/explicit
// padding and rounding into [top, bottom, left, right]; the addon maps NHWC onto ATen's
// channels_last convolution. Shapes ATen would compute differently (a dimRoundingMode that
// rounds up) run on the cpu kernel instead.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { input, notNative, type TorchKernel, type TorchKernelArgs } from './kernel.js';

type Conv2DInfo = backend_util.Conv2DInfo;
type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvGeometry {
  strides: number[];
  pads: number[];
  dilations: number[];
  nhwc: boolean;
}

/** The window of a conv info, after checking ATen's output size formula agrees with tfjs's. */
function geometry(info: Conv2DInfo): ConvGeometry {
  const { top, bottom, left, right } = info.padInfo;
  const atenHeight =
    Math.floor((info.inHeight + top + bottom - info.effectiveFilterHeight) / info.strideHeight) + 1;
  const atenWidth = Math.floor((info.inWidth + left + right - info.effectiveFilterWidth) / info.strideWidth) + 1;
  if (atenHeight !== info.outHeight || atenWidth !== info.outWidth || top < 0 || bottom < 0 || left < 0 || right < 0) {
    notNative(`convolution geometry ATen cannot express (out ${info.outHeight}x${info.outWidth})`);
  }
  return {
    strides: [info.strideHeight, info.strideWidth],
    pads: [top, bottom, left, right],
    dilations: [info.dilationHeight, info.dilationWidth],
    nhwc: info.dataFormat === 'channelsLast',
  };
}

function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: TorchKernelArgs['attrs'],
  depthwise: boolean,
): Conv2DInfo {
  const dataFormat = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations as [number, number] | number) ?? 1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding,
    depthwise,
    dataFormat,
  );
}

function forward(args: TorchKernelArgs, depthwise: boolean, fused: boolean): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = input(inputs, 'x');
  const filter = input(inputs, 'filter');
  const g = geometry(convInfo(x.shape, filter.shape, attrs, depthwise));
  const bias = fused && inputs.bias ? backend.handle(inputs.bias) : undefined;
  const prelu = fused && inputs.preluActivationWeights ? backend.handle(inputs.preluActivationWeights) : undefined;
  return backend.output(
    backend.native.ops.conv2d(
      backend.handle(x),
      backend.handle(filter),
      bias,
      prelu,
      g.strides,
      g.pads,
      g.dilations,
      depthwise,
      g.nhwc,
      fused ? ((attrs.activation as string) ?? 'linear') : 'linear',
      (attrs.leakyreluAlpha as number | undefined) ?? 0.2,
    ),
  );
}

function backpropInput(args: TorchKernelArgs, depthwise: boolean): TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = input(inputs, 'dy');
  const filter = input(inputs, 'filter');
  const inputShape = attrs.inputShape as number[];
  const g = geometry(convInfo(inputShape, filter.shape, attrs, depthwise));
  return backend.output(
    backend.native.ops.conv2dBackpropInput(
      backend.handle(dy),
      backend.handle(filter),
      inputShape,
      g.strides,
      g.pads,
      g.dilations,
      depthwise,
      g.nhwc,
    ),
  );
}

function backpropFilter(args: TorchKernelArgs, depthwise: boolean): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = input(inputs, 'x');
  const dy = input(inputs, 'dy');
  const filterShape = attrs.filterShape as number[];
  const g = geometry(convInfo(x.shape, filterShape, attrs, depthwise));
  return backend.output(
    backend.native.ops.conv2dBackpropFilter(
      backend.handle(x),
      backend.handle(dy),
      filterShape,
      g.strides,
      g.pads,
      g.dilations,
      depthwise,
      g.nhwc,
    ),
  );
}

export const convolutionKernels: TorchKernel[] = [
  { kernelName: 'Conv2D', kernelFunc: (args) => forward(args, false, false) },
  { kernelName: 'FusedConv2D', kernelFunc: (args) => forward(args, false, true) },
  { kernelName: 'DepthwiseConv2dNative', kernelFunc: (args) => forward(args, true, false) },
  { kernelName: 'FusedDepthwiseConv2D', kernelFunc: (args) => forward(args, true, true) },
  { kernelName: 'Conv2DBackpropInput', kernelFunc: (args) => backpropInput(args, false) },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', kernelFunc: (args) => backpropInput(args, true) },
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: (args) => backpropFilter(args, false) },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', kernelFunc: (args) => backpropFilter(args, true) },
];

