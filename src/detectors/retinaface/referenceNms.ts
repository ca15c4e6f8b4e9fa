// Greedy non-maximum suppression exactly as the reference's py_cpu_nms: boxes are inclusive
// pixel ranges (areas and overlaps add 1), and a box is dropped when its IoU with a kept,
// higher-scoring box exceeds the threshold.

/** Indices kept, in descending score order. `boxes` is [n, 4] x1, y1, x2, y2. */
export function referenceNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, candidates: number[], iouThreshold: number): number[] {
  const order = [...candidates].sort((a, b) => scores[b] - scores[a]);
  const area = (i: number) => (boxes[4 * i + 2] - boxes[4 * i] + 1) * (boxes[4 * i + 3] - boxes[4 * i + 1] + 1);
  const keep: number[] = [];
  let remaining = order;
  while (remaining.length > 0) {
    const i = remaining[0];
    keep.push(i);
    const areaI = area(i);
    remaining = remaining.slice(1).filter((j) => {
      const w = Math.max(0, Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]) + 1);
      const h = Math.max(0, Math.min(boxes[4 * i + 3], boxes[4 * j + 3]) - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]) + 1);
      const inter = w * h;
      return inter / (areaI + area(j) - inter) <= iouThreshold;
    });
  }
  return keep;
}
