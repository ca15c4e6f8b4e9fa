// Conv and ConvTranspose on channels-last tensors. Filters are permuted from ONNX's OIHW once and
// cached (constant weights), dilated filters are expanded with zeros (see dilateFilter), padding
// is explicit (tf.pad, then a 'valid' convolution) and the bias is a separate add: all plain,
// differentiable tfjs ops (tf.fused.conv2d is avoided: its bias gradient misbehaves under tf.grad).
import * as tf from '@tensorflow/tfjs';
import { channelsLastValue, logical, logicalShape, storedChannelsLast, type OnnxValue } from '../values.js';
import { OnnxOperatorError, registerOperator, requiredInput, type OperatorContext } from './registry.js';
import { dilateFilter, padSpatial, window2D } from './spatial.js';

/** A filter derived from a weight input, cached when the weight is constant. */
function derivedFilter(weight: OnnxValue, context: OperatorContext, key: string, make: (w: tf.Tensor) => tf.Tensor): tf.Tensor {
  return weight.constant ? context.memo(key, () => make(logical(weight))) : make(logical(weight));
}

function addBias(y: tf.Tensor4D, bias: OnnxValue | undefined): tf.Tensor4D {
  return bias ? tf.add(y, logical(bias)) : y;
}

registerOperator('Conv', (inputs, context) => {
  const xValue = requiredInput(inputs, 0, context);
  const weight = requiredInput(inputs, 1, context);
  const [, channels, height, width] = logicalShape(xValue);
  const wShape = logicalShape(weight);
  if (wShape.length !== 4) throw new OnnxOperatorError(context, `only 2-D convolutions are supported (weight shape [${wShape.join(', ')}])`);
  const [outChannels, groupChannels, kh, kw] = wShape;
  const group = context.attributes.int('group', 1);
  if (groupChannels * group !== channels) {
    throw new OnnxOperatorError(context, `weight expects ${groupChannels * group} input channels, the input has ${channels}`);
  }
  const win = window2D(context, [kh, kw], [height, width]);
  const x = padSpatial(storedChannelsLast(xValue, context.where), win.pads);
  let y: tf.Tensor4D;
  if (group === 1) {
    const filter = derivedFilter(weight, context, 'hwio', (w) => dilateFilter(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, win.dilations));
    y = tf.conv2d(x, filter as tf.Tensor4D, win.strides, 'valid') as tf.Tensor4D;
  } else if (group === channels) {
    // Depthwise: output channel c * multiplier + m reads input channel c, as in tfjs.
    const multiplier = outChannels / channels;
    const filter = derivedFilter(weight, context, 'depthwise', (w) =>
      dilateFilter(tf.transpose(tf.reshape(w, [channels, multiplier, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D, win.dilations),
    );
    y = tf.depthwiseConv2d(x, filter as tf.Tensor4D, win.strides, 'valid') as tf.Tensor4D;
  } else {
    const outPerGroup = outChannels / group;
    const xs = tf.split(x, group, 3);
    y = tf.concat(
      xs.map((xg, g) => {
        const filter = derivedFilter(weight, context, `hwio-group-${g}`, (w) =>
          dilateFilter(tf.transpose(tf.slice(w, [g * outPerGroup, 0, 0, 0], [outPerGroup, -1, -1, -1]), [2, 3, 1, 0]) as tf.Tensor4D, win.dilations),
        );
        return tf.conv2d(xg as tf.Tensor4D, filter as tf.Tensor4D, win.strides, 'valid') as tf.Tensor4D;
      }),
      3,
    );
  }
  return [channelsLastValue(addBias(y, inputs[2]))];
});

// ConvTranspose: the full transposed convolution ((in - 1) * stride + dilated kernel), then the
// ONNX pads cropped off and output_padding added as zeros at the end.
registerOperator('ConvTranspose', (inputs, context) => {
  const xValue = requiredInput(inputs, 0, context);
  const weight = requiredInput(inputs, 1, context);
  const [batch, channels, height, width] = logicalShape(xValue);
  const wShape = logicalShape(weight);
  if (wShape.length !== 4) throw new OnnxOperatorError(context, `only 2-D transposed convolutions are supported`);
  const [inChannels, outPerGroup, kh, kw] = wShape;
  const group = context.attributes.int('group', 1);
  if (inChannels !== channels) throw new OnnxOperatorError(context, `weight expects ${inChannels} input channels, the input has ${channels}`);
  const a = context.attributes;
  if (a.ints('output_shape')) throw new OnnxOperatorError(context, 'the output_shape attribute is not supported; export with explicit pads');
  const autoPad = a.string('auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw new OnnxOperatorError(context, `auto_pad "${autoPad}" is not supported`);
  const strides = (a.ints('strides') ?? [1, 1]) as [number, number];
  const dilations = (a.ints('dilations') ?? [1, 1]) as [number, number];
  const p = autoPad === 'VALID' ? [0, 0, 0, 0] : a.ints('pads', [0, 0, 0, 0]);
  const outputPadding = a.ints('output_padding', [0, 0]);
  const x = storedChannelsLast(xValue, context.where);
  const effective = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1];
  const full = [(height - 1) * strides[0] + effective[0], (width - 1) * strides[1] + effective[1]];
  const inPerGroup = channels / group;
  const parts = tf.split(x, group, 3).map((xg, g) => {
    const filter = derivedFilter(weight, context, `transpose-group-${g}`, (w) =>
      // ONNX [in, out/group, kh, kw] -> tfjs conv2dTranspose [kh, kw, out, in].
      dilateFilter(tf.transpose(tf.slice(w, [g * inPerGroup, 0, 0, 0], [inPerGroup, -1, -1, -1]), [2, 3, 1, 0]) as tf.Tensor4D, dilations),
    );
    return tf.conv2dTranspose(xg as tf.Tensor4D, filter as tf.Tensor4D, [batch, full[0], full[1], outPerGroup], strides, 'valid');
  });
  let y = (group === 1 ? parts[0] : tf.concat(parts, 3)) as tf.Tensor4D;
  // Crop the begin pads and the end pads, less output_padding (which may then extend past the data).
  y = padSpatial(y, [-p[0], outputPadding[0] - p[2], -p[1], outputPadding[1] - p[3]]);
  return [channelsLastValue(addBias(y, inputs[2]))];
});
