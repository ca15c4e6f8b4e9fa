// Resampling along one axis by gathers and weights (nearest and linear), with ONNX Resize's
// coordinate conventions. Gathers and multiplies differentiate on every tfjs backend (unlike
// resizeBilinear, whose cpu gradient fails for non-square images), and the cost is linear in
// the output size, so a detector can resize a large photo differentiably.
import * as tf from '@tensorflow/tfjs';

export type CoordinateMode =
  | 'half_pixel'
  | 'half_pixel_symmetric'
  | 'pytorch_half_pixel'
  | 'align_corners'
  | 'asymmetric'
  | 'tf_half_pixel_for_nn';

/** How nearest mode rounds; 'simple' is Upsample / Resize-10 (floor, or ceil when shrinking). */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';

export interface ResampleOptions {
  mode: 'nearest' | 'linear';
  coordinate: CoordinateMode;
  nearest?: NearestMode;
  /** The scale used for coordinates (output / input); defaults to outSize / inSize. */
  scale?: number;
}

export const COORDINATE_MODES: readonly CoordinateMode[] = [
  'half_pixel',
  'half_pixel_symmetric',
  'pytorch_half_pixel',
  'align_corners',
  'asymmetric',
  'tf_half_pixel_for_nn',
];
export const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil', 'simple'];

/** The input coordinate an output index samples. */
export function sourceCoordinate(out: number, inSize: number, outSize: number, scale: number, mode: CoordinateMode): number {
  switch (mode) {
    case 'half_pixel':
      return (out + 0.5) / scale - 0.5;
    case 'half_pixel_symmetric': {
      const adjustment = outSize / (scale * inSize);
      const offset = (inSize / 2) * (1 - adjustment);
      return offset + (out + 0.5) / scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return outSize > 1 ? (out + 0.5) / scale - 0.5 : 0;
    case 'align_corners':
      return outSize > 1 ? (out * (inSize - 1)) / (outSize - 1) : 0;
    case 'asymmetric':
      return out / scale;
    case 'tf_half_pixel_for_nn':
      return (out + 0.5) / scale;
  }
}

function roundNearest(x: number, mode: NearestMode, scale: number): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'simple':
      return scale < 1 ? Math.ceil(x) : Math.trunc(x);
  }
}

/** Resamples `x` along `axis` to `outSize` entries. */
export function resampleAxis(x: tf.Tensor, axis: number, outSize: number, options: ResampleOptions): tf.Tensor {
  const inSize = x.shape[axis];
  const scale = options.scale ?? outSize / inSize;
  if (inSize === outSize && scale === 1 && options.coordinate !== 'tf_half_pixel_for_nn') return x;
  const coords = Array.from({ length: outSize }, (_, i) => sourceCoordinate(i, inSize, outSize, scale, options.coordinate));
  const clampIndex = (i: number) => Math.min(inSize - 1, Math.max(0, i));
  if (options.mode === 'nearest') {
    const mode = options.nearest ?? 'round_prefer_floor';
    return tf.gather(x, tf.tensor1d(coords.map((c) => clampIndex(roundNearest(c, mode, scale))), 'int32'), axis);
  }
  const clamped = coords.map((c) => Math.min(inSize - 1, Math.max(0, c)));
  const lower = clamped.map((c) => Math.floor(c));
  const upper = lower.map((l) => clampIndex(l + 1));
  const weightShape = x.shape.map((_, i) => (i === axis ? outSize : 1));
  const upperWeight = tf.tensor(clamped.map((c, i) => c - lower[i]), weightShape);
  const a = tf.gather(x, tf.tensor1d(lower, 'int32'), axis);
  const b = tf.gather(x, tf.tensor1d(upper, 'int32'), axis);
  return tf.add(a, tf.mul(tf.sub(b, a), upperWeight));
}

/**
 * Bilinear resize of NHWC images with half-pixel centres (OpenCV's INTER_LINEAR and
 * tf.image.resizeBilinear without align_corners), differentiable on every backend.
 */
export function resizeBilinearNHWC(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    const rows = resampleAxis(images, 1, height, { mode: 'linear', coordinate: 'half_pixel' });
    const out = resampleAxis(rows, 2, width, { mode: 'linear', coordinate: 'half_pixel' }) as tf.Tensor4D;
    return out === images ? tf.clone(out) : out;
  });
}
