// Prior (anchor) boxes of RetinaFace for one input size, in input-image pixels and in the order
// the heads emit them: level by level, row by row, column by column, anchor size by size.
import { RETINAFACE_MNET } from './config.js';

export interface Priors {
  count: number;
  /** Per prior: centre x, centre y, side (priors are square). */
  centers: Float32Array;
  sizes: Float32Array;
  /** Feature map size [rows, cols] of each level: ceil(input / step), as the backbone yields. */
  featureMaps: [number, number][];
}

export function computePriors(height: number, width: number, config = RETINAFACE_MNET): Priors {
  const featureMaps = config.steps.map((step) => [Math.ceil(height / step), Math.ceil(width / step)] as [number, number]);
  const count = featureMaps.reduce((n, [rows, cols], k) => n + rows * cols * config.minSizes[k].length, 0);
  const centers = new Float32Array(count * 2);
  const sizes = new Float32Array(count);
  let a = 0;
  featureMaps.forEach(([rows, cols], k) => {
    const step = config.steps[k];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        for (const size of config.minSizes[k]) {
          centers[2 * a] = (j + 0.5) * step;
          centers[2 * a + 1] = (i + 0.5) * step;
          sizes[a] = size;
          a++;
        }
      }
    }
  });
  return { count, centers, sizes, featureMaps };
}

/** Priors as [x1, y1, x2, y2] corners, row-major [count, 4]. */
export function priorCorners(priors: Priors): Float32Array {
  const corners = new Float32Array(priors.count * 4);
  for (let a = 0; a < priors.count; a++) {
    const half = priors.sizes[a] / 2;
    corners[4 * a] = priors.centers[2 * a] - half;
    corners[4 * a + 1] = priors.centers[2 * a + 1] - half;
    corners[4 * a + 2] = priors.centers[2 * a] + half;
    corners[4 * a + 3] = priors.centers[2 * a + 1] + half;
  }
  return corners;
}
