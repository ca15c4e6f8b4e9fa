import { test } from 'node:test';
import assert from 'node:assert/strict';
import { widerBoxIoU } from '../../src/eval/widerIoU.js';
import { boxIoU } from '../../src/util/geometry.js';

// The official convention: corners [x, y, x + w, y + h], a side spans (x2 - x1 + 1) pixels.
test('a box {0,0,9,9} spans 10x10 pixels: against {0,0,4,9} (5x10) IoU is exactly 50/100', () => {
  const face = { x: 0, y: 0, w: 9, h: 9 };
  assert.equal(widerBoxIoU({ x: 0, y: 0, w: 4, h: 9 }, face), 0.5);
  // Without the +1 the same pair is 36/81, below the threshold: the convention decides the match.
  assert.ok(boxIoU({ x: 0, y: 0, w: 4, h: 9 }, face) < 0.5);
  assert.equal(widerBoxIoU({ x: 0, y: 0, w: 3, h: 9 }, face), 40 / 100);
});

test('identical boxes have IoU 1, even of zero width (a 1-pixel column)', () => {
  assert.equal(widerBoxIoU({ x: 3, y: 4, w: 10, h: 7 }, { x: 3, y: 4, w: 10, h: 7 }), 1);
  assert.equal(widerBoxIoU({ x: 3, y: 4, w: 0, h: 7 }, { x: 3, y: 4, w: 0, h: 7 }), 1);
});

test('boxes sharing the corner column x = 9 overlap by one pixel column; at x = 10 they are disjoint', () => {
  const a = { x: 0, y: 0, w: 9, h: 9 };
  // [0,9] and [9,18]: 1 x 10 = 10 pixels of 100 + 100 - 10.
  assert.equal(widerBoxIoU(a, { x: 9, y: 0, w: 9, h: 9 }), 10 / 190);
  assert.equal(widerBoxIoU(a, { x: 10, y: 0, w: 9, h: 9 }), 0);
});
