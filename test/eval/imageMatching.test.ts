import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchImageDetections, rankByScore } from '../../src/eval/imageMatching.js';

const F0 = { x: 0, y: 0, w: 9, h: 9 };
const F1 = { x: 100, y: 0, w: 9, h: 9 };
const F2 = { x: 200, y: 0, w: 9, h: 9 };

test('official matching: ranked by score, duplicates stay proposals without recall, ignored faces drop the detection', () => {
  const detections = [
    { ...F0, score: 0.9 }, // a duplicate of the better-scored one below
    { ...F2, score: 0.8 }, // on the ignored face F2
    { x: 500, y: 500, w: 9, h: 9, score: 0.7 }, // matches nothing: a false positive
    { ...F1, score: 0.6 },
    { x: 1, y: 0, w: 9, h: 9, score: 0.95 }, // F0 shifted by a pixel: IoU 90/110
  ];
  const match = matchImageDetections(detections, [F0, F1, F2], [true, true, false]);
  assert.deepEqual(
    match.ranked.map((d) => d.score),
    [0.95, 0.9, 0.8, 0.7, 0.6],
  );
  assert.deepEqual(match.matchedFace, [0, 0, 2, -1, 1]);
  assert.deepEqual(match.isProposal, [true, true, false, true, true]);
  assert.deepEqual(match.recallsNewFace, [true, false, false, false, true]);
});

test('a detection goes to the face of highest IoU only: an ignored best face drops it though a kept face has IoU >= 0.5', () => {
  const kept = { x: 0, y: 0, w: 9, h: 9 };
  const ignored = { x: 1, y: 0, w: 9, h: 9 };
  // IoU with `ignored` is 1, with `kept` 90/110 = 0.82.
  const match = matchImageDetections([{ ...ignored, score: 1 }], [kept, ignored], [true, false]);
  assert.deepEqual(match.matchedFace, [1]);
  assert.deepEqual(match.isProposal, [false]);
  assert.deepEqual(match.recallsNewFace, [false]);
});

test('on an IoU tie the first face wins, so two detections on two identical faces recall only one of them', () => {
  const match = matchImageDetections([{ ...F0, score: 0.9 }, { ...F0, score: 0.8 }], [F0, { ...F0 }], [true, true]);
  assert.deepEqual(match.matchedFace, [0, 0]);
  assert.deepEqual(match.recallsNewFace, [true, false]);
  assert.deepEqual(match.isProposal, [true, true]);
});

test('IoU exactly 0.5 (with the +1 convention) matches; 0.4 does not', () => {
  const atThreshold = matchImageDetections([{ x: 0, y: 0, w: 4, h: 9, score: 1 }], [F0], [true]);
  assert.deepEqual(atThreshold.recallsNewFace, [true]);
  const below = matchImageDetections([{ x: 0, y: 0, w: 3, h: 9, score: 1 }], [F0], [true]);
  assert.deepEqual(below.matchedFace, [-1]);
  assert.deepEqual(below.isProposal, [true]);
  assert.deepEqual(below.recallsNewFace, [false]);
});

test('rankByScore is stable on ties', () => {
  const ranked = rankByScore([
    { id: 'a', score: 0.5 },
    { id: 'b', score: 0.7 },
    { id: 'c', score: 0.5 },
  ]);
  assert.deepEqual(
    ranked.map((r) => r.id),
    ['b', 'a', 'c'],
  );
});
