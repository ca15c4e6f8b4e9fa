import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perFaceAndPatchTopWeighting, perFaceAndPatchWeighting, perFaceWeighting, perSampleWeighting, sampleWeightingRegistry } from '../../src/attacks/sampleWeighting.js';

// Anchors as x1, y1, x2, y2: three on a large face, one on a small face, one on the small face's
// patch only (above the face), one on nothing.
const faces = [{ x: 0, y: 0, w: 40, h: 40 }, { x: 100, y: 100, w: 10, h: 10 }];
const patches = [{ x: 10, y: 0, w: 20, h: 20 }, { x: 102, y: 90, w: 6, h: 6 }];
const anchors = Float32Array.from([
  0, 0, 40, 40, // large face
  2, 2, 38, 38, // large face
  5, 0, 35, 30, // large face (and its patch, but the face overlaps it more)
  100, 100, 110, 110, // small face
  102, 89, 108, 95, // the small face's patch only
  300, 300, 320, 320, // nothing
  500, 500, 510, 510, // not selected
]);
const input = { anchors, scores: new Float32Array(7), faces, patches };
const selected = Int32Array.from([0, 1, 2, 3, 4, 5]);

test('per-sample weighting gives every selected sample weight 1 (the paper)', () => {
  assert.deepEqual([...perSampleWeighting.weights(input, selected)], [1, 1, 1, 1, 1, 1]);
});

test('per-face weighting splits one unit of weight among the samples of each face or patch', () => {
  const w = perFaceWeighting.weights(input, selected);
  const expected = [1 / 3, 1 / 3, 1 / 3, 1, 1, 1];
  expected.forEach((e, i) => assert.ok(Math.abs((w[i] as number) - e) < 1e-6, `sample ${i}: ${w[i]} vs ${e}`));
  // Only the selected samples count: dropping one of the large face's samples gives the other two 1/2.
  const two = perFaceWeighting.weights(input, Int32Array.from([0, 2, 3]));
  assert.deepEqual([...two], [0.5, 0.5, 1]);
});

test('face-patch weighting gives the anchors mostly inside a patch their own unit instead of its face\'s', () => {
  // A small anchor wholly inside the large face's patch (a face the patch might draw), selected
  // beside the large face's three anchors.
  const drawn = { ...input, anchors: Float32Array.from([...anchors, 12, 2, 20, 10]) };
  const withDrawn = Int32Array.from([0, 1, 2, 3, 4, 5, 7]);
  // Per face, the drawn anchor joins the face under the patch and takes a quarter of its unit.
  const perFace = perFaceWeighting.weights(drawn, withDrawn);
  [1 / 4, 1 / 4, 1 / 4, 1, 1, 1, 1 / 4].forEach((e, i) => assert.ok(Math.abs((perFace[i] as number) - e) < 1e-6, `face, sample ${i}: ${perFace[i]} vs ${e}`));
  // Face-patch: the face keeps its unit for its own three anchors (anchor 2 has 400/900 < 0.5 of
  // itself on the patch, so it stays the face's) and the drawn anchor forms the patch's unit.
  const apart = perFaceAndPatchWeighting.weights(drawn, withDrawn);
  [1 / 3, 1 / 3, 1 / 3, 1, 1, 1, 1].forEach((e, i) => assert.ok(Math.abs((apart[i] as number) - e) < 1e-6, `face-patch, sample ${i}: ${apart[i]} vs ${e}`));
  // Without such anchors the two weightings agree.
  assert.deepEqual([...perFaceAndPatchWeighting.weights(input, selected)], [...perFaceWeighting.weights(input, selected)]);
});

test('face-patch-top shares each unit by the softmax of the logits, so the most confident sample takes most of it', () => {
  // Logits of the large face's three samples: log 9 (S 0.9), 0 (S 0.5), log 99 (S 0.99); the
  // small face, its patch and the lone sample keep 1 each, whatever their scores.
  const scores = Float32Array.from([0.9, 0.5, 0.99, 0.7, 0.6, 0.999, 0]);
  const w = perFaceAndPatchTopWeighting.weights({ ...input, scores }, selected);
  const odds = [9, 1, 99];
  const total = odds.reduce((a, b) => a + b, 0);
  [...odds.map((o) => o / total), 1, 1, 1].forEach((e, i) => assert.ok(Math.abs((w[i] as number) - e) < 1e-6, `sample ${i}: ${w[i]} vs ${e}`));
  // Equal scores give face-patch's equal shares; a saturated score stays finite and takes the unit.
  const flat = perFaceAndPatchTopWeighting.weights({ ...input, scores: new Float32Array(7).fill(0.8) }, selected);
  assert.deepEqual([...flat], [...perFaceAndPatchWeighting.weights(input, selected)]);
  const saturated = perFaceAndPatchTopWeighting.weights({ ...input, scores: Float32Array.from([1, 0.5, 0.5, 1, 1, 1, 1]) }, selected);
  assert.ok(Math.abs((saturated[0] as number) - 1) < 1e-6 && (saturated[1] as number) < 1e-6, `saturated: ${[...saturated]}`);
});

test('the registry lists the weightings and names the valid ones for an unknown name', () => {
  assert.deepEqual(sampleWeightingRegistry.names(), ['face', 'face-patch', 'face-patch-top', 'sample']);
  assert.throws(() => sampleWeightingRegistry.get('pixel'), /face.*face-patch.*face-patch-top.*sample/);
});
