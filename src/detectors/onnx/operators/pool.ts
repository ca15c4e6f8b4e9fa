// Pooling on channels-last tensors, with ONNX's explicit pads, ceil_mode and count_include_pad
// written as explicit padding followed by a 'valid' tfjs pool.
import * as tf from '@tensorflow/tfjs';
import { channelsLastValue, logicalShape, storedChannelsLast } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorContext } from './registry.js';
import { ceilModeExtra, padSpatial, window2D, type Window2D } from './spatial.js';

function poolWindow(context: OperatorContext, size: [number, number]): { win: Window2D; extra: [number, number] } {
  const kernel = context.attributes.ints('kernel_shape');
  if (!kernel || kernel.length !== 2) throw new OnnxOperatorError(context, 'only 2-D pools with a kernel_shape are supported');
  const win = window2D(context, [kernel[0], kernel[1]], size);
  if (win.dilations[0] !== 1 || win.dilations[1] !== 1) throw new OnnxOperatorError(context, 'dilated pooling is not supported');
  const ceil = context.attributes.int('ceil_mode', 0) === 1;
  const extra: [number, number] = ceil
    ? [
        ceilModeExtra(size[0], win.pads[0], win.pads[1], kernel[0], win.strides[0]),
        ceilModeExtra(size[1], win.pads[2], win.pads[3], kernel[1], win.strides[1]),
      ]
    : [0, 0];
  return { win, extra };
}

registerOperator('MaxPool', (inputs, context) => {
  if (context.node.outputs.length > 1 && context.node.outputs[1] !== '') {
    throw new OnnxOperatorError(context, 'the Indices output of MaxPool is not supported');
  }
  const xValue = requiredInput(inputs, 0, context);
  const [, , h, w] = logicalShape(xValue);
  const { win, extra } = poolWindow(context, [h, w]);
  const [top, bottom, left, right] = win.pads;
  const x = padSpatial(storedChannelsLast(xValue, context.where), [top, bottom + extra[0], left, right + extra[1]], -Infinity);
  return [channelsLastValue(tf.maxPool(x, win.kernel, win.strides, 'valid'))];
});

registerOperator('AveragePool', (inputs, context) => {
  const xValue = requiredInput(inputs, 0, context);
  const [, , h, w] = logicalShape(xValue);
  const { win, extra } = poolWindow(context, [h, w]);
  const includePad = context.attributes.int('count_include_pad', 0) === 1;
  const [top, bottom, left, right] = win.pads;
  const x = padSpatial(padSpatial(storedChannelsLast(xValue, context.where), win.pads), [0, extra[0], 0, extra[1]]);
  const sums = tf.mul(tf.avgPool(x, win.kernel, win.strides, 'valid'), win.kernel[0] * win.kernel[1]);
  // The divisor counts the input cells (and the explicit pads when count_include_pad), never the
  // ceil_mode overhang: a pool of a padded ones mask gives it per output cell.
  const ones = tf.ones([1, h, w, 1]) as tf.Tensor4D;
  const mask = padSpatial(padSpatial(ones, [top, bottom, left, right], includePad ? 1 : 0), [0, extra[0], 0, extra[1]]);
  const counts = tf.mul(tf.avgPool(mask, win.kernel, win.strides, 'valid'), win.kernel[0] * win.kernel[1]);
  return [channelsLastValue(tf.div(sums, counts))];
});

registerOperator('GlobalAveragePool', (inputs, context) => {
  const x = storedChannelsLast(requiredInput(inputs, 0, context), context.where);
  return [channelsLastValue(tf.mean(x, [1, 2], true))];
});

registerOperator('GlobalMaxPool', (inputs, context) => {
  const x = storedChannelsLast(requiredInput(inputs, 0, context), context.where);
  return [channelsLastValue(tf.max(x, [1, 2], true))];
});
