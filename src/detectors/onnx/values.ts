// Values flowing through an imported graph, and the layout strategy.
//
// Layout strategy: ONNX graphs are NCHW, tfjs convolutions are NHWC. Rather than transposing
// around every convolution, a rank-4 value may be *stored* channels-last: its tfjs tensor holds
// the logical NCHW tensor permuted to NHWC. Spatial operators (Conv, pools, BatchNormalization,
// Resize, Pad) take and give channels-last values; element-wise operators keep whatever layout
// their inputs have (broadcast operands are permuted to match); Concat and Transpose remap their
// axes; every other operator asks for the logical (ONNX) layout and gets a transposed copy only
// when the value is channels-last. Shapes reported to the graph (Shape, attribute checks) are
// always logical. A detector feeds its NHWC image as a channels-last input, so ULFD-style
// graphs (conv stack, then Transpose(0,2,3,1) + Reshape) run with no layout transposes at all:
// Transpose(0,2,3,1) of a channels-last value is its stored tensor unchanged.
import * as tf from '@tensorflow/tfjs';
import type { HostTensor } from './hostTensor.js';

export type Layout = 'onnx' | 'channelsLast';

/** The physical axis order of a channels-last value: stored axis p holds logical axis CHANNELS_LAST[p]. */
export const CHANNELS_LAST = [0, 2, 3, 1] as const;
/** Inverse permutation: logical axis a is stored at axis LOGICAL_TO_STORED[a]. */
export const LOGICAL_TO_STORED = [0, 3, 1, 2] as const;

export interface OnnxValue {
  readonly tensor: tf.Tensor;
  readonly layout: Layout;
  /** True for initializers, Constant outputs and folded (input-independent) values. */
  readonly constant: boolean;
  /** Host copy of a small constant (shape vectors, axes, pads), read without a device sync. */
  readonly host?: HostTensor;
}

export function onnxValue(tensor: tf.Tensor, constant = false, host?: HostTensor): OnnxValue {
  return { tensor, layout: 'onnx', constant, host };
}

export function channelsLastValue(tensor: tf.Tensor, constant = false): OnnxValue {
  if (tensor.rank !== 4) throw new Error(`a channels-last value must be rank 4, got rank ${tensor.rank}`);
  return { tensor, layout: 'channelsLast', constant };
}

/** The logical (ONNX) shape of a value. */
export function logicalShape(value: OnnxValue): number[] {
  const s = value.tensor.shape as number[];
  return value.layout === 'channelsLast' ? [s[0], s[3], s[1], s[2]] : [...s];
}

/** The value's tensor in ONNX (logical) layout. */
export function logical(value: OnnxValue): tf.Tensor {
  return value.layout === 'channelsLast' ? tf.transpose(value.tensor, [0, 3, 1, 2]) : value.tensor;
}

/** The value's tensor stored NHWC (the value must be rank 4). */
export function storedChannelsLast(value: OnnxValue, where: string): tf.Tensor4D {
  if (value.layout === 'channelsLast') return value.tensor as tf.Tensor4D;
  if (value.tensor.rank !== 4) throw new Error(`${where}: expected a 4-D (NCHW) input, got shape [${value.tensor.shape.join(', ')}]`);
  return tf.transpose(value.tensor, [...CHANNELS_LAST]) as tf.Tensor4D;
}

/**
 * A logical tensor that broadcasts against a rank-4 channels-last tensor, permuted so that it
 * broadcasts against the stored NHWC tensor instead (rank padded to 4 with leading 1s first).
 */
export function broadcastToChannelsLast(tensor: tf.Tensor): tf.Tensor {
  if (tensor.rank === 0) return tensor;
  const shape = [...Array(4 - tensor.rank).fill(1), ...tensor.shape];
  return tf.transpose(tf.reshape(tensor, shape), [...CHANNELS_LAST]);
}

/**
 * Operands of an element-wise operator in a common layout: channels-last when any rank-4 operand
 * is stored channels-last and every other operand has rank <= 4, logical otherwise.
 */
export function alignLayouts(values: OnnxValue[]): { tensors: tf.Tensor[]; layout: Layout } {
  const anyChannelsLast = values.some((v) => v.layout === 'channelsLast');
  const allFit = values.every((v) => v.tensor.rank <= 4);
  if (anyChannelsLast && allFit) {
    return {
      tensors: values.map((v) => (v.layout === 'channelsLast' ? v.tensor : broadcastToChannelsLast(v.tensor))),
      layout: 'channelsLast',
    };
  }
  return { tensors: values.map(logical), layout: 'onnx' };
}

/** Wraps an element-wise result in the layout its operands were aligned to. */
export function valueInLayout(tensor: tf.Tensor, layout: Layout): OnnxValue {
  return layout === 'channelsLast' && tensor.rank === 4 ? channelsLastValue(tensor) : onnxValue(tensor);
}

/** Integer contents of a (small, usually constant) value: from its host copy, else a device read. */
export function readInts(value: OnnxValue): number[] {
  if (value.host) return Array.from(value.host.data, Number);
  return Array.from(logical(value).dataSync(), Number);
}

/** Numeric contents of a small value (scales, bounds); the same read as readInts, for float data. */
export function readFloats(value: OnnxValue): number[] {
  return readInts(value);
}

/** Normalises a possibly negative axis for a given rank. */
export function normaliseAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`${where}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}
