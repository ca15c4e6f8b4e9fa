// The RetinaFace-MobileNet0.25 network (MobileNetV1 x0.25 backbone, 3-level FPN, SSH context
// modules, class/box/landmark heads) with frozen weights, as tfjs ops on NHWC tensors. Layer
// names follow the reference state dict so its .pth loads directly.
import * as tf from '@tensorflow/tfjs';
import { RETINAFACE_MNET } from './config.js';
import { applyConv, disposeConv, type FrozenConv } from './frozenConv.js';
import { loadConv, type StateDictReader } from './weights.js';

interface Ssh {
  conv3x3: FrozenConv;
  conv5x5a: FrozenConv;
  conv5x5b: FrozenConv;
  conv7x7a: FrozenConv;
  conv7x7b: FrozenConv;
}

export interface RetinaFaceNetwork {
  /** Backbone stages 1-3 (outputs at strides 8, 16, 32 feed the FPN). */
  stages: FrozenConv[][];
  fpnLateral: FrozenConv[];
  /** merge1 (level 1) and merge2 (level 2). */
  fpnMerge: FrozenConv[];
  ssh: Ssh[];
  classHeads: FrozenConv[];
  boxHeads: FrozenConv[];
  landmarkHeads: FrozenConv[];
}

export type NetworkOutputs = {
  /** [B, A, 2] background/face logits. */
  logits: tf.Tensor3D;
  /** [B, A, 4] box regressions (dx, dy, dw, dh in variance units). */
  regressions: tf.Tensor3D;
  /** [B, A, 10] landmark regressions. */
  landmarks: tf.Tensor3D;
};

/** Depthwise-separable blocks (conv_dw) of each backbone stage: [in, out, stride]. */
const STAGE_BLOCKS: [number, number, number][][] = [
  [[8, 16, 1], [16, 32, 2], [32, 32, 1], [32, 64, 2], [64, 64, 1]],
  [[64, 128, 2], [128, 128, 1], [128, 128, 1], [128, 128, 1], [128, 128, 1], [128, 128, 1]],
  [[128, 256, 2], [256, 256, 1]],
];
const FPN_IN = [64, 128, 256];
const CHANNELS = 64;
const ANCHORS_PER_LOCATION = 2;

export function loadRetinaFaceNetwork(reader: StateDictReader, config = RETINAFACE_MNET): RetinaFaceNetwork {
  const leaky = config.leakySlope;
  const epsilon = config.batchNormEpsilon;
  const stages = STAGE_BLOCKS.map((blocks, s) => {
    const prefix = `body.stage${s + 1}`;
    const convs: FrozenConv[] = [];
    let index = 0;
    if (s === 0) {
      // conv_bn(3, 8, stride 2): the reference feeds BGR, we feed RGB.
      convs.push(loadConv(reader, { conv: `${prefix}.0.0`, batchNorm: `${prefix}.0.1`, inChannels: 3, outChannels: 8, kernel: 3, stride: 2, leakySlope: leaky, reverseInput: true, epsilon }));
      index = 1;
    }
    for (const [cin, cout, stride] of blocks) {
      const block = `${prefix}.${index++}`;
      convs.push(loadConv(reader, { conv: `${block}.0`, batchNorm: `${block}.1`, inChannels: cin, outChannels: cin, kernel: 3, stride, depthwise: true, leakySlope: leaky, epsilon }));
      convs.push(loadConv(reader, { conv: `${block}.3`, batchNorm: `${block}.4`, inChannels: cin, outChannels: cout, kernel: 1, leakySlope: leaky, epsilon }));
    }
    return convs;
  });
  const convBn = (name: string, cin: number, cout: number, kernel: number, leakySlope?: number): FrozenConv =>
    loadConv(reader, { conv: `${name}.0`, batchNorm: `${name}.1`, inChannels: cin, outChannels: cout, kernel, leakySlope, epsilon });
  const fpnLateral = FPN_IN.map((cin, i) => convBn(`fpn.output${i + 1}`, cin, CHANNELS, 1, leaky));
  const fpnMerge = [1, 2].map((i) => convBn(`fpn.merge${i}`, CHANNELS, CHANNELS, 3, leaky));
  const ssh = [1, 2, 3].map((i) => ({
    conv3x3: convBn(`ssh${i}.conv3X3`, CHANNELS, CHANNELS / 2, 3),
    conv5x5a: convBn(`ssh${i}.conv5X5_1`, CHANNELS, CHANNELS / 4, 3, leaky),
    conv5x5b: convBn(`ssh${i}.conv5X5_2`, CHANNELS / 4, CHANNELS / 4, 3),
    conv7x7a: convBn(`ssh${i}.conv7X7_2`, CHANNELS / 4, CHANNELS / 4, 3, leaky),
    conv7x7b: convBn(`ssh${i}.conv7x7_3`, CHANNELS / 4, CHANNELS / 4, 3),
  }));
  const head = (name: string, perAnchor: number): FrozenConv[] =>
    [0, 1, 2].map((i) => loadConv(reader, { conv: `${name}.${i}.conv1x1`, inChannels: CHANNELS, outChannels: ANCHORS_PER_LOCATION * perAnchor, kernel: 1 }));
  return {
    stages,
    fpnLateral,
    fpnMerge,
    ssh,
    classHeads: head('ClassHead', 2),
    boxHeads: head('BboxHead', 4),
    landmarkHeads: head('LandmarkHead', 10),
  };
}

export function disposeRetinaFaceNetwork(net: RetinaFaceNetwork): void {
  const all = [...net.stages.flat(), ...net.fpnLateral, ...net.fpnMerge, ...net.ssh.flatMap((s) => Object.values(s)), ...net.classHeads, ...net.boxHeads, ...net.landmarkHeads];
  for (const conv of all) disposeConv(conv);
}

/** Source index of PyTorch's F.interpolate(mode="nearest") for each output index. */
export function nearestSourceIndices(inSize: number, outSize: number): Int32Array {
  const indices = new Int32Array(outSize);
  const scale = Math.fround(inSize / outSize); // torch computes the scale in float32
  for (let o = 0; o < outSize; o++) {
    indices[o] = outSize === inSize ? o : outSize === 2 * inSize ? o >> 1 : Math.min(Math.floor(Math.fround(o * scale)), inSize - 1);
  }
  return indices;
}

/** Repeats every row (axis 1) or column (axis 2) twice. */
function repeatTwice(x: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D {
  const shape = [...x.shape] as [number, number, number, number];
  shape[axis] *= 2;
  return tf.reshape(tf.stack([x, x], axis + 1), shape);
}

/**
 * Nearest-neighbour resize to `like`'s spatial size, as F.interpolate(mode="nearest"). Pyramid
 * levels are ceil(H/16) vs ceil(H/32), so the target is always 2n or 2n-1, where torch's indices
 * are exactly "repeat twice, crop" (see nearestSourceIndices); that form is built from concat,
 * reshape and slice, whose gradients every backend has (gather's needs UnsortedSegmentSum,
 * which wasm lacks). Other ratios fall back to gathers.
 */
export function upsampleNearestTo(x: tf.Tensor4D, like: tf.Tensor4D): tf.Tensor4D {
  const [batch, inH, inW, channels] = x.shape;
  const [, outH, outW] = like.shape;
  const doubles = (n: number, out: number) => out === 2 * n || out === 2 * n - 1;
  if (doubles(inH, outH) && doubles(inW, outW)) {
    const repeated = repeatTwice(repeatTwice(x, 1), 2);
    return tf.slice(repeated, [0, 0, 0, 0], [batch, outH, outW, channels]);
  }
  const rows = tf.gather(x, nearestSourceIndices(inH, outH), 1);
  return tf.gather(rows, nearestSourceIndices(inW, outW), 2) as tf.Tensor4D;
}

function sshForward(x: tf.Tensor4D, m: Ssh): tf.Tensor4D {
  const branch3 = applyConv(x, m.conv3x3);
  const mid = applyConv(x, m.conv5x5a);
  const branch5 = applyConv(mid, m.conv5x5b);
  const branch7 = applyConv(applyConv(mid, m.conv7x7a), m.conv7x7b);
  return tf.relu(tf.concat([branch3, branch5, branch7], 3));
}

/** Per-anchor head outputs of one level: [B, H, W, anchors * k] -> [B, H * W * anchors, k]. */
function headForward(x: tf.Tensor4D, head: FrozenConv, perAnchor: number): tf.Tensor3D {
  const out = applyConv(x, head);
  const [batch, height, width] = out.shape;
  return tf.reshape(out, [batch, height * width * ANCHORS_PER_LOCATION, perAnchor]);
}

/** Runs the network on images already normalised as the reference expects (RGB order). */
export function retinaFaceForward(net: RetinaFaceNetwork, input: tf.Tensor4D): NetworkOutputs {
  const levels: tf.Tensor4D[] = [];
  let x = input;
  for (const stage of net.stages) {
    for (const conv of stage) x = applyConv(x, conv);
    levels.push(x);
  }
  const lateral = levels.map((level, i) => applyConv(level, net.fpnLateral[i]));
  const p3 = lateral[2];
  const p2 = applyConv(tf.add(lateral[1], upsampleNearestTo(p3, lateral[1])), net.fpnMerge[1]);
  const p1 = applyConv(tf.add(lateral[0], upsampleNearestTo(p2, lateral[0])), net.fpnMerge[0]);
  const features = [p1, p2, p3].map((p, i) => sshForward(p, net.ssh[i]));
  const heads = (convs: FrozenConv[], k: number) => tf.concat(features.map((f, i) => headForward(f, convs[i], k)), 1) as tf.Tensor3D;
  return {
    logits: heads(net.classHeads, 2),
    regressions: heads(net.boxHeads, 4),
    landmarks: heads(net.landmarkHeads, 10),
  };
}
