// The paper's Fig. 1 for one image: panels (clean, control patches, the attack's patch) with true
// positives, false positives, misses and pasted patches drawn at delta.
import type { FaceDetector } from '../detectors/types.js';
import { detectOnImage, pasteOnScaledImage, type PatchSetting } from '../experiments/patchedDetection.js';
import { loadScaledImage, scaleBoxes } from '../data/images/scaledImage.js';
import type { Box } from '../util/geometry.js';
import { annotatedPng, classifyDetections, outcomeLayers } from './annotate.js';
import { saveSideBySide } from './sideBySide.js';

export interface ComparisonPanel {
  label: string;
  /** undefined = the clean image. */
  setting?: PatchSetting;
}

export interface PanelCounts {
  truePositives: number;
  falsePositives: number;
  missed: number;
  patches: number;
}

/** Renders the panels side by side into `outPath` and returns the counts per panel. */
export async function renderComparison(options: {
  detector: FaceDetector;
  imagePath: string;
  /** Faces in original-image pixels. */
  faces: readonly Box[];
  panels: readonly ComparisonPanel[];
  delta: number;
  maxSide: number;
  outPath: string;
}): Promise<Record<string, PanelCounts>> {
  const pngs: Buffer[] = [];
  const counts: Record<string, PanelCounts> = {};
  const scaled = await loadScaledImage(options.imagePath, options.maxSide);
  for (const panel of options.panels) {
    const input = pasteOnScaledImage(scaled, options.faces, panel.setting);
    const detections = await detectOnImage(options.detector, input.image, Math.min(options.delta, 0.5));
    const outcomes = classifyDetections(detections, scaleBoxes(options.faces, input.scale), options.delta);
    counts[panel.label] = {
      truePositives: outcomes.truePositives.length,
      falsePositives: outcomes.falsePositives.length,
      missed: outcomes.missed.length,
      patches: input.patches.length,
    };
    const caption = `${panel.label}: TP ${outcomes.truePositives.length}, FP ${outcomes.falsePositives.length}, missed ${outcomes.missed.length} (delta ${options.delta})`;
    pngs.push(await annotatedPng(input.image, outcomeLayers(outcomes, input.patches), caption));
  }
  await saveSideBySide(options.outPath, pngs);
  return counts;
}
