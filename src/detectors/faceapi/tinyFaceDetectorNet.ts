// face-api's TinyFaceDetector (a Tiny-YOLOv2 with depthwise separable convolutions, one class, five
// anchors) as plain differentiable tfjs ops, following face-api's src/tinyYolov2/TinyYolov2Base.ts
// (runMobilenet with isFirstLayerConv2d and filter sizes [3, 16, 32, 64, 128, 256, 512]).
import * as tf from '@tensorflow/tfjs';
import { requireWeight } from './weights.js';

const MODEL = 'tiny_face_detector_model';
/** Anchor (width, height) in grid cells (face-api's tinyFaceDetector/const.ts BOX_ANCHORS). */
export const TINY_FACE_ANCHORS: readonly (readonly [number, number])[] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
/** Per-channel RGB mean subtracted from 0..255 pixels before dividing by 255. */
export const TINY_FACE_MEAN_RGB = [117.001, 114.697, 97.404] as const;
/** Values per anchor: tx, ty, tw, th, objectness. */
const BOX_ENCODING_SIZE = 5;

interface Conv {
  filters: tf.Tensor4D;
  bias: tf.Tensor1D;
}

interface SeparableConv {
  depthwise: tf.Tensor4D;
  pointwise: tf.Tensor4D;
  bias: tf.Tensor1D;
}

export interface TinyFaceParams {
  conv0: Conv;
  separable: SeparableConv[];
  head: Conv;
}

export function tinyFaceParamsFromWeights(weights: tf.NamedTensorMap): TinyFaceParams {
  const conv = (name: string): Conv => ({
    filters: requireWeight(weights, `${name}/filters`, 4, MODEL),
    bias: requireWeight(weights, `${name}/bias`, 1, MODEL),
  });
  return {
    conv0: conv('conv0'),
    separable: [1, 2, 3, 4, 5].map((i) => ({
      depthwise: requireWeight(weights, `conv${i}/depthwise_filter`, 4, MODEL),
      pointwise: requireWeight(weights, `conv${i}/pointwise_filter`, 4, MODEL),
      bias: requireWeight(weights, `conv${i}/bias`, 1, MODEL),
    })),
    head: conv('conv8'),
  };
}

/**
 * Runs the network on [B, N, N, 3] input already normalised ((p - mean) / 255) and returns
 * [B, n, n, anchors, 5] raw encodings (n = the grid side, 13 for N = 416).
 */
export function tinyFaceEncodings(x: tf.Tensor4D, params: TinyFaceParams): tf.Tensor5D {
  return tf.tidy(() => {
    let out = tf.leakyRelu(tf.add(tf.conv2d(x, params.conv0.filters, 1, 'valid'), params.conv0.bias), 0.1) as tf.Tensor4D;
    params.separable.forEach((layer, i) => {
      // Pool before each separable layer; the last pool keeps the grid (stride 1).
      out = tf.maxPool(out, 2, 2, 'same');
      const padded = tf.pad(out, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      out = tf.leakyRelu(tf.add(tf.separableConv2d(padded, layer.depthwise, layer.pointwise, 1, 'valid'), layer.bias), 0.1) as tf.Tensor4D;
      if (i === params.separable.length - 1) out = tf.maxPool(out, 2, 1, 'same');
    });
    const head = tf.add(tf.conv2d(out, params.head.filters, 1, 'valid'), params.head.bias) as tf.Tensor4D;
    const [batch, cells] = head.shape;
    return tf.reshape(head, [batch, cells, cells, TINY_FACE_ANCHORS.length, BOX_ENCODING_SIZE]);
  });
}

/** Anchor boxes [cells * cells * anchors, 4] as [x1, y1, x2, y2] in [0, 1] of the square input (row, col, anchor order). */
export function tinyFaceAnchorBoxes(cells: number): tf.Tensor2D {
  const data = new Float32Array(cells * cells * TINY_FACE_ANCHORS.length * 4);
  let k = 0;
  for (let row = 0; row < cells; row++) {
    for (let col = 0; col < cells; col++) {
      for (const [aw, ah] of TINY_FACE_ANCHORS) {
        const cx = (col + 0.5) / cells;
        const cy = (row + 0.5) / cells;
        data.set([cx - aw / cells / 2, cy - ah / cells / 2, cx + aw / cells / 2, cy + ah / cells / 2], k);
        k += 4;
      }
    }
  }
  return tf.tensor2d(data, [data.length / 4, 4]);
}

export interface TinyFaceDecoded {
  /** [B, A] sigmoid(objectness): face-api's detection score (one class, class score 1). */
  scores: tf.Tensor2D;
  /** [B, A, 4] boxes [x1, y1, x2, y2] in [0, 1] of the square input. */
  boxes: tf.Tensor3D;
}

/** YOLOv2 decoding: centre = (cell + sigmoid(t)) / n, size = anchor * exp(t) / n. */
export function decodeTinyFace(encodings: tf.Tensor5D): TinyFaceDecoded {
  return tf.tidy(() => {
    const [batch, cells, , anchors] = encodings.shape;
    const [tx, ty, tw, th, objectness] = tf.split(encodings, BOX_ENCODING_SIZE, 4);
    const grid = tf.range(0, cells, 1, 'float32');
    const colIndex = tf.reshape(grid, [1, 1, cells, 1, 1]);
    const rowIndex = tf.reshape(grid, [1, cells, 1, 1, 1]);
    const anchorW = tf.tensor(TINY_FACE_ANCHORS.map((a) => a[0]), [1, 1, 1, anchors, 1]);
    const anchorH = tf.tensor(TINY_FACE_ANCHORS.map((a) => a[1]), [1, 1, 1, anchors, 1]);
    const cx = tf.div(tf.add(colIndex, tf.sigmoid(tx)), cells);
    const cy = tf.div(tf.add(rowIndex, tf.sigmoid(ty)), cells);
    const w = tf.div(tf.mul(tf.exp(tw), anchorW), cells);
    const h = tf.div(tf.mul(tf.exp(th), anchorH), cells);
    const boxes = tf.concat([tf.sub(cx, tf.div(w, 2)), tf.sub(cy, tf.div(h, 2)), tf.add(cx, tf.div(w, 2)), tf.add(cy, tf.div(h, 2))], 4);
    return {
      scores: tf.reshape(tf.sigmoid(objectness), [batch, -1]) as tf.Tensor2D,
      boxes: tf.reshape(boxes, [batch, -1, 4]) as tf.Tensor3D,
    };
  });
}
