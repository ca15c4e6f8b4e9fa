// Counts that describe a dataset: how many images and faces it has, how many it skipped, and
// how many faces each evaluation subset keeps.
import type { Dataset } from './types.js';

export interface DatasetStats {
  images: number;
  /** Images the annotation lists but the disk lacks. */
  skipped: number;
  /** Annotated faces of the (kept) images. */
  faces: number;
  /** Faces each official subset keeps; absent without evaluation ground truth (train, photo folders). */
  subsets?: { easy: number; medium: number; hard: number };
}

export function datasetStats(dataset: Dataset): DatasetStats {
  const faces = dataset.images.reduce((sum, image) => sum + image.faces.length, 0);
  const stats: DatasetStats = { images: dataset.images.length, skipped: dataset.skipped, faces };
  const withSubsets = dataset.images.filter((image) => image.subsets !== undefined);
  if (dataset.images.length > 0 && withSubsets.length === dataset.images.length) {
    const count = (name: 'easy' | 'medium' | 'hard') => withSubsets.reduce((sum, image) => sum + (image.subsets?.[name].length ?? 0), 0);
    stats.subsets = { easy: count('easy'), medium: count('medium'), hard: count('hard') };
  }
  return stats;
}
