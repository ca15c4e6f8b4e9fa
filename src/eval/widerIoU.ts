// IoU as the official WIDER FACE evaluation computes it (eval_tools/boxoverlap.m and its Python
// port): a box {x, y, w, h} becomes corners [x, y, x + w, y + h] and both corners count as
// pixels, so a side measures (x2 - x1 + 1). This "+1" differs from geometry.boxIoU and matters
// at the 0.5 threshold for small faces, so the evaluation uses this one everywhere.
import type { Box } from '../util/geometry.js';

export function widerBoxIoU(a: Box, b: Box): number {
  const ax2 = a.x + a.w;
  const ay2 = a.y + a.h;
  const bx2 = b.x + b.w;
  const by2 = b.y + b.h;
  const iw = Math.min(ax2, bx2) - Math.max(a.x, b.x) + 1;
  const ih = Math.min(ay2, by2) - Math.max(a.y, b.y) + 1;
  if (iw <= 0 || ih <= 0) return 0;
  const intersection = iw * ih;
  // Areas from the corners, as the official code does (floating point then agrees with it exactly).
  const union = (ax2 - a.x + 1) * (ay2 - a.y + 1) + (bx2 - b.x + 1) * (by2 - b.y + 1) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** The IoU at or above which a detection matches a face (the official protocol's 0.5). */
export const WIDER_IOU_THRESHOLD = 0.5;
