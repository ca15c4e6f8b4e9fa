// Group sampling (Ming et al., "Group Sampling for Scale Invariant Face Detection", CVPR 2019,
// the paper's ref. [27]): anchors are grouped by scale (the SLN's 16, 32, 64, 128) and every group
// contributes the same number of training samples, so the many small anchors do not drown the
// few large ones. In each group at most `samplesPerGroup` anchors are drawn, of which at most
// `maxPositiveFraction` are positives; negatives fill the rest. Draws are without replacement,
// from a seeded generator.
import type { SeededRandom } from '../util/random.js';
import { NEGATIVE, POSITIVE, type AnchorMatch } from './anchorMatching.js';

export interface GroupSamplingOptions {
  /** Samples per scale group (positives + negatives). */
  samplesPerGroup: number;
  /** Largest fraction of positives in a group's samples. */
  maxPositiveFraction: number;
}

export const DEFAULT_GROUP_SAMPLING: GroupSamplingOptions = { samplesPerGroup: 64, maxPositiveFraction: 0.25 };

export interface GroupSample {
  /** Sampled positive anchors (ascending within each group, groups in order). */
  positives: Int32Array;
  /** The matched face of each sampled positive. */
  positiveFaces: Int32Array;
  negatives: Int32Array;
  /** Per group (scale index): the positives and negatives available and drawn. */
  groups: { positivesAvailable: number; negativesAvailable: number; positives: number; negatives: number }[];
}

/** Draws `count` distinct items of `pool[0..size)` (partial Fisher-Yates, in place), sorted. */
function drawWithoutReplacement(pool: Int32Array, size: number, count: number, rng: SeededRandom): Int32Array {
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(size - i);
    const t = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = t;
  }
  return pool.slice(0, count).sort();
}

/**
 * Samples anchors per scale group. `groupCount` is the number of scales: anchor i belongs to
 * group i % groupCount (anchors in (row, col, scale) order).
 */
export function sampleAnchorGroups(match: AnchorMatch, groupCount: number, rng: SeededRandom, options: GroupSamplingOptions = DEFAULT_GROUP_SAMPLING): GroupSample {
  const { samplesPerGroup, maxPositiveFraction } = options;
  if (!(Number.isInteger(samplesPerGroup) && samplesPerGroup > 0)) throw new RangeError(`samplesPerGroup must be a positive integer, got ${samplesPerGroup}`);
  if (!(maxPositiveFraction >= 0 && maxPositiveFraction <= 1)) throw new RangeError(`maxPositiveFraction must be in [0, 1], got ${maxPositiveFraction}`);
  const count = match.labels.length;
  if (count % groupCount !== 0) throw new RangeError(`${count} anchors do not split into ${groupCount} scale groups`);
  const perGroup = count / groupCount;
  const positivePools = Array.from({ length: groupCount }, () => new Int32Array(perGroup));
  const negativePools = Array.from({ length: groupCount }, () => new Int32Array(perGroup));
  const positiveSizes = new Array<number>(groupCount).fill(0);
  const negativeSizes = new Array<number>(groupCount).fill(0);
  for (let i = 0; i < count; i++) {
    const g = i % groupCount;
    const label = match.labels[i];
    if (label === POSITIVE) positivePools[g]![positiveSizes[g]!++] = i;
    else if (label === NEGATIVE) negativePools[g]![negativeSizes[g]!++] = i;
  }
  const maxPositives = Math.floor(samplesPerGroup * maxPositiveFraction);
  const positives: Int32Array[] = [];
  const negatives: Int32Array[] = [];
  const groups: GroupSample['groups'] = [];
  for (let g = 0; g < groupCount; g++) {
    const p = Math.min(positiveSizes[g]!, maxPositives);
    const n = Math.min(negativeSizes[g]!, samplesPerGroup - p);
    positives.push(drawWithoutReplacement(positivePools[g]!, positiveSizes[g]!, p, rng));
    negatives.push(drawWithoutReplacement(negativePools[g]!, negativeSizes[g]!, n, rng));
    groups.push({ positivesAvailable: positiveSizes[g]!, negativesAvailable: negativeSizes[g]!, positives: p, negatives: n });
  }
  const concat = (parts: Int32Array[]) => {
    const out = new Int32Array(parts.reduce((s, a) => s + a.length, 0));
    let offset = 0;
    for (const a of parts) {
      out.set(a, offset);
      offset += a.length;
    }
    return out;
  };
  const allPositives = concat(positives);
  return {
    positives: allPositives,
    positiveFaces: allPositives.map((i) => match.matchedFace[i] as number),
    negatives: concat(negatives),
    groups,
  };
}
