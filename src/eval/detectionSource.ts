// Where the detections to score come from. The evaluation asks a source for each image's
// detections (and pasted patch boxes, when the images were attacked); a stored submission
// folder is one source, a detector run on the fly (optionally on patched images) is another.
import { existsSync } from 'node:fs';
import type { DatasetImage } from '../data/types.js';
import type { Box, ScoredBox } from '../util/geometry.js';
import { assertSubmissionDir, readSubmissionFile, submissionFilePath } from './submissionFiles.js';

export interface ImageDetections {
  detections: ScoredBox[];
  /** Boxes of the patches pasted on this image (criterion 2); absent for clean images. */
  patches?: Box[];
}

export interface DetectionSource {
  /** Says what the detections are, for the output's record (e.g. "submission folder runs/x"). */
  readonly description: string;
  detectionsFor(image: DatasetImage): Promise<ImageDetections>;
  /** A hint: `image` will be asked for next (a detector source starts decoding it). */
  prefetch?(image: DatasetImage): void;
  /** Facts gathered while reading, for the output (e.g. how many files were missing). */
  report(): Record<string, unknown>;
}

/**
 * Detections stored in the WIDER submission format. An image without a file counts as having
 * no detection; such images are counted and listed (the first few) in the report.
 */
export function submissionDetectionSource(dir: string): DetectionSource {
  assertSubmissionDir(dir);
  const missing: string[] = [];
  let read = 0;
  return {
    description: `submission folder ${dir}`,
    async detectionsFor(image) {
      const path = submissionFilePath(dir, image.id);
      if (!existsSync(path)) {
        missing.push(image.id);
        return { detections: [] };
      }
      read += 1;
      return { detections: readSubmissionFile(path).detections };
    },
    report() {
      return { kind: 'submission', dir, filesRead: read, missingFiles: missing.length, missingExamples: missing.slice(0, 5) };
    },
  };
}
