// Softmax, matrix products, reductions and Pad, on the logical (ONNX) layout.
import * as tf from '@tensorflow/tfjs';
import { LOGICAL_TO_STORED, channelsLastValue, logical, normaliseAxis, onnxValue, readFloats, readInts } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorRun } from './registry.js';

/**
 * Softmax before opset 13 flattens to 2-D at `axis` (default 1) and normalises the trailing
 * block; from opset 13 it normalises one axis (default -1).
 */
function softmaxLike(fn: (t: tf.Tensor) => tf.Tensor): OperatorRun {
  return (inputs, context) => {
    const x = logical(requiredInput(inputs, 0, context));
    const rank = x.rank;
    if (context.opset < 13) {
      const axis = normaliseAxis(context.attributes.int('axis', 1), rank, context.where);
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      return [onnxValue(tf.reshape(fn(tf.reshape(x, [outer, -1])), x.shape))];
    }
    const axis = normaliseAxis(context.attributes.int('axis', -1), rank, context.where);
    if (axis === rank - 1) return [onnxValue(fn(x))];
    const perm = [...Array(rank).keys()];
    perm[axis] = rank - 1;
    perm[rank - 1] = axis;
    return [onnxValue(tf.transpose(fn(tf.transpose(x, perm)), perm))];
  };
}

registerOperator('Softmax', softmaxLike((t) => tf.softmax(t)));
registerOperator('LogSoftmax', softmaxLike((t) => tf.logSoftmax(t)));

registerOperator('MatMul', (inputs, context) => {
  let a = logical(requiredInput(inputs, 0, context));
  let b = logical(requiredInput(inputs, 1, context));
  const aVector = a.rank === 1;
  const bVector = b.rank === 1;
  if (aVector) a = tf.reshape(a, [1, -1]);
  if (bVector) b = tf.reshape(b, [-1, 1]);
  let y = tf.matMul(a, b);
  if (aVector) y = tf.squeeze(y, [y.rank - 2]);
  if (bVector) y = tf.squeeze(y, [y.rank - 1]);
  return [onnxValue(y)];
});

registerOperator('Gemm', (inputs, context) => {
  const a = context.attributes;
  const x = logical(requiredInput(inputs, 0, context)) as tf.Tensor2D;
  const w = logical(requiredInput(inputs, 1, context)) as tf.Tensor2D;
  let y = tf.matMul(x, w, a.int('transA', 0) === 1, a.int('transB', 0) === 1);
  const alpha = a.float('alpha', 1);
  if (alpha !== 1) y = tf.mul(y, alpha);
  if (inputs[2]) {
    const beta = a.float('beta', 1);
    const c = logical(inputs[2]);
    y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
  }
  return [onnxValue(y)];
});

type Reduction = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor;

function registerReduce(opType: string, fn: Reduction, axesInputSinceOpset: number): void {
  registerOperator(opType, (inputs, context) => {
    const x = logical(requiredInput(inputs, 0, context));
    const keepDims = context.attributes.int('keepdims', 1) === 1;
    const fromInput = context.opset >= axesInputSinceOpset && inputs[1] && inputs[1].tensor.size > 0 ? readInts(inputs[1]) : undefined;
    let axes = fromInput ?? context.attributes.ints('axes');
    if (!axes || axes.length === 0) {
      if (context.attributes.int('noop_with_empty_axes', 0) === 1) return [onnxValue(tf.clone(x))];
      axes = [...Array(x.rank).keys()];
    }
    return [onnxValue(fn(x, axes.map((ax) => normaliseAxis(ax, x.rank, context.where)), keepDims))];
  });
}

registerReduce('ReduceMean', (x, axes, k) => tf.mean(x, axes, k), 18);
registerReduce('ReduceSum', (x, axes, k) => tf.sum(x, axes, k), 13);
registerReduce('ReduceMax', (x, axes, k) => tf.max(x, axes, k), 18);
registerReduce('ReduceMin', (x, axes, k) => tf.min(x, axes, k), 18);
registerReduce('ReduceProd', (x, axes, k) => tf.prod(x, axes, k), 18);
registerReduce('ReduceL2', (x, axes, k) => tf.sqrt(tf.sum(tf.square(x), axes, k)), 18);

/** Pads by clamping indices (ONNX "edge" mode) along one axis. */
function edgePad(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
  if (before === 0 && after === 0) return x;
  const n = x.shape[axis];
  const indices = Array.from({ length: n + before + after }, (_, i) => Math.min(n - 1, Math.max(0, i - before)));
  return tf.gather(x, tf.tensor1d(indices, 'int32'), axis);
}

registerOperator('Pad', (inputs, context) => {
  const xValue = requiredInput(inputs, 0, context);
  const rank = xValue.tensor.rank;
  const mode = context.attributes.string('mode', 'constant');
  let pads: number[];
  let value = 0;
  if (context.opset < 11) {
    pads = context.attributes.ints('pads') ?? context.attributes.ints('paddings', []);
    value = context.attributes.float('value', 0);
  } else {
    pads = readInts(requiredInput(inputs, 1, context));
    if (inputs[2] && inputs[2].tensor.size > 0) value = readFloats(inputs[2])[0];
    if (inputs[3]) {
      const axes = readInts(inputs[3]).map((a) => normaliseAxis(a, rank, context.where));
      const full = Array(2 * rank).fill(0);
      axes.forEach((a, i) => {
        full[a] = pads[i];
        full[a + rank] = pads[i + axes.length];
      });
      pads = full;
    }
  }
  if (pads.length !== 2 * rank) throw new OnnxOperatorError(context, `expected ${2 * rank} pads, got ${pads.length}`);
  // Pad the stored tensor: a channels-last value has its axes remapped.
  const channelsLast = xValue.layout === 'channelsLast';
  const storedPairs: [number, number][] = Array.from({ length: rank }, () => [0, 0] as [number, number]);
  for (let axis = 0; axis < rank; axis++) storedPairs[channelsLast ? LOGICAL_TO_STORED[axis] : axis] = [pads[axis], pads[axis + rank]];
  let y = xValue.tensor;
  // Negative pads crop first.
  if (storedPairs.some(([b, e]) => b < 0 || e < 0)) {
    const begin = storedPairs.map(([b]) => Math.max(0, -b));
    const size = storedPairs.map(([b, e], i) => y.shape[i] - Math.max(0, -b) - Math.max(0, -e));
    y = tf.slice(y, begin, size);
  }
  const positive = storedPairs.map(([b, e]) => [Math.max(0, b), Math.max(0, e)] as [number, number]);
  if (mode === 'constant') y = tf.pad(y, positive, value);
  else if (mode === 'reflect') y = tf.mirrorPad(y, positive, 'reflect');
  else if (mode === 'edge') positive.forEach(([b, e], axis) => (y = edgePad(y, axis, b, e)));
  else throw new OnnxOperatorError(context, `mode "${mode}" is not supported (constant, reflect and edge are)`);
  if (y === xValue.tensor) y = tf.clone(y);
  return [channelsLast ? channelsLastValue(y) : onnxValue(y)];
});
