// ResNet backbones (He et al. 2016) with torchvision's parameter names, returning C2..C5
// (strides 4, 8, 16, 32) for the FPN.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import { convBn, defineBatchNorm, defineConv, maxPoolStem, type Mode } from './layers.js';

export interface ResNetSpec {
  block: 'basic' | 'bottleneck';
  layers: [number, number, number, number];
}

export const RESNET_SPECS: Record<string, ResNetSpec> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
};

const WIDTHS = [64, 128, 256, 512];

export interface Backbone {
  /** Channels of C2..C5. */
  channels: [number, number, number, number];
  forward(x: tf.Tensor4D, mode: Mode): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
}

export function defineResNet(store: ParamStore, spec: ResNetSpec): Backbone {
  const expansion = spec.block === 'basic' ? 1 : 4;
  defineConv(store, 'conv1', 3, 64, { kernel: 7 });
  defineBatchNorm(store, 'bn1', 64);
  interface BlockPlan { name: string; inChannels: number; width: number; stride: number; downsample: boolean }
  const stages: BlockPlan[][] = [];
  let inChannels = 64;
  spec.layers.forEach((count, stage) => {
    const width = WIDTHS[stage] as number;
    const blocks: BlockPlan[] = [];
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const downsample = i === 0 && (stride !== 1 || inChannels !== width * expansion);
      const name = `layer${stage + 1}.${i}`;
      if (spec.block === 'basic') {
        defineConv(store, `${name}.conv1`, inChannels, width, { kernel: 3 });
        defineBatchNorm(store, `${name}.bn1`, width);
        defineConv(store, `${name}.conv2`, width, width, { kernel: 3 });
        defineBatchNorm(store, `${name}.bn2`, width);
      } else {
        defineConv(store, `${name}.conv1`, inChannels, width, { kernel: 1 });
        defineBatchNorm(store, `${name}.bn1`, width);
        defineConv(store, `${name}.conv2`, width, width, { kernel: 3 });
        defineBatchNorm(store, `${name}.bn2`, width);
        defineConv(store, `${name}.conv3`, width, width * expansion, { kernel: 1 });
        defineBatchNorm(store, `${name}.bn3`, width * expansion);
      }
      if (downsample) {
        defineConv(store, `${name}.downsample.0`, inChannels, width * expansion, { kernel: 1 });
        defineBatchNorm(store, `${name}.downsample.1`, width * expansion);
      }
      blocks.push({ name, inChannels, width, stride, downsample });
      inChannels = width * expansion;
    }
    stages.push(blocks);
  });

  const block = (x: tf.Tensor4D, b: BlockPlan, mode: Mode): tf.Tensor4D => {
    let y: tf.Tensor4D;
    if (spec.block === 'basic') {
      y = convBn(store, `${b.name}.conv1`, `${b.name}.bn1`, x, { kernel: 3, stride: b.stride, pad: 1 }, mode, 'relu');
      y = convBn(store, `${b.name}.conv2`, `${b.name}.bn2`, y, { kernel: 3, pad: 1 }, mode);
    } else {
      y = convBn(store, `${b.name}.conv1`, `${b.name}.bn1`, x, { kernel: 1 }, mode, 'relu');
      y = convBn(store, `${b.name}.conv2`, `${b.name}.bn2`, y, { kernel: 3, stride: b.stride, pad: 1 }, mode, 'relu');
      y = convBn(store, `${b.name}.conv3`, `${b.name}.bn3`, y, { kernel: 1 }, mode);
    }
    const shortcut = b.downsample
      ? convBn(store, `${b.name}.downsample.0`, `${b.name}.downsample.1`, x, { kernel: 1, stride: b.stride }, mode)
      : x;
    return tf.relu(tf.add(y, shortcut)) as tf.Tensor4D;
  };

  return {
    channels: WIDTHS.map((w) => w * expansion) as [number, number, number, number],
    forward(x, mode) {
      let y = convBn(store, 'conv1', 'bn1', x, { kernel: 7, stride: 2, pad: 3 }, mode, 'relu');
      y = maxPoolStem(y);
      const outputs: tf.Tensor4D[] = [];
      for (const stage of stages) {
        for (const b of stage) y = block(y, b, mode);
        outputs.push(y);
      }
      return outputs as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    },
  };
}
