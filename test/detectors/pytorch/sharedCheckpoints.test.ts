// The real checkpoints in ../shared (legacy torch.save streams) read the same as torch reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadStateDict } from '../../../src/detectors/pytorch/index.js';
import { requireShared } from '../../helpers/shared.js';
import { requireTorchPython, runPythonJson } from './torchPython.js';

interface Summary {
  dtype: string;
  shape: number[];
  sum: number;
  abs_sum: number;
  first: number[];
}

const describe = fileURLToPath(new URL('./fixtures/describe_state_dict.py', import.meta.url));

const CHECKPOINTS: { parts: string[]; tensors: number }[] = [
  { parts: ['models', 'retinaface-mobilenet0.25', 'mobilenet0.25_Final.pth'], tensors: 300 },
  { parts: ['models', 'mobilenetv1-0.25-imagenet', 'mobilenetV1X0.25_pretrain.tar'], tensors: 164 },
];

for (const { parts, tensors } of CHECKPOINTS) {
  test(`state dict of ${parts[parts.length - 1]} matches torch (names, shapes, sums)`, (t) => {
    const file = requireShared(t, ...parts);
    if (file === undefined || !requireTorchPython(t)) return;
    const expected = runPythonJson<Record<string, Summary>>(describe, [file]);
    const state = loadStateDict(file);
    assert.equal(state.size, tensors);
    assert.deepEqual([...state.keys()], Object.keys(expected));
    for (const [name, want] of Object.entries(expected)) {
      const got = state.get(name)!;
      assert.equal(got.dtype, want.dtype, name);
      assert.deepEqual(got.shape, want.shape, name);
      let sum = 0;
      for (let i = 0; i < got.data.length; i++) sum += Number(got.data[i]);
      // Summation order differs from torch's; allow rounding relative to the magnitudes summed.
      assert.ok(Math.abs(sum - want.sum) <= 1e-9 * Math.max(1, want.abs_sum), `${name}: sum ${sum} vs ${want.sum}`);
      assert.deepEqual(Array.from(got.data.slice(0, 3), Number), want.first, `${name} first values`);
    }
  });
}
