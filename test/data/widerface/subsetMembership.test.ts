import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subsetMembership } from '../../../src/data/widerface/subsetMembership.js';
import type { EvalGroundTruth } from '../../../src/data/widerface/evalGroundTruth.js';
import type { FaceAnnotation } from '../../../src/data/types.js';

const face = (x: number, y: number, w: number, h: number): FaceAnnotation => ({
  box: { x, y, w, h },
  blur: 0,
  expression: 0,
  illumination: 0,
  invalid: 0,
  occlusion: 0,
  pose: 0,
});

function truth(file: string, entries: { key: string; boxes: number[][]; keep: number[] }[]): EvalGroundTruth {
  return {
    file,
    images: new Map(entries.map(({ key, boxes, keep }) => {
      const [event, name] = key.split('/') as [string, string];
      return [key, { event, name, boxes, keep }];
    })),
  };
}

const image = { id: 'e/a', event: 'e', path: '/root/e/a.jpg', faces: [face(1, 2, 3, 4), face(5, 6, 0, 8)] };

test('indices come from each subset; "all" keeps every face', () => {
  const result = subsetMembership(
    [image],
    new Map([
      ['easy', truth('easy.mat', [{ key: 'e/a', boxes: [[1, 2, 3, 4], [5, 6, 0, 8]], keep: [1] }])],
      ['hard', truth('hard.mat', [{ key: 'e/a', boxes: [[1, 2, 3, 4], [5, 6, 0, 8]], keep: [1, 0] }])],
    ] as const),
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(result.subsets[0], { easy: [1], medium: [], hard: [0, 1], all: [0, 1] });
});

test('a negative .mat width written as 0 in the txt agrees; other coordinate changes warn; other counts fail', () => {
  const clipped = subsetMembership([image], new Map([['easy', truth('easy.mat', [{ key: 'e/a', boxes: [[1, 2, 3, 4], [5, 6, -2, 8]], keep: [0] }])]] as const));
  assert.deepEqual(clipped.warnings, []);
  assert.deepEqual(clipped.subsets[0]?.easy, [0]);

  const moved = subsetMembership([image], new Map([['easy', truth('easy.mat', [{ key: 'e/a', boxes: [[1, 2, 3, 4], [5, 7, 0, 8]], keep: [0] }])]] as const));
  assert.deepEqual(moved.errors, []);
  assert.deepEqual(moved.warnings, ['e/a: face 2: txt box [5 6 0 8], .mat box [5 7 0 8] (easy.mat)']);
  assert.deepEqual(moved.subsets[0]?.easy, [0]);

  const fewer = subsetMembership([image], new Map([['easy', truth('easy.mat', [{ key: 'e/a', boxes: [[1, 2, 3, 4]], keep: [0] }])]] as const));
  assert.deepEqual(fewer.errors, ['e/a: the txt has 2 faces, the .mat 1 (easy.mat)']);
  assert.deepEqual(fewer.subsets[0]?.easy, []);

  const absent = subsetMembership([image], new Map([['easy', truth('easy.mat', [])]] as const));
  assert.deepEqual(absent.errors, ['e/a: not in easy.mat']);
});
