// A tiny WIDER FACE root in the official layout, written into a temporary folder: a val txt,
// the three evaluation .mat files (written by the test encoder) and placeholder image files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMatFile, type TestMatValue } from '../mat/tinyMatEncoder.js';

export interface SyntheticImage {
  event: string;
  name: string;
  /** [x, y, w, h] per face. */
  boxes: number[][];
  onDisk: boolean;
  /** 1-based face indices kept by each subset, as gt_list stores them. */
  keep: { easy: number[]; medium: number[]; hard: number[] };
}

/** Listed in this (unsorted) order in the txt. */
export const SYNTHETIC_IMAGES: SyntheticImage[] = [
  { event: '0--Parade', name: '0_Parade_b', boxes: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], onDisk: true, keep: { easy: [], medium: [3], hard: [1, 2, 3] } },
  { event: '0--Parade', name: '0_Parade_a', boxes: [[10, 10, 20, 20], [30, 30, 40, 40]], onDisk: true, keep: { easy: [2], medium: [1, 2], hard: [1, 2] } },
  { event: '1--Handshaking', name: '1_Handshaking_c', boxes: [[0, 0, 5, 5]], onDisk: true, keep: { easy: [], medium: [], hard: [1] } },
  { event: '0--Parade', name: '0_Parade_missing', boxes: [[1, 1, 1, 1]], onDisk: false, keep: { easy: [1], medium: [1], hard: [1] } },
];

export interface SyntheticOptions {
  /** Replaces an image's .mat boxes (to make the ground truth disagree with the txt). */
  matBoxes?: Record<string, number[][]>;
  /** Leaves these subset files out. */
  withoutMat?: ('easy' | 'medium' | 'hard')[];
  /** Extra images in the train split (no .mat for train). */
  train?: boolean;
}

function txtFor(images: SyntheticImage[]): string {
  return images
    .map((image) => [`${image.event}/${image.name}.jpg`, String(image.boxes.length), ...image.boxes.map((b) => `${b.join(' ')} 0 0 0 0 0 0 `)].join('\n'))
    .join('\n')
    .concat('\n');
}

function boxesValue(boxes: number[][]): TestMatValue {
  // N x 4 int32, column-major, as in the official files.
  const values = [0, 1, 2, 3].flatMap((c) => boxes.map((b) => b[c] as number));
  return { kind: 'int32', dims: [boxes.length, 4], values };
}

function matFor(images: SyntheticImage[], subset: 'easy' | 'medium' | 'hard', matBoxes: Record<string, number[][]>): Buffer {
  const events = [...new Set(images.map((i) => i.event))];
  const perEvent = events.map((event) => images.filter((i) => i.event === event));
  const column = (cells: TestMatValue[]): TestMatValue => ({ kind: 'cell', dims: [cells.length, 1], cells });
  return encodeMatFile(
    [
      { name: 'event_list', value: column(events.map((e) => ({ kind: 'char', text: e }))) },
      { name: 'file_list', value: column(perEvent.map((list) => column(list.map((i) => ({ kind: 'char', text: i.name }))))) },
      {
        name: 'face_bbx_list',
        value: column(perEvent.map((list) => column(list.map((i) => boxesValue(matBoxes[`${i.event}/${i.name}`] ?? i.boxes))))),
      },
      {
        name: 'gt_list',
        value: column(perEvent.map((list) => column(list.map((i) => ({ kind: 'double', dims: [i.keep[subset].length, 1], values: i.keep[subset] }))))),
      },
    ].map((v) => ({ ...v, compress: true }) as { name: string; value: TestMatValue; compress: boolean }),
  );
}

/** Writes the root and returns its path. */
export function writeSyntheticWider(options: SyntheticOptions = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'facepatch-wider-'));
  mkdirSync(join(root, 'wider_face_split'), { recursive: true });
  writeFileSync(join(root, 'wider_face_split', 'wider_face_val_bbx_gt.txt'), txtFor(SYNTHETIC_IMAGES));
  for (const image of SYNTHETIC_IMAGES.filter((i) => i.onDisk)) {
    const dir = join(root, 'WIDER_val', 'images', image.event);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${image.name}.jpg`), 'placeholder: the loader only checks presence');
  }
  const groundTruth = join(root, 'eval_tools', 'ground_truth');
  mkdirSync(groundTruth, { recursive: true });
  for (const subset of ['easy', 'medium', 'hard'] as const) {
    if (options.withoutMat?.includes(subset)) continue;
    writeFileSync(join(groundTruth, `wider_${subset}_val.mat`), matFor(SYNTHETIC_IMAGES, subset, options.matBoxes ?? {}));
  }
  if (options.train) {
    writeFileSync(join(root, 'wider_face_split', 'wider_face_train_bbx_gt.txt'), txtFor(SYNTHETIC_IMAGES));
    for (const image of SYNTHETIC_IMAGES.slice(0, 2)) {
      const dir = join(root, 'WIDER_train', 'images', image.event);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${image.name}.jpg`), 'placeholder');
    }
  }
  return root;
}
