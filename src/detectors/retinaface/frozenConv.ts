// A convolution with frozen weights (batch norm already folded in) and an optional LeakyReLU.
// Written with unfused tfjs ops so gradients w.r.t. the input stay cheap and correct (fused conv
// with bias computes filter gradients eagerly, see DESIGN.md). Depthwise convolutions carry their
// own input gradient, built from ops every backend has: the wasm backend has no
// DepthwiseConv2dNativeBackpropInput kernel.
import * as tf from '@tensorflow/tfjs';

export interface FrozenConv {
  depthwise: boolean;
  /** [kh, kw, in, out] (depthwise: [kh, kw, channels, 1]). */
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  stride: number;
  /** Symmetric zero padding, as PyTorch's Conv2d(padding=p). */
  pad: number;
  /** LeakyReLU slope after the conv; undefined for none. */
  leakySlope?: number;
  /** Depthwise only: the filter rotated by 180 degrees, for the input gradient. */
  rotatedFilter?: tf.Tensor4D;
}

/** Inserts stride-1 zeros between rows and columns: [B, h, w, C] -> [B, (h-1)s+1, (w-1)s+1, C]. */
function dilate(x: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return x;
  const [batch, height, width, channels] = x.shape;
  const zeros = tf.zerosLike(x);
  const spreadColumns = tf.reshape(tf.stack([x, ...new Array<tf.Tensor4D>(stride - 1).fill(zeros)], 3), [batch, height, width * stride, channels]);
  const zeroRows = tf.zerosLike(spreadColumns);
  const spread = tf.reshape(tf.stack([spreadColumns, ...new Array<tf.Tensor>(stride - 1).fill(zeroRows)], 2), [batch, height * stride, width * stride, channels]);
  return tf.slice(spread, [0, 0, 0, 0], [batch, (height - 1) * stride + 1, (width - 1) * stride + 1, channels]) as tf.Tensor4D;
}

/**
 * Gradient of a depthwise convolution w.r.t. its input: the upstream gradient, dilated by the
 * stride and zero-padded, correlated with the 180-degree-rotated filter (a transposed conv).
 */
function depthwiseInputGradient(dy: tf.Tensor4D, inputShape: number[], layer: FrozenConv): tf.Tensor4D {
  const kernel = layer.filter.shape[0];
  const z = dilate(dy, layer.stride);
  const before = kernel - 1 - layer.pad;
  const padded = tf.pad(z, [
    [0, 0],
    [before, inputShape[1] + layer.pad - z.shape[1]],
    [before, inputShape[2] + layer.pad - z.shape[2]],
    [0, 0],
  ]);
  return tf.depthwiseConv2d(padded, layer.rotatedFilter as tf.Tensor4D, 1, 'valid');
}

function depthwise(x: tf.Tensor4D, layer: FrozenConv): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    save([input]);
    return {
      value: tf.depthwiseConv2d(input, layer.filter, layer.stride, layer.pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => [depthwiseInputGradient(dy, saved[0].shape, layer)],
    };
  });
  return op(x) as tf.Tensor4D;
}

export function applyConv(x: tf.Tensor4D, layer: FrozenConv): tf.Tensor4D {
  const convolved = layer.depthwise ? depthwise(x, layer) : tf.conv2d(x, layer.filter, layer.stride, layer.pad);
  const biased = tf.add(convolved, layer.bias) as tf.Tensor4D;
  return layer.leakySlope === undefined ? biased : tf.leakyRelu(biased, layer.leakySlope);
}

export function disposeConv(layer: FrozenConv): void {
  layer.filter.dispose();
  layer.bias.dispose();
  layer.rotatedFilter?.dispose();
}
