// Greedy NMS as face-api.js runs MTCNN's (tfjs-image-recognition-base nonMaxSuppression): take the
// highest score (on ties, the later index), drop every other box overlapping it by more than the
// threshold, repeat. Overlap is IoU ('union') or intersection over the smaller area ('min').
import type { NmsOverlap } from './config.js';
import type { WindowBox } from './windowBox.js';

export function windowOverlap(a: WindowBox, b: WindowBox, overlap: NmsOverlap): number {
  const width = Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left));
  const height = Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const intersection = width * height;
  const areaA = (a.right - a.left) * (a.bottom - a.top);
  const areaB = (b.right - b.left) * (b.bottom - b.top);
  return overlap === 'union' ? intersection / (areaA + areaB - intersection) : intersection / Math.min(areaA, areaB);
}

/** Indices of the kept boxes, in the order they were picked (descending score). */
export function cascadeNms(boxes: readonly WindowBox[], scores: ArrayLike<number>, threshold: number, overlap: NmsOverlap): number[] {
  // Ascending by score, stable, then popped from the end: face-api's order, ties included.
  let remaining = Array.from(boxes.keys()).sort((i, j) => scores[i] - scores[j]);
  const picked: number[] = [];
  while (remaining.length > 0) {
    const current = remaining.pop() as number;
    picked.push(current);
    // As face-api, `<=`: a NaN overlap (two zero-area boxes) suppresses too.
    remaining = remaining.filter((i) => windowOverlap(boxes[current], boxes[i], overlap) <= threshold);
  }
  return picked;
}
