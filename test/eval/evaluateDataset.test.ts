// evaluateDataset asks the source for every image in order and tells it which image comes next,
// so a detector source can decode it while the current one is detected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset, DatasetImage } from '../../src/data/types.js';
import type { DetectionSource } from '../../src/eval/detectionSource.js';
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
