// Patch-IoU (paper eq. 1, the baseline): samples whose anchor overlaps a ground-truth face with
// IoU > 0.6, exactly the detector's positive samples. Maximising -(1/N) sum log S is the same as
// minimising (1/N) sum log S.
import type { SelectionStrategy } from './types.js';
import { matchAnchorsToBoxes } from '../anchorOverlap.js';
import { scoreLossTerms } from './scoreLoss.js';

export const iouSelection: SelectionStrategy = {
  name: 'iou',
  paperName: 'Patch-IoU',
  description: 'anchors with IoU(anchor, face) > 0.6; loss mean log S (may make the patch face-like)',
  select({ anchors, faces }, { iouThreshold }) {
    const { iou } = matchAnchorsToBoxes(anchors, faces);
    const selected: number[] = [];
    for (let i = 0; i < iou.length; i++) if ((iou[i] as number) > iouThreshold) selected.push(i);
    return Int32Array.from(selected);
  },
  lossTerms: (scores, { scoreLoss }) => scoreLossTerms(scores, scoreLoss),
};
