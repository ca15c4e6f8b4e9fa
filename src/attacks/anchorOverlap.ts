// IoU between every anchor and a set of boxes, reduced to the best box per anchor. Plain typed
// arrays: this runs once per image per step on tens of thousands of anchors.
import type { Box } from '../util/geometry.js';

/**
 * How an anchor's overlap with a box is measured: 'iou' (intersection over union, the paper's) or
 * 'anchor-inside' (intersection over the anchor's own area: the fraction of the anchor the box
 * covers). The second reaches anchors far smaller than the box, such as a small face the patch
 * itself draws, whose IoU with the whole patch stays tiny.
 */
export type OverlapMeasure = 'iou' | 'anchor-inside';
export const OVERLAP_MEASURES: readonly OverlapMeasure[] = ['iou', 'anchor-inside'];

export interface AnchorMatch {
  /** Best overlap (IoU unless another measure is asked for) of each anchor with any of the boxes (0 when there are none). */
  iou: Float32Array;
  /** Index of that box, or -1. */
  box: Int32Array;
}

/** anchors: [A*4] as x1, y1, x2, y2. */
export function matchAnchorsToBoxes(anchors: Float32Array, boxes: readonly Box[], measure: OverlapMeasure = 'iou'): AnchorMatch {
  const overAnchor = measure === 'anchor-inside';
  const count = anchors.length / 4;
  const iou = new Float32Array(count);
  const best = new Int32Array(count).fill(-1);
  boxes.forEach((b, j) => {
    const bx1 = b.x, by1 = b.y, bx2 = b.x + b.w, by2 = b.y + b.h;
    const areaB = Math.max(0, b.w) * Math.max(0, b.h);
    if (areaB <= 0) return;
    for (let i = 0; i < count; i++) {
      const ax1 = anchors[4 * i] as number, ay1 = anchors[4 * i + 1] as number;
      const ax2 = anchors[4 * i + 2] as number, ay2 = anchors[4 * i + 3] as number;
      const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const areaA = (ax2 - ax1) * (ay2 - ay1);
      const overlap = inter / (overAnchor ? areaA : areaA + areaB - inter);
      if (overlap > (iou[i] as number)) {
        iou[i] = overlap;
        best[i] = j;
      }
    }
  });
  return { iou, box: best };
}

/** The anchors at `indices`, packed as [N*4] x1, y1, x2, y2 (to match only selected anchors). */
export function gatherAnchors(anchors: Float32Array, indices: ArrayLike<number>): Float32Array {
  const packed = new Float32Array(4 * indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j] as number;
    packed.set(anchors.subarray(4 * i, 4 * i + 4), 4 * j);
  }
  return packed;
}

/**
 * How many of the boxes have IoU > threshold with at least one of the anchors at `indices` (the
 * coverage log: faces with a selected sample). IoU is symmetric, so the boxes play the anchors'
 * part and the few selected anchors the boxes'.
 */
export function countBoxesWithAnchor(anchors: Float32Array, indices: ArrayLike<number>, boxes: readonly Box[], threshold: number): number {
  const selected = gatherAnchors(anchors, indices);
  const selectedBoxes: Box[] = [];
  for (let j = 0; j < selected.length; j += 4) {
    const x1 = selected[j] as number, y1 = selected[j + 1] as number;
    selectedBoxes.push({ x: x1, y: y1, w: (selected[j + 2] as number) - x1, h: (selected[j + 3] as number) - y1 });
  }
  const corners = Float32Array.from(boxes.flatMap((b) => [b.x, b.y, b.x + b.w, b.y + b.h]));
  return matchAnchorsToBoxes(corners, selectedBoxes).iou.filter((overlap) => overlap > threshold).length;
}
