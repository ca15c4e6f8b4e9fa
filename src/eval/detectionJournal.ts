// A detection source that records each image's detections as one JSON line as soon as they are
// computed, so a killed evaluation resumes where it stopped instead of starting over (SLN
// evaluations take minutes per setting, `compare` runs several). The first line holds a key
// describing what produced the detections (detector, backend, patch digest, placement, scale);
// a journal is only reused when its key is identical, so stale detections never mix in.
// JSON numbers round-trip doubles exactly: a resumed evaluation reports the same figures.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { DatasetImage } from '../data/types.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { FacepatchError, InputFileError } from '../util/errors.js';
import type { DetectionSource, ImageDetections } from './detectionSource.js';
import { describeDifferences, differingSettings } from '../util/canonicalJson.js';

const FORMAT = 'facepatch-detections-journal/1';

interface JournalLine {
  id: string;
  /** [x, y, w, h, score] per detection. */
  d: number[][];
  /** [x, y, w, h] per pasted patch; absent for clean images. */
  p?: number[][];
}

export interface JournalOptions {
  path: string;
  /** What produced the detections; a journal with another key is never reused. */
  key: Record<string, unknown>;
  /** Reuse the images already in the journal (otherwise it is started afresh). */
  resume: boolean;
}

export interface JournaledSource extends DetectionSource {
  /** Images answered from the journal rather than computed. */
  readonly reused: number;
}

/** sha256 of a patch's values, for journal keys (two patches with the same PNG name may differ). */
export function valuesDigest(values: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex').slice(0, 16);
}

function readJournal(path: string, key: unknown): Map<string, ImageDetections> {
  const lines = readFileSync(path, 'utf8').split('\n');
  let header: { format?: string; key?: unknown };
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw new InputFileError(path, 'line 1: not a detections journal header');
  }
  if (header.format !== FORMAT) throw new InputFileError(path, `line 1: not a ${FORMAT} file`);
  const differing = differingSettings(header.key, key);
  if (differing.length > 0) {
    throw new FacepatchError(`${path} holds detections of another setting: ${describeDifferences(differing)}. Delete it or leave out --resume`);
  }
  const entries = new Map<string, ImageDetections>();
  // Every complete line ends with a newline, so only the last piece can be cut short by a crash.
  const body = lines.slice(1);
  body.forEach((text, index) => {
    if (!text.trim()) return;
    let line: JournalLine;
    try {
      line = JSON.parse(text);
    } catch {
      if (index === body.length - 1) return;
      throw new InputFileError(path, `line ${index + 2}: not valid JSON`);
    }
    entries.set(line.id, {
      detections: line.d.map(([x, y, w, h, score]) => ({ x: x!, y: y!, w: w!, h: h!, score: score! })),
      ...(line.p ? { patches: line.p.map(([x, y, w, h]) => ({ x: x!, y: y!, w: w!, h: h! })) } : {}),
    });
  });
  return entries;
}

function journalLine(id: string, result: ImageDetections): string {
  const line: JournalLine = { id, d: result.detections.map((b) => [b.x, b.y, b.w, b.h, b.score]) };
  if (result.patches) line.p = result.patches.map((b) => [b.x, b.y, b.w, b.h]);
  return JSON.stringify(line);
}

export function journaledDetectionSource(inner: DetectionSource, options: JournalOptions): JournaledSource {
  const known = options.resume && existsSync(options.path) ? readJournal(options.path, options.key) : new Map<string, ImageDetections>();
  // Rewrite what was kept (dropping a cut-off last line), then append image by image.
  writeFileAtomic(
    options.path,
    [JSON.stringify({ format: FORMAT, key: options.key }), ...[...known].map(([id, result]) => journalLine(id, result))].join('\n') + '\n',
  );
  let reused = 0;
  return {
    description: inner.description,
    get reused() {
      return reused;
    },
    async detectionsFor(image: DatasetImage) {
      const saved = known.get(image.id);
      if (saved) {
        reused++;
        return saved;
      }
      const result = await inner.detectionsFor(image);
      appendFileSync(options.path, journalLine(image.id, result) + '\n');
      return result;
    },
    prefetch(image: DatasetImage) {
      if (!known.has(image.id)) inner.prefetch?.(image);
    },
    report() {
      return { ...inner.report(), journal: options.path, reusedFromJournal: reused };
    },
  };
}
