// Layers of the SLN networks as plain, unfused tfjs ops (fused conv with bias computes filter
// gradients eagerly; resizeBilinear's gradient fails for non-square maps on the cpu backend).
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';

export type Mode = 'train' | 'eval';

export interface ConvSpec {
  kernel: number;
  stride?: number;
  /** Symmetric zero padding (PyTorch's Conv2d padding). */
  pad?: number;
  bias?: boolean;
}

export function defineConv(store: ParamStore, name: string, inChannels: number, outChannels: number, spec: ConvSpec): void {
  store.convFilter(`${name}.weight`, spec.kernel, spec.kernel, inChannels, outChannels);
  if (spec.bias) store.constant(`${name}.bias`, [outChannels], 0);
}

export function conv(store: ParamStore, name: string, x: tf.Tensor4D, spec: ConvSpec): tf.Tensor4D {
  const pad = spec.pad ?? 0;
  const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : x;
  const y = tf.conv2d(padded, store.get(`${name}.weight`) as tf.Tensor4D, spec.stride ?? 1, 'valid');
  return spec.bias ? (tf.add(y, store.get(`${name}.bias`)) as tf.Tensor4D) : y;
}

export function defineBatchNorm(store: ParamStore, name: string, channels: number): void {
  store.constant(`${name}.weight`, [channels], 1);
  store.constant(`${name}.bias`, [channels], 0);
  store.buffer(`${name}.running_mean`, [channels], 0);
  store.buffer(`${name}.running_var`, [channels], 1);
}

/** Batch norm: batch statistics in training (running averages updated), running ones in eval. */
export function batchNorm(store: ParamStore, name: string, x: tf.Tensor4D, mode: Mode, momentum = 0.1, epsilon = 1e-5): tf.Tensor4D {
  const gamma = store.get(`${name}.weight`);
  const beta = store.get(`${name}.bias`);
  const runningMean = store.get(`${name}.running_mean`);
  const runningVar = store.get(`${name}.running_var`);
  if (mode === 'eval') return tf.batchNorm(x, runningMean, runningVar, beta, gamma, epsilon) as tf.Tensor4D;
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  tf.tidy(() => {
    const n = x.size / x.shape[3];
    runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
    runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / Math.max(1, n - 1))));
  });
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon) as tf.Tensor4D;
}

/** 3x3 max pooling, stride 2, padding 1 (ResNet's stem), with -inf padding as PyTorch. */
export function maxPoolStem(x: tf.Tensor4D): tf.Tensor4D {
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], -1e30);
  return tf.maxPool(padded, 3, 2, 'valid');
}

/**
 * Bilinear x2 upsampling with half-pixel centres (PyTorch's align_corners=False, edges clamped),
 * cropped to (height, width). Built from slices and a reshape so its gradient works everywhere:
 * out[2i] = 0.25 x[i-1] + 0.75 x[i], out[2i+1] = 0.75 x[i] + 0.25 x[i+1].
 */
export function upsample2x(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const along = (t: tf.Tensor4D, axis: 1 | 2): tf.Tensor4D => {
    const n = t.shape[axis];
    const first = tf.slice(t, axis === 1 ? [0, 0, 0, 0] : [0, 0, 0, 0], axis === 1 ? [-1, 1, -1, -1] : [-1, -1, 1, -1]);
    const last = tf.slice(t, axis === 1 ? [0, n - 1, 0, 0] : [0, 0, n - 1, 0], axis === 1 ? [-1, 1, -1, -1] : [-1, -1, 1, -1]);
    const previous = n > 1 ? tf.concat([first, tf.slice(t, [0, 0, 0, 0], axis === 1 ? [-1, n - 1, -1, -1] : [-1, -1, n - 1, -1])], axis) : first;
    const next = n > 1 ? tf.concat([tf.slice(t, axis === 1 ? [0, 1, 0, 0] : [0, 0, 1, 0], axis === 1 ? [-1, n - 1, -1, -1] : [-1, -1, n - 1, -1]), last], axis) : last;
    const even = tf.add(tf.mul(previous, 0.25), tf.mul(t, 0.75));
    const odd = tf.add(tf.mul(t, 0.75), tf.mul(next, 0.25));
    const [b, h, w, c] = t.shape;
    const interleaved = tf.stack([even, odd], axis + 1);
    return (axis === 1 ? tf.reshape(interleaved, [b, 2 * h, w, c]) : tf.reshape(interleaved, [b, h, 2 * w, c])) as tf.Tensor4D;
  };
  const up = along(along(x, 1), 2);
  return tf.slice(up, [0, 0, 0, 0], [-1, height, width, -1]);
}
