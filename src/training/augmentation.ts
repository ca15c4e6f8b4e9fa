// Data augmentation of the SLN's training (paper section 3.1): random horizontal flip; scale
// jittering by a factor 0.25 * n, n uniform in 1..8; then a random crop so that the longer side
// is at most `maxSide` (the paper: 1,200; here 640 by default, the attack's image size).
// Faces follow every step. A face cut by the crop is clipped to it; it is dropped (and listed in
// `ignoredFaces`, so the anchors on it are neither positive nor negative) when less than
// `minVisibleFraction` (50%) of its area is left or when its visible box is narrower or lower
// than `minFaceSize` pixels (4: far below the smallest anchor, 16 px, so no anchor could match it).
import sharp from 'sharp';
import { assertRgbImage, type RgbImage } from '../data/images/rgbImage.js';
import type { Box } from '../util/geometry.js';
import type { SeededRandom } from '../util/random.js';

export interface AugmentationOptions {
  /** Longer side of the crop, in pixels after scaling. */
  maxSide: number;
  /** Scale factors drawn uniformly (the paper: 0.25, 0.5, ..., 2). */
  scaleFactors: readonly number[];
  flip: boolean;
  minVisibleFraction: number;
  minFaceSize: number;
}

export const PAPER_SCALE_FACTORS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => 0.25 * n);

export const DEFAULT_AUGMENTATION: AugmentationOptions = {
  maxSide: 640,
  scaleFactors: PAPER_SCALE_FACTORS,
  flip: true,
  minVisibleFraction: 0.5,
  minFaceSize: 4,
};

/** The random draws of one augmentation, in pixels of the scaled image. */
export interface AugmentationPlan {
  flip: boolean;
  scale: number;
  /** Size of the whole image after scaling. */
  scaledWidth: number;
  scaledHeight: number;
  /** The crop, inside the scaled image. */
  crop: { left: number; top: number; width: number; height: number };
}

export interface AugmentedSample {
  image: RgbImage;
  faces: Box[];
  /** Faces cut or shrunk below the limits: their anchors are ignored, not negatives. */
  ignoredFaces: Box[];
  plan: AugmentationPlan;
}

/** Draws flip, scale and crop for an image of width x height (always the same number of draws). */
export function drawAugmentation(width: number, height: number, options: AugmentationOptions, rng: SeededRandom): AugmentationPlan {
  if (options.scaleFactors.length === 0 || options.scaleFactors.some((s) => !(s > 0))) {
    throw new RangeError(`scale factors must be positive, got [${options.scaleFactors.join(', ')}]`);
  }
  if (!(Number.isInteger(options.maxSide) && options.maxSide > 0)) throw new RangeError(`maxSide must be a positive integer, got ${options.maxSide}`);
  const flipDraw = rng.next();
  const scale = options.scaleFactors[rng.int(options.scaleFactors.length)] as number;
  const leftDraw = rng.next();
  const topDraw = rng.next();
  const scaledWidth = Math.max(1, Math.round(width * scale));
  const scaledHeight = Math.max(1, Math.round(height * scale));
  const cropWidth = Math.min(scaledWidth, options.maxSide);
  const cropHeight = Math.min(scaledHeight, options.maxSide);
  return {
    flip: options.flip && flipDraw < 0.5,
    scale,
    scaledWidth,
    scaledHeight,
    crop: {
      left: Math.floor(leftDraw * (scaledWidth - cropWidth + 1)),
      top: Math.floor(topDraw * (scaledHeight - cropHeight + 1)),
      width: cropWidth,
      height: cropHeight,
    },
  };
}

/** Faces (original pixels) through a plan: scaled, cropped, clipped, flipped; split into kept and ignored. */
export function transformFaces(faces: readonly Box[], imageWidth: number, imageHeight: number, plan: AugmentationPlan, options: Pick<AugmentationOptions, 'minVisibleFraction' | 'minFaceSize'>): { faces: Box[]; ignoredFaces: Box[] } {
  const sx = plan.scaledWidth / imageWidth;
  const sy = plan.scaledHeight / imageHeight;
  const { left, top, width, height } = plan.crop;
  const kept: Box[] = [];
  const ignored: Box[] = [];
  for (const face of faces) {
    const x1 = face.x * sx - left, y1 = face.y * sy - top;
    const x2 = (face.x + face.w) * sx - left, y2 = (face.y + face.h) * sy - top;
    const area = (x2 - x1) * (y2 - y1);
    const cx1 = Math.max(0, x1), cy1 = Math.max(0, y1), cx2 = Math.min(width, x2), cy2 = Math.min(height, y2);
    if (cx2 <= cx1 || cy2 <= cy1 || !(area > 0)) continue; // outside the crop
    const box: Box = plan.flip ? { x: width - cx2, y: cy1, w: cx2 - cx1, h: cy2 - cy1 } : { x: cx1, y: cy1, w: cx2 - cx1, h: cy2 - cy1 };
    const visible = (box.w * box.h) / area;
    if (visible < options.minVisibleFraction || box.w < options.minFaceSize || box.h < options.minFaceSize) ignored.push(box);
    else kept.push(box);
  }
  return { faces: kept, ignoredFaces: ignored };
}

const UNIT16 = 65535;

/** The pixels of a plan: resize (bilinear, as resizeImage) to the scaled size, crop, then mirror. */
export async function applyAugmentation(image: RgbImage, plan: AugmentationPlan): Promise<RgbImage> {
  assertRgbImage(image);
  const { left, top, width, height } = plan.crop;
  let data: Float32Array;
  if (plan.scaledWidth === image.width && plan.scaledHeight === image.height) {
    data = new Float32Array(width * height * 3);
    for (let y = 0; y < height; y++) data.set(image.data.subarray(((top + y) * image.width + left) * 3, ((top + y) * image.width + left + width) * 3), y * width * 3);
  } else {
    // As resizeImage: samples through libvips in the 16-bit range as floats, kept in [0, 1].
    const samples = new Float32Array(image.data.length);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.min(1, Math.max(0, image.data[i] as number)) * UNIT16;
    const { data: raw, info } = await sharp(samples, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(plan.scaledWidth, plan.scaledHeight, { fit: 'fill', kernel: 'linear' })
      .extract({ left, top, width, height })
      .toColourspace('rgb16')
      .raw({ depth: 'float' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 3) {
      throw new Error(`applyAugmentation: sharp returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
    }
    const values = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    data = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) data[i] = Math.min(1, Math.max(0, (values[i] as number) / UNIT16));
  }
  if (plan.flip) {
    for (let y = 0; y < height; y++) {
      const row = y * width * 3;
      for (let x = 0; x < width >> 1; x++) {
        const a = row + x * 3, b = row + (width - 1 - x) * 3;
        for (let c = 0; c < 3; c++) {
          const t = data[a + c] as number;
          data[a + c] = data[b + c] as number;
          data[b + c] = t;
        }
      }
    }
  }
  return { width, height, data };
}

/** Draws a plan and applies it to the image and its faces (original pixels). */
export async function augmentSample(image: RgbImage, faces: readonly Box[], options: AugmentationOptions, rng: SeededRandom): Promise<AugmentedSample> {
  const plan = drawAugmentation(image.width, image.height, options, rng);
  const boxes = transformFaces(faces, image.width, image.height, plan, options);
  return { image: await applyAugmentation(image, plan), ...boxes, plan };
}
