// Boxes. Plain objects use {x, y, w, h} with (x, y) the top-left corner in pixels (WIDER FACE's
// convention); tensors use [x1, y1, x2, y2] corners, which is what IoU code wants.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ScoredBox extends Box {
  score: number;
}

export function boxArea(b: Box): number {
  return Math.max(0, b.w) * Math.max(0, b.h);
}

/** Intersection over union of two boxes (0 when either is empty). */
export function boxIoU(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const intersection = ix * iy;
  const union = boxArea(a) + boxArea(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

export function toCorners(b: Box): [number, number, number, number] {
  return [b.x, b.y, b.x + b.w, b.y + b.h];
}

export function fromCorners(x1: number, y1: number, x2: number, y2: number): Box {
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}
