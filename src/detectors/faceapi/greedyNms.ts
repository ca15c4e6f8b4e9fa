// Greedy non-maximum suppression as face-api runs it: candidates above the score threshold are
// visited by descending score, and one is dropped when its IoU with an already kept box exceeds
// the IoU threshold. Both of face-api's variants (SSD's and TinyYolov2's) reduce to this.

export interface NmsSettings {
  /** Keep candidates scoring at least this. */
  scoreThreshold: number;
  /** Suppress a candidate whose IoU with a kept box is above this. */
  iouThreshold: number;
  /** Stop after keeping this many. */
  maxDetections: number;
}

/** IoU of boxes i and j in a flat [x1, y1, x2, y2, ...] array (corners in either order). */
export function cornerIoU(boxes: ArrayLike<number>, i: number, j: number): number {
  const ax1 = Math.min(boxes[4 * i], boxes[4 * i + 2]);
  const ax2 = Math.max(boxes[4 * i], boxes[4 * i + 2]);
  const ay1 = Math.min(boxes[4 * i + 1], boxes[4 * i + 3]);
  const ay2 = Math.max(boxes[4 * i + 1], boxes[4 * i + 3]);
  const bx1 = Math.min(boxes[4 * j], boxes[4 * j + 2]);
  const bx2 = Math.max(boxes[4 * j], boxes[4 * j + 2]);
  const by1 = Math.min(boxes[4 * j + 1], boxes[4 * j + 3]);
  const by2 = Math.max(boxes[4 * j + 1], boxes[4 * j + 3]);
  const areaA = (ax2 - ax1) * (ay2 - ay1);
  const areaB = (bx2 - bx1) * (by2 - by1);
  if (areaA <= 0 || areaB <= 0) return 0;
  const iw = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
  const ih = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
  const intersection = iw * ih;
  return intersection / (areaA + areaB - intersection);
}

/** Indices of the kept boxes, by descending score. `boxes` is flat [A * 4] corners, `scores` [A]. */
export function greedyNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, settings: NmsSettings): number[] {
  const candidates: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= settings.scoreThreshold) candidates.push(i);
  candidates.sort((a, b) => scores[b] - scores[a] || a - b);
  const kept: number[] = [];
  for (const candidate of candidates) {
    if (kept.length >= settings.maxDetections) break;
    if (kept.every((k) => cornerIoU(boxes, candidate, k) <= settings.iouThreshold)) kept.push(candidate);
  }
  return kept;
}
