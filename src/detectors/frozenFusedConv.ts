// A convolution with frozen weights, as attacks use every detector: conv + bias + activation in
// one fused kernel forward, and a hand-written backward that goes to the input only (activation
// mask, then the convolution's input gradient). tfjs's own fused ops compute the filter and bias
// gradients eagerly under a tape, and silently unfuse relu/relu6 whenever a tape is open; the
// plain-op chain costs three extra passes over every activation map each way.
import * as tf from '@tensorflow/tfjs';

export type FrozenActivation = 'linear' | 'relu' | 'relu6' | 'leakyrelu';

export interface FrozenConvSpec {
  stride?: number;
  /** A number = that many zeros on every side (PyTorch's padding); 'same' / 'valid' as tfjs. */
  pad?: number | 'same' | 'valid';
  /** One filter per input channel (filter [k, k, channels, 1]). */
  depthwise?: boolean;
}

/** facepatch's one-pass kernel for dy * activation'(from the output), on torch and wasm. */
const ACTIVATION_GRAD_KERNEL = 'FacepatchActivationGradFromOutput';

function activationGradient(dy: tf.Tensor4D, out: tf.Tensor4D, activation: FrozenActivation, leakyAlpha: number): tf.Tensor4D {
  if (activation === 'linear') return dy;
  if (tf.getKernel(ACTIVATION_GRAD_KERNEL, tf.getBackend())) {
    return tf.engine().runKernel(ACTIVATION_GRAD_KERNEL, { dy, y: out }, { activation, alpha: leakyAlpha }) as tf.Tensor4D;
  }
  return tf.mul(dy, activationMask(out, activation, leakyAlpha) as tf.Tensor) as tf.Tensor4D;
}

/** d activation / d pre-activation, from the activation's output (comparison ops, any backend). */
function activationMask(out: tf.Tensor4D, activation: FrozenActivation, leakyAlpha: number): tf.Tensor | undefined {
  if (activation === 'relu') return tf.step(out);
  if (activation === 'relu6') return tf.logicalAnd(tf.greater(out, 0), tf.less(out, 6)).toFloat();
  if (activation === 'leakyrelu') return tf.where(tf.greater(out, 0), tf.onesLike(out), tf.fill(out.shape, leakyAlpha));
  return undefined;
}

/**
 * y = activation(conv(x, filter) + bias) with filter and bias treated as constants. Filter and bias
 * are saved through the tape, so an inner tidy cannot free them before the backward pass.
 */
export function frozenFusedConv(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, spec: FrozenConvSpec = {}, activation: FrozenActivation = 'linear', leakyAlpha = 0.1): tf.Tensor4D {
  const stride = spec.stride ?? 1;
  const pad = spec.pad ?? 0;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    // the kernel itself, not tf.fused.*, which unfuses activations whenever a tape is open
    const y = tf.engine().runKernel(spec.depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D', { x: input, filter, bias }, {
      strides: [stride, stride], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation, leakyreluAlpha: leakyAlpha,
    } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    save([y, filter]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [out, w] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = activationGradient(dy, out, activation, leakyAlpha);
        const inputShape = input.shape;
        if (spec.depthwise) {
          return [tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: g, filter: w }, { strides: [stride, stride], pad, dilations: [1, 1], inputShape }) as tf.Tensor4D];
        }
        return [tf.conv2dTranspose(g, w, inputShape as [number, number, number, number], stride, pad)];
      },
    };
  });
  return op(x) as tf.Tensor4D;
}
