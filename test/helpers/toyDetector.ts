// A tiny differentiable "detector" for testing attacks without real weights: each 4x4 cell scores
// sigmoid(k * (mean red - mean green)) and its anchor is the 16x16 box centred on the cell.
import * as tf from '@tensorflow/tfjs';
import type { FaceDetector, RawOutputs } from '../../src/detectors/types.js';
import type { ScoredBox } from '../../src/util/geometry.js';

export function createToyDetector(sharpness = 8): FaceDetector {
  const stride = 4;
  const anchorsFor = (height: number, width: number) => {
    const rows = Math.floor(height / stride), cols = Math.floor(width / stride);
    const data = new Float32Array(rows * cols * 4);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const cx = c * stride + stride / 2, cy = r * stride + stride / 2, i = 4 * (r * cols + c);
        data.set([cx - 8, cy - 8, cx + 8, cy + 8], i);
      }
    }
    return tf.tensor2d(data, [rows * cols, 4]);
  };
  const forwardRaw = (images: tf.Tensor4D): RawOutputs =>
    tf.tidy(() => {
      const [batch, height, width] = images.shape;
      const pooled = tf.avgPool(images, stride, stride, 'valid');
      const [red, green] = tf.split(pooled, [1, 1, 1], 3) as tf.Tensor4D[];
      const scores = tf.sigmoid(tf.mul(tf.sub(red!, green!), sharpness)).reshape([batch, -1]) as tf.Tensor2D;
      const anchors = anchorsFor(height, width);
      const boxes = tf.tile(anchors.expandDims(0), [batch, 1, 1]) as tf.Tensor3D;
      return { anchors, scores, boxes };
    });
  return {
    name: 'toy',
    family: 'single-level',
    inputDescription: 'any size',
    forwardRaw,
    async detect(images, options = {}) {
      const threshold = options.scoreThreshold ?? 0.02;
      const raw = forwardRaw(images);
      const scores = (await raw.scores.array()) as number[][];
      const anchors = (await raw.anchors.array()) as number[][];
      tf.dispose([raw.anchors, raw.scores, raw.boxes]);
      return scores.map((row) =>
        row
          .map((score, i): ScoredBox => {
            const [x1, y1, x2, y2] = anchors[i] as number[];
            return { x: x1!, y: y1!, w: x2! - x1!, h: y2! - y1!, score };
          })
          .filter((d) => d.score >= threshold)
          .sort((a, b) => b.score - a.score),
      );
    },
    dispose() {},
  };
}
