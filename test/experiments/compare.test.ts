import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCsv, compareMarkdown, proposalsWithoutFace, type CompareRow } from '../../src/experiments/compare.js';
import type { EvaluationResult, OperatingPoint } from '../../src/eval/types.js';
import type { FalsePositiveKind } from '../../src/eval/falsePositives.js';

// A row as an attack leaves it: 72 proposals at delta recall 70 faces, so 2 recall none, and
// the false positives behind them are of the given kinds.
function row(label: string, proposals: number, recalled: number, faces: number, kinds: FalsePositiveKind[]): CompareRow {
  const point: OperatingPoint = { faces, proposals, recalled, precision: recalled / proposals, recall: recalled / faces };
  const bySubset = <T>(value: T) => ({ easy: value, medium: value, hard: value, all: value });
  const result = {
    delta: 0.99,
    images: 3,
    betas: [0.1],
    precision: bySubset(point.precision),
    recall: bySubset(point.recall),
    atDelta: bySubset(point),
    ap: bySubset(0.5),
    afbeta: { '0.1': 0.25 },
    fbeta: { thresholds: [], curves: bySubset({}), afbeta: bySubset({}) },
    criteria: { criterion1: { facesDetected: bySubset(recalled), faces: bySubset(faces) }, criterion2: { detections: 0, patches: 9, patchesDetected: 0, detectionsWithinPatches: 0 } },
    falsePositives: kinds.map((kind) => ({ image: 'x', detection: { x: 0, y: 0, w: 1, h: 1, score: 0.995 }, kind, face: -1, faceIoU: 0 })),
  } as EvaluationResult;
  return { label, result, reusedFromJournal: 0 };
}

test('the comparison tables print the proposals at delta and how many recall no face beside precision', () => {
  const rows = [row('clean', 951, 948, 5130, ['background', 'duplicate', 'background']), row('patch', 72, 70, 5130, ['background', 'near-face'])];
  assert.deepEqual(proposalsWithoutFace(rows[1]!.result), { proposals: 72, withoutFace: 2 });
  const markdown = compareMarkdown(rows, 'toy', 0.99).split('\n');
  assert.match(markdown[2]!, /\| proposals ≥ delta, all \/ recalling no face \|/);
  // header, separator and rows keep the same number of cells
  const cells = (line: string) => line.split('|').length;
  assert.equal(cells(markdown[3]!), cells(markdown[2]!));
  assert.equal(cells(markdown[4]!), cells(markdown[2]!));
  assert.match(markdown[4]!, /^\| clean \|.* \| 951 \/ 3 \(1 duplicate, 2 background\) \| 0 \/ 9 \| 0 \|$/);
  assert.match(markdown[5]!, /^\| patch \| 97\.2 \/ 1\.4 \|.* \| 72 \/ 2 \(1 near-face, 1 background\) \| 0 \/ 9 \| 0 \|$/);
  const csv = compareCsv(rows).trim().split('\n').map((line) => line.split(','));
  const header = csv[0]!;
  assert.equal(csv[2]![header.indexOf('proposals_all')], '72');
  assert.equal(csv[2]![header.indexOf('proposals_without_face_all')], '2');
  assert.equal(csv[1]![header.indexOf('proposals_without_face_all')], '3');
});
