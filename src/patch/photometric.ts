// Photometric expectation over transformation: brightness, contrast and pixel noise applied to the
// patch before pasting (differentiable), for patches meant to survive printing and cameras.
import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../util/random.js';
import type { PlacementJitter } from './paste.js';

export interface EotOptions {
  /** Max rotation in degrees (uniform in [-r, r]). */
  rotationDegrees: number;
  /** Brightness shift range (uniform in [-b, b]). */
  brightness: number;
  /** Contrast range: factor uniform in [1 - c, 1 + c]. */
  contrast: number;
  /** Standard deviation of additive pixel noise. */
  noise: number;
  /** Scale jitter: factor uniform in [1 - s, 1 + s]. */
  scale: number;
}

/** Off: the paper's setting. */
export const NO_EOT: EotOptions = { rotationDegrees: 0, brightness: 0, contrast: 0, noise: 0, scale: 0 };

export function eotEnabled(o: EotOptions): boolean {
  return o.rotationDegrees > 0 || o.brightness > 0 || o.contrast > 0 || o.noise > 0 || o.scale > 0;
}

/** One draw of photometric parameters, taken from the run's generator so resumed runs match. */
export interface PhotometricDraw {
  brightness: number;
  contrast: number;
  noiseSeed: number;
}

export function drawPhotometric(o: EotOptions, rng: SeededRandom): PhotometricDraw {
  return {
    brightness: o.brightness > 0 ? rng.uniform(-o.brightness, o.brightness) : 0,
    contrast: o.contrast > 0 ? rng.uniform(1 - o.contrast, 1 + o.contrast) : 1,
    noiseSeed: o.noise > 0 ? rng.int(2 ** 31) : 0,
  };
}

export function drawJitter(o: EotOptions, rng: SeededRandom, count: number): PlacementJitter[] {
  return Array.from({ length: count }, () => ({
    rotation: o.rotationDegrees > 0 ? (rng.uniform(-o.rotationDegrees, o.rotationDegrees) * Math.PI) / 180 : 0,
    scale: o.scale > 0 ? rng.uniform(1 - o.scale, 1 + o.scale) : 1,
  }));
}

/** Applies a photometric draw to the patch [P, P, 3]; identity when nothing is drawn. */
export function applyPhotometric(patch: tf.Tensor3D, o: EotOptions, draw: PhotometricDraw): tf.Tensor3D {
  if (o.brightness === 0 && o.contrast === 0 && o.noise === 0) return patch;
  return tf.tidy(() => {
    let out: tf.Tensor3D = tf.add(tf.mul(tf.sub(patch, 0.5), draw.contrast), 0.5 + draw.brightness);
    if (o.noise > 0) out = tf.add(out, tf.randomNormal(patch.shape, 0, o.noise, 'float32', draw.noiseSeed));
    return tf.clipByValue(out, 0, 1);
  });
}
