// IoU as the official WIDER FACE evaluation computes it (eval_tools/boxoverlap.m and its Python
// port): a box {x, y, w, h} becomes corners [x, y, x + w, y + h] and both corners count as
// pixels, so a side measures (x2 - x1 + 1). This "+1" differs from geometry.boxIoU and matters
// at the 0.5 threshold for small faces, so the evaluation uses this one everywhere.
import type { Box } from '../util/geometry.js';

/** Intersection of two boxes in the official convention (both corners are pixels); 0 when apart. */
export function widerIntersection(a: Box, b: Box): number {
  const iw = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) + 1;
  const ih = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) + 1;
  return iw <= 0 || ih <= 0 ? 0 : iw * ih;
}

/** A box's area in the official convention, from its corners as the official code computes it (floating point then agrees with it exactly). */
export function widerArea(a: Box): number {
  return (a.x + a.w - a.x + 1) * (a.y + a.h - a.y + 1);
}

export function widerBoxIoU(a: Box, b: Box): number {
  const intersection = widerIntersection(a, b);
  if (intersection === 0) return 0;
  const union = widerArea(a) + widerArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

/** The IoU at or above which a detection matches a face (the official protocol's 0.5). */
export const WIDER_IOU_THRESHOLD = 0.5;
