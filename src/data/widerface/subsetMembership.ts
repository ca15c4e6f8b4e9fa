// Easy / Medium / Hard membership of each face, from the official evaluation ground truth,
// checked against the txt annotations: gt_list indexes face_bbx_list, so the subsets only mean
// something for our faces if the .mat lists the same faces in the same order as the txt.
import { basename } from 'node:path';
import type { DatasetImage, FaceAnnotation, SubsetName } from '../types.js';
import { evalImageKey, type EvalGroundTruth, type EvalGroundTruthImage } from './evalGroundTruth.js';
import type { EvalSubsetName } from './widerLayout.js';

/**
 * How the .mat boxes of an image differ from its txt faces: 'count' when the face lists differ
 * in length (the indices are then meaningless), 'box' when a coordinate differs, or undefined.
 * The official val txt writes a negative width of the .mat as 0 (39_Ice_Skating_iceskiing_39_583),
 * so a negative .mat size matching a txt 0 counts as agreement.
 */
export function describeBoxMismatch(
  faces: readonly FaceAnnotation[],
  truth: EvalGroundTruthImage,
): { kind: 'count' | 'box'; message: string } | undefined {
  if (faces.length !== truth.boxes.length) {
    return { kind: 'count', message: `the txt has ${faces.length} faces, the .mat ${truth.boxes.length}` };
  }
  for (let k = 0; k < faces.length; k++) {
    const { x, y, w, h } = (faces[k] as FaceAnnotation).box;
    const txt = [x, y, w, h];
    const mat = truth.boxes[k] as number[];
    const clipped = [mat[0], mat[1], Math.max(0, mat[2] as number), Math.max(0, mat[3] as number)];
    if (txt.some((v, j) => v !== clipped[j])) {
      return { kind: 'box', message: `face ${k + 1}: txt box [${txt.join(' ')}], .mat box [${mat.join(' ')}]` };
    }
  }
  return undefined;
}

export interface SubsetMembership {
  /** One record per input image, in the same order. */
  subsets: Record<SubsetName, number[]>[];
  /** Images the ground truth lacks or lists with another number of faces: their subsets are unknown. */
  errors: string[];
  /** Boxes whose coordinates differ while the face lists align: the subsets still apply. */
  warnings: string[];
}

/**
 * The membership of an image scored on All alone: every face kept, Easy/Medium/Hard empty. The
 * starting point of the official membership, and the whole of it for train and photo folders.
 */
export function allFacesSubsets(faceCount: number): Record<SubsetName, number[]> {
  return { easy: [], medium: [], hard: [], all: Array.from({ length: faceCount }, (_, i) => i) };
}

/** The subsets of each image's faces (0-based indices into `faces`; 'all' keeps every face). */
export function subsetMembership(
  images: readonly Pick<DatasetImage, 'id' | 'event' | 'path' | 'faces'>[],
  groundTruths: ReadonlyMap<EvalSubsetName, EvalGroundTruth>,
): SubsetMembership {
  const errors: string[] = [];
  const warnings: string[] = [];
  const subsets = images.map((image) => {
    const name = basename(image.path).replace(/\.[^.]+$/, '');
    const record = allFacesSubsets(image.faces.length);
    for (const [subset, truth] of groundTruths) {
      const entry = truth.images.get(evalImageKey(image.event, name));
      if (!entry) {
        errors.push(`${image.id}: not in ${truth.file}`);
        continue;
      }
      const mismatch = describeBoxMismatch(image.faces, entry);
      if (mismatch) (mismatch.kind === 'count' ? errors : warnings).push(`${image.id}: ${mismatch.message} (${truth.file})`);
      if (mismatch?.kind !== 'count') record[subset] = [...entry.keep].sort((a, b) => a - b);
    }
    return record;
  });
  return { subsets, errors, warnings };
}
