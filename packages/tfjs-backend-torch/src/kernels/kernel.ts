// The shape of a torch kernel: tfjs's kernel function signature with the backend typed.
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend.js';

export interface TorchKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: TorchBackend;
  attrs: NamedAttrMap;
}

export type TorchKernelFunc = (args: TorchKernelArgs) => TensorInfo | TensorInfo[];

export interface TorchKernel {
  kernelName: string;
  kernelFunc: TorchKernelFunc;
}

/**
 * Thrown by a kernel for an input it does not handle natively (an attribute combination, a
 * dtype); the registry then runs the cpu kernel on a copy instead.
 */
export class NotNative extends Error {}

export function notNative(reason: string): never {
  throw new NotNative(reason);
}

/** An input tfjs declared as required. */
export function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info == null) throw new Error(`missing input '${name}'`);
  return info;
}

/** The inputs of list kernels (Concat, AddN, Pack, Einsum), in order. */
export function inputList(inputs: NamedTensorInfoMap): TensorInfo[] {
  return Object.keys(inputs)
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => inputs[key]!);
}
