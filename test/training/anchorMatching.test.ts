import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slnAnchors } from '../../src/detectors/sln/network.js';
import { anchorCount, IGNORED, matchAnchors, NEGATIVE, POSITIVE, slnAnchorGrid } from '../../src/training/anchorMatching.js';
import { boxIoU, type Box } from '../../src/util/geometry.js';

// Anchor index of (row, col, scale index) on a grid `width` cells wide (4 scales).
const index = (row: number, col: number, k: number, width: number) => (row * width + col) * 4 + k;

test('an anchor exactly on a face is positive and matched to it; anchors far away are negative', () => {
  const grid = slnAnchorGrid(8, 8);
  // Anchor (row 3, col 4, scale 32): centre (18, 14), box [2, -2, 34, 30].
  const face: Box = { x: 2, y: -2, w: 32, h: 32 };
  const m = matchAnchors(grid, [face]);
  const a = index(3, 4, 1, 8);
  assert.equal(m.labels[a], POSITIVE);
  assert.equal(m.matchedFace[a], 0);
  assert.equal(m.maxIoU[a], 1);
  assert.equal(m.labels[index(7, 7, 0, 8)], NEGATIVE);
  assert.equal(m.facesCovered, 1);
  assert.equal(m.positives + m.negatives + m.ignored, anchorCount(grid));
});

test('IoU 0.5 is ignored, just above 0.6 positive, just below 0.4 negative', () => {
  const grid = slnAnchorGrid(8, 8);
  // Anchor (row 3, col 3, scale 32) is [-2, -2, 30, 30]. A 32x16 face on its top half: IoU 0.5.
  const a = index(3, 3, 1, 8);
  const half = matchAnchors(grid, [{ x: -2, y: -2, w: 32, h: 16 }]);
  assert.equal(half.maxIoU[a], 0.5);
  assert.equal(half.labels[a], IGNORED);
  assert.equal(half.facesCovered, 0);
  // Height h: IoU = h / 32. 19.5 / 32 = 0.609 -> positive; 12.6 / 32 = 0.394 -> negative.
  assert.equal(matchAnchors(grid, [{ x: -2, y: -2, w: 32, h: 19.5 }]).labels[a], POSITIVE);
  assert.equal(matchAnchors(grid, [{ x: -2, y: -2, w: 32, h: 12.6 }]).labels[a], NEGATIVE);
  // Shifted right by 8: IoU 24 * 32 / (2 * 1024 - 768) = 0.6 exactly, not > 0.6: ignored.
  const shifted = matchAnchors(grid, [{ x: 6, y: -2, w: 32, h: 32 }]);
  assert.equal(shifted.maxIoU[a], 0.6);
  assert.equal(shifted.labels[a], IGNORED);
  // Thresholds are configurable.
  assert.equal(matchAnchors(grid, [{ x: -2, y: -2, w: 32, h: 16 }], { positiveIoU: 0.45, negativeIoU: 0.3 }).labels[a], POSITIVE);
});

test('labels and best faces agree with a brute-force IoU over all anchors x faces', () => {
  const [fh, fw] = [20, 24];
  const grid = slnAnchorGrid(fh, fw);
  const corners = slnAnchors(fh, fw);
  const faces: Box[] = [
    { x: 10, y: 12, w: 20, h: 24 },
    { x: 14, y: 16, w: 18, h: 18 },
    { x: 40, y: 30, w: 60, h: 55 },
    { x: 3, y: 60, w: 9, h: 11 },
    { x: -10, y: 50, w: 130, h: 120 },
    { x: 70, y: 5, w: 33, h: 30 },
  ];
  const ignoredFaces: Box[] = [{ x: 60, y: 50, w: 30, h: 30 }];
  const m = matchAnchors(grid, faces, undefined, ignoredFaces);
  let covered = new Set<number>();
  for (let i = 0; i < anchorCount(grid); i++) {
    const anchor: Box = { x: corners[4 * i]!, y: corners[4 * i + 1]!, w: corners[4 * i + 2]! - corners[4 * i]!, h: corners[4 * i + 3]! - corners[4 * i + 1]! };
    const ious = faces.map((f) => boxIoU(anchor, f));
    const best = Math.max(...ious);
    const nearIgnored = ignoredFaces.some((f) => boxIoU(anchor, f) >= 0.4);
    const expected = best > 0.6 ? POSITIVE : best < 0.4 && !nearIgnored ? NEGATIVE : IGNORED;
    assert.equal(m.labels[i], expected, `anchor ${i}: best IoU ${best}`);
    if (expected === POSITIVE) {
      assert.equal(m.matchedFace[i], ious.indexOf(best));
      assert.ok(Math.abs(m.maxIoU[i]! - best) < 1e-12);
    }
    ious.forEach((iou, f) => iou > 0.6 && covered.add(f));
  }
  assert.equal(m.facesCovered, covered.size);
  assert.ok(m.positives > 0 && m.ignored > 0);
  // The 9x11 face is smaller than every anchor can match at 0.6: not covered.
  assert.ok(!covered.has(3));
});

test('matching 640 x 640 (102,400 anchors) with 200 faces takes milliseconds', () => {
  const grid = slnAnchorGrid(160, 160);
  const faces: Box[] = [];
  for (let i = 0; i < 200; i++) faces.push({ x: (i * 37) % 600, y: (i * 53) % 600, w: 8 + (i % 120), h: 10 + (i % 110) });
  const started = performance.now();
  const m = matchAnchors(grid, faces);
  const ms = performance.now() - started;
  assert.equal(m.labels.length, 102_400);
  assert.ok(ms < 500, `${ms} ms`);
});
