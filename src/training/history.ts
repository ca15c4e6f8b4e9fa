// What a detector training run records: one row per optimiser step (history.csv) and one
// summary per epoch (in checkpoint.json and the command's JSON).
import { existsSync, readFileSync } from 'node:fs';
import { InputFileError } from '../util/errors.js';

export interface StepRecord {
  epoch: number;
  /** Optimiser steps done, this one included (1-based). */
  step: number;
  /** Images whose gradients this step averaged (--accumulate). */
  images: number;
  lr: number;
  /** Mean over the step's images of L and its parts. */
  loss: number;
  positiveClassification: number;
  negativeClassification: number;
  regression: number;
  /** Sampled positives and negatives (summed over the step's images). */
  positives: number;
  negatives: number;
  /** Positive anchors before sampling. */
  positiveAnchors: number;
  /** Faces in the augmented crops, and those with at least one positive anchor. */
  faces: number;
  facesCovered: number;
  /** Global L2 norm of the step's averaged gradient, before any clipping. */
  gradientNorm: number;
  seconds: number;
}

export interface EpochRecord {
  epoch: number;
  steps: number;
  images: number;
  /** Last learning rate of the epoch. */
  lr: number;
  loss: number;
  positiveClassification: number;
  negativeClassification: number;
  regression: number;
  /** Mean sampled positives per image. */
  positivesPerImage: number;
  faces: number;
  facesCovered: number;
  /** facesCovered / faces (0 without faces). */
  coverage: number;
  seconds: number;
}

const COLUMNS: [keyof StepRecord, string][] = [
  ['epoch', 'epoch'],
  ['step', 'step'],
  ['images', 'images'],
  ['lr', 'lr'],
  ['loss', 'loss'],
  ['positiveClassification', 'loss_pcls'],
  ['negativeClassification', 'loss_ncls'],
  ['regression', 'loss_reg'],
  ['positives', 'positives'],
  ['negatives', 'negatives'],
  ['positiveAnchors', 'positive_anchors'],
  ['faces', 'faces'],
  ['facesCovered', 'faces_covered'],
  ['gradientNorm', 'gradient_norm'],
  ['seconds', 'seconds'],
];

export function historyCsv(records: readonly StepRecord[]): string {
  return [COLUMNS.map(([, header]) => header).join(','), ...records.map((r) => COLUMNS.map(([key]) => String(r[key])).join(','))].join('\n') + '\n';
}

/** Reads history.csv back (numbers round-trip exactly through String()); [] when absent. */
export function readHistoryCsv(path: string): StepRecord[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  const expected = COLUMNS.map(([, h]) => h);
  if (header.join(',') !== expected.join(',')) throw new InputFileError(path, `unexpected columns ${header.join(',')}; expected ${expected.join(',')}`, 1);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    const record = {} as StepRecord;
    COLUMNS.forEach(([key], k) => {
      const value = Number(cells[k]);
      if (cells[k] === undefined || Number.isNaN(value)) throw new InputFileError(path, `column ${expected[k]} is not a number`, i + 2);
      record[key] = value;
    });
    return record;
  });
}

export function summariseEpoch(epoch: number, records: readonly StepRecord[], seconds: number): EpochRecord {
  const images = records.reduce((n, r) => n + r.images, 0);
  const weighted = (key: keyof StepRecord) => (images ? records.reduce((s, r) => s + (r[key] as number) * r.images, 0) / images : 0);
  const faces = records.reduce((n, r) => n + r.faces, 0);
  const facesCovered = records.reduce((n, r) => n + r.facesCovered, 0);
  return {
    epoch,
    steps: records.length,
    images,
    lr: records[records.length - 1]?.lr ?? 0,
    loss: weighted('loss'),
    positiveClassification: weighted('positiveClassification'),
    negativeClassification: weighted('negativeClassification'),
    regression: weighted('regression'),
    positivesPerImage: images ? records.reduce((n, r) => n + r.positives, 0) / images : 0,
    faces,
    facesCovered,
    coverage: faces ? facesCovered / faces : 0,
    seconds,
  };
}
