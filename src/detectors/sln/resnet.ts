// ResNet backbones (He et al. 2016) and ResNeXt (Xie et al. 2017) with torchvision's parameter
// names, returning C2..C5 (strides 4, 8, 16, 32) for the FPN. A bottleneck block's 3x3 conv has
// torchvision's inner width int(planes * widthPerGroup / 64) * groups (planes for a plain ResNet)
// and is a grouped convolution when groups > 1; the block's output stays planes * 4.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import { convBn, defineBatchNorm, defineConv, maxPoolStem, type Mode } from './layers.js';

export interface ResNetSpec {
  block: 'basic' | 'bottleneck';
  layers: [number, number, number, number];
  /** Groups of each bottleneck's 3x3 conv (ResNeXt's cardinality); 1 when absent. */
  groups?: number;
  /** Channels per group of that conv (torchvision's width_per_group); 64 when absent. */
  widthPerGroup?: number;
}

export const RESNET_SPECS: Record<string, ResNetSpec> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  // torchvision's resnext101_32x8d: inner widths 256, 512, 1024, 2048 in 32 groups (~88.8M parameters)
  resnext101_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], groups: 32, widthPerGroup: 8 },
};

const WIDTHS = [64, 128, 256, 512];

export interface Backbone {
  /** Channels of C2..C5. */
  channels: [number, number, number, number];
  forward(x: tf.Tensor4D, mode: Mode): [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
}

export function defineResNet(store: ParamStore, spec: ResNetSpec): Backbone {
  const expansion = spec.block === 'basic' ? 1 : 4;
  const groups = spec.groups ?? 1;
  const widthPerGroup = spec.widthPerGroup ?? 64;
  if (spec.block === 'basic' && (groups !== 1 || widthPerGroup !== 64)) throw new Error('basic ResNet blocks support only groups = 1 and width per group 64');
  defineConv(store, 'conv1', 3, 64, { kernel: 7 });
  defineBatchNorm(store, 'bn1', 64);
  /** planes: the stage's nominal width (output planes * expansion); width: the bottleneck's inner width. */
  interface BlockPlan { name: string; inChannels: number; planes: number; width: number; stride: number; downsample: boolean }
  const stages: BlockPlan[][] = [];
  let inChannels = 64;
  spec.layers.forEach((count, stage) => {
    const planes = WIDTHS[stage] as number;
    const width = spec.block === 'basic' ? planes : Math.floor((planes * widthPerGroup) / 64) * groups;
    const blocks: BlockPlan[] = [];
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const downsample = i === 0 && (stride !== 1 || inChannels !== planes * expansion);
      const name = `layer${stage + 1}.${i}`;
      if (spec.block === 'basic') {
        defineConv(store, `${name}.conv1`, inChannels, width, { kernel: 3 });
        defineBatchNorm(store, `${name}.bn1`, width);
        defineConv(store, `${name}.conv2`, width, width, { kernel: 3 });
        defineBatchNorm(store, `${name}.bn2`, width);
      } else {
        defineConv(store, `${name}.conv1`, inChannels, width, { kernel: 1 });
        defineBatchNorm(store, `${name}.bn1`, width);
        defineConv(store, `${name}.conv2`, width, width, { kernel: 3, groups });
        defineBatchNorm(store, `${name}.bn2`, width);
        defineConv(store, `${name}.conv3`, width, planes * expansion, { kernel: 1 });
        defineBatchNorm(store, `${name}.bn3`, planes * expansion);
      }
      if (downsample) {
        defineConv(store, `${name}.downsample.0`, inChannels, planes * expansion, { kernel: 1 });
        defineBatchNorm(store, `${name}.downsample.1`, planes * expansion);
      }
      blocks.push({ name, inChannels, planes, width, stride, downsample });
      inChannels = planes * expansion;
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
      y = convBn(store, `${b.name}.conv2`, `${b.name}.bn2`, y, { kernel: 3, stride: b.stride, pad: 1, groups }, mode, 'relu');
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
