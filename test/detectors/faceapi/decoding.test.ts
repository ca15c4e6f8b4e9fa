// Hand-computed checks of the pieces around the networks: input squaring, box decoding, anchors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { padToSquareAndResize } from '../../../src/detectors/faceapi/squareInput.js';
import { decodeSsdBoxes } from '../../../src/detectors/faceapi/ssdMobilenetV1Net.js';
import { decodeTinyFace, TINY_FACE_ANCHORS, tinyFaceAnchorBoxes } from '../../../src/detectors/faceapi/tinyFaceDetectorNet.js';

function assertClose(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('a 2x3 image is padded with zeros at the bottom to 3x3; the square side is reported', () => {
  const image = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
  const { resized, side } = padToSquareAndResize(image, 3);
  assert.equal(side, 3);
  assertClose(resized.dataSync(), [1, 2, 3, 4, 5, 6, 0, 0, 0]);
  // Resizing 3x3 -> 6x6 (align_corners false, half_pixel false): output (i, j) samples input (i/2, j/2).
  const { resized: up } = padToSquareAndResize(image, 6);
  const v = up.dataSync();
  assert.equal(v[0], 1);
  assert.equal(v[1], 1.5); // between 1 and 2
  assert.equal(v[6], 2.5); // row 1 = half-way between rows 0 and 1: (1 + 4) / 2
  tf.dispose([image, resized, up]);
});

test('SSD box decoding follows the TF object-detection box coder (scales 10, 10, 5, 5)', () => {
  // Prior [ymin, xmin, ymax, xmax] = [0.1, 0.2, 0.5, 0.6]: centre (0.3, 0.4), size 0.4 x 0.4.
  const priors = tf.tensor2d([[0.1, 0.2, 0.5, 0.6]]);
  const encodings = tf.tensor3d([[[1, -2, 0.5, 0]], [[0, 0, 0, 0]]]); // two images
  const boxes = decodeSsdBoxes(encodings, priors).dataSync();
  const cy = 0.3 + (1 / 10) * 0.4;
  const cx = 0.4 + (-2 / 10) * 0.4;
  const h = Math.exp(0.5 / 5) * 0.4;
  const w = 0.4;
  assertClose(boxes, [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, 0.2, 0.1, 0.6, 0.5]);
  tf.dispose([priors, encodings]);
});

test('tiny-face decoding: zero encodings give the anchor boxes and score 0.5; offsets move by sigmoid/exp', () => {
  const cells = 2;
  const anchors = TINY_FACE_ANCHORS.length;
  const encodings = tf.buffer([1, cells, cells, anchors, 5]);
  // Row 1, col 0, anchor 3: tx = 0 (sigmoid 0.5), ty = 2, tw = ln 2, th = 0, objectness = 1.
  encodings.set(2, 0, 1, 0, 3, 1);
  encodings.set(Math.log(2), 0, 1, 0, 3, 2);
  encodings.set(1, 0, 1, 0, 3, 4);
  const { scores, boxes } = decodeTinyFace(encodings.toTensor() as tf.Tensor5D);
  const unitAnchors = tinyFaceAnchorBoxes(cells).arraySync();
  const s = scores.dataSync();
  const b = boxes.arraySync()[0];
  const index = (1 * cells + 0) * anchors + 3;
  for (let i = 0; i < cells * cells * anchors; i++) {
    if (i === index) continue;
    assert.equal(s[i], 0.5);
    assertClose(b[i], unitAnchors[i]);
  }
  assert.ok(Math.abs(s[index] - 1 / (1 + Math.exp(-1))) < 1e-6);
  const [aw, ah] = TINY_FACE_ANCHORS[3];
  const cx = (0 + 0.5) / cells;
  const cy = (1 + 1 / (1 + Math.exp(-2))) / cells;
  const w = (2 * aw) / cells;
  const h = ah / cells;
  assertClose(b[index], [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]);
  // The anchor itself: centred on its cell, anchor size in cells.
  assertClose(unitAnchors[index], [0.25 - aw / 4, 0.75 - ah / 4, 0.25 + aw / 4, 0.75 + ah / 4]);
});
