import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from '../../src/util/registry.js';
import { boxIoU } from '../../src/util/geometry.js';
import { UnknownNameError } from '../../src/util/errors.js';

test('a registry lists names and rejects unknown ones with the valid choices', () => {
  const r = new Registry<number>('widget');
  r.register('b', 2);
  r.register('a', 1);
  assert.deepEqual(r.names(), ['a', 'b']);
  assert.equal(r.get('b'), 2);
  assert.throws(() => r.get('c'), (e: unknown) => e instanceof UnknownNameError && /valid choices: a, b/.test((e as Error).message));
  assert.throws(() => r.register('a', 3), /registered twice/);
});

test('IoU of hand-computed boxes', () => {
  assert.equal(boxIoU({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 0, w: 10, h: 10 }), 1);
  // overlap 5x10 = 50; union 100 + 100 - 50 = 150
  assert.equal(boxIoU({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 0, w: 10, h: 10 }), 50 / 150);
  assert.equal(boxIoU({ x: 0, y: 0, w: 10, h: 10 }, { x: 20, y: 20, w: 5, h: 5 }), 0);
  assert.equal(boxIoU({ x: 0, y: 0, w: 0, h: 0 }, { x: 0, y: 0, w: 0, h: 0 }), 0);
});
