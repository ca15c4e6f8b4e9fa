// Patch-Combination (section 4.2): samples scoring above delta - m = 0.5 that overlap either a
// ground-truth face (IoU > lambda1 = 0.3) or a pasted patch (IoU > lambda2 = 0.3), so background
// false positives are left alone while the face and the patch are both suppressed.
// With patchOverlap 'anchor-inside' the patch test becomes "more than lambda2 of the anchor lies on
// the patch", which also suppresses small faces drawn inside the patch (beyond the paper).
import type { SelectionStrategy } from './types.js';
import { gatherAnchors, matchAnchorsToBoxes } from '../anchorOverlap.js';
import { scoreLossTerms } from './scoreLoss.js';

export const combinationSelection: SelectionStrategy = {
  name: 'combination',
  paperName: 'Patch-Combination',
  description: 'anchors with S > 0.5 and (IoU(anchor, face) > 0.3 or IoU(anchor, patch) > 0.3); loss mean log S',
  select({ anchors, scores, faces, patches }, { scoreThreshold, lambdaFace, lambdaPatch, patchOverlap: patchMeasure = 'iou' }) {
    // The score test first: only the few anchors above it need the IoU against every face and
    // patch (matching all ~17k RetinaFace anchors cost ~4 ms an image, 6 % of a step).
    const candidates: number[] = [];
    for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > scoreThreshold) candidates.push(i);
    const candidateAnchors = gatherAnchors(anchors, candidates);
    const faceOverlap = matchAnchorsToBoxes(candidateAnchors, faces).iou;
    const patchOverlap = matchAnchorsToBoxes(candidateAnchors, patches, patchMeasure).iou;
    return Int32Array.from(candidates.filter((_, j) => (faceOverlap[j] as number) > lambdaFace || (patchOverlap[j] as number) > lambdaPatch));
  },
  lossTerms: (scores, { scoreLoss }) => scoreLossTerms(scores, scoreLoss),
};
