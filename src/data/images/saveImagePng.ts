// Writing an RgbImage as an 8-bit PNG, atomically (a crash never leaves half a file).
import sharp from 'sharp';
import { writeFileAtomic } from '../../util/atomicWrite.js';
import { assertRgbImage, type RgbImage } from './rgbImage.js';

/** Floats in [0, 1] (clamped) to 8-bit samples, rounding to nearest. */
export function unitToBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, data[i] as number)) * 255);
  return bytes;
}

export async function encodeImagePng(image: RgbImage): Promise<Buffer> {
  assertRgbImage(image);
  return sharp(unitToBytes(image.data), { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

export async function saveImagePng(path: string, image: RgbImage): Promise<void> {
  writeFileAtomic(path, await encodeImagePng(image));
}
