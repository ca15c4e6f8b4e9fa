// Turns a detector's raw per-anchor outputs into final detections: NMS per image, then boxes as
// {x, y, w, h} pixels, optionally clipped to a region (face-api clips SSD boxes to the padded square).
import type { ScoredBox } from '../../util/geometry.js';
import type { DetectOptions, RawOutputs } from '../types.js';
import { greedyNms, type NmsSettings } from './greedyNms.js';

/** The interface's defaults, with the detector's own reference NMS IoU. */
export function nmsSettings(options: DetectOptions, referenceIoU: number): NmsSettings {
  return {
    scoreThreshold: options.scoreThreshold ?? 0.02,
    iouThreshold: options.nmsIoU ?? referenceIoU,
    maxDetections: options.maxDetections ?? 750,
  };
}

export interface ClipRegion {
  width: number;
  height: number;
}

/** Reads raw outputs back from the backend and runs NMS per image; does not dispose `raw`. */
export async function rawToDetections(raw: RawOutputs, settings: NmsSettings, clip?: ClipRegion): Promise<ScoredBox[][]> {
  const [batch, anchors] = raw.scores.shape;
  const scores = await raw.scores.data();
  const boxes = await raw.boxes.data();
  const clamp = (v: number, hi: number | undefined) => (hi === undefined ? v : Math.min(Math.max(v, 0), hi));
  const results: ScoredBox[][] = [];
  for (let b = 0; b < batch; b++) {
    const imageScores = scores.subarray(b * anchors, (b + 1) * anchors);
    const imageBoxes = boxes.subarray(b * anchors * 4, (b + 1) * anchors * 4);
    results.push(
      greedyNms(imageBoxes, imageScores, settings).map((i) => {
        const x1 = clamp(imageBoxes[4 * i], clip?.width);
        const y1 = clamp(imageBoxes[4 * i + 1], clip?.height);
        const x2 = clamp(imageBoxes[4 * i + 2], clip?.width);
        const y2 = clamp(imageBoxes[4 * i + 3], clip?.height);
        return { x: x1, y: y1, w: x2 - x1, h: y2 - y1, score: imageScores[i] };
      }),
    );
  }
  return results;
}
