// Where the official WIDER FACE distribution keeps each file, relative to its root.
import { join } from 'node:path';
import type { Split, SubsetName } from '../types.js';

export type EvalSubsetName = Exclude<SubsetName, 'all'>;
export const EVAL_SUBSET_NAMES: readonly EvalSubsetName[] = ['easy', 'medium', 'hard'];

/** wider_face_split/wider_face_<split>_bbx_gt.txt */
export function widerAnnotationFile(root: string, split: Split): string {
  return join(root, 'wider_face_split', `wider_face_${split}_bbx_gt.txt`);
}

/** WIDER_<split>/images, holding <event>/<name>.jpg */
export function widerImagesDir(root: string, split: Split): string {
  return join(root, `WIDER_${split}`, 'images');
}

/** eval_tools/ground_truth, holding wider_<subset>_val.mat */
export function widerGroundTruthDir(root: string): string {
  return join(root, 'eval_tools', 'ground_truth');
}

export function widerGroundTruthFile(groundTruthDir: string, subset: EvalSubsetName): string {
  return join(groundTruthDir, `wider_${subset}_val.mat`);
}
