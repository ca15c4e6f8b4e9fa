// The first two stages of the cascade, on plain values (like an anchor generator: they decide
// which windows the last stage looks at, and are not differentiated). Stage 1 runs P-Net over
// the image pyramid and turns confident cells into square windows; stage 2 scores those windows
// with R-Net on 24x24 patches and regresses the survivors. Both follow face-api.js's stage1/stage2.
import * as tf from '@tensorflow/tfjs';
import { cascadeNms } from './cascadeNms.js';
import { PNET_CELL_SIZE, PNET_CELL_STRIDE, RNET_INPUT, type MtcnnConfig } from './config.js';
import { normalizePixels, pnetForward, rnetForward } from './networks.js';
import { cropPatchData, type PixelImage } from './patches.js';
import { pyramidScales } from './pyramid.js';
import type { MtcnnNetworks } from './weights.js';
import { calibrate, cropRegion, type WindowBox } from './windowBox.js';

export interface ScoredWindow {
  box: WindowBox;
  /** The score of the stage that produced the window. */
  score: number;
}

interface Cell {
  box: WindowBox;
  score: number;
  region: [number, number, number, number];
}

/** P-Net's confident cells at one pyramid scale, before any NMS. */
function cellsAtScale(image: tf.Tensor4D, scale: number, nets: MtcnnNetworks, threshold: number): Cell[] {
  const [, height, width] = image.shape;
  const { scores, regions, shape } = tf.tidy(() => {
    // As face-api: tf.image.resizeBilinear (legacy: no half-pixel centres, no antialiasing).
    const resized = tf.image.resizeBilinear(image, [Math.floor(height * scale), Math.floor(width * scale)]);
    const transposed = tf.transpose(normalizePixels(resized), [0, 2, 1, 3]) as tf.Tensor4D;
    const out = pnetForward(transposed, nets.pnet);
    return { scores: out.scores.dataSync(), regions: out.regions.dataSync(), shape: out.scores.shape };
  });
  const [, columns, rows] = shape; // transposed: the first map axis runs along the image's x
  const cells: Cell[] = [];
  for (let i = 0; i < columns; i++) {
    for (let j = 0; j < rows; j++) {
      const at = i * rows + j;
      if (scores[at] < threshold) continue;
      cells.push({
        box: {
          left: Math.round((i * PNET_CELL_STRIDE + 1) / scale),
          top: Math.round((j * PNET_CELL_STRIDE + 1) / scale),
          right: Math.round((i * PNET_CELL_STRIDE + PNET_CELL_SIZE) / scale),
          bottom: Math.round((j * PNET_CELL_STRIDE + PNET_CELL_SIZE) / scale),
        },
        score: scores[at],
        region: [regions[4 * at], regions[4 * at + 1], regions[4 * at + 2], regions[4 * at + 3]],
      });
    }
  }
  return cells;
}

/** Stage 1: P-Net over the pyramid, NMS per scale and across scales, regressed square windows. */
export function proposeWindows(image: PixelImage, nets: MtcnnNetworks, config: MtcnnConfig): ScoredWindow[] {
  const scales = pyramidScales(image.height, image.width, config);
  const tensor = tf.tensor4d(image.data, [1, image.height, image.width, 3]);
  try {
    const cells = scales.flatMap((scale) => {
      const found = cellsAtScale(tensor, scale, nets, config.scoreThresholds[0]);
      const kept = cascadeNms(found.map((c) => c.box), found.map((c) => c.score), config.pnetScaleNms, 'union');
      return kept.map((k) => found[k]);
    });
    const kept = cascadeNms(cells.map((c) => c.box), cells.map((c) => c.score), config.pnetAllScalesNms, 'union');
    return kept.map((k) => ({ box: calibrate(cells[k].box, cells[k].region), score: cells[k].score }));
  } finally {
    tensor.dispose();
  }
}

/** R-Net scores and regressions of windows (each must have a crop region in the image). */
function runRNet(image: PixelImage, windows: readonly WindowBox[], nets: MtcnnNetworks, batch: number): { scores: Float32Array; regions: Float32Array } {
  const scores = new Float32Array(windows.length);
  const regions = new Float32Array(windows.length * 4);
  const patchSize = RNET_INPUT * RNET_INPUT * 3;
  for (let start = 0; start < windows.length; start += batch) {
    const chunk = windows.slice(start, start + batch);
    const data = new Float32Array(chunk.length * patchSize);
    chunk.forEach((w, k) => data.set(cropPatchData(image, cropRegion(w, image.height, image.width)!, RNET_INPUT), k * patchSize));
    tf.tidy(() => {
      const input = normalizePixels(tf.tensor4d(data, [chunk.length, RNET_INPUT, RNET_INPUT, 3]));
      const out = rnetForward(input, nets.rnet);
      scores.set(out.scores.dataSync(), start);
      regions.set(out.regions.dataSync(), start * 4);
    });
  }
  return { scores, regions };
}

/** Stage 2: R-Net on 24x24 patches, threshold, NMS on the input windows, regressed square windows. */
export function refineWindows(image: PixelImage, proposals: readonly ScoredWindow[], nets: MtcnnNetworks, config: MtcnnConfig): ScoredWindow[] {
  // face-api cannot cut a window lying wholly outside the image; such proposals are dropped.
  const windows = proposals.map((p) => p.box).filter((w) => cropRegion(w, image.height, image.width) !== undefined);
  if (windows.length === 0) return [];
  const { scores, regions } = runRNet(image, windows, nets, config.rnetBatch);
  const passed = windows.flatMap((_, i) => (scores[i] > config.scoreThresholds[1] ? [i] : []));
  const kept = cascadeNms(passed.map((i) => windows[i]), passed.map((i) => scores[i]), config.rnetNms, 'union');
  return kept
    .map((k) => passed[k])
    .map((i) => ({ box: calibrate(windows[i], regions.subarray(4 * i, 4 * i + 4)), score: scores[i] }))
    .filter((w) => cropRegion(w.box, image.height, image.width) !== undefined);
}

/** Stages 1 and 2: the windows O-Net will score. */
export function selectWindows(image: PixelImage, nets: MtcnnNetworks, config: MtcnnConfig): ScoredWindow[] {
  const proposals = proposeWindows(image, nets, config);
  return proposals.length === 0 ? [] : refineWindows(image, proposals, nets, config);
}
