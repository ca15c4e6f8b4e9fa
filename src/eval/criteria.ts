// The paper's attack criteria (Section 4.1), counted at the score threshold delta:
// criterion 1 asks that true faces fall below delta; criterion 2 that the patch itself is not
// detected above delta.
import { SUBSET_NAMES } from '../data/types.js';
import { WIDER_IOU_THRESHOLD, widerArea, widerBoxIoU, widerIntersection } from './widerIoU.js';
import type { BySubset, AttackCriteria, EvaluationImage, OperatingPoint } from './types.js';
import type { Box } from '../util/geometry.js';

/** The share of a detection's box lying inside another box needed to count it as drawn within that patch. */
export const WITHIN_PATCH_FRACTION = 0.5;

/** Fraction of `inner`'s area inside `outer`, both corners counted as pixels (as widerBoxIoU does). */
export function fractionInside(inner: Box, outer: Box): number {
  return widerIntersection(inner, outer) / widerArea(inner);
}

/** Indices of the patches a detection covers: IoU >= 0.5 with it (the same IoU and threshold as face matching). */
export function patchesCovered(detection: Box, patches: readonly Box[]): number[] {
  const covered: number[] = [];
  patches.forEach((patch, index) => {
    if (widerBoxIoU(detection, patch) >= WIDER_IOU_THRESHOLD) covered.push(index);
  });
  return covered;
}

/** Whether a detection lies at least half inside one of the patches (a small face a patch draws). */
export function liesWithinAPatch(detection: Box, patches: readonly Box[]): boolean {
  return patches.some((patch) => fractionInside(detection, patch) >= WITHIN_PATCH_FRACTION);
}

/**
 * Criterion 2: detections with score >= delta that cover a pasted patch box of the same image
 * (patchesCovered). Beside it, detections at or above delta that do not cover a patch but lie
 * within one: small faces the patch draws, which the paper's criterion misses and which cost
 * precision.
 */
export function countPatchDetections(images: readonly EvaluationImage[], delta: number): AttackCriteria['criterion2'] {
  let detections = 0;
  let patches = 0;
  let patchesDetected = 0;
  let detectionsWithinPatches = 0;
  for (const image of images) {
    const imagePatches = image.patches ?? [];
    patches += imagePatches.length;
    const hit = new Array<boolean>(imagePatches.length).fill(false);
    for (const detection of image.detections) {
      if (!(detection.score >= delta)) continue;
      const covered = patchesCovered(detection, imagePatches);
      for (const index of covered) hit[index] = true;
      if (covered.length > 0) detections += 1;
      else if (liesWithinAPatch(detection, imagePatches)) detectionsWithinPatches += 1;
    }
    patchesDetected += hit.filter(Boolean).length;
  }
  return { detections, patches, patchesDetected, detectionsWithinPatches };
}

/** Both criteria; criterion 1 reads the recalled counts at delta. */
export function attackCriteria(
  images: readonly EvaluationImage[],
  atDelta: BySubset<OperatingPoint>,
  delta: number,
): AttackCriteria {
  const facesDetected = Object.fromEntries(SUBSET_NAMES.map((s) => [s, atDelta[s].recalled])) as BySubset<number>;
  const faces = Object.fromEntries(SUBSET_NAMES.map((s) => [s, atDelta[s].faces])) as BySubset<number>;
  return { criterion1: { facesDetected, faces }, criterion2: countPatchDetections(images, delta) };
}
