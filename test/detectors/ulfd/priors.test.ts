// ULFD's priors: hand-computed values, and equality with the prior constants the ULFD authors
// baked into the post-processing of their full ONNX exports (the reference implementation's output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridPriorCount, gridPriors, readOnnxModel } from '../../../src/detectors/onnx/index.js';
import { ULFD_PRIORS } from '../../../src/detectors/ulfd/index.js';
import { requireShared } from '../../helpers/shared.js';

test('ULFD priors: counts and hand-computed rows at 320x240', () => {
  assert.equal(gridPriorCount(ULFD_PRIORS, 320, 240), 4420);
  assert.equal(gridPriorCount(ULFD_PRIORS, 640, 480), 17640);
  const p = gridPriors(ULFD_PRIORS, 320, 240);
  assert.equal(p.length, 4420 * 4);
  const row = (k: number) => Array.from(p.slice(k * 4, k * 4 + 4));
  const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) < 1e-6);
  // First level (stride 8, 40x30 cells, sizes 10/16/24): cell (0, 0), size 10, then size 16.
  assert.ok(close(row(0), [4 / 320, 4 / 240, 10 / 320, 10 / 240]), String(row(0)));
  assert.ok(close(row(1), [4 / 320, 4 / 240, 16 / 320, 16 / 240]), String(row(1)));
  // Cell (1, 0) comes next (columns vary fastest).
  assert.ok(close(row(3), [12 / 320, 4 / 240, 10 / 320, 10 / 240]), String(row(3)));
  // ULFD spreads cells over the input: the stride-32 level has ceil(240 / 32) = 8 rows and 10
  // columns; its last prior (cell (9, 7), size 96) is centred at (9.5 / 10, 7.5 / 8).
  const level3Last = 3600 + 600 + 160 - 1;
  assert.ok(close(row(level3Last), [0.95, 0.9375, 96 / 320, 96 / 240]), String(row(level3Last)));
  // Last prior: stride-64 level (5x4 cells), cell (4, 3), size 256, height clamped to 1.
  assert.ok(close(row(4419), [4.5 / 5, 3.5 / 4, 256 / 320, 1]), String(row(4419)));
  // RetinaFace-style centres ((i + 0.5) * stride / input) differ exactly there.
  const strideCentred = gridPriors({ ...ULFD_PRIORS, centres: 'stride' }, 320, 240);
  assert.ok(Math.abs(strideCentred[level3Last * 4 + 1] - Math.min(1, (7.5 * 32) / 240)) < 1e-6);
});

/** The [1, A, 2] float constants of a full ULFD export (prior centres and prior sizes). */
function priorConstants(file: string): Float32Array[] {
  const model = readOnnxModel(file);
  return model.nodes
    .filter((n) => n.opType === 'Constant')
    .map((n) => n.attributes.tensor('value'))
    .filter((t) => t !== undefined && t.dims.length === 3 && t.dims[2] === 2)
    .map((t) => t!.data as Float32Array);
}

for (const [file, width, height] of [
  ['version-RFB-320.onnx', 320, 240],
  ['version-RFB-640.onnx', 640, 480],
] as const) {
  test(`gridPriors(ULFD) equal the priors inside ${file}`, (t) => {
    const path = requireShared(t, 'models', 'ulfd', file);
    if (!path) return;
    const priors = gridPriors(ULFD_PRIORS, width, height);
    const count = priors.length / 4;
    const centres = Float32Array.from({ length: count * 2 }, (_, i) => priors[Math.floor(i / 2) * 4 + (i % 2)]);
    const sizes = Float32Array.from({ length: count * 2 }, (_, i) => priors[Math.floor(i / 2) * 4 + 2 + (i % 2)]);
    const constants = priorConstants(path);
    assert.ok(constants.length >= 2, 'the export holds prior constants');
    const matches = (want: Float32Array) =>
      constants.some((c) => c.length === want.length && c.every((v, i) => Math.abs(v - want[i]) < 1e-6));
    assert.ok(matches(centres), 'prior centres');
    assert.ok(matches(sizes), 'prior sizes');
  });
}
