// Patch-Combination (section 4.2): samples scoring above delta - m = 0.5 that overlap either a
// ground-truth face (IoU > lambda1 = 0.3) or a pasted patch (IoU > lambda2 = 0.3), so background
// false positives are left alone while the face and the patch are both suppressed.
import type { SelectionStrategy } from './types.js';
import { matchAnchorsToBoxes } from '../anchorOverlap.js';
import { logScore } from './logScore.js';

export const combinationSelection: SelectionStrategy = {
  name: 'combination',
  paperName: 'Patch-Combination',
  description: 'anchors with S > 0.5 and (IoU(anchor, face) > 0.3 or IoU(anchor, patch) > 0.3); loss mean log S',
  select({ anchors, scores, faces, patches }, { scoreThreshold, lambdaFace, lambdaPatch }) {
    const faceOverlap = matchAnchorsToBoxes(anchors, faces).iou;
    const patchOverlap = matchAnchorsToBoxes(anchors, patches).iou;
    const selected: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if ((scores[i] as number) <= scoreThreshold) continue;
      if ((faceOverlap[i] as number) > lambdaFace || (patchOverlap[i] as number) > lambdaPatch) selected.push(i);
    }
    return Int32Array.from(selected);
  },
  lossTerms: (scores) => logScore(scores),
};
