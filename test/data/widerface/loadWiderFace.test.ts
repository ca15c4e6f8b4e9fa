import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadWiderFace } from '../../../src/data/widerface/loadWiderFace.js';
import { readWiderAnnotations } from '../../../src/data/widerface/annotationParser.js';
import { readEvalGroundTruth } from '../../../src/data/widerface/evalGroundTruth.js';
import { subsetMembership } from '../../../src/data/widerface/subsetMembership.js';
import { datasetStats } from '../../../src/data/datasetStats.js';
import { InputFileError } from '../../../src/util/errors.js';
import { requireShared } from '../../helpers/shared.js';
import { SYNTHETIC_IMAGES, writeSyntheticWider } from './syntheticWider.js';

const byName = (name: string) => SYNTHETIC_IMAGES.find((i) => i.name === name)!;

test('present images only, sorted by path, with faces, subsets and the skipped count', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataset = loadWiderFace({ root, split: 'val' });
  assert.equal(dataset.skipped, 1);
  assert.deepEqual(dataset.source, { kind: 'widerface', root, split: 'val' });
  assert.deepEqual(dataset.images.map((i) => i.id), ['0--Parade/0_Parade_a', '0--Parade/0_Parade_b', '1--Handshaking/1_Handshaking_c']);
  for (const image of dataset.images) {
    const expected = byName(image.id.split('/')[1]!);
    assert.equal(image.path, join(root, 'WIDER_val', 'images', expected.event, `${expected.name}.jpg`));
    assert.equal(image.event, expected.event);
    assert.deepEqual(image.faces.map((f) => [f.box.x, f.box.y, f.box.w, f.box.h]), expected.boxes);
    assert.deepEqual(image.subsets, {
      easy: expected.keep.easy.map((k) => k - 1),
      medium: expected.keep.medium.map((k) => k - 1),
      hard: expected.keep.hard.map((k) => k - 1),
      all: expected.boxes.map((_, k) => k),
    });
  }
  // Hand count over the three present images: faces 2+3+1, easy 1, medium 2+1, hard 2+3+1.
  assert.deepEqual(datasetStats(dataset), { images: 3, skipped: 1, faces: 6, subsets: { easy: 1, medium: 3, hard: 6 } });
});

test('maxImages keeps the first N present images in sorted order', (t) => {
  const root = writeSyntheticWider();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataset = loadWiderFace({ root, split: 'val', maxImages: 2 });
  assert.deepEqual(dataset.images.map((i) => i.id), ['0--Parade/0_Parade_a', '0--Parade/0_Parade_b']);
  assert.deepEqual(datasetStats(dataset), { images: 2, skipped: 1, faces: 5, subsets: { easy: 1, medium: 3, hard: 5 } });
});

test('train has no subsets; val can be loaded without them', (t) => {
  const root = writeSyntheticWider({ train: true });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const train = loadWiderFace({ root, split: 'train' });
  assert.equal(train.images.length, 2);
  assert.equal(train.skipped, 2);
  assert.ok(train.images.every((i) => i.subsets === undefined));
  assert.deepEqual(datasetStats(train), { images: 2, skipped: 2, faces: 5 });
  const val = loadWiderFace({ root, split: 'val', groundTruthDir: null });
  assert.ok(val.images.every((i) => i.subsets === undefined));
});

test('a .mat that lists other faces than the txt is an error naming both files and the image', (t) => {
  const root = writeSyntheticWider({ matBoxes: { '0--Parade/0_Parade_a': [[10, 10, 20, 20], [30, 30, 40, 40], [1, 1, 1, 1]] } });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.throws(() => loadWiderFace({ root, split: 'val' }), (error: unknown) => {
    assert.ok(error instanceof InputFileError);
    assert.match(error.message, /wider_face_val_bbx_gt\.txt: the evaluation ground truth disagrees .*\(3 image\/subset pairs\)/);
    assert.match(error.message, /0--Parade\/0_Parade_a: the txt has 2 faces, the \.mat 3 \(.*wider_easy_val\.mat\)/);
    return true;
  });
});

test('a moved box is a warning, not an error', (t) => {
  const root = writeSyntheticWider({ matBoxes: { '1--Handshaking/1_Handshaking_c': [[0, 1, 5, 5]] } });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const warnings: string[] = [];
  const dataset = loadWiderFace({ root, split: 'val', onWarning: (m) => warnings.push(m) });
  assert.equal(warnings.length, 3);
  assert.match(warnings[0]!, /1--Handshaking\/1_Handshaking_c: face 1: txt box \[0 0 5 5\], \.mat box \[0 1 5 5\]/);
  assert.deepEqual(dataset.images[2]?.subsets?.hard, [0]);
});

test('missing inputs are named', (t) => {
  const root = writeSyntheticWider({ withoutMat: ['hard'] });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.throws(() => loadWiderFace({ root, split: 'val' }), /wider_hard_val\.mat: missing/);
  assert.throws(() => loadWiderFace({ root, split: 'train' }), /wider_face_train_bbx_gt\.txt: cannot read/);
  const absent = join(root, 'no-such-root');
  assert.throws(() => loadWiderFace({ root: absent, split: 'val' }), new RegExp(`WIDER FACE root not found: ${absent}`));
});

test('the shared WIDER FACE val subset gives the figures of shared/README.md', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const dataset = loadWiderFace({ root, split: 'val' });
  assert.deepEqual(datasetStats(dataset), { images: 282, skipped: 2944, faces: 5130, subsets: { easy: 715, medium: 1460, hard: 4100 } });
  const paths = dataset.images.map((i) => i.path);
  assert.deepEqual(paths, [...paths].sort());
  const firstTen = loadWiderFace({ root, split: 'val', maxImages: 10 });
  assert.deepEqual(firstTen.images.map((i) => i.path), paths.slice(0, 10));
  assert.equal(firstTen.skipped, 2944);
  const train = loadWiderFace({ root, split: 'train' });
  assert.equal(train.images.length, 1070);
  assert.equal(train.skipped, 12880 - 1070);
  assert.equal(datasetStats(train).subsets, undefined);
});

test('over the whole official val set, the .mat files agree with the txt (README totals)', (t) => {
  const root = requireShared(t, 'data', 'widerface');
  if (!root) return;
  const annotated = readWiderAnnotations(join(root, 'wider_face_split', 'wider_face_val_bbx_gt.txt'));
  const truths = new Map(
    (['easy', 'medium', 'hard'] as const).map((s) => [s, readEvalGroundTruth(join(root, 'eval_tools', 'ground_truth', `wider_${s}_val.mat`))]),
  );
  const images = annotated.map((a) => ({ id: `${a.event}/${a.name}`, event: a.event, path: `/any/${a.relativePath}`, faces: a.faces }));
  const { subsets, errors, warnings } = subsetMembership(images, truths);
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  const total = (name: 'easy' | 'medium' | 'hard') => subsets.reduce((sum, s) => sum + s[name].length, 0);
  assert.deepEqual({ easy: total('easy'), medium: total('medium'), hard: total('hard') }, { easy: 7211, medium: 13319, hard: 31958 });
});
