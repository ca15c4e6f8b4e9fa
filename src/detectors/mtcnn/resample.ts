// Resampling weights of a triangle (bilinear) filter: sample i of n covers source pixels around
// (i + 0.5) * length / n; when shrinking, the triangle widens by the shrink factor so every
// source pixel contributes (antialiasing, like PIL's BILINEAR resize, Matlab's imresize or a
// canvas drawImage), and taps falling off the block are dropped and the rest renormalised.

export interface ResampleTap {
  /** First source index (relative to the block) with a weight. */
  first: number;
  /** Weights of source indices first, first + 1, ...; they sum to 1. */
  weights: number[];
}

export function triangleTaps(length: number, outSize: number): ResampleTap[] {
  if (!(length >= 1 && outSize >= 1)) throw new Error(`triangleTaps: cannot resample ${length} pixels to ${outSize}`);
  const scale = length / outSize;
  const spread = Math.max(scale, 1);
  const taps: ResampleTap[] = [];
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const first = Math.max(Math.trunc(centre - spread + 0.5), 0);
    const end = Math.min(Math.trunc(centre + spread + 0.5), length);
    const weights: number[] = [];
    let total = 0;
    for (let j = first; j < end; j++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / spread));
      weights.push(w);
      total += w;
    }
    taps.push({ first, weights: weights.map((w) => w / total) });
  }
  return taps;
}

/** The same weights as a dense row-major [outSize, length] matrix. */
export function tapsMatrix(taps: readonly ResampleTap[], length: number): Float32Array {
  const matrix = new Float32Array(taps.length * length);
  taps.forEach((tap, i) => tap.weights.forEach((w, k) => (matrix[i * length + tap.first + k] = w)));
  return matrix;
}
