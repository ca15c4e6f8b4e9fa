// The three MTCNN networks (layer layout of face-api.js's PNet/RNet/ONet). Inputs are normalised
// RGB images in MTCNN's transposed layout [N, width, height, 3] (the Caffe/Matlab original was
// trained on transposed images; face-api keeps that, and so do we). Unfused ops throughout, so
// gradients w.r.t. the input stay cheap (DESIGN.md: fused conv with bias computes filter
// gradients eagerly).
import * as tf from '@tensorflow/tfjs';
import type { ConvParams, DenseParams, ONetParams, PNetParams, RNetParams } from './weights.js';

/** RGB in [0, 1] to MTCNN's input scale, (255 x - 127.5) / 128. */
export function normalizePixels<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.sub(tf.mul(x, 255), 127.5), 0.0078125) as T;
}

function conv(x: tf.Tensor4D, p: ConvParams): tf.Tensor4D {
  return tf.add(tf.conv2d(x, p.filter, 1, 'valid'), p.bias) as tf.Tensor4D;
}

function dense(x: tf.Tensor2D, p: DenseParams): tf.Tensor2D {
  return tf.add(tf.matMul(x, p.weights), p.bias) as tf.Tensor2D;
}

/** PReLU with one slope per channel (tf.prelu's typing wants alpha of the input's rank). */
function prelu<T extends tf.Tensor>(x: T, alpha: tf.Tensor1D): T {
  return tf.prelu(x, alpha as tf.Tensor as T);
}

/** Probability of the face class from two-class logits along the last axis. */
function faceProbability(logits: tf.Tensor): tf.Tensor {
  const probabilities = tf.softmax(logits, -1);
  const begin = logits.shape.map((_, i) => (i === logits.rank - 1 ? 1 : 0));
  const size = logits.shape.map((d, i) => (i === logits.rank - 1 ? 1 : d));
  return tf.reshape(tf.slice(probabilities, begin, size), logits.shape.slice(0, -1));
}

export interface PNetOutputs {
  /** [N, w', h'] face probability per 12x12 cell (stride 2). */
  scores: tf.Tensor3D;
  /** [N, w', h', 4] window regression (left, top, right, bottom offsets in window sizes). */
  regions: tf.Tensor4D;
}

export function pnetForward(x: tf.Tensor4D, p: PNetParams): PNetOutputs {
  return tf.tidy(() => {
    let out = prelu(conv(x, p.conv1), p.prelu1);
    out = tf.maxPool(out, [2, 2], [2, 2], 'same');
    out = prelu(conv(out, p.conv2), p.prelu2);
    out = prelu(conv(out, p.conv3), p.prelu3);
    return { scores: faceProbability(conv(out, p.conv4_1)) as tf.Tensor3D, regions: conv(out, p.conv4_2) };
  });
}

export interface RefineOutputs {
  /** [N] face probability per window. */
  scores: tf.Tensor1D;
  /** [N, 4] window regression (left, top, right, bottom offsets in window sizes). */
  regions: tf.Tensor2D;
}

/** R-Net on [N, 24, 24, 3] transposed windows. */
export function rnetForward(x: tf.Tensor4D, p: RNetParams): RefineOutputs {
  return tf.tidy(() => {
    let out = prelu(conv(x, p.conv1), p.prelu1);
    out = tf.maxPool(out, [3, 3], [2, 2], 'same');
    out = prelu(conv(out, p.conv2), p.prelu2);
    out = tf.maxPool(out, [3, 3], [2, 2], 'valid');
    out = prelu(conv(out, p.conv3), p.prelu3);
    const flat = tf.reshape(out, [out.shape[0], -1]) as tf.Tensor2D;
    const hidden = prelu(dense(flat, p.fc1), p.prelu4);
    return { scores: faceProbability(dense(hidden, p.fc2_1)) as tf.Tensor1D, regions: dense(hidden, p.fc2_2) };
  });
}

export interface ONetOutputs extends RefineOutputs {
  /** [N, 10] landmarks x1..x5, y1..y5 in window fractions. */
  landmarks: tf.Tensor2D;
}

/** O-Net on [N, 48, 48, 3] transposed windows. */
export function onetForward(x: tf.Tensor4D, p: ONetParams): ONetOutputs {
  return tf.tidy(() => {
    let out = prelu(conv(x, p.conv1), p.prelu1);
    out = tf.maxPool(out, [3, 3], [2, 2], 'same');
    out = prelu(conv(out, p.conv2), p.prelu2);
    out = tf.maxPool(out, [3, 3], [2, 2], 'valid');
    out = prelu(conv(out, p.conv3), p.prelu3);
    out = tf.maxPool(out, [2, 2], [2, 2], 'same');
    out = prelu(conv(out, p.conv4), p.prelu4);
    const flat = tf.reshape(out, [out.shape[0], -1]) as tf.Tensor2D;
    const hidden = prelu(dense(flat, p.fc1), p.prelu5);
    return {
      scores: faceProbability(dense(hidden, p.fc2_1)) as tf.Tensor1D,
      regions: dense(hidden, p.fc2_2),
      landmarks: dense(hidden, p.fc2_3),
    };
  });
}
