// The official WIDER FACE matching of one image's detections to its annotated faces
// (eval_tools/evaluation.m `image_evaluation`, and its Python port `image_eval`):
//  - detections are taken in descending score order;
//  - each goes to the face with the highest IoU (first such face on ties), whatever that
//    face's state; below IoU 0.5 it matches nothing and stays a (false-positive) proposal;
//  - matching a face outside the subset's gt_list (an "ignored" face) removes the detection
//    from the proposal count;
//  - matching a kept face recalls it the first time; a later detection on the same face is a
//    duplicate: still a proposal, no new recall.
import type { Box, ScoredBox } from '../util/geometry.js';
import { WIDER_IOU_THRESHOLD, widerBoxIoU } from './widerIoU.js';

/** One image's detections after matching, in ranked (descending score) order. */
export interface ImageMatch {
  /** The detections sorted by descending score; ties keep their input order. */
  ranked: ScoredBox[];
  /** Per ranked detection: the index of the face it matched (IoU >= 0.5), or -1. */
  matchedFace: number[];
  /** Per ranked detection: the face it overlaps most (first on ties) and that IoU; -1 and 0 when it overlaps none. */
  bestFace: number[];
  bestFaceIoU: number[];
  /** Per ranked detection: false when it matched an ignored face and so is not counted. */
  isProposal: boolean[];
  /** Per ranked detection: true when it recalled a kept face for the first time. */
  recallsNewFace: boolean[];
}

/** Detections in descending score order (a stable sort, as MATLAB's `sort(..., 'descend')`). */
export function rankByScore<T extends { score: number }>(detections: readonly T[]): T[] {
  return [...detections].sort((a, b) => b.score - a.score);
}

/**
 * Matches detections to faces with the official rules. `kept[i]` says whether face i is in the
 * subset's gt_list; the others are ignored faces. (The rule that images without faces or
 * without detections contribute nothing belongs to the caller.)
 */
export function matchImageDetections(
  detections: readonly ScoredBox[],
  faces: readonly Box[],
  kept: readonly boolean[],
): ImageMatch {
  const ranked = rankByScore(detections);
  const recalled = new Array<boolean>(faces.length).fill(false);
  const matchedFace: number[] = [];
  const bestFaces: number[] = [];
  const bestFaceIoUs: number[] = [];
  const isProposal: boolean[] = [];
  const recallsNewFace: boolean[] = [];
  for (const detection of ranked) {
    let bestFace = -1;
    let bestIoU = -Infinity;
    faces.forEach((face, index) => {
      const iou = widerBoxIoU(detection, face);
      if (iou > bestIoU) {
        bestIoU = iou;
        bestFace = index;
      }
    });
    const matches = bestFace >= 0 && bestIoU >= WIDER_IOU_THRESHOLD;
    matchedFace.push(matches ? bestFace : -1);
    bestFaces.push(bestIoU > 0 ? bestFace : -1);
    bestFaceIoUs.push(bestIoU > 0 ? bestIoU : 0);
    if (matches && !kept[bestFace]) {
      isProposal.push(false);
      recallsNewFace.push(false);
    } else if (matches && !recalled[bestFace]) {
      recalled[bestFace] = true;
      isProposal.push(true);
      recallsNewFace.push(true);
    } else {
      isProposal.push(true);
      recallsNewFace.push(false);
    }
  }
  return { ranked, matchedFace, bestFace: bestFaces, bestFaceIoU: bestFaceIoUs, isProposal, recallsNewFace };
}
