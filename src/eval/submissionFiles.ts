// A WIDER FACE submission folder: <dir>/<event>/<image name>.txt, one file per image, which is
// also how facepatch stores detections for later scoring.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FacepatchError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { ScoredBox } from '../util/geometry.js';
import { formatSubmissionFile, parseSubmissionFile, type SubmissionFile } from './submissionFormat.js';

/** The file of an image id such as "0--Parade/0_Parade_marchingband_1_20". */
export function submissionFilePath(dir: string, imageId: string): string {
  return join(dir, `${imageId}.txt`);
}

/** Reads and checks one submission file. */
export function readSubmissionFile(path: string): SubmissionFile {
  return parseSubmissionFile(readFileSync(path, 'utf8'), path);
}

/** Writes one image's detections (atomically: a crash never leaves half a file). */
export function writeSubmissionFile(dir: string, imageId: string, detections: readonly ScoredBox[]): string {
  const path = submissionFilePath(dir, imageId);
  writeFileAtomic(path, formatSubmissionFile(basename(imageId), detections));
  return path;
}

export function writeSubmission(dir: string, entries: Iterable<{ id: string; detections: readonly ScoredBox[] }>): number {
  let written = 0;
  for (const entry of entries) {
    writeSubmissionFile(dir, entry.id, entry.detections);
    written += 1;
  }
  return written;
}

export interface ReadSubmissionResult {
  /** Detections per image id; an image whose file is missing maps to []. */
  detections: Map<string, ScoredBox[]>;
  /** Ids of the images that have no file (counted as having no detections). */
  missing: string[];
}

/** The submission folder must exist; a wrong path should not read as "no detections anywhere". */
export function assertSubmissionDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FacepatchError(`detections folder ${dir} does not exist (expected <dir>/<event>/<image>.txt files)`);
  }
}

/** Reads the files of the given images; malformed files throw InputFileError. */
export function readSubmission(dir: string, imageIds: Iterable<string>): ReadSubmissionResult {
  assertSubmissionDir(dir);
  const detections = new Map<string, ScoredBox[]>();
  const missing: string[] = [];
  for (const id of imageIds) {
    const path = submissionFilePath(dir, id);
    if (!existsSync(path)) {
      missing.push(id);
      detections.set(id, []);
      continue;
    }
    detections.set(id, readSubmissionFile(path).detections);
  }
  return { detections, missing };
}
