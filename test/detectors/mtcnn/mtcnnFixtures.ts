// Shared helpers of the MTCNN tests: the weights, face-api's demo photos (downscaled), and the
// PyTorch/PIL reference script.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { nodeModulePath } from '../../../src/config/paths.js';
import { MTCNN_WEIGHTS_PATH } from '../../../src/detectors/mtcnn/index.js';
import type { Box } from '../../../src/util/geometry.js';
import { runPythonJson } from '../pytorch/torchPython.js';
import { sharedPath } from '../../../src/config/paths.js';

export const WEIGHTS = [...MTCNN_WEIGHTS_PATH];

/**
 * The faces face-api's SSD MobileNetV1 finds (score >= 0.5) in sample4.jpg resized to 480 px wide,
 * recorded from that independent detector (detector.slow.test.ts runs it live on all six photos).
 */
export const SSD_FACES_SAMPLE4: Box[] = [
  { x: 163.99, y: 10.95, w: 46.55, h: 64.77 },
  { x: 63.83, y: 45.82, w: 40.35, h: 62.09 },
  { x: 247.08, y: 45.43, w: 42.29, h: 55.68 },
  { x: 319.12, y: 32.62, w: 37.32, h: 64.83 },
];

/** A box squared around its centre, as integer corners [x1, y1, x2, y2]. */
export function squareCorners(b: Box): [number, number, number, number] {
  const side = Math.max(b.w, b.h);
  const x = Math.round(b.x + b.w / 2 - side / 2);
  const y = Math.round(b.y + b.h / 2 - side / 2);
  return [x, y, x + Math.round(side), y + Math.round(side)];
}
export const REFERENCE_SCRIPT = fileURLToPath(new URL('./fixtures/reference_mtcnn.py', import.meta.url));

export interface Photo {
  data: Float32Array;
  height: number;
  width: number;
}

/** face-api's demo photo sampleN.jpg (1920 px wide), resized to `width` pixels wide, RGB [0, 1]. */
export async function demoPhoto(index: number, width = 480): Promise<Photo> {
  const file = nodeModulePath('@vladmandic/face-api', 'demo', `sample${index}.jpg`);
  const { data, info } = await sharp(file).resize(width).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: Float32Array.from(data, (v) => v / 255), height: info.height, width: info.width };
}

let scratch: string | undefined;
/** Writes float32 values to a scratch file for the reference script. */
export function writeFloats(name: string, values: Float32Array): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'facepatch-mtcnn-'));
  const file = join(scratch, name);
  writeFileSync(file, Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  return file;
}

export function runReference<T>(command: string, args: string[]): T {
  return runPythonJson<T>(REFERENCE_SCRIPT, [sharedPath(...WEIGHTS), command, ...args]);
}

export interface ReferenceCascade {
  windows: { box: [number, number, number, number]; score: number; onet: number }[];
  detections: { box: [number, number, number, number]; score: number }[];
  scales: number;
}

export function referenceCascade(photo: Photo, name: string): ReferenceCascade {
  const file = writeFloats(name, photo.data);
  return runReference<ReferenceCascade>('cascade', [file, String(photo.height), String(photo.width)]);
}
