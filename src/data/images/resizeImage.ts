// Resizing an RgbImage with sharp (libvips). The samples go through libvips as 16-bit-range
// floats (interpretation rgb16), so values in [0, 1] keep 1/65535 of precision; 8-bit samples
// would add a quantisation step of 1/255, and ushort samples suffer from libvips' fixed-point
// resampling coefficients (a constant image drifted by 5e-4 in a 10x6 -> 7x13 resize).
import sharp from 'sharp';
import type { KernelEnum } from 'sharp';
import { assertRgbImage, type RgbImage } from './rgbImage.js';

export interface ResizeOptions {
  /** sharp's resampling kernel; 'linear' (bilinear, antialiased when shrinking) by default. */
  kernel?: keyof KernelEnum;
}

const UNIT16 = 65535;

/** Resizes to exactly width x height (the aspect ratio is not kept); values are clamped to [0, 1]. */
export async function resizeImage(image: RgbImage, width: number, height: number, options: ResizeOptions = {}): Promise<RgbImage> {
  assertRgbImage(image);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`resizeImage: target size must be positive integers, got ${width}x${height}`);
  }
  const samples = new Float32Array(image.data.length);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.min(1, Math.max(0, image.data[i] as number)) * UNIT16;
  const { data, info } = await sharp(samples, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: options.kernel ?? 'linear' })
    .toColourspace('rgb16') // stay in the 16-bit range; the default sRGB output would drop to 8 bits
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`resizeImage: sharp returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
  }
  const resized = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  const result = new Float32Array(resized.length);
  for (let i = 0; i < resized.length; i++) result[i] = Math.min(1, Math.max(0, (resized[i] as number) / UNIT16));
  return { width, height, data: result };
}
