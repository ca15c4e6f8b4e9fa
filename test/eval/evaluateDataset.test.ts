// evaluateDataset asks the source for every image in order and tells it which image comes next,
// so a detector source can decode it while the current one is detected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, DatasetImage } from '../../src/data/types.js';
import type { DetectionSource } from '../../src/eval/detectionSource.js';
import { allFacesSubsets } from '../../src/data/widerface/subsetMembership.js';
import { evaluateDataset } from '../../src/eval/evaluateDataset.js';

test('evaluateDataset hints each next image to the source before awaiting the current one', async () => {
  const face = { box: { x: 0, y: 0, w: 10, h: 10 }, blur: 0, expression: 0, illumination: 0, invalid: 0, occlusion: 0, pose: 0 };
  const images: DatasetImage[] = ['a', 'b', 'c'].map((id) => ({ id, event: '', path: `${id}.jpg`, faces: [face], subsets: { easy: [0], medium: [0], hard: [0], all: [0] } }));
  const dataset: Dataset = { images, skipped: 0, source: { kind: 'photo-folder', root: '.' } };
  const calls: string[] = [];
  const source: DetectionSource = {
    description: 'recording',
    async detectionsFor(image) {
      calls.push(`detect ${image.id}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return { detections: [{ ...image.faces[0]!.box, score: 1 }] };
    },
    prefetch(image) {
      calls.push(`prefetch ${image.id}`);
    },
    report: () => ({}),
  };
  const { result } = await evaluateDataset({ dataset, source, delta: 0.5 });
  assert.deepEqual(calls, ['detect a', 'prefetch b', 'detect b', 'prefetch c', 'detect c']);
  assert.equal(result.recall.all, 1);
});

test('allFacesOnly scores every face as All and leaves Easy/Medium/Hard empty; without it an image lacking membership is refused', async () => {
  const face = (x: number) => ({ box: { x, y: 0, w: 10, h: 10 }, blur: 0, expression: 0, illumination: 0, invalid: 0, occlusion: 0, pose: 0 });
  // Three faces, no membership (a train image); the source finds the first two.
  const images: DatasetImage[] = [{ id: 'train', event: '', path: 'train.jpg', faces: [face(0), face(20), face(40)] }];
  const dataset: Dataset = { images, skipped: 0, source: { kind: 'photo-folder', root: '.' } };
  const source: DetectionSource = {
    description: 'two of three',
    detectionsFor: async (image) => ({ detections: image.faces.slice(0, 2).map((f) => ({ ...f.box, score: 0.995 })) }),
    report: () => ({}),
  };
  await assert.rejects(evaluateDataset({ dataset, source }), /image train has no Easy\/Medium\/Hard membership/);
  const { result } = await evaluateDataset({ dataset, source, allFacesOnly: true });
  assert.deepEqual(result.atDelta.all, { faces: 3, proposals: 2, recalled: 2, precision: 1, recall: 2 / 3 });
  assert.equal(result.atDelta.easy.faces, 0);
  assert.equal(result.recall.easy, null);
  assert.deepEqual(allFacesSubsets(3), { easy: [], medium: [], hard: [], all: [0, 1, 2] });
  // Membership an image does carry is overridden: All alone means every face.
  const withMembership: Dataset = { ...dataset, images: [{ ...images[0]!, subsets: { easy: [0], medium: [0], hard: [0], all: [0] } }] };
  const { result: overridden } = await evaluateDataset({ dataset: withMembership, source, allFacesOnly: true });
  assert.deepEqual(overridden.atDelta.all, result.atDelta.all);
});
