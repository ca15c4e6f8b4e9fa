// Layers of the SLN networks. Two paths, chosen by mode:
// - eval: batch norm is folded into the convolution and the conv, bias and activation run as one
//   fused kernel whose hand-written gradient goes to the input only (the weights are frozen), so
//   an attack's backward pass costs one transposed convolution per layer and nothing else;
// - train: explicit-padding conv, batch statistics with a hand-written batch-norm gradient (six
//   elementwise ops instead of tfjs's generic moments/batchNorm chain), then the activation.
// Grouped convolutions (ResNeXt; tfjs has none) run as one convolution per group on both paths:
// the input channels and the filter's output channels are split into `groups` slices and the
// outputs concatenated along channels.
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import { frozenFusedConv } from '../frozenFusedConv.js';

export type Mode = 'train' | 'eval';
export type Activation = 'linear' | 'relu' | 'leakyrelu';

export interface ConvSpec {
  kernel: number;
  stride?: number;
  /** Symmetric zero padding (PyTorch's Conv2d padding). */
  pad?: number;
  bias?: boolean;
  /** One filter per input channel (filter [k, k, channels, 1]). */
  depthwise?: boolean;
  /**
   * PyTorch's Conv2d groups (default 1): filter [k, k, in / groups, out], output channels
   * [g out / groups, (g + 1) out / groups) read input channels [g in / groups, (g + 1) in / groups).
   * Not combined with depthwise (which has its own filter layout).
   */
  groups?: number;
}

function groupCount(spec: ConvSpec): number {
  const groups = spec.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`conv groups must be a positive integer, got ${groups}`);
  if (groups > 1 && spec.depthwise) throw new Error('a conv is either depthwise or grouped, not both');
  return groups;
}

/**
 * Runs `convolve` once per group on the matching slices of the input's channels and the filter's
 * output channels (and of `bias`, when given) and concatenates the results along channels.
 */
function byGroups(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  groups: number,
  convolve: (x: tf.Tensor4D, filter: tf.Tensor4D, bias?: tf.Tensor1D) => tf.Tensor4D,
  bias?: tf.Tensor1D,
): tf.Tensor4D {
  if (groups === 1) return convolve(x, filter, bias);
  const [, , groupIn, out] = filter.shape;
  if (x.shape[3] !== groupIn * groups || out % groups !== 0) {
    throw new Error(`grouped conv: input channels ${x.shape[3]} and filter [${filter.shape}] do not fit ${groups} groups`);
  }
  const inputs = tf.split(x, groups, 3);
  const filters = tf.split(filter, groups, 3);
  const biases = bias ? tf.split(bias, groups) : undefined;
  return tf.concat(inputs.map((input, g) => convolve(input as tf.Tensor4D, filters[g] as tf.Tensor4D, biases?.[g] as tf.Tensor1D | undefined)), 3) as tf.Tensor4D;
}

export function defineConv(store: ParamStore, name: string, inChannels: number, outChannels: number, spec: ConvSpec): void {
  const groups = groupCount(spec);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`conv ${name}: ${inChannels} -> ${outChannels} channels do not split into ${groups} groups`);
  }
  if (groups > 1) store.convFilter(`${name}.weight`, spec.kernel, spec.kernel, inChannels / groups, outChannels);
  else if (spec.depthwise) store.convFilter(`${name}.weight`, spec.kernel, spec.kernel, inChannels, 1);
  else store.convFilter(`${name}.weight`, spec.kernel, spec.kernel, inChannels, outChannels);
  if (spec.bias) store.constant(`${name}.bias`, [outChannels], 0);
}

/** tfjs reads a numeric pad as that many zeros on every side (no tf.pad copy). */
function padding(spec: ConvSpec): number {
  return spec.pad ?? 0;
}

function plainConv(x: tf.Tensor4D, filter: tf.Tensor4D, spec: ConvSpec): tf.Tensor4D {
  const stride = spec.stride ?? 1;
  if (spec.depthwise) return tf.depthwiseConv2d(x, filter, stride, padding(spec));
  return byGroups(x, filter, groupCount(spec), (input, f) => tf.conv2d(input, f, stride, padding(spec)));
}

function activate(x: tf.Tensor4D, activation: Activation, leakyAlpha: number): tf.Tensor4D {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'leakyrelu') return tf.leakyRelu(x, leakyAlpha);
  return x;
}

/** conv + bias + activation with frozen weights (see ../frozenFusedConv.ts). */
export function frozenConv(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, spec: ConvSpec, activation: Activation = 'linear', leakyAlpha = 0.1): tf.Tensor4D {
  const frozen = { stride: spec.stride, pad: padding(spec), depthwise: spec.depthwise };
  // the activation is elementwise, so it runs inside each group's fused kernel
  return byGroups(x, filter, groupCount(spec), (input, f, b) => frozenFusedConv(input, f, b as tf.Tensor1D, frozen, activation, leakyAlpha), bias);
}

/** A convolution with optional bias and activation (no batch norm). */
export function conv(store: ParamStore, name: string, x: tf.Tensor4D, spec: ConvSpec, mode: Mode = 'train', activation: Activation = 'linear', leakyAlpha = 0.1): tf.Tensor4D {
  const filter = store.get(`${name}.weight`) as tf.Variable<tf.Rank.R4>;
  if (mode === 'eval') {
    const bias = spec.bias ? (store.get(`${name}.bias`) as tf.Variable<tf.Rank.R1>) : tf.zeros([spec.depthwise ? filter.shape[2] : filter.shape[3]]) as tf.Tensor1D;
    return frozenConv(x, filter, bias, spec, activation, leakyAlpha);
  }
  if (spec.bias && !spec.depthwise && groupCount(spec) === 1 && activation !== 'leakyrelu') {
    // training needs the filter gradient anyway, so the fused kernel costs nothing extra here
    return tf.fused.conv2d({ x, filter, strides: spec.stride ?? 1, pad: padding(spec), bias: store.get(`${name}.bias`), activation });
  }
  let y = plainConv(x, filter, spec);
  if (spec.bias) y = tf.add(y, store.get(`${name}.bias`));
  return activate(y, activation, leakyAlpha);
}

export function defineBatchNorm(store: ParamStore, name: string, channels: number): void {
  store.constant(`${name}.weight`, [channels], 1);
  store.constant(`${name}.bias`, [channels], 0);
  store.buffer(`${name}.running_mean`, [channels], 0);
  store.buffer(`${name}.running_var`, [channels], 1);
}

/**
 * Training-mode batch norm over [N, H, W, C] with batch statistics; running averages updated
 * (PyTorch's momentum and unbiased variance). Backward, with x^ the normalised input and M = NHW:
 * dbeta = sum dy, dgamma = sum dy x^, dx = gamma / sigma (dy - dbeta / M - x^ dgamma / M).
 */
export function batchNormTrain(store: ParamStore, name: string, x: tf.Tensor4D, momentum = 0.1, epsilon = 1e-5): tf.Tensor4D {
  const gamma = store.get(`${name}.weight`);
  const beta = store.get(`${name}.bias`);
  const runningMean = store.get(`${name}.running_mean`);
  const runningVar = store.get(`${name}.running_var`);
  if (tf.getBackend() === 'torch') return batchNormTrainNative(x, gamma, beta, runningMean, runningVar, momentum, epsilon);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    const count = input.size / input.shape[3];
    tf.tidy(() => {
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * count) / Math.max(1, count - 1))));
    });
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(tf.sub(input, mean), invStd) as tf.Tensor4D;
    save([normalised, invStd, g]);
    return {
      value: tf.add(tf.mul(normalised, g), b) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xHat, inv, scale] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, xHat), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xHat, tf.div(dGamma, count)));
        const dx = tf.mul(centred, tf.mul(scale, inv));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** The same on the torch backend: ATen's fused batch-norm kernels, forward and backward. */
function batchNormTrainNative(x: tf.Tensor4D, gamma: tf.Variable, beta: tf.Variable, runningMean: tf.Variable, runningVar: tf.Variable, momentum: number, epsilon: number): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const [y, batchMean, batchInvStd, newMean, newVar] = tf.engine().runKernel(
      'TorchBatchNormTrain', { x: input, scale: g, offset: b, runningMean, runningVariance: runningVar }, { momentum, epsilon },
    ) as tf.Tensor[];
    runningMean.assign(newMean as tf.Tensor1D);
    runningVar.assign(newVar as tf.Tensor1D);
    tf.dispose([newMean!, newVar!]);
    save([input, g, batchMean!, batchInvStd!]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, scale, mean, invStd] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        return tf.engine().runKernel('TorchBatchNormTrainGrad', { dy, x: xs, scale, batchMean: mean, batchInvStd: invStd }, { epsilon }) as tf.Tensor[];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** Batch norm: batch statistics in training (running averages updated), running ones in eval. */
export function batchNorm(store: ParamStore, name: string, x: tf.Tensor4D, mode: Mode, momentum = 0.1, epsilon = 1e-5): tf.Tensor4D {
  if (mode === 'train') return batchNormTrain(store, name, x, momentum, epsilon);
  return tf.batchNorm(x, store.get(`${name}.running_mean`), store.get(`${name}.running_var`), store.get(`${name}.bias`), store.get(`${name}.weight`), epsilon) as tf.Tensor4D;
}

/**
 * conv -> batch norm -> activation. In eval mode the batch norm is folded into the filter and a
 * bias (w' = w gamma / sigma, b' = beta - mean gamma / sigma), cached by the store until a weight
 * changes, and the whole layer is one frozen fused convolution.
 */
export function convBn(store: ParamStore, convName: string, bnName: string, x: tf.Tensor4D, spec: ConvSpec, mode: Mode, activation: Activation = 'linear', leakyAlpha = 0.1, epsilon = 1e-5): tf.Tensor4D {
  if (mode === 'train') return activate(batchNormTrain(store, bnName, plainConv(x, store.get(`${convName}.weight`) as tf.Tensor4D, spec), 0.1, epsilon), activation, leakyAlpha);
  const sources = [`${convName}.weight`, `${bnName}.weight`, `${bnName}.bias`, `${bnName}.running_mean`, `${bnName}.running_var`].map((n) => store.get(n));
  const [folded, bias] = store.derived(`fold:${convName}:${bnName}:${epsilon}`, sources, () => {
    const [filter, gamma, beta, mean, variance] = sources as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)));
    // the scale runs along the output channels: the last axis (grouped filters too), or the channel axis of a depthwise filter
    return [spec.depthwise ? tf.mul(filter, tf.reshape(scale, [1, 1, -1, 1])) : tf.mul(filter, scale), tf.sub(beta, tf.mul(mean, scale))];
  }) as [tf.Tensor4D, tf.Tensor1D];
  return frozenConv(x, folded, bias, spec, activation, leakyAlpha);
}

/** 3x3 max pooling, stride 2, padding 1 (ResNet's stem), with -inf padding as PyTorch. */
export function maxPoolStem(x: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -1e30);
  return tf.maxPool(padded, 3, 2, 'valid');
}

/**
 * Bilinear x2 upsampling with half-pixel centres (PyTorch's align_corners=False, edges clamped),
 * cropped to (height, width): out[2i] = 0.25 x[i-1] + 0.75 x[i], out[2i+1] = 0.75 x[i] + 0.25 x[i+1].
 * On the torch backend this is its native resize and gradient. Elsewhere the forward is the
 * backend's resize and the gradient is written here (the cpu backend's resizeBilinear gradient
 * fails for non-square maps, wasm has none; slice/stack formulations cost seconds in Unpack and
 * SplitV on wasm): the adjoint is dx[i] = 0.25 dy[2i-1] + 0.75 dy[2i] + 0.75 dy[2i+1] + 0.25 dy[2i+2],
 * a stride-2 depthwise convolution with [0.25, 0.75, 0.75, 0.25] in each direction over dy,
 * zero-filled to 2h x 2w (cropped outputs carry no gradient) and edge-replicated by one (the
 * clamped taps at both ends).
 */
export function upsample2x(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const crop = (t: tf.Tensor4D) => (height === 2 * h && width === 2 * w ? t : tf.slice(t, [0, 0, 0, 0], [-1, height, width, -1]));
  if (tf.getBackend() === 'torch') return crop(tf.image.resizeBilinear(x, [2 * h, 2 * w], false, true));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input] = args as [tf.Tensor4D];
    return {
      value: crop(tf.image.resizeBilinear(input, [2 * h, 2 * w], false, true)),
      gradFunc: (dy: tf.Tensor4D) => [upsample2xAdjoint(dy, h, w)],
    };
  });
  return op(x) as tf.Tensor4D;
}

const TAPS = [0.25, 0.75, 0.75, 0.25];

function upsample2xAdjoint(dy: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const [, height, width, channels] = dy.shape;
  const full = tf.pad(dy, [[0, 0], [0, 2 * h - height], [0, 2 * w - width], [0, 0]]);
  const edge = (t: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
    const n = t.shape[axis];
    const first = axis === 1 ? tf.slice(t, [0, 0, 0, 0], [-1, 1, -1, -1]) : tf.slice(t, [0, 0, 0, 0], [-1, -1, 1, -1]);
    const last = axis === 1 ? tf.slice(t, [0, n - 1, 0, 0], [-1, 1, -1, -1]) : tf.slice(t, [0, 0, n - 1, 0], [-1, -1, 1, -1]);
    return tf.concat([first, t, last], axis);
  };
  const padded = edge(edge(full, 1), 2);
  const kernel = TAPS.flatMap((a) => TAPS.map((b) => a * b));
  const filter = tf.tile(tf.tensor4d(kernel, [4, 4, 1, 1]), [1, 1, channels, 1]) as tf.Tensor4D;
  return tf.depthwiseConv2d(padded, filter, 2, 'valid');
}
