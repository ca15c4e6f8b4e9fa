import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cornerIoU, greedyNms } from '../../../src/detectors/faceapi/greedyNms.js';

test('cornerIoU of hand-computed boxes, corners in either order', () => {
  // [0,0,10,10] vs [5,0,15,10]: overlap 50, union 150.
  const boxes = [0, 0, 10, 10, 5, 0, 15, 10, 15, 10, 5, 0, 20, 20, 30, 30, 0, 0, 0, 5];
  assert.equal(cornerIoU(boxes, 0, 1), 50 / 150);
  assert.equal(cornerIoU(boxes, 0, 2), 50 / 150); // same box as 1 with swapped corners
  assert.equal(cornerIoU(boxes, 0, 3), 0);
  assert.equal(cornerIoU(boxes, 0, 4), 0); // empty box
});

test('greedyNms keeps by descending score, suppresses above the IoU threshold, honours limits', () => {
  const boxes = [
    0, 0, 10, 10, // 0: score 0.9
    1, 0, 11, 10, // 1: IoU with 0 = 90/110 = 0.818 -> suppressed
    5, 0, 15, 10, // 2: IoU with 0 = 1/3 -> kept at threshold 0.4, suppressed at 0.3
    50, 50, 60, 60, // 3: isolated, score 0.95
    100, 100, 110, 110, // 4: below the score threshold
  ];
  const scores = [0.9, 0.8, 0.7, 0.95, 0.1];
  assert.deepEqual(greedyNms(boxes, scores, { scoreThreshold: 0.5, iouThreshold: 0.4, maxDetections: 10 }), [3, 0, 2]);
  assert.deepEqual(greedyNms(boxes, scores, { scoreThreshold: 0.5, iouThreshold: 0.3, maxDetections: 10 }), [3, 0]);
  assert.deepEqual(greedyNms(boxes, scores, { scoreThreshold: 0.05, iouThreshold: 0.4, maxDetections: 2 }), [3, 0]);
  assert.deepEqual(greedyNms(boxes, scores, { scoreThreshold: 0.05, iouThreshold: 0.4, maxDetections: 10 }), [3, 0, 2, 4]);
});
