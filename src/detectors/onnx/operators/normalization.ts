// BatchNormalization in inference mode (running statistics), folded into a per-channel scale and
// shift; the weights stay frozen, the input gradient is exact.
import * as tf from '@tensorflow/tfjs';
import { channelsLastValue, logical, onnxValue } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput } from './registry.js';

registerOperator('BatchNormalization', (inputs, context) => {
  if (context.node.outputs.slice(1).some((o) => o !== '')) {
    throw new OnnxOperatorError(context, 'training-mode outputs (running mean/var) are not supported');
  }
  const x = requiredInput(inputs, 0, context);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => requiredInput(inputs, i, context));
  const epsilon = context.attributes.float('epsilon', 1e-5);
  const allConstant = [scale, bias, mean, variance].every((v) => v.constant);
  const factors = (): [tf.Tensor, tf.Tensor] => {
    const a = tf.div(logical(scale), tf.sqrt(tf.add(logical(variance), epsilon)));
    return [a, tf.sub(logical(bias), tf.mul(logical(mean), a))];
  };
  const [a, b] = allConstant
    ? [context.memo('scale', () => factors()[0]), context.memo('shift', () => factors()[1])]
    : factors();
  if (x.layout === 'channelsLast') return [channelsLastValue(tf.add(tf.mul(x.tensor, a), b))];
  // Logical [N, C, ...]: per-channel factors broadcast along axis 1.
  const rank = x.tensor.rank;
  const shape = [a.shape[0], ...Array(Math.max(0, rank - 2)).fill(1)];
  return [onnxValue(tf.add(tf.mul(x.tensor, tf.reshape(a, shape)), tf.reshape(b, shape)))];
});
