import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMaskedOut, parseLocation, placePatches, placementBox } from '../../src/patch/placement.js';

const face = { x: 10, y: 20, w: 40, h: 90 }; // sqrt(w*h) = 60

test('top placement follows the paper: size alpha*sqrt(wh), centre (w/2, s/2)', () => {
  const [p] = placePatches([face]);
  assert.deepEqual(p, { faceIndex: 0, cx: 30, cy: 20 + 15, size: 30 });
  assert.deepEqual(placementBox(p!), { x: 15, y: 20, w: 30, h: 30 });
});

test('center, bottom and explicit fractions', () => {
  assert.deepEqual(placePatches([face], { location: 'center' })[0], { faceIndex: 0, cx: 30, cy: 65, size: 30 });
  assert.deepEqual(placePatches([face], { location: 'bottom', alpha: 0.3 })[0], { faceIndex: 0, cx: 30, cy: 110 - 9, size: 18 });
  assert.deepEqual(placePatches([face], { location: parseLocation('0.25,0.5') })[0], { faceIndex: 0, cx: 20, cy: 65, size: 30 });
  assert.ok(Math.abs(placePatches([face], { scale: 0.6 })[0]!.size - 18) < 1e-12);
});

test('faces too small for a 2-pixel patch and empty boxes get none; indices refer to the face list', () => {
  const placements = placePatches([{ x: 0, y: 0, w: 3, h: 3 }, { x: 0, y: 0, w: 0, h: 5 }, face]);
  assert.equal(placements.length, 1);
  assert.equal(placements[0]!.faceIndex, 2);
});

test('bad locations are errors that list the choices', () => {
  assert.throws(() => parseLocation('left'), /valid choices: top, center, bottom/);
});

test('part masks remove the named half or third', () => {
  assert.equal(isMaskedOut('top-half', 0.5, 0.4), true);
  assert.equal(isMaskedOut('top-half', 0.5, 0.6), false);
  assert.equal(isMaskedOut('right-third', 0.7, 0.1), true);
  assert.equal(isMaskedOut('right-third', 0.6, 0.1), false);
  assert.equal(isMaskedOut('none', 0, 0), false);
});
