// A RetinaFace convolution with frozen weights (batch norm already folded in) and an optional
// LeakyReLU, run as one fused kernel with an input-only gradient (../frozenFusedConv.ts).
import type * as tf from '@tensorflow/tfjs';
import { frozenFusedConv } from '../frozenFusedConv.js';

export interface FrozenConv {
  depthwise: boolean;
  /** [kh, kw, in, out] (depthwise: [kh, kw, channels, 1]). */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  stride: number;
  /** Symmetric zero padding, as PyTorch's Conv2d(padding=p). */
  pad: number;
  /** LeakyReLU slope after the conv; undefined for none. */
  leakySlope?: number;
}

export function applyConv(x: tf.Tensor4D, layer: FrozenConv): tf.Tensor4D {
  const spec = { stride: layer.stride, pad: layer.pad, depthwise: layer.depthwise };
  return layer.leakySlope === undefined
    ? frozenFusedConv(x, layer.filter, layer.bias, spec)
    : frozenFusedConv(x, layer.filter, layer.bias, spec, 'leakyrelu', layer.leakySlope);
}

export function disposeConv(layer: FrozenConv): void {
  layer.filter.dispose();
  layer.bias.dispose();
}
