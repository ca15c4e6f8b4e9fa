// WIDER FACE as a Dataset: the images of the annotation file that exist on disk, in sorted path
// order, with their faces and (for val) their Easy/Medium/Hard membership. Images that the
// annotation lists but the disk lacks are counted as skipped, never fatal: a partial copy of the
// dataset (like the one in ../shared) evaluates on what it has and says what it left out.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FacepatchError, InputFileError } from '../../util/errors.js';
import type { Dataset, DatasetImage, Split } from '../types.js';
import { readWiderAnnotations, type WiderAnnotatedImage } from './annotationParser.js';
import { readEvalGroundTruth, type EvalGroundTruth } from './evalGroundTruth.js';
import { subsetMembership } from './subsetMembership.js';
import {
  EVAL_SUBSET_NAMES,
  widerAnnotationFile,
  widerGroundTruthDir,
  widerGroundTruthFile,
  widerImagesDir,
  type EvalSubsetName,
} from './widerLayout.js';

export interface LoadWiderFaceOptions {
  /** The dataset root, in the official layout (see widerLayout.ts). */
  root: string;
  split: Split;
  /** Keep only the first N present images in sorted path order. */
  maxImages?: number;
  /** Override the annotation file (default: <root>/wider_face_split/wider_face_<split>_bbx_gt.txt). */
  annotationFile?: string;
  /**
   * Folder of wider_{easy,medium,hard}_val.mat (default: <root>/eval_tools/ground_truth), or null
   * to load val without subsets. Train has no evaluation ground truth, so never has subsets.
   */
  groundTruthDir?: string | null;
  /** Told about boxes whose coordinates differ between the txt and the .mat while the face lists align. */
  onWarning?: (message: string) => void;
}

/** Names of the files present in a folder, or an empty set when the folder is missing. */
function filesIn(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir));
  } catch {
    return new Set();
  }
}

export function loadWiderFace(options: LoadWiderFaceOptions): Dataset {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new FacepatchError(`WIDER FACE root not found: ${root} (pass --root, or set FACEPATCH_WIDER_ROOT)`);
  }
  if (options.maxImages !== undefined && (!Number.isInteger(options.maxImages) || options.maxImages < 0)) {
    throw new FacepatchError(`maxImages must be a non-negative integer, got ${options.maxImages}`);
  }
  const annotationFile = options.annotationFile ?? widerAnnotationFile(root, options.split);
  const annotated = readWiderAnnotations(annotationFile);

  const imagesDir = widerImagesDir(root, options.split);
  const folderListings = new Map<string, Set<string>>();
  const isPresent = (entry: WiderAnnotatedImage) => {
    const slash = entry.relativePath.lastIndexOf('/');
    const folder = entry.relativePath.slice(0, slash);
    let listing = folderListings.get(folder);
    if (!listing) folderListings.set(folder, (listing = filesIn(join(imagesDir, folder))));
    return listing.has(entry.relativePath.slice(slash + 1));
  };
  const present = annotated.filter(isPresent);
  const skipped = annotated.length - present.length;

  const sorted: DatasetImage[] = present
    .map((entry) => ({
      id: `${entry.event}/${entry.name}`,
      event: entry.event,
      path: join(imagesDir, entry.relativePath),
      faces: entry.faces,
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const images = options.maxImages === undefined ? sorted : sorted.slice(0, options.maxImages);

  const groundTruthDir = options.groundTruthDir === undefined ? widerGroundTruthDir(root) : options.groundTruthDir;
  if (options.split === 'val' && groundTruthDir !== null) attachSubsets(images, groundTruthDir, annotationFile, options.onWarning);

  return { images, skipped, source: { kind: 'widerface', root, split: options.split } };
}

/**
 * Reads the three subset files and sets `subsets` on every image. An image the ground truth
 * lacks, or lists with another number of faces, is fatal: its indices would point at other faces.
 */
function attachSubsets(images: DatasetImage[], groundTruthDir: string, annotationFile: string, onWarning?: (message: string) => void): void {
  const groundTruths = new Map<EvalSubsetName, EvalGroundTruth>();
  for (const subset of EVAL_SUBSET_NAMES) {
    const file = widerGroundTruthFile(groundTruthDir, subset);
    if (!existsSync(file)) {
      throw new InputFileError(file, 'missing: the official evaluation ground truth defines the Easy/Medium/Hard subsets of val');
    }
    groundTruths.set(subset, readEvalGroundTruth(file));
  }
  const { subsets, errors, warnings } = subsetMembership(images, groundTruths);
  if (errors.length > 0) {
    const shown = errors.slice(0, 5).map((m) => `\n  ${m}`).join('');
    const more = errors.length > 5 ? `\n  ... and ${errors.length - 5} more` : '';
    throw new InputFileError(
      annotationFile,
      `the evaluation ground truth disagrees with these annotations (${errors.length} image/subset pairs), ` +
        `so its Easy/Medium/Hard indices cannot be applied:${shown}${more}`,
    );
  }
  for (const warning of warnings) onWarning?.(`box differs between the txt and the evaluation ground truth: ${warning}`);
  images.forEach((image, i) => (image.subsets = subsets[i]));
}
