// The false positives behind precision at delta, one by one: which image, which box, and why it
// recalls no face. Precision alone cannot tell a patch detected as a face from the clean
// detector's own box on an unannotated face, or from a face the patch only displaced (boxed below
// IoU 0.5), and an attack is judged differently in each case.
import { liesWithinAPatch, patchesCovered } from './criteria.js';
import { matchImageDetections } from './imageMatching.js';
import type { EvaluationImage } from './types.js';
import type { ScoredBox } from '../util/geometry.js';

/**
 * Why a detection counts as a proposal without recalling a face, checked in this order:
 * - 'patch': IoU >= 0.5 with a pasted patch (the paper's criterion 2);
 * - 'within-patch': at least half of it lies inside a patch (a small face the patch draws);
 * - 'duplicate': it matches (IoU >= 0.5) a face an earlier, higher-scored detection recalled;
 * - 'near-face': it overlaps a face, but below IoU 0.5 (e.g. a face the patch displaced);
 * - 'background': it overlaps no annotated face (e.g. an unannotated face).
 */
export type FalsePositiveKind = 'patch' | 'within-patch' | 'duplicate' | 'near-face' | 'background';
export const FALSE_POSITIVE_KINDS: readonly FalsePositiveKind[] = ['patch', 'within-patch', 'duplicate', 'near-face', 'background'];

export interface FalsePositive {
  image: string;
  detection: ScoredBox;
  kind: FalsePositiveKind;
  /** The annotated face it overlaps most (index into the image's faces), or -1 when it overlaps none. */
  face: number;
  /** Its IoU with that face (official convention), 0 when it overlaps none. */
  faceIoU: number;
}

/**
 * Every detection at score >= delta that counts as a proposal of the 'all' subset but recalls no
 * face: exactly the proposals that precision at delta on 'all' counts against recall
 * (proposals - recalled). Ordered by image, then by descending score.
 */
export function listFalsePositives(images: readonly EvaluationImage[], delta: number): FalsePositive[] {
  const found: FalsePositive[] = [];
  for (const image of images) {
    // As the official protocol: an image without faces contributes no proposal.
    if (image.faces.length === 0 || image.detections.length === 0) continue;
    const kept = new Array<boolean>(image.faces.length).fill(false);
    for (const index of image.subsets.all) kept[index] = true;
    const match = matchImageDetections(image.detections, image.faces, kept);
    const patches = image.patches ?? [];
    match.ranked.forEach((detection, k) => {
      if (!(detection.score >= delta) || !match.isProposal[k] || match.recallsNewFace[k]) return;
      const face = match.bestFace[k] as number;
      let kind: FalsePositiveKind;
      if (patchesCovered(detection, patches).length > 0) kind = 'patch';
      else if (liesWithinAPatch(detection, patches)) kind = 'within-patch';
      else if ((match.matchedFace[k] as number) >= 0) kind = 'duplicate';
      else if (face >= 0) kind = 'near-face';
      else kind = 'background';
      found.push({ image: image.id, detection, kind, face, faceIoU: match.bestFaceIoU[k] as number });
    });
  }
  return found;
}

/** How many false positives of each kind (every kind present, 0 when none). */
export function countFalsePositiveKinds(falsePositives: readonly FalsePositive[]): Record<FalsePositiveKind, number> {
  const counts = Object.fromEntries(FALSE_POSITIVE_KINDS.map((kind) => [kind, 0])) as Record<FalsePositiveKind, number>;
  for (const fp of falsePositives) counts[fp.kind] += 1;
  return counts;
}

/** "1 near-face, 1 background": the kinds present, in FALSE_POSITIVE_KINDS order ('' when none). */
export function describeFalsePositiveKinds(falsePositives: readonly FalsePositive[]): string {
  const counts = countFalsePositiveKinds(falsePositives);
  return FALSE_POSITIVE_KINDS.filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${kind}`)
    .join(', ');
}

/** One false positive as a line of text: image, box [x, y, w, h], score, kind and the face it overlaps most. */
export function formatFalsePositive(fp: FalsePositive): string {
  const { x, y, w, h, score } = fp.detection;
  const box = [x, y, w, h].map((v) => Math.round(v)).join(', ');
  const face = fp.face >= 0 ? `, IoU ${fp.faceIoU.toFixed(3)} with face ${fp.face}` : '';
  return `${fp.image} [${box}] score ${score.toFixed(4)}: ${fp.kind}${face}`;
}
