// The images a universal patch is optimised on: each with the faces the patch is pasted on.
// They are loaded shrunk to the attack's maxSide (the reference used 640), see data/images/scaledImage.ts.
import type { Dataset } from '../data/types.js';
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
