import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, describeDifferences, differingSettings } from '../../src/util/canonicalJson.js';

test('canonical JSON ignores key order at every level and drops undefined values', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null }, u: undefined }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('differing settings are named by dotted path with both values', () => {
  const saved = { lr: 0.05, selection: { gamma: 2, iou: 0.6 }, list: [1, 2] };
  assert.deepEqual(differingSettings(saved, { list: [1, 2], selection: { iou: 0.6, gamma: 2 }, lr: 0.05 }), []);
  const now = { lr: 0.1, selection: { gamma: 3, iou: 0.6 }, list: [1, 2], extra: 'x' };
  const differences = differingSettings(saved, now);
  assert.deepEqual(differences.map((d) => d.path), ['extra', 'lr', 'selection.gamma']);
  assert.equal(describeDifferences(differences), 'extra (saved absent, now "x"), lr (saved 0.05, now 0.1), selection.gamma (saved 2, now 3)');
});
