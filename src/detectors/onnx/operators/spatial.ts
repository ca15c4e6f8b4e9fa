// Shared by Conv, ConvTranspose and the pools: 2-D kernel attributes, auto_pad, explicit padding.
import * as tf from '@tensorflow/tfjs';
import { OnnxOperatorError, type OperatorContext } from './registry.js';

export interface Window2D {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, bottom, left, right]. */
  pads: [number, number, number, number];
}

function pair(values: number[] | undefined, fallback: number, name: string, context: OperatorContext): [number, number] {
  if (values === undefined) return [fallback, fallback];
  if (values.length !== 2) throw new OnnxOperatorError(context, `only 2-D windows are supported (${name} has ${values.length} entries)`);
  return [values[0], values[1]];
}

/** Kernel, strides, dilations and padding of a 2-D window over an input of spatial size [h, w]. */
export function window2D(context: OperatorContext, kernel: [number, number], inputSize: [number, number]): Window2D {
  const a = context.attributes;
  const strides = pair(a.ints('strides'), 1, 'strides', context);
  const dilations = pair(a.ints('dilations'), 1, 'dilations', context);
  const autoPad = a.string('auto_pad', 'NOTSET');
  let pads: [number, number, number, number];
  if (autoPad === 'NOTSET') {
    const p = a.ints('pads', [0, 0, 0, 0]);
    if (p.length !== 4) throw new OnnxOperatorError(context, `only 2-D windows are supported (pads has ${p.length} entries)`);
    pads = [p[0], p[2], p[1], p[3]];
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const both = [0, 1].map((i) => {
      const effective = (kernel[i] - 1) * dilations[i] + 1;
      const out = Math.ceil(inputSize[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + effective - inputSize[i]);
      const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      return [begin, total - begin];
    });
    pads = [both[0][0], both[0][1], both[1][0], both[1][1]];
  } else {
    throw new OnnxOperatorError(context, `auto_pad "${autoPad}" is not supported`);
  }
  return { kernel, strides, dilations, pads };
}

/** Pads (or, for negative pads, crops) the spatial axes of an NHWC tensor. */
export function padSpatial(x: tf.Tensor4D, pads: [number, number, number, number], value = 0): tf.Tensor4D {
  const [top, bottom, left, right] = pads;
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  let y = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [, h, w] = y.shape;
    const t = Math.max(0, -top);
    const l = Math.max(0, -left);
    y = tf.slice(y, [0, t, l, 0], [-1, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), -1]);
  }
  const p: [number, number][] = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return p.some(([b, e]) => b > 0 || e > 0) ? tf.pad(y, p, value) : y;
}

/**
 * Extra bottom/right padding so that ceil_mode windows exist, following the reference rule that
 * the last window must start inside the input or its begin padding.
 */
export function ceilModeExtra(inSize: number, padBegin: number, padEnd: number, effectiveKernel: number, stride: number): number {
  let out = Math.ceil((inSize + padBegin + padEnd - effectiveKernel) / stride) + 1;
  if ((out - 1) * stride >= inSize + padBegin) out -= 1;
  return Math.max(0, (out - 1) * stride + effectiveKernel - (inSize + padBegin + padEnd));
}

/**
 * An HWIO (or HW-C-multiplier) filter with dilation d expanded into a dense filter with zeros
 * between taps: tfjs cannot differentiate convolutions with dilation > 1, and the expanded filter
 * gives identical outputs. Built from pad/reshape/slice, so it works on any filter tensor.
 */
export function dilateFilter(filter: tf.Tensor4D, dilations: [number, number]): tf.Tensor4D {
  const [dh, dw] = dilations;
  if (dh === 1 && dw === 1) return filter;
  const [kh, kw, i, o] = filter.shape;
  const spread = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, i, o]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, i, o]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o]) as tf.Tensor4D;
}
