// The images a universal patch is optimised on: each with the faces the patch is pasted on.
// Images are scaled so the longer side is at most `maxSide` (the reference used 640).
import type { Dataset } from '../data/types.js';
import { loadImage } from '../data/images/loadImage.js';
import { resizeImage } from '../data/images/resizeImage.js';
import type { RgbImage } from '../data/images/rgbImage.js';
import type { Box } from '../util/geometry.js';

export interface TrainingItem {
  id: string;
  path: string;
  /** Faces in original-image pixels. */
  faces: Box[];
}

/** Training items from a dataset: images with at least one non-empty face box. */
export function trainingItemsFromDataset(dataset: Dataset): TrainingItem[] {
  return dataset.images
    .map((image) => ({ id: image.id, path: image.path, faces: image.faces.map((f) => f.box).filter((b) => b.w > 0 && b.h > 0) }))
    .filter((item) => item.faces.length > 0);
}

export interface ScaledImage {
  image: RgbImage;
  /** Multiply original coordinates by this to get coordinates in `image`. */
  scale: number;
}

/** Loads an image, shrunk so its longer side is at most maxSide (never enlarged). */
export async function loadScaledImage(path: string, maxSide: number): Promise<ScaledImage> {
  const image = await loadImage(path);
  const longer = Math.max(image.width, image.height);
  if (!(maxSide > 0) || longer <= maxSide) return { image, scale: 1 };
  const scale = maxSide / longer;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { image: await resizeImage(image, width, height), scale: width / image.width };
}

export function scaleBoxes(boxes: readonly Box[], scale: number): Box[] {
  return boxes.map((b) => ({ x: b.x * scale, y: b.y * scale, w: b.w * scale, h: b.h * scale }));
}

/** The inverse of scaleBoxes: boxes in a scaled image back to original pixels (other fields, e.g. score, kept). */
export function toOriginalPixels<T extends Box>(boxes: readonly T[], scale: number): T[] {
  return boxes.map((b) => ({ ...b, x: b.x / scale, y: b.y / scale, w: b.w / scale, h: b.h / scale }));
}
