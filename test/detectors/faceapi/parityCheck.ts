// Asserts two detection lists agree: same count, and each reference box has a box of ours with
// IoU above a floor and a score within a tolerance.
import assert from 'node:assert/strict';
import { boxIoU, type ScoredBox } from '../../../src/util/geometry.js';

export function assertSameDetections(ours: ScoredBox[], reference: ScoredBox[], label: string, minIoU = 0.99, scoreTolerance = 1e-3): void {
  assert.equal(ours.length, reference.length, `${label}: ${ours.length} detections, the reference has ${reference.length}`);
  for (const ref of reference) {
    const best = ours.reduce((a, b) => (boxIoU(a, ref) >= boxIoU(b, ref) ? a : b));
    const iou = boxIoU(best, ref);
    assert.ok(iou > minIoU, `${label}: reference box ${JSON.stringify(ref)} best IoU ${iou.toFixed(4)}`);
    assert.ok(Math.abs(best.score - ref.score) < scoreTolerance, `${label}: score ${best.score} vs reference ${ref.score}`);
  }
}
