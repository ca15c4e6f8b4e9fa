import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IGNORED, NEGATIVE, POSITIVE, type AnchorMatch } from '../../src/training/anchorMatching.js';
import { sampleAnchorGroups } from '../../src/training/groupSampling.js';
import { SeededRandom } from '../../src/util/random.js';

/** A match over `cells` cells x 4 scales with the given positives per scale group. */
function syntheticMatch(cells: number, positivesPerGroup: number[]): AnchorMatch {
  const labels = new Int8Array(cells * 4).fill(NEGATIVE);
  const matchedFace = new Int32Array(cells * 4).fill(-1);
  positivesPerGroup.forEach((n, g) => {
    for (let c = 0; c < n; c++) {
      labels[c * 4 + g] = POSITIVE;
      matchedFace[c * 4 + g] = g * 100 + c;
    }
  });
  // A few ignored anchors, never sampled.
  for (let c = cells - 5; c < cells; c++) labels[c * 4] = IGNORED;
  return { labels, matchedFace, maxIoU: new Float64Array(cells * 4), positives: 0, negatives: 0, ignored: 0, faces: 0, facesCovered: 0 };
}

test('every scale group gives samplesPerGroup samples with at most 25% positives', () => {
  const match = syntheticMatch(1000, [40, 3, 0, 16]);
  const s = sampleAnchorGroups(match, 4, new SeededRandom(1), { samplesPerGroup: 64, maxPositiveFraction: 0.25 });
  assert.deepEqual(s.groups.map((g) => g.positives), [16, 3, 0, 16]);
  assert.deepEqual(s.groups.map((g) => g.positives + g.negatives), [64, 64, 64, 64]);
  assert.equal(s.positives.length, 35);
  assert.equal(s.negatives.length, 4 * 64 - 35);
  for (const [j, a] of s.positives.entries()) {
    assert.equal(match.labels[a], POSITIVE);
    assert.equal(s.positiveFaces[j], match.matchedFace[a]);
  }
  for (const a of s.negatives) assert.equal(match.labels[a], NEGATIVE);
  assert.equal(new Set(s.negatives).size, s.negatives.length, 'no anchor drawn twice');
  // Per group counts follow the anchors' scale index.
  assert.equal([...s.positives].filter((a) => a % 4 === 0).length, 16);
});

test('small groups give what they have; the sampling is deterministic for a seed', () => {
  const match = syntheticMatch(10, [2, 0, 0, 0]);
  const s = sampleAnchorGroups(match, 4, new SeededRandom(3), { samplesPerGroup: 64, maxPositiveFraction: 0.25 });
  // Group 0: 2 positives, 10 - 2 - 5 ignored = 3 negatives; other groups: 10 negatives.
  assert.deepEqual(s.groups.map((g) => [g.positives, g.negatives]), [[2, 3], [0, 10], [0, 10], [0, 10]]);

  const big = syntheticMatch(5000, [100, 100, 100, 100]);
  const a = sampleAnchorGroups(big, 4, new SeededRandom(7));
  const b = sampleAnchorGroups(big, 4, new SeededRandom(7));
  const c = sampleAnchorGroups(big, 4, new SeededRandom(8));
  assert.deepEqual([...a.positives], [...b.positives]);
  assert.deepEqual([...a.negatives], [...b.negatives]);
  assert.notDeepEqual([...a.negatives], [...c.negatives]);
  assert.throws(() => sampleAnchorGroups(big, 3, new SeededRandom(1)), /scale groups/);
});
