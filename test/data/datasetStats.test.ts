import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetStats } from '../../src/data/datasetStats.js';
import type { Dataset, DatasetImage, FaceAnnotation } from '../../src/data/types.js';

const face: FaceAnnotation = { box: { x: 0, y: 0, w: 1, h: 1 }, blur: 0, expression: 0, illumination: 0, invalid: 0, occlusion: 0, pose: 0 };
const image = (faces: number, subsets?: DatasetImage['subsets']): DatasetImage => ({
  id: 'e/x',
  event: 'e',
  path: '/x.jpg',
  faces: Array.from({ length: faces }, () => face),
  ...(subsets ? { subsets } : {}),
});

test('counts images, faces and subset members', () => {
  const dataset: Dataset = {
    images: [image(3, { easy: [0], medium: [0, 2], hard: [0, 1, 2], all: [0, 1, 2] }), image(1, { easy: [], medium: [], hard: [0], all: [0] })],
    skipped: 7,
    source: { kind: 'widerface', root: '/r', split: 'val' },
  };
  assert.deepEqual(datasetStats(dataset), { images: 2, skipped: 7, faces: 4, subsets: { easy: 1, medium: 2, hard: 4 } });
});

test('no subsets without evaluation ground truth', () => {
  const dataset: Dataset = { images: [image(2)], skipped: 0, source: { kind: 'photo-folder', root: '/r' } };
  assert.deepEqual(datasetStats(dataset), { images: 1, skipped: 0, faces: 2 });
});
