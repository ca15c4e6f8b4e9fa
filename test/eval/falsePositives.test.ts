import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countFalsePositiveKinds, describeFalsePositiveKinds, formatFalsePositive, listFalsePositives } from '../../src/eval/falsePositives.js';
import { evaluateDetections } from '../../src/eval/evaluateDetections.js';
import type { EvaluationImage } from '../../src/eval/types.js';
import type { Box } from '../../src/util/geometry.js';

const box = (x: number, y: number, w: number, h: number): Box => ({ x, y, w, h });
const scored = (b: Box, score: number) => ({ ...b, score });

// Faces F0 and F1 are kept by 'all', F2 is not (an ignored face). Patches P0 and P1.
// Detections, by score, at delta 0.9:
//   .99 on F0: recalls it;               .98 on F0 moved 1 px: a duplicate;
//   .97 on P0: the patch detected;       .96 a 10x10 box inside P1: within the patch;
//   .95 F1 moved 10 px down: IoU 200 / 600 = 1/3 with F1 (20x20 boxes in the official
//       "+1" convention, overlapping 20x10): near a face;
//   .94 far from everything: background; .93 on F2: matches an ignored face, not a proposal;
//   .50 far away: below delta.
const F0 = box(0, 0, 19, 19);
const F1 = box(100, 0, 19, 19);
const F2 = box(200, 0, 19, 19);
const P0 = box(300, 300, 19, 19);
const P1 = box(400, 400, 39, 39);
const image: EvaluationImage = {
  id: 'A',
  faces: [F0, F1, F2],
  subsets: { easy: [0], medium: [0, 1], hard: [0, 1], all: [0, 1] },
  detections: [
    scored(box(600, 600, 9, 9), 0.94),
    scored(F0, 0.99),
    scored(box(1, 0, 19, 19), 0.98),
    scored(P0, 0.97),
    scored(box(405, 405, 9, 9), 0.96),
    scored(box(100, 10, 19, 19), 0.95),
    scored(F2, 0.93),
    scored(box(900, 900, 9, 9), 0.5),
  ],
  patches: [P0, P1],
};
// An image without faces contributes no proposal (the official rule), so nothing is listed for it.
const faceless: EvaluationImage = {
  id: 'B',
  faces: [],
  subsets: { easy: [], medium: [], hard: [], all: [] },
  detections: [scored(box(0, 0, 9, 9), 0.99)],
};

test('each proposal at delta that recalls no face is listed with why, in score order', () => {
  const listed = listFalsePositives([image, faceless], 0.9);
  assert.deepEqual(
    listed.map(({ image: id, detection, kind, face }) => [id, detection.score, kind, face]),
    [
      ['A', 0.98, 'duplicate', 0],
      ['A', 0.97, 'patch', -1],
      ['A', 0.96, 'within-patch', -1],
      ['A', 0.95, 'near-face', 1],
      ['A', 0.94, 'background', -1],
    ],
  );
  assert.equal(listed[0]?.faceIoU, (19 * 20) / (2 * 400 - 19 * 20));
  assert.equal(listed[3]?.faceIoU, 200 / 600);
  assert.deepEqual(countFalsePositiveKinds(listed), { patch: 1, 'within-patch': 1, duplicate: 1, 'near-face': 1, background: 1 });
  assert.equal(describeFalsePositiveKinds(listed.slice(3)), '1 near-face, 1 background');
  assert.equal(describeFalsePositiveKinds([]), '');
  assert.equal(formatFalsePositive(listed[3]!), 'A [100, 10, 19, 19] score 0.9500: near-face, IoU 0.333 with face 1');
  // A higher delta keeps only the false positives scoring at least it.
  assert.deepEqual(listFalsePositives([image], 0.965).map((fp) => fp.kind), ['duplicate', 'patch']);
});

test('the list is exactly the proposals minus the recalled faces behind precision on all', () => {
  const result = evaluateDetections({ images: [image, faceless], delta: 0.9 });
  const { proposals, recalled } = result.atDelta.all;
  assert.deepEqual([proposals, recalled], [6, 1]);
  assert.equal(result.falsePositives.length, proposals - recalled);
  assert.equal(result.falsePositives.filter((fp) => fp.kind === 'patch').length, result.criteria.criterion2.detections);
});
