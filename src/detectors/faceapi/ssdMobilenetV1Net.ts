// face-api's SSD MobileNetV1 face detector as differentiable tfjs ops (no tf.unstack; frozen fused
// convolutions with input-only gradients, ../frozenFusedConv.ts). Layer layout, strides and the box decoding follow face-api's
// src/ssdMobilenetv1/{mobileNetV1,predictionLayer,outputLayer}.ts; depthwise batch norm is folded
// into the filters, which changes results only by float rounding.
import * as tf from '@tensorflow/tfjs';
import { requireWeight } from './weights.js';
import { frozenFusedConv } from '../frozenFusedConv.js';

const MODEL = 'ssd_mobilenetv1_model';
/** face-api's batch-norm epsilon (a float32 0.001). */
const BATCH_NORM_EPSILON = 0.0010000000474974513;
/** The network's square input side. */
export const SSD_INPUT_SIZE = 512;
/** Scale factors of the box encoding (y, x, h, w), TensorFlow Object Detection API defaults. */
const BOX_CODER_SCALES = [10, 10, 5, 5] as const;
/** Depthwise layers with stride 2 (face-api's getStridesForLayerIdx). */
const STRIDE_2_PAIRS = new Set([2, 4, 6, 12]);

interface Conv {
  filters: tf.Tensor4D;
  bias: tf.Tensor1D;
}

interface ConvPair {
  depthwise: Conv;
  pointwise: Conv;
  stride: 1 | 2;
}

export interface SsdMobilenetV1Params {
  conv0: Conv;
  /** MobileNetV1 depthwise/pointwise pairs 1..13. */
  pairs: ConvPair[];
  /** Extra feature layers (1x1, 3x3 stride 2 alternating). */
  extras: Conv[];
  /** Six box predictors: box encodings and class logits (3 columns; column 1 is "face"). */
  predictors: { box: Conv; cls: Conv }[];
  /** [A, 4] prior boxes as [ymin, xmin, ymax, xmax] in [0, 1] of the network input. */
  priors: tf.Tensor2D;
}

function pointwise(weights: tf.NamedTensorMap, prefix: string, idx: number): Conv {
  return {
    filters: requireWeight(weights, `${prefix}/Conv2d_${idx}_pointwise/weights`, 4, MODEL),
    bias: requireWeight(weights, `${prefix}/Conv2d_${idx}_pointwise/convolution_bn_offset`, 1, MODEL),
  };
}

function foldedDepthwise(weights: tf.NamedTensorMap, idx: number): Conv {
  const prefix = `MobilenetV1/Conv2d_${idx}_depthwise`;
  const filters = requireWeight<tf.Rank.R4>(weights, `${prefix}/depthwise_weights`, 4, MODEL);
  const gamma = requireWeight<tf.Rank.R1>(weights, `${prefix}/BatchNorm/gamma`, 1, MODEL);
  const beta = requireWeight<tf.Rank.R1>(weights, `${prefix}/BatchNorm/beta`, 1, MODEL);
  const mean = requireWeight<tf.Rank.R1>(weights, `${prefix}/BatchNorm/moving_mean`, 1, MODEL);
  const variance = requireWeight<tf.Rank.R1>(weights, `${prefix}/BatchNorm/moving_variance`, 1, MODEL);
  return tf.tidy(() => {
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, BATCH_NORM_EPSILON)));
    return {
      filters: tf.mul(filters, tf.reshape(scale, [1, 1, -1, 1])) as tf.Tensor4D,
      bias: tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D,
    };
  });
}

function conv(weights: tf.NamedTensorMap, prefix: string): Conv {
  return {
    filters: requireWeight(weights, `${prefix}/weights`, 4, MODEL),
    bias: requireWeight(weights, `${prefix}/biases`, 1, MODEL),
  };
}

/** Builds the parameters from face-api's weight map; the caller keeps owning `weights`. */
export function ssdParamsFromWeights(weights: tf.NamedTensorMap): SsdMobilenetV1Params {
  const pairs: ConvPair[] = [];
  for (let i = 1; i <= 13; i++) {
    pairs.push({ depthwise: foldedDepthwise(weights, i), pointwise: pointwise(weights, 'MobilenetV1', i), stride: STRIDE_2_PAIRS.has(i) ? 2 : 1 } as ConvPair);
  }
  const priors3d = requireWeight<tf.Rank.R3>(weights, 'Output/extra_dim', 3, MODEL);
  return {
    conv0: pointwise(weights, 'MobilenetV1', 0),
    pairs,
    extras: Array.from({ length: 8 }, (_, i) => pointwise(weights, 'Prediction', i)),
    predictors: Array.from({ length: 6 }, (_, i) => ({
      box: conv(weights, `Prediction/BoxPredictor_${i}/BoxEncodingPredictor`),
      cls: conv(weights, `Prediction/BoxPredictor_${i}/ClassPredictor`),
    })),
    priors: tf.reshape(priors3d, [-1, 4]),
  };
}

/** Every tensor the parameters own that the weight map does not (the folded ones). */
export function ownedTensors(params: SsdMobilenetV1Params): tf.Tensor[] {
  const owned: tf.Tensor[] = params.pairs.flatMap((p) => [p.depthwise.filters, p.depthwise.bias]);
  return [...owned, params.priors];
}

// Frozen fused convolutions: one kernel per layer forward, input-only gradients backward.
function convRelu6(x: tf.Tensor4D, c: Conv, stride: 1 | 2): tf.Tensor4D {
  return frozenFusedConv(x, c.filters, c.bias, { stride, pad: 'same' }, 'relu6');
}

function depthwiseRelu6(x: tf.Tensor4D, c: Conv, stride: 1 | 2): tf.Tensor4D {
  return frozenFusedConv(x, c.filters, c.bias, { stride, pad: 'same', depthwise: true }, 'relu6');
}

function conv1x1(x: tf.Tensor4D, c: Conv): tf.Tensor4D {
  return frozenFusedConv(x, c.filters, c.bias, { pad: 'same' });
}

export interface SsdHeads {
  /** [B, A, 4] box encodings (ty, tx, th, tw) relative to the priors. */
  encodings: tf.Tensor3D;
  /** [B, A] face logits (class column 1). */
  faceLogits: tf.Tensor2D;
}

/** Runs the network on [B, 512, 512, 3] input already scaled to [-1, 1]. */
export function ssdHeads(x: tf.Tensor4D, params: SsdMobilenetV1Params): SsdHeads {
  return tf.tidy(() => {
    let out = convRelu6(x, params.conv0, 2);
    let conv11: tf.Tensor4D | undefined;
    params.pairs.forEach((pair, i) => {
      out = depthwiseRelu6(out, pair.depthwise, pair.stride);
      out = convRelu6(out, pair.pointwise, 1);
      if (i + 1 === 11) conv11 = out;
    });
    // Extra layers: 1x1 stride 1, then 3x3 stride 2, four times; predictors read the stride-2 ones.
    const features: tf.Tensor4D[] = [conv11 as tf.Tensor4D, out];
    let extra = out;
    params.extras.forEach((layer, i) => {
      extra = convRelu6(extra, layer, i % 2 === 1 ? 2 : 1);
      if (i % 2 === 1) features.push(extra);
    });
    const batch = x.shape[0];
    const encodings: tf.Tensor3D[] = [];
    const logits: tf.Tensor2D[] = [];
    features.forEach((feature, i) => {
      const { box, cls } = params.predictors[i];
      encodings.push(tf.reshape(conv1x1(feature, box), [batch, -1, 4]));
      const classLogits = tf.reshape(conv1x1(feature, cls), [batch, -1, 3]);
      logits.push(tf.reshape(tf.slice(classLogits, [0, 0, 1], [-1, -1, 1]), [batch, -1]));
    });
    return { encodings: tf.concat(encodings, 1), faceLogits: tf.concat(logits, 1) };
  });
}

/** Decodes [B, A, 4] encodings against [A, 4] priors into [B, A, 4] [xmin, ymin, xmax, ymax] in [0, 1]. */
export function decodeSsdBoxes(encodings: tf.Tensor3D, priors: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [ymin, xmin, ymax, xmax] = tf.split(priors, 4, 1);
    const priorH = tf.sub(ymax, ymin);
    const priorW = tf.sub(xmax, xmin);
    const priorCy = tf.add(ymin, tf.div(priorH, 2));
    const priorCx = tf.add(xmin, tf.div(priorW, 2));
    const [ty, tx, th, tw] = tf.split(encodings, 4, 2);
    // [B, A, 1] each; priors broadcast from [A, 1].
    const cy = tf.add(tf.mul(tf.div(ty, BOX_CODER_SCALES[0]), priorH), priorCy);
    const cx = tf.add(tf.mul(tf.div(tx, BOX_CODER_SCALES[1]), priorW), priorCx);
    const halfH = tf.div(tf.mul(tf.exp(tf.div(th, BOX_CODER_SCALES[2])), priorH), 2);
    const halfW = tf.div(tf.mul(tf.exp(tf.div(tw, BOX_CODER_SCALES[3])), priorW), 2);
    return tf.concat([tf.sub(cx, halfW), tf.sub(cy, halfH), tf.add(cx, halfW), tf.add(cy, halfH)], 2) as tf.Tensor3D;
  });
}
