// A patch on disk: patch.png to look at, patch.json with the exact float values (base64 float32,
// HWC) and where it came from. Initialisations: noise, a constant colour, an image file, a saved patch.
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Provenance } from '../config/provenance.js';
import { loadImage } from '../data/images/loadImage.js';
import { resizeImage } from '../data/images/resizeImage.js';
import { saveImagePng } from '../data/images/saveImagePng.js';
import { writeJsonAtomic } from '../util/atomicWrite.js';
import { FacepatchError, InputFileError } from '../util/errors.js';
import type { SeededRandom } from '../util/random.js';

export const DEFAULT_PATCH_SIZE = 128;

/** A square RGB patch, HWC, values in [0, 1]. */
export interface Patch {
  size: number;
  values: Float32Array;
}

export interface PatchDocument {
  format: 'facepatch-patch/1';
  size: number;
  /** float32 little-endian, HWC, base64. */
  values: string;
  provenance?: Provenance;
  [key: string]: unknown;
}

export function encodeValues(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeValues(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/**
 * An initial patch: 'noise' (uniform), 'gray', 'constant:R,G,B' (0..1) or '#rrggbb', or a file:
 * an image (resized to size x size) or a saved patch.json.
 */
export async function initPatch(spec: string, size: number, rng: SeededRandom): Promise<Patch> {
  const n = size * size * 3;
  if (spec === 'noise') return { size, values: Float32Array.from({ length: n }, () => rng.next()) };
  if (spec === 'gray') return { size, values: new Float32Array(n).fill(0.5) };
  const colour = parseColour(spec);
  if (colour) {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i += 3) values.set(colour, i);
    return { size, values };
  }
  if (!existsSync(spec)) {
    throw new FacepatchError(`patch initialisation "${spec}" is neither noise, gray, constant:R,G,B, #rrggbb nor an existing file`);
  }
  return loadPatch(spec, size);
}

function parseColour(spec: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(spec);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i] as string, 16) / 255) as [number, number, number];
  if (spec.startsWith('constant:')) {
    const parts = spec.slice('constant:'.length).split(',').map(Number);
    if (parts.length !== 3 || parts.some((v) => !(v >= 0 && v <= 1))) {
      throw new FacepatchError(`"${spec}": expected constant:R,G,B with each value in [0, 1]`);
    }
    return parts as [number, number, number];
  }
  return undefined;
}

/** The patch.json a patch file stands for: itself, or the one saved beside a patch.png. */
function patchDocumentPath(path: string): string | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return path;
  return extension === '.png' ? path.replace(/\.png$/i, '.json') : undefined;
}

/** Reads and checks a patch.json; errors name the file. */
function readPatchDocument(path: string): PatchDocument {
  let document: PatchDocument;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputFileError(path, `not valid JSON: ${(error as Error).message}`);
  }
  if (document.format !== 'facepatch-patch/1' || typeof document.values !== 'string' || !Number.isInteger(document.size)) {
    throw new InputFileError(path, 'not a facepatch patch.json (format facepatch-patch/1 with size and values)');
  }
  return document;
}

/**
 * Where a saved patch came from: its patch.json (or the patch.json beside a patch.png) without the
 * values, i.e. provenance, config, history and, for a patch that itself started from a saved patch,
 * that patch's lineage in turn. A run started from it records this, so a patch trained in phases
 * names every phase's command and commit. Undefined for anything else (noise, colours, plain images).
 */
export function savedPatchLineage(spec: string): Record<string, unknown> | undefined {
  const path = patchDocumentPath(spec);
  if (path === undefined || !existsSync(path)) return undefined;
  let document: PatchDocument;
  try {
    document = readPatchDocument(path);
  } catch {
    return undefined; // not a patch document: loadPatch used the image, or reports the file
  }
  const { format: _format, size: _size, values: _values, ...metadata } = document;
  return { file: spec, ...metadata };
}

/** Loads a patch from patch.json (exact values) or an image (square expected; resized to `size` when given). */
export async function loadPatch(path: string, size?: number): Promise<Patch> {
  if (!existsSync(path)) throw new InputFileError(path, 'patch file not found');
  if (extname(path).toLowerCase() === '.json') {
    const document = readPatchDocument(path);
    const values = decodeValues(document.values);
    if (values.length !== document.size * document.size * 3) {
      throw new InputFileError(path, `holds ${values.length} values, expected ${document.size}x${document.size}x3`);
    }
    const patch = { size: document.size, values };
    return size === undefined || size === patch.size ? patch : resizePatch(patch, size);
  }
  // An image: prefer the exact values of a patch.json saved beside a patch.png.
  const sibling = patchDocumentPath(path);
  if (sibling !== undefined && existsSync(sibling)) {
    try {
      return await loadPatch(sibling, size);
    } catch {
      /* not a patch document: use the image */
    }
  }
  const image = await loadImage(path);
  const target = size ?? Math.max(image.width, image.height);
  const resized = image.width === target && image.height === target ? image : await resizeImage(image, target, target);
  return { size: target, values: resized.data };
}

async function resizePatch(patch: Patch, size: number): Promise<Patch> {
  const resized = await resizeImage({ width: patch.size, height: patch.size, data: patch.values }, size, size);
  return { size, values: resized.data };
}

/** Writes `<base>.png` and `<base>.json` (exact values + metadata) atomically. */
export async function savePatch(base: string, patch: Patch, metadata: Record<string, unknown> = {}): Promise<void> {
  const document: PatchDocument = { format: 'facepatch-patch/1', size: patch.size, values: encodeValues(patch.values), ...metadata };
  writeJsonAtomic(`${base}.json`, document);
  await saveImagePng(`${base}.png`, { width: patch.size, height: patch.size, data: patch.values });
}
