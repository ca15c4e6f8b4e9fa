import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEvalGroundTruth } from '../../../src/data/widerface/evalGroundTruth.js';
import { encodeMatFile } from '../mat/tinyMatEncoder.js';
import { SYNTHETIC_IMAGES, writeSyntheticWider } from './syntheticWider.js';

test('reads boxes and 0-based kept indices per event/name', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = join(root, 'eval_tools', 'ground_truth', 'wider_medium_val.mat');
  const truth = readEvalGroundTruth(file);
  assert.equal(truth.images.size, SYNTHETIC_IMAGES.length);
  for (const image of SYNTHETIC_IMAGES) {
    const entry = truth.images.get(`${image.event}/${image.name}`);
    assert.ok(entry, image.name);
    assert.deepEqual(entry.boxes, image.boxes);
    assert.deepEqual(entry.keep, image.keep.medium.map((k) => k - 1));
  }
});

test('missing variables and out-of-range indices name the file and the MATLAB expression', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const noGt = join(root, 'no_gt.mat');
  writeFileSync(noGt, encodeMatFile([{ name: 'event_list', value: { kind: 'cell', dims: [0, 0], cells: [] } }]));
  assert.throws(() => readEvalGroundTruth(noGt), /no_gt\.mat: no variable "file_list" \(the file holds: event_list\)/);

  const column = (cells: never[]) => ({ kind: 'cell', dims: [cells.length, 1], cells }) as never;
  const bad = join(root, 'bad_index.mat');
  writeFileSync(
    bad,
    encodeMatFile([
      { name: 'event_list', value: column([{ kind: 'char', text: 'e' }] as never[]) },
      { name: 'file_list', value: column([column([{ kind: 'char', text: 'n' }] as never[])] as never[]) },
      { name: 'face_bbx_list', value: column([column([{ kind: 'int32', dims: [1, 4], values: [1, 2, 3, 4] }] as never[])] as never[]) },
      { name: 'gt_list', value: column([column([{ kind: 'double', dims: [1, 1], values: [2] }] as never[])] as never[]) },
    ]),
  );
  assert.throws(() => readEvalGroundTruth(bad), /bad_index\.mat: gt_list\{1\}\{1\} \(e\/n\): face index 2 is outside 1\.\.1/);
});
