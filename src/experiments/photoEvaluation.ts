// Scoring a patch on photos without annotations: the "ground truth" is the clean detector's own
// faces above delta, so clean recall is 1 by construction and the patch's effect is what drops.
// Only the 'all' subset is meaningful here (Easy/Medium/Hard come from WIDER FACE's .mat files).
import type { FaceDetector } from '../detectors/types.js';
import { type TrainingItem } from '../attacks/trainingSet.js';
import { toOriginalPixels } from '../data/images/scaledImage.js';
import { allFacesSubsets } from '../data/widerface/subsetMembership.js';
import { evaluateDetections } from '../eval/evaluateDetections.js';
import type { EvaluationImage, EvaluationResult } from '../eval/types.js';
import { detectOnImage, loadPatchedImage, type PatchSetting } from './patchedDetection.js';

export async function evaluateOnPhotos(options: {
  detector: FaceDetector;
  items: readonly TrainingItem[];
  setting?: PatchSetting;
  delta: number;
  maxSide: number;
}): Promise<EvaluationResult> {
  const images: EvaluationImage[] = [];
  for (const item of options.items) {
    const input = await loadPatchedImage(item.path, item.faces, options.setting, options.maxSide);
    const found = await detectOnImage(options.detector, input.image, 0.02);
    const s = input.scale;
    images.push({
      id: item.id,
      faces: item.faces.slice(),
      subsets: allFacesSubsets(item.faces.length),
      detections: toOriginalPixels(found, s),
      patches: toOriginalPixels(input.patches, s),
    });
  }
  return evaluateDetections({ images, delta: options.delta });
}
