// MobileNetV1 x0.25 (Howard et al. 2017) as the SLN's light backbone, layer for layer the
// `MobileNetV1` of biubug6/Pytorch_Retinaface (models/net.py; the same backbone the repo's
// RetinaFace runs, see ../retinaface/network.ts), with that repository's parameter names
// (`stage1.0.0.weight`, ...) so its ImageNet checkpoint (mobilenetV1X0.25_pretrain.tar) loads one
// to one (depthwise filters: see checkpoint.ts). Every conv is followed by batch norm
// and LeakyReLU(0.1), run by layers.ts convBn: batch statistics in training (so the trainer
// fine-tunes the whole backbone), folded into the conv in eval.
//
// Stride and channels of each module (input H x W; k = ceil):
//   stage1.0  conv_bn 3->8 s2          H/2   8      stage2.0  conv_dw 64->128 s2   H/16 128
//   stage1.1  conv_dw 8->16 s1         H/2  16      stage2.1-5 conv_dw 128->128    H/16 128  = C4
//   stage1.2  conv_dw 16->32 s2        H/4  32      stage3.0  conv_dw 128->256 s2  H/32 256
//   stage1.3  conv_dw 32->32 s1        H/4  32 = C2 stage3.1  conv_dw 256->256    H/32 256  = C5
//   stage1.4  conv_dw 32->64 s2        H/8  64
//   stage1.5  conv_dw 64->64 s1        H/8  64 = C3
// conv_bn(i, o, s) = [0] Conv2d 3x3 pad 1 no bias, [1] BatchNorm2d, [2] LeakyReLU;
// conv_dw(i, o, s) = [0] depthwise Conv2d 3x3 pad 1 (groups = i), [1] BN, [2] LeakyReLU,
//                    [3] pointwise Conv2d 1x1, [4] BN, [5] LeakyReLU.
import type * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import { convBn, defineBatchNorm, defineConv, type Mode } from './layers.js';
import type { Backbone } from './resnet.js';

export const MOBILENET_LEAKY_SLOPE = 0.1;

/** Depthwise-separable blocks (conv_dw) of each stage as [in, out, stride]; stage1 starts with conv_bn(3, 8, 2). */
export const MOBILENET_V1_025_STAGES: [number, number, number][][] = [
  [[8, 16, 1], [16, 32, 2], [32, 32, 1], [32, 64, 2], [64, 64, 1]],
  [[64, 128, 2], [128, 128, 1], [128, 128, 1], [128, 128, 1], [128, 128, 1], [128, 128, 1]],
  [[128, 256, 2], [256, 256, 1]],
];

/** Where C2..C5 are taken: the output of module `stage<s>.<index>` (after its last LeakyReLU). */
export const MOBILENET_FEATURE_TAPS: readonly { level: string; module: string; stride: number; channels: number }[] = [
  { level: 'C2', module: 'stage1.3', stride: 4, channels: 32 },
  { level: 'C3', module: 'stage1.5', stride: 8, channels: 64 },
  { level: 'C4', module: 'stage2.5', stride: 16, channels: 128 },
  { level: 'C5', module: 'stage3.1', stride: 32, channels: 256 },
];

interface ModulePlan {
  /** State-dict prefix, e.g. "stage1.3". */
  name: string;
  kind: 'conv_bn' | 'conv_dw';
  inChannels: number;
  outChannels: number;
  stride: number;
}

/** Defines MobileNetV1 x0.25's parameters in `store` and returns its C2..C5 backbone. */
export function defineMobileNetV1(store: ParamStore): Backbone {
  const stages: ModulePlan[][] = MOBILENET_V1_025_STAGES.map((blocks, s) => {
    const plans: ModulePlan[] = [];
    if (s === 0) plans.push({ name: 'stage1.0', kind: 'conv_bn', inChannels: 3, outChannels: 8, stride: 2 });
    for (const [inChannels, outChannels, stride] of blocks) {
      plans.push({ name: `stage${s + 1}.${plans.length}`, kind: 'conv_dw', inChannels, outChannels, stride });
    }
    return plans;
  });
  for (const plan of stages.flat()) {
    if (plan.kind === 'conv_bn') {
      defineConv(store, `${plan.name}.0`, plan.inChannels, plan.outChannels, { kernel: 3 });
      defineBatchNorm(store, `${plan.name}.1`, plan.outChannels);
    } else {
      defineConv(store, `${plan.name}.0`, plan.inChannels, plan.inChannels, { kernel: 3, depthwise: true });
      defineBatchNorm(store, `${plan.name}.1`, plan.inChannels);
      defineConv(store, `${plan.name}.3`, plan.inChannels, plan.outChannels, { kernel: 1 });
      defineBatchNorm(store, `${plan.name}.4`, plan.outChannels);
    }
  }
  const taps = new Set(MOBILENET_FEATURE_TAPS.map((t) => t.module));

  const apply = (x: tf.Tensor4D, plan: ModulePlan, mode: Mode): tf.Tensor4D => {
    const { name, stride } = plan;
    if (plan.kind === 'conv_bn') return convBn(store, `${name}.0`, `${name}.1`, x, { kernel: 3, stride, pad: 1 }, mode, 'leakyrelu', MOBILENET_LEAKY_SLOPE);
    const y = convBn(store, `${name}.0`, `${name}.1`, x, { kernel: 3, stride, pad: 1, depthwise: true }, mode, 'leakyrelu', MOBILENET_LEAKY_SLOPE);
    return convBn(store, `${name}.3`, `${name}.4`, y, { kernel: 1 }, mode, 'leakyrelu', MOBILENET_LEAKY_SLOPE);
  };

  return {
    channels: MOBILENET_FEATURE_TAPS.map((t) => t.channels) as [number, number, number, number],
    forward(x, mode) {
      const outputs: tf.Tensor4D[] = [];
      let y = x;
      for (const plan of stages.flat()) {
        y = apply(y, plan, mode);
        if (taps.has(plan.name)) outputs.push(y);
      }
      return outputs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    },
  };
}
