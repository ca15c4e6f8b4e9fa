// What a dataset yields: images with their annotated faces and, for WIDER FACE val, the
// Easy/Medium/Hard membership from the official evaluation ground truth.
import type { Box } from '../util/geometry.js';

export type Split = 'train' | 'val';
export type SubsetName = 'easy' | 'medium' | 'hard' | 'all';
export const SUBSET_NAMES: readonly SubsetName[] = ['easy', 'medium', 'hard', 'all'];

/** One annotated face: a WIDER FACE txt line (x y w h blur expression illumination invalid occlusion pose). */
export interface FaceAnnotation {
  box: Box;
  blur: number;
  expression: number;
  illumination: number;
  invalid: number;
  occlusion: number;
  pose: number;
}

export interface DatasetImage {
  /** Relative id in WIDER's style, e.g. "0--Parade/0_Parade_marchingband_1_20" (event folder / name without extension). */
  id: string;
  /** Event folder (e.g. "0--Parade"); for a photo folder, its sub-folder or "". */
  event: string;
  /** Absolute path of the image file. */
  path: string;
  /** Annotated faces, in file order (empty for an unannotated photo folder until a clean detector fills it). */
  faces: FaceAnnotation[];
  /**
   * For each subset, the 0-based indices into `faces` that the official `gt_list` keeps
   * ('all' keeps every face). Absent where no evaluation ground truth exists (train split).
   */
  subsets?: Record<SubsetName, number[]>;
}

export interface Dataset {
  /** Present images, in sorted path order (after --max-images). */
  images: DatasetImage[];
  /** Images the annotation lists but the disk lacks. */
  skipped: number;
  /** Where it came from, for provenance. */
  source: { kind: 'widerface' | 'photo-folder'; root: string; split?: Split };
}
