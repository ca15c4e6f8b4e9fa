// The moving average of the patch: hand-computed updates, a lossless save/restore, bad decays refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchAverage } from '../../src/attacks/patchAverage.js';

test('each update moves the average (1 - decay) of the way to the patch, starting at the initial patch', () => {
  const average = PatchAverage.start(0.5, Float32Array.from([0, 1]));
  average.update(Float32Array.from([1, 0]));
  assert.deepEqual(Array.from(average.values), [0.5, 0.5]);
  average.update(Float32Array.from([1, 0]));
  assert.deepEqual(Array.from(average.values), [0.75, 0.25]);
  assert.equal(average.steps, 2);
});

test('start copies the initial patch: the optimiser updating its values in place does not move the average', () => {
  const patch = Float32Array.from([0.2, 0.4]);
  const average = PatchAverage.start(0.9, patch);
  patch[0] = 1;
  assert.deepEqual(Array.from(average.values), Array.from(Float32Array.from([0.2, 0.4])));
});

test('a saved average restores bit for bit and continues like the original', () => {
  const original = PatchAverage.start(0.999, Float32Array.from([0.1, 0.7, 0.3]));
  original.update(Float32Array.from([0.9, 0.2, 0.5]));
  const restored = PatchAverage.restore(JSON.parse(JSON.stringify(original.save())), 3);
  assert.deepEqual(Array.from(restored.values), Array.from(original.values));
  assert.equal(restored.steps, 1);
  assert.equal(restored.decay, 0.999);
  for (const a of [original, restored]) a.update(Float32Array.from([0, 1, 0]));
  assert.deepEqual(Array.from(restored.values), Array.from(original.values));
  assert.throws(() => PatchAverage.restore(original.save(), 4), /3 saved values for a patch of 4/);
});

test('a decay outside (0, 1) is refused: 0 would be the patch itself, 1 the initial patch forever', () => {
  for (const decay of [0, 1, -0.5, 1.5, Number.NaN]) assert.throws(() => PatchAverage.start(decay, new Float32Array(2)), /decay must lie in \(0, 1\)/);
});
