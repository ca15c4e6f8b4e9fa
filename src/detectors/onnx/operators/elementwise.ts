// Element-wise operators: layout-preserving (a channels-last input gives a channels-last output),
// built from differentiable tfjs ops only.
import * as tf from '@tensorflow/tfjs';
import { alignLayouts, readFloats, valueInLayout, type OnnxValue } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorContext } from './registry.js';

type Unary = (x: tf.Tensor, context: OperatorContext) => tf.Tensor;

function registerUnary(opType: string, fn: Unary): void {
  registerOperator(opType, (inputs, context) => {
    const x = requiredInput(inputs, 0, context);
    return [valueInLayout(fn(x.tensor, context), x.layout)];
  });
}

registerUnary('Relu', (x) => tf.relu(x));
registerUnary('LeakyRelu', (x, c) => tf.leakyRelu(x, c.attributes.float('alpha', 0.01)));
registerUnary('Sigmoid', (x) => tf.sigmoid(x));
registerUnary('Tanh', (x) => tf.tanh(x));
registerUnary('Exp', (x) => tf.exp(x));
registerUnary('Log', (x) => tf.log(x));
registerUnary('Sqrt', (x) => tf.sqrt(x));
registerUnary('Neg', (x) => tf.neg(x));
registerUnary('Abs', (x) => tf.abs(x));
registerUnary('Reciprocal', (x) => tf.reciprocal(x));
registerUnary('Floor', (x) => tf.floor(x));
registerUnary('Ceil', (x) => tf.ceil(x));
registerUnary('Erf', (x) => tf.erf(x));
registerUnary('Softplus', (x) => tf.softplus(x));
registerUnary('Identity', (x) => tf.clone(x));
registerUnary('Elu', (x, c) => {
  const alpha = c.attributes.float('alpha', 1);
  return tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
});
registerUnary('HardSigmoid', (x, c) =>
  tf.clipByValue(tf.add(tf.mul(x, c.attributes.float('alpha', 0.2)), c.attributes.float('beta', 0.5)), 0, 1),
);
registerUnary('HardSwish', (x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1)));
registerUnary('Not', (x) => tf.logicalNot(x));

// Dropout is the identity at inference; its optional mask output is not produced.
registerOperator('Dropout', (inputs, context) => {
  if (context.node.outputs.length > 1 && context.node.outputs[1] !== '') {
    throw new OnnxOperatorError(context, 'the mask output of Dropout is not supported');
  }
  const x = requiredInput(inputs, 0, context);
  return [valueInLayout(tf.clone(x.tensor), x.layout)];
});

// Clip: bounds are attributes before opset 11, optional inputs from 11 on. The clamp is written
// as max/min so that its gradient is exactly the reference's (1 inside, 0 outside).
registerOperator('Clip', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const low = context.opset < 11 ? context.attributes.float('min') : inputs[1] ? readFloats(inputs[1])[0] : undefined;
  const high = context.opset < 11 ? context.attributes.float('max') : inputs[2] ? readFloats(inputs[2])[0] : undefined;
  let y = x.tensor;
  if (low !== undefined) y = tf.maximum(y, low);
  if (high !== undefined) y = tf.minimum(y, high);
  if (y === x.tensor) y = tf.clone(y);
  return [valueInLayout(y, x.layout)];
});

registerOperator('Cast', (inputs, context) => {
  const x = requiredInput(inputs, 0, context);
  const to = context.attributes.int('to', 1);
  // FLOAT, FLOAT16, DOUBLE -> float32; BOOL -> bool; every integer type -> int32.
  const dtype: tf.DataType = to === 1 || to === 10 || to === 11 ? 'float32' : to === 9 ? 'bool' : 'int32';
  const y = x.tensor.dtype === dtype ? tf.clone(x.tensor) : tf.cast(x.tensor, dtype);
  return [{ ...valueInLayout(y, x.layout), constant: false }];
});

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Variadic operators (Sum, Max, Min, Mean) fold left; binary ones take exactly two inputs. */
function registerBroadcast(opType: string, fn: Binary, finish?: (y: tf.Tensor, count: number) => tf.Tensor): void {
  registerOperator(opType, (inputs, context) => {
    const present = inputs.filter((v): v is OnnxValue => v !== undefined);
    if (present.length === 0) throw new OnnxOperatorError(context, 'needs at least one input');
    const { tensors, layout } = alignLayouts(present);
    let y = tensors.slice(1).reduce((acc, t) => fn(acc, t), tensors[0]);
    if (finish) y = finish(y, tensors.length);
    if (tensors.length === 1 && y === tensors[0]) y = tf.clone(y);
    return [valueInLayout(y, layout)];
  });
}

/** Integer division in ONNX truncates (int inputs); float division is exact. */
function divide(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'int32' || b.dtype !== 'int32') return tf.div(a, b);
  return tf.cast(tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 'int32');
}

/** Mixed int/float operands (e.g. a Shape value times a float) compute in float. */
function sameType(fn: Binary): Binary {
  return (a, b) => (a.dtype === b.dtype ? fn(a, b) : fn(tf.cast(a, 'float32'), tf.cast(b, 'float32')));
}

registerBroadcast('Add', sameType(tf.add));
registerBroadcast('Sub', sameType(tf.sub));
registerBroadcast('Mul', sameType(tf.mul));
registerBroadcast('Div', sameType(divide));
registerBroadcast('Pow', (a, b) => tf.pow(a, tf.cast(b, a.dtype)));
registerBroadcast('Max', sameType(tf.maximum));
registerBroadcast('Min', sameType(tf.minimum));
registerBroadcast('Sum', sameType(tf.add));
registerBroadcast('Mean', sameType(tf.add), (y, n) => tf.div(y, n));
registerBroadcast('Equal', sameType(tf.equal));
registerBroadcast('Greater', sameType(tf.greater));
registerBroadcast('Less', sameType(tf.less));
registerBroadcast('GreaterOrEqual', sameType(tf.greaterEqual));
registerBroadcast('LessOrEqual', sameType(tf.lessEqual));
registerBroadcast('And', tf.logicalAnd);
registerBroadcast('Or', tf.logicalOr);

// PRelu: y = relu(x) - slope * relu(-x); the slope broadcasts like a binary operand (per channel
// for convolution outputs), so it follows the input's layout.
registerOperator('PRelu', (inputs, context) => {
  const { tensors, layout } = alignLayouts([requiredInput(inputs, 0, context), requiredInput(inputs, 1, context)]);
  const [x, slope] = tensors;
  return [valueInLayout(tf.sub(tf.relu(x), tf.mul(slope, tf.relu(tf.neg(x)))), layout)];
});

registerOperator('Where', (inputs, context) => {
  const { tensors, layout } = alignLayouts([0, 1, 2].map((i) => requiredInput(inputs, i, context)));
  const [condition, a, b] = tensors;
  // tf.where needs equal shapes: broadcast all three to the common shape first.
  const { assertAndGetBroadcastShape } = tf.backend_util;
  const shape = assertAndGetBroadcastShape(condition.shape, assertAndGetBroadcastShape(a.shape, b.shape));
  const widen = (t: tf.Tensor) => tf.broadcastTo(t.rank < shape.length ? t.reshape([...Array(shape.length - t.rank).fill(1), ...t.shape]) : t, shape);
  return [valueInLayout(tf.where(widen(tf.cast(condition, 'bool')), widen(a), widen(b)), layout)];
});
