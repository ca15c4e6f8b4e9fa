// Decoding an image file into an RgbImage with sharp (libvips). Whatever the file holds, the
// result is 8-bit sRGB turned into floats in [0, 1]:
// - EXIF orientation is applied (a phone photo comes out upright, as a viewer shows it);
// - grayscale is expanded to three equal channels, CMYK is converted to sRGB;
// - an alpha channel is dropped, keeping the stored colours unchanged: we neither invent a
//   background colour nor darken semi-transparent pixels (detectors see the same RGB the file has);
// - 16-bit images are reduced to 8 bits per channel.
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { OutputInfo } from 'sharp';
import { InputFileError } from '../../util/errors.js';
import type { RgbImage } from './rgbImage.js';

/** Turns 8-bit samples into floats in [0, 1]. */
export function bytesToUnit(bytes: Uint8Array): Float32Array {
  const data = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) data[i] = (bytes[i] as number) / 255;
  return data;
}

export async function loadImage(path: string): Promise<RgbImage> {
  if (!existsSync(path)) throw new InputFileError(path, 'image file not found');
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'error': truncated or corrupt data fails; libjpeg's harmless warnings do not.
    decoded = await sharp(path, { failOn: 'error', autoOrient: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new InputFileError(path, `cannot decode the image: ${(error as Error).message}`, undefined, { cause: error });
  }
  const { width, height, channels } = decoded.info;
  if (channels !== 3) throw new InputFileError(path, `decoded to ${channels} channels instead of RGB`);
  return { width, height, data: bytesToUnit(decoded.data) };
}
