// Scores a detection source over a dataset with WIDER FACE evaluation ground truth, or, for a split
// without it (train), over every annotated face as the All subset alone.
import type { Dataset, DatasetImage } from '../data/types.js';
import { allFacesSubsets } from '../data/widerface/subsetMembership.js';
import { FacepatchError } from '../util/errors.js';
import type { DetectionSource } from './detectionSource.js';
import { evaluateDetections } from './evaluateDetections.js';
import type { EvaluationImage, EvaluationResult } from './types.js';

export interface EvaluateDatasetOptions {
  dataset: Dataset;
  source: DetectionSource;
  delta?: number;
  betas?: number[];
  curveSteps?: number;
  /** Called after each image, e.g. to advance a progress bar. */
  onImage?: (image: DatasetImage) => void;
  /**
   * Score every annotated face as All and leave Easy/Medium/Hard empty, whatever membership the
   * images carry: for train, which has no official evaluation ground truth. Without it an image
   * lacking membership is an error.
   */
  allFacesOnly?: boolean;
}

export interface DatasetEvaluation {
  result: EvaluationResult;
  /** The source's report (e.g. missing files). */
  source: Record<string, unknown>;
}

export async function evaluateDataset(options: EvaluateDatasetOptions): Promise<DatasetEvaluation> {
  const { dataset, source } = options;
  const images: EvaluationImage[] = [];
  for (const [index, image] of dataset.images.entries()) {
    const subsets = options.allFacesOnly ? allFacesSubsets(image.faces.length) : image.subsets;
    if (!subsets) {
      throw new FacepatchError(
        `image ${image.id} has no Easy/Medium/Hard membership: evaluation needs the official evaluation ground truth (use the val split, or score All alone)`,
      );
    }
    const pending = source.detectionsFor(image);
    const next = dataset.images[index + 1];
    if (next) source.prefetch?.(next);
    const { detections, patches } = await pending;
    images.push({ id: image.id, faces: image.faces.map((f) => f.box), subsets, detections, patches });
    options.onImage?.(image);
  }
  const result = evaluateDetections({ images, delta: options.delta, betas: options.betas, curveSteps: options.curveSteps });
  return { result, source: source.report() };
}
