import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDetections } from '../../src/eval/evaluateDetections.js';
import { fBeta } from '../../src/eval/fBeta.js';
import { vocAveragePrecision } from '../../src/eval/averagePrecision.js';
import type { EvaluationImage } from '../../src/eval/types.js';
import type { Box } from '../../src/util/geometry.js';

const box = (x: number, y: number, w: number, h: number): Box => ({ x, y, w, h });
const scored = (b: Box, score: number) => ({ ...b, score });
const everySubset = (indices: number[]) => ({ easy: indices, medium: indices, hard: indices, all: indices });

// A hand-made set of four images, used for precision/recall at delta and the criteria.
//  A: faces F0, F1, F2; easy keeps [0], medium and hard [0, 1], all [0, 1, 2].
//     Detections by score: .95 on F0 (shifted 1 px), .9 on F0 (duplicate), .8 on F2, .7 on
//     nothing (it lies on a pasted patch), .6 on F1, .3 on F1 (below delta).
//  B: faces G0, G1; easy keeps none, medium [1], hard and all [0, 1]. Detections .55 on G1, .4 on G0.
//  C: one face, kept everywhere, no detection (its face still counts).
//  D: no face; detections .99 on a patch and .2 on another patch (no proposals: the image has no face).
const F0 = box(0, 0, 9, 9);
const F1 = box(100, 0, 9, 9);
const F2 = box(200, 0, 9, 9);
const G0 = box(50, 50, 19, 19);
const G1 = box(0, 0, 29, 29);
const handSet: EvaluationImage[] = [
  {
    id: 'A',
    faces: [F0, F1, F2],
    subsets: { easy: [0], medium: [0, 1], hard: [0, 1], all: [0, 1, 2] },
    detections: [
      scored(F0, 0.9),
      scored(F2, 0.8),
      scored(box(500, 500, 9, 9), 0.7),
      scored(F1, 0.6),
      scored(box(101, 0, 9, 9), 0.3),
      scored(box(1, 0, 9, 9), 0.95),
    ],
    patches: [box(500, 500, 9, 9), box(700, 0, 9, 9)],
  },
  {
    id: 'B',
    faces: [G0, G1],
    subsets: { easy: [], medium: [1], hard: [0, 1], all: [0, 1] },
    detections: [scored(G1, 0.55), scored(G0, 0.4)],
  },
  { id: 'C', faces: [box(10, 10, 30, 30)], subsets: everySubset([0]), detections: [] },
  {
    id: 'D',
    faces: [],
    subsets: everySubset([]),
    detections: [scored(box(0, 0, 9, 9), 0.99), scored(box(40, 40, 9, 9), 0.2)],
    patches: [box(0, 0, 9, 9), box(40, 40, 9, 9)],
  },
];

test('precision and recall at delta follow the official matching, per subset (hand-counted)', () => {
  const result = evaluateDetections({ images: handSet, delta: 0.5 });
  // all: A gives 5 proposals (.95 .9 .8 .7 .6) recalling F0, F2, F1; B gives 1 (.55) recalling G1.
  //      Faces 3 + 2 + 1 = 6.
  // hard: A's .8 lands on ignored F2: 4 proposals, 2 recalled; B 1 and 1. Faces 2 + 2 + 1 = 5.
  // medium: as hard for A; B's G1 is kept: 1 and 1. Faces 2 + 1 + 1 = 4.
  // easy: A's .8 (F2) and .6 (F1) are dropped: 3 proposals (.95 .9 .7), 1 recalled; B's G1 is
  //       ignored: no proposal. Faces 1 + 0 + 1 = 2.
  const expected = {
    easy: { proposals: 3, recalled: 1, faces: 2 },
    medium: { proposals: 5, recalled: 3, faces: 4 },
    hard: { proposals: 5, recalled: 3, faces: 5 },
    all: { proposals: 6, recalled: 4, faces: 6 },
  };
  for (const [subset, e] of Object.entries(expected) as [keyof typeof expected, (typeof expected)['all']][]) {
    const point = result.atDelta[subset];
    assert.deepEqual({ proposals: point.proposals, recalled: point.recalled, faces: point.faces }, e, subset);
    assert.equal(result.precision[subset], e.recalled / e.proposals, subset);
    assert.equal(result.recall[subset], e.recalled / e.faces, subset);
  }
  assert.equal(result.delta, 0.5);
  assert.equal(result.images, 4);
});

test('the criteria count faces still found above delta and detections on pasted patches', () => {
  const result = evaluateDetections({ images: handSet, delta: 0.5 });
  assert.deepEqual(result.criteria.criterion1.facesDetected, { easy: 1, medium: 3, hard: 3, all: 4 });
  assert.deepEqual(result.criteria.criterion1.faces, { easy: 2, medium: 4, hard: 5, all: 6 });
  // A's .7 detection sits on its first patch; D's .99 on its first; D's .2 is below delta.
  assert.deepEqual(result.criteria.criterion2, { detections: 2, patches: 4, patchesDetected: 2, detectionsWithinPatches: 0 });
  const strict = evaluateDetections({ images: handSet, delta: 0.99 });
  assert.deepEqual(strict.criteria.criterion2, { detections: 1, patches: 4, patchesDetected: 1, detectionsWithinPatches: 0 });
  assert.deepEqual(strict.criteria.criterion1.facesDetected, { easy: 0, medium: 0, hard: 0, all: 0 });
});

test('criterion 2 also counts smaller detections lying at least half inside a patch, apart from detections of the patch', () => {
  // One patch spanning pixels 100..140 (corners counted as pixels, as WIDER does); 9x9 boxes span
  // 10 pixels a side. Detections at or above delta, one per line below.
  const patch = box(100, 100, 40, 40);
  const image: EvaluationImage = {
    id: 'P',
    faces: [box(90, 90, 60, 60)],
    subsets: everySubset([0]),
    detections: [
      scored(box(110, 110, 9, 9), 0.99), // 100 of 100 pixels inside
      scored(box(135, 110, 9, 9), 0.99), // columns 135..140 inside: 6 of 10 -> 0.6, counted
      scored(box(137, 110, 9, 9), 0.99), // columns 137..140: 4 of 10 -> 0.4, not counted
      scored(box(101, 101, 39, 39), 0.99), // IoU with the patch >= 0.5: a detection of the patch
      scored(box(300, 300, 9, 9), 0.99),
      scored(box(112, 112, 9, 9), 0.5), // below delta
    ],
    patches: [patch],
  };
  const { criterion2 } = evaluateDetections({ images: [image], delta: 0.9 }).criteria;
  assert.deepEqual(criterion2, { detections: 1, patches: 1, patchesDetected: 1, detectionsWithinPatches: 2 });
});

test('no proposal above delta reads precision 1 (no false positive), recall 0; a subset without faces has recall null', () => {
  const result = evaluateDetections({ images: handSet, delta: 0.999 });
  assert.equal(result.atDelta.all.proposals, 0);
  assert.equal(result.precision.all, 1);
  assert.equal(result.recall.all, 0);
  const noFaces = evaluateDetections({ images: [handSet[3] as EvaluationImage] });
  assert.equal(noFaces.recall.all, null);
  assert.equal(noFaces.ap.all, null);
  assert.equal(noFaces.afbeta['0.5'], null);
});

// One image, four faces kept everywhere, five detections by score:
//   .9 TP (F0), .8 FP, .6 TP (F1), .2 TP (F2), 0 FP.   (face F3 is never found)
// Cumulative (precision, recall): (1, 1/4) (1/2, 1/4) (2/3, 1/2) (3/4, 3/4) (3/5, 3/4).
const faces4 = [box(0, 0, 9, 9), box(100, 0, 9, 9), box(200, 0, 9, 9), box(300, 0, 9, 9)];
const rankedSet: EvaluationImage[] = [
  {
    id: 'R',
    faces: faces4,
    subsets: everySubset([0, 1, 2, 3]),
    detections: [
      scored(faces4[0] as Box, 0.9),
      scored(box(600, 600, 9, 9), 0.8),
      scored(faces4[1] as Box, 0.6),
      scored(faces4[2] as Box, 0.2),
      scored(box(700, 700, 9, 9), 0),
    ],
  },
];

test('official AP on a hand case: envelope precisions 1, .75, .75 over recall steps of 1/4', () => {
  // Normalised scores (min 0, max .9): 1, .889, .667, .222, 0 - each level is crossed by its own
  // threshold, so the official curve visits exactly the five points above. Envelope (max to the
  // right): 1 at recall 1/4 (first point), 3/4 at recalls 1/2 and 3/4; recall 3/4 -> 1 adds 0.
  // AP = 1/4 * 1 + 1/4 * 3/4 + 1/4 * 3/4 = 0.625.
  const result = evaluateDetections({ images: rankedSet });
  for (const subset of ['easy', 'medium', 'hard', 'all'] as const) assert.ok(Math.abs((result.ap[subset] as number) - 0.625) < 1e-12);
});

test('official AP normalises over every detection of the set and quantises to 1000 thresholds', () => {
  // Image X: one face, a TP at .9 and a FP at .8995. Alone, min-max makes them 1 and 0: the TP
  // is alone above the first threshold (.999), AP = 1.
  const X: EvaluationImage = {
    id: 'X',
    faces: [F0],
    subsets: everySubset([0]),
    detections: [scored(F0, 0.9), scored(box(400, 400, 9, 9), 0.8995)],
  };
  assert.equal(evaluateDetections({ images: [X] }).ap.all, 1);
  // A faceless image Y with a detection at 0 stretches the range to [0, .9]: the FP becomes
  // .99944, above .999 with the TP, so the first point is (1/2, 1): AP = 1/2. Y adds no proposal.
  const Y: EvaluationImage = { id: 'Y', faces: [], subsets: everySubset([]), detections: [scored(box(0, 0, 5, 5), 0)] };
  assert.equal(evaluateDetections({ images: [X, Y] }).ap.all, 0.5);
});

test('vocAveragePrecision ignores thresholds without proposals (NaN precision) and pads with recall 1, precision 0', () => {
  assert.equal(vocAveragePrecision([0, 0, 0.5, 0.5], [NaN, NaN, 1, 0.5]), 0.5);
  assert.equal(vocAveragePrecision([1], [1]), 1);
});

test('fBeta is (1 + b^2) / (b^2/P + 1/R), 0 when P or R is 0', () => {
  assert.equal(fBeta(0.5, 0.25, 1), 1 / 3);
  assert.ok(Math.abs(fBeta(0.5, 0.25, 0.5) - 1.25 / (0.25 / 0.5 + 4)) < 1e-15);
  assert.equal(fBeta(0, 0.5, 0.1), 0);
  assert.equal(fBeta(1, 0, 0.1), 0);
});

test('Threshold-F_beta curve and AF_beta on a hand case (exact area of the step function)', () => {
  // F_beta(t) by threshold interval (raw scores), from the cumulative points above:
  //   (.9, 1]: no detection, 0;  (.8, .9]: P 1, R 1/4;  (.6, .8]: 1/2, 1/4;  (.2, .6]: 2/3, 1/2;  (0, .2]: 3/4, 3/4.
  // beta = 1:  F = 0, 2/5, 1/3, 4/7, 3/4 -> AF = .1*2/5 + .2*1/3 + .4*4/7 + .2*3/4 = 1019/2100.
  // beta = .5: F = 1.25 / (.25/P + 1/R) = 0, 5/17, 5/18, 10/19, 3/4
  //            -> AF = .1*5/17 + .2*5/18 + .4*10/19 + .2*3/4.
  const result = evaluateDetections({ images: rankedSet, betas: [1, 0.5], curveSteps: 10 });
  const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(result.afbeta['1'] ?? null, 1019 / 2100);
  close(result.afbeta['0.5'] ?? null, 0.1 * (5 / 17) + 0.2 * (5 / 18) + 0.4 * (10 / 19) + 0.2 * 0.75);
  assert.deepEqual(result.fbeta.thresholds, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  // At t = 0 every detection counts: P 3/5, R 3/4, F1 = 2/3. Scores equal to t count (score >= t).
  const expectedF1 = [2 / 3, 3 / 4, 3 / 4, 4 / 7, 4 / 7, 4 / 7, 4 / 7, 1 / 3, 1 / 3, 2 / 5, 0];
  const curve = result.fbeta.curves.all['1'] as number[];
  expectedF1.forEach((f, k) => close(curve[k] ?? null, f));
  assert.deepEqual(result.fbeta.afbeta.hard, result.fbeta.afbeta.all);
});

test('the paper defaults: delta 0.99, betas 0.001 0.01 0.1 0.5, curve on 0, 0.01, ..., 1', () => {
  const result = evaluateDetections({ images: rankedSet });
  assert.equal(result.delta, 0.99);
  assert.deepEqual(Object.keys(result.afbeta), ['0.001', '0.01', '0.1', '0.5']);
  assert.equal(result.fbeta.thresholds.length, 101);
  assert.equal(result.fbeta.thresholds[37], 0.37);
});

// An independent, literal oracle: the official script's per-image loops (pred_recall and
// proposal_list per detection, then per-image counts at each of the 1000 thresholds, summed).
function officialOracle(images: EvaluationImage[], subset: 'easy' | 'hard' | 'all', delta: number) {
  const iou = (a: Box, b: Box) => {
    const [ax1, ay1, ax2, ay2] = [a.x, a.y, a.x + a.w, a.y + a.h];
    const [bx1, by1, bx2, by2] = [b.x, b.y, b.x + b.w, b.y + b.h];
    const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1) + 1;
    const ih = Math.min(ay2, by2) - Math.max(ay1, by1) + 1;
    if (iw <= 0 || ih <= 0) return 0;
    return (iw * ih) / ((ax2 - ax1 + 1) * (ay2 - ay1 + 1) + (bx2 - bx1 + 1) * (by2 - by1 + 1) - iw * ih);
  };
  const all = images.flatMap((im) => im.detections.map((d) => d.score));
  const min = Math.min(...all);
  const max = Math.max(...all);
  const curve = Array.from({ length: 1000 }, () => [0, 0]);
  let faceCount = 0;
  let proposalsAtDelta = 0;
  let recalledAtDelta = 0;
  for (const im of images) {
    faceCount += im.subsets[subset].length;
    if (im.faces.length === 0 || im.detections.length === 0) continue;
    const pred = im.detections.map((d, k) => ({ d, k })).sort((a, b) => b.d.score - a.d.score || a.k - b.k).map((p) => p.d);
    const state = im.faces.map(() => 0);
    const ignore = im.faces.map((_, k) => (im.subsets[subset].includes(k) ? 1 : 0));
    const predRecall: number[] = [];
    const proposal: number[] = [];
    for (const p of pred) {
      const overlaps = im.faces.map((f) => iou(p, f));
      const maxOverlap = Math.max(...overlaps);
      const idx = overlaps.indexOf(maxOverlap);
      let prop = 1;
      if (maxOverlap >= 0.5) {
        if (ignore[idx] === 0) {
          state[idx] = -1;
          prop = -1;
        } else if (state[idx] === 0) state[idx] = 1;
      }
      proposal.push(prop);
      predRecall.push(state.filter((s) => s === 1).length);
    }
    for (let t = 0; t < 1000; t++) {
      const thresh = 1 - (t + 1) / 1000;
      let r = -1;
      pred.forEach((p, k) => {
        if ((p.score - min) / (max - min) >= thresh) r = k;
      });
      if (r < 0) continue;
      (curve[t] as number[])[0] += proposal.slice(0, r + 1).filter((v) => v === 1).length;
      (curve[t] as number[])[1] += predRecall[r] as number;
    }
    const k = pred.filter((p) => p.score >= delta).length;
    if (k > 0) {
      proposalsAtDelta += proposal.slice(0, k).filter((v) => v === 1).length;
      recalledAtDelta += predRecall[k - 1] as number;
    }
  }
  const prec = curve.map(([p, r]) => (r as number) / (p as number));
  const rec = curve.map(([, r]) => (r as number) / faceCount);
  const mrec = [0, ...rec, 1];
  const mpre = [0, ...prec, 0];
  for (let i = mpre.length - 1; i > 0; i--) {
    const a = mpre[i - 1] as number;
    const b = mpre[i] as number;
    mpre[i - 1] = Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b);
  }
  let ap = 0;
  for (let i = 0; i + 1 < mrec.length; i++) if (mrec[i + 1] !== mrec[i]) ap += ((mrec[i + 1] as number) - (mrec[i] as number)) * (mpre[i + 1] as number);
  return { ap, proposalsAtDelta, recalledAtDelta, faceCount };
}

test('on random images the library agrees with a literal per-image, per-threshold transcription of the official script', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const images: EvaluationImage[] = Array.from({ length: 25 }, (_, i) => {
    const faces = Array.from({ length: Math.floor(rand() * 8) }, () => box(Math.floor(rand() * 300), Math.floor(rand() * 300), 4 + Math.floor(rand() * 40), 4 + Math.floor(rand() * 40)));
    const detections = faces.flatMap((f) =>
      rand() < 0.7
        ? [scored(box(f.x + Math.floor((rand() - 0.5) * 0.4 * f.w), f.y + Math.floor((rand() - 0.5) * 0.4 * f.h), f.w, f.h), Math.round(rand() * 100) / 100)]
        : [],
    );
    for (let k = 0; k < 4; k++) detections.push(scored(box(Math.floor(rand() * 300), Math.floor(rand() * 300), 10, 10), Math.round(rand() * 100) / 100));
    const indices = faces.map((_, k) => k);
    return {
      id: `img${i}`,
      faces,
      subsets: { easy: indices.filter(() => rand() < 0.3), medium: indices.filter(() => rand() < 0.6), hard: indices.filter(() => rand() < 0.8), all: indices },
      detections,
    };
  });
  const delta = 0.5;
  const result = evaluateDetections({ images, delta });
  for (const subset of ['easy', 'hard', 'all'] as const) {
    const oracle = officialOracle(images, subset, delta);
    assert.ok(Math.abs((result.ap[subset] as number) - oracle.ap) < 1e-12, `${subset}: ${result.ap[subset]} vs ${oracle.ap}`);
    assert.ok(oracle.ap > 0.05 && oracle.ap < 0.95, `a non-trivial case (${oracle.ap})`);
    assert.equal(result.atDelta[subset].proposals, oracle.proposalsAtDelta);
    assert.equal(result.atDelta[subset].recalled, oracle.recalledAtDelta);
    assert.equal(result.atDelta[subset].faces, oracle.faceCount);
  }
});
