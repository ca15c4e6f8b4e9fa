// Operators that move data without computing on it (shape, indexing, joining). They work on the
// logical (ONNX) layout, except Concat, Transpose, Slice and Split, which remap their axes onto
// channels-last values instead of transposing them.
import * as tf from '@tensorflow/tfjs';
import { hostFromTensor, makeHostTensor, tensorFromHost, type HostTensor } from '../hostTensor.js';
import {
  LOGICAL_TO_STORED,
  channelsLastValue,
  logical,
  logicalShape,
  normaliseAxis,
  onnxValue,
  readInts,
  type OnnxValue,
} from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorContext } from './registry.js';

function product(values: number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** A new value with a host copy when it is small (shape arithmetic stays readable without a sync). */
function withHost(tensor: tf.Tensor): OnnxValue {
  return onnxValue(tensor, false, tensor.size <= 64 && tensor.dtype !== 'float32' ? hostFromTensor(tensor) : undefined);
}

/** Integer list from an attribute (older opsets) or an input (newer ones); undefined when absent. */
function intsFromAttributeOrInput(
  context: OperatorContext,
  inputs: (OnnxValue | undefined)[],
  name: string,
  inputIndex: number,
  inputSinceOpset: number,
): number[] | undefined {
  if (context.opset < inputSinceOpset) return context.attributes.ints(name);
  const value = inputs[inputIndex];
  return value ? readInts(value) : context.attributes.ints(name);
}

registerOperator('Constant', (_inputs, context) => {
  const a = context.attributes;
  let host: HostTensor | undefined = a.tensor('value');
  if (!host && a.has('value_float')) host = makeHostTensor([], 'float32', [a.float('value_float', 0)]);
  if (!host && a.has('value_floats')) host = makeHostTensor([a.floats('value_floats')!.length], 'float32', a.floats('value_floats')!);
  if (!host && a.has('value_int')) host = makeHostTensor([], 'int32', [a.int('value_int', 0)]);
  if (!host && a.has('value_ints')) host = makeHostTensor([a.ints('value_ints')!.length], 'int32', a.ints('value_ints')!);
  if (!host) throw new OnnxOperatorError(context, `unsupported Constant attribute (${a.names().join(', ')})`);
  return [onnxValue(tensorFromHost(host), true, host)];
});

registerOperator('ConstantOfShape', (inputs, context) => {
  const shape = readInts(requiredInput(inputs, 0, context));
  const value = context.attributes.tensor('value') ?? makeHostTensor([1], 'float32', [0]);
  return [onnxValue(tf.fill(shape, value.data[0], value.dtype === 'bool' ? 'bool' : value.dtype))];
});

registerOperator('Shape', (inputs, context) => {
  const shape = logicalShape(requiredInput(inputs, 0, context));
  const rank = shape.length;
  const clampAxis = (a: number) => Math.min(rank, Math.max(0, a < 0 ? a + rank : a));
  const start = clampAxis(context.attributes.int('start', 0));
  const end = clampAxis(context.attributes.int('end', rank));
  const host = makeHostTensor([Math.max(0, end - start)], 'int32', shape.slice(start, end));
  return [onnxValue(tensorFromHost(host), false, host)];
});

registerOperator('Size', (inputs, context) => {
  const host = makeHostTensor([], 'int32', [product(logicalShape(requiredInput(inputs, 0, context)))]);
  return [onnxValue(tensorFromHost(host), false, host)];
});

registerOperator('Reshape', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = context.opset < 5 ? context.attributes.ints('shape', []) : readInts(requiredInput(inputs, 1, context));
  const inShape = logicalShape(x);
  const allowZero = context.attributes.int('allowzero', 0) === 1;
  // 0 copies the input's dimension (unless allowzero); -1 is inferred by tfjs.
  const target = shape.map((d, i) => (d === 0 && !allowZero ? inShape[i] : d));
  return [withHost(tf.reshape(logical(x), target))];
});

registerOperator('Flatten', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = logicalShape(x);
  const axis = context.attributes.int('axis', 1);
  const a = axis < 0 ? axis + shape.length : axis;
  return [onnxValue(tf.reshape(logical(x), [product(shape.slice(0, a)), product(shape.slice(a))]))];
});

registerOperator('Transpose', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const rank = x.tensor.rank;
  const perm = context.attributes.ints('perm') ?? [...Array(rank).keys()].reverse();
  // On a channels-last value, logical axis perm[i] is stored at LOGICAL_TO_STORED[perm[i]].
  const stored = x.layout === 'channelsLast' ? perm.map((p) => LOGICAL_TO_STORED[p]) : perm;
  const identity = stored.every((p, i) => p === i);
  return [onnxValue(identity ? x.tensor : tf.transpose(x.tensor, stored))];
});

registerOperator('Squeeze', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = logicalShape(x);
  const axes = intsFromAttributeOrInput(context, inputs, 'axes', 1, 13);
  const drop = new Set((axes ?? shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normaliseAxis(a, shape.length, context.where)));
  return [withHost(tf.reshape(logical(x), shape.filter((_, i) => !drop.has(i))))];
});

registerOperator('Unsqueeze', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = logicalShape(x);
  const axes = intsFromAttributeOrInput(context, inputs, 'axes', 1, 13);
  if (!axes) throw new OnnxOperatorError(context, 'axes are required');
  const rank = shape.length + axes.length;
  const inserted = new Set(axes.map((a) => normaliseAxis(a, rank, context.where)));
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(inserted.has(i) ? 1 : shape[next++]);
  return [withHost(tf.reshape(logical(x), out))];
});

registerOperator('Concat', (inputs, context) => {
  const values = inputs.filter((v): v is OnnxValue => v !== undefined && v.tensor.size > 0);
  if (values.length === 0) return [onnxValue(tf.clone(logical(requiredInput(inputs, 0, context))))];
  const rank = values[0].tensor.rank;
  const axis = normaliseAxis(context.attributes.int('axis', 0), rank, context.where);
  const toFloat = values.some((v) => v.tensor.dtype === 'float32') && values.some((v) => v.tensor.dtype !== 'float32');
  const cast = (t: tf.Tensor) => (toFloat ? tf.cast(t, 'float32') : t);
  if (rank === 4 && values.some((v) => v.layout === 'channelsLast')) {
    const tensors = values.map((v) => cast(v.layout === 'channelsLast' ? v.tensor : tf.transpose(v.tensor, [0, 2, 3, 1])));
    return [channelsLastValue(tf.concat(tensors, LOGICAL_TO_STORED[axis]))];
  }
  const out = tf.concat(values.map((v) => cast(logical(v))), axis);
  return [withHost(out)];
});

/** Indices picked along one axis by ONNX Slice semantics (negative steps included). */
function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  if (step === 0) throw new Error('Slice step 0');
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  const picked: number[] = [];
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    for (let i = s; i < e; i += step) picked.push(i);
  } else {
    s = Math.min(Math.max(s, 0), dim - 1);
    e = Math.min(Math.max(e, -1), dim - 1);
    for (let i = s; i > e; i += step) picked.push(i);
  }
  return picked;
}

registerOperator('Slice', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = logicalShape(x);
  const rank = shape.length;
  const starts = intsFromAttributeOrInput(context, inputs, 'starts', 1, 10);
  const ends = intsFromAttributeOrInput(context, inputs, 'ends', 2, 10);
  if (!starts || !ends) throw new OnnxOperatorError(context, 'starts and ends are required');
  const axes = intsFromAttributeOrInput(context, inputs, 'axes', 3, 10) ?? starts.map((_, i) => i);
  const steps = (context.opset >= 10 && inputs[4] ? readInts(inputs[4]) : undefined) ?? starts.map(() => 1);
  // Work on the stored tensor; a channels-last value has its axes remapped.
  const storedAxis = (a: number) => (x.layout === 'channelsLast' ? LOGICAL_TO_STORED[a] : a);
  let y = x.tensor;
  const begin = Array(rank).fill(0);
  const size = Array(rank).fill(-1);
  const gathers: [number, number[]][] = [];
  axes.forEach((axisIn, i) => {
    const axis = normaliseAxis(axisIn, rank, context.where);
    const picked = sliceIndices(shape[axis], starts[i], ends[i], steps[i]);
    const contiguous = picked.every((p, k) => p === picked[0] + k);
    if (contiguous) {
      begin[storedAxis(axis)] = picked.length > 0 ? picked[0] : 0;
      size[storedAxis(axis)] = picked.length;
    } else gathers.push([storedAxis(axis), picked]);
  });
  if (size.some((s) => s !== -1)) y = tf.slice(y, begin, size);
  for (const [axis, picked] of gathers) y = tf.gather(y, tf.tensor1d(picked, 'int32'), axis);
  if (y === x.tensor) y = tf.clone(y);
  return [x.layout === 'channelsLast' ? channelsLastValue(y) : withHost(y)];
});

registerOperator('Split', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const shape = logicalShape(x);
  const axis = normaliseAxis(context.attributes.int('axis', 0), shape.length, context.where);
  const count = context.node.outputs.length;
  let sizes = intsFromAttributeOrInput(context, inputs, 'split', 1, 13);
  if (!sizes) {
    const n = context.attributes.int('num_outputs', count);
    const chunk = Math.ceil(shape[axis] / n);
    sizes = Array.from({ length: n }, (_, i) => Math.min(chunk, shape[axis] - i * chunk));
  }
  const storedAxis = x.layout === 'channelsLast' ? LOGICAL_TO_STORED[axis] : axis;
  const parts = tf.split(x.tensor, sizes, storedAxis);
  return parts.map((p) => (x.layout === 'channelsLast' ? channelsLastValue(p) : withHost(p)));
});

registerOperator('Gather', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const indicesValue = requiredInput(inputs, 1, context);
  const shape = logicalShape(x);
  const axis = normaliseAxis(context.attributes.int('axis', 0), shape.length, context.where);
  const indexShape = logicalShape(indicesValue);
  let indices: tf.Tensor;
  if (indicesValue.host) {
    const wrapped = Array.from(indicesValue.host.data, (i) => (i < 0 ? i + shape[axis] : i));
    indices = tf.tensor1d(wrapped, 'int32');
  } else {
    const flat = tf.cast(tf.reshape(logical(indicesValue), [-1]), 'int32');
    indices = tf.where(tf.less(flat, 0), tf.add(flat, shape[axis]), flat);
  }
  const gathered = tf.gather(logical(x), indices, axis);
  const outShape = [...shape.slice(0, axis), ...indexShape, ...shape.slice(axis + 1)];
  return [withHost(tf.reshape(gathered, outShape))];
});

registerOperator('Expand', (inputs, context) => {
  const x = logical(requiredInput(inputs, 0, context));
  const target = readInts(requiredInput(inputs, 1, context));
  const rank = Math.max(x.rank, target.length);
  const xShape = [...Array(rank - x.rank).fill(1), ...x.shape];
  const tShape = [...Array(rank - target.length).fill(1), ...target];
  const outShape = xShape.map((d, i) => (d === 1 ? tShape[i] : d));
  return [withHost(tf.broadcastTo(tf.reshape(x, xShape), outShape))];
});

registerOperator('Tile', (inputs, context) => {
  const x = logical(requiredInput(inputs, 0, context));
  return [withHost(tf.tile(x, readInts(requiredInput(inputs, 1, context))))];
});

registerOperator('Range', (inputs, context) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => readInts(requiredInput(inputs, i, context))[0]);
  const dtype = requiredInput(inputs, 0, context).tensor.dtype === 'float32' ? 'float32' : 'int32';
  return [withHost(tf.range(start, limit, delta, dtype))];
});
