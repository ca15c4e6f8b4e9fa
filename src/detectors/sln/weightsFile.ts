// facepatch's own SLN weights format: a JSON manifest `<name>.json` and a little-endian binary
// `<name>.bin` beside it. The manifest lists every tensor (name, shape, byte offset and length,
// kind: 'param' for trainable parameters, 'buffer' for batch-norm running statistics), the dtype
// of the binary ('float32', or 'float16' converted by hand with round-to-nearest-even), the
// sha256 of the binary, and free metadata (provenance, training config). Shapes are the
// ParamStore's: conv filters are HWIO, as tfjs holds them (not PyTorch's OIHW).
// Both files are written atomically, the binary first, so a manifest never names a half-written
// binary; the loader checks the checksum and every name and shape before touching the store.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomicWrite.js';
import { InputFileError } from '../../util/errors.js';
import type { ParamStore } from './params.js';

export const SLN_WEIGHTS_FORMAT = 'facepatch-sln-weights/1';

export type WeightsDtype = 'float32' | 'float16';
export type TensorKind = 'param' | 'buffer';

export interface WeightsTensorEntry {
  name: string;
  shape: number[];
  /** Byte offset into the binary. */
  offset: number;
  /** Byte length in the binary (elements x 4 for float32, x 2 for float16). */
  length: number;
  kind: TensorKind;
}

export interface WeightsManifest {
  format: typeof SLN_WEIGHTS_FORMAT;
  backbone: string | null;
  dtype: WeightsDtype;
  /** The binary's file name, beside the manifest. */
  binary: string;
  byteLength: number;
  sha256: string;
  tensors: WeightsTensorEntry[];
  metadata: Record<string, unknown>;
}

export interface SaveWeightsOptions {
  dtype: WeightsDtype;
  metadata?: Record<string, unknown>;
  /** Recorded in the manifest; defaults to metadata.backbone when that is a string. */
  backbone?: string;
}

/** A named tensor's values, for writing tensors that live outside a ParamStore (e.g. optimiser state). */
export interface NamedValues {
  name: string;
  shape: number[];
  data: Float32Array;
  kind: TensorKind;
}

/** `<path minus .json>.bin`. */
export function weightsBinaryPath(manifestPath: string): string {
  return manifestPath.endsWith('.json') ? `${manifestPath.slice(0, -'.json'.length)}.bin` : `${manifestPath}.bin`;
}

// ---- float16, by hand ----------------------------------------------------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary32 -> binary16 bits, rounding to nearest, ties to even (NaN stays NaN, overflow -> Infinity). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >>> 13) : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A half subnormal (unit 2^-24) or zero.
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let bits = mantissa >>> shift;
    if (rest > half || (rest === half && (bits & 1) === 1)) bits++;
    return sign | bits;
  }
  let bits = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (bits & 1) === 1)) bits++;
  return sign | bits;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

// ---- generic tensor files --------------------------------------------------------------------

/** Writes named tensors as a manifest + binary (atomically, binary first). */
export function writeTensorFile(path: string, tensors: readonly NamedValues[], options: SaveWeightsOptions): WeightsManifest {
  const bytesPerValue = options.dtype === 'float16' ? 2 : 4;
  const total = tensors.reduce((n, t) => n + t.data.length * bytesPerValue, 0);
  const binary = new Uint8Array(total);
  const view = new DataView(binary.buffer);
  const entries: WeightsTensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`tensor ${t.name}: shape [${t.shape}] holds ${size} values, got ${t.data.length}`);
    if (options.dtype === 'float16') {
      for (let i = 0; i < t.data.length; i++) view.setUint16(offset + 2 * i, float32ToFloat16Bits(t.data[i] as number), true);
    } else {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(offset + 4 * i, t.data[i] as number, true);
    }
    entries.push({ name: t.name, shape: [...t.shape], offset, length: t.data.length * bytesPerValue, kind: t.kind });
    offset += t.data.length * bytesPerValue;
  }
  const metadata = options.metadata ?? {};
  const backbone = options.backbone ?? (typeof metadata.backbone === 'string' ? metadata.backbone : null);
  const binaryPath = weightsBinaryPath(path);
  const manifest: WeightsManifest = {
    format: SLN_WEIGHTS_FORMAT,
    backbone,
    dtype: options.dtype,
    binary: basename(binaryPath),
    byteLength: total,
    sha256: createHash('sha256').update(binary).digest('hex'),
    tensors: entries,
    metadata,
  };
  writeFileAtomic(binaryPath, binary);
  writeJsonAtomic(path, manifest);
  return manifest;
}

export interface TensorFile {
  manifest: WeightsManifest;
  /** Values by name, converted to float32. */
  tensors: Map<string, { shape: number[]; data: Float32Array; kind: TensorKind }>;
}

/** Reads and verifies (format, checksum, bounds) a manifest + binary written by writeTensorFile. */
export function readTensorFile(path: string): TensorFile {
  if (!existsSync(path)) throw new InputFileError(path, 'weights manifest not found');
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputFileError(path, `not a JSON weights manifest: ${(error as Error).message}`);
  }
  if (manifest?.format !== SLN_WEIGHTS_FORMAT) {
    throw new InputFileError(path, `not a facepatch SLN weights manifest (format ${JSON.stringify(manifest?.format)}, expected ${SLN_WEIGHTS_FORMAT})`);
  }
  if (manifest.dtype !== 'float32' && manifest.dtype !== 'float16') throw new InputFileError(path, `unsupported dtype ${JSON.stringify(manifest.dtype)}`);
  if (!Array.isArray(manifest.tensors)) throw new InputFileError(path, 'the manifest lists no tensors');
  const binaryPath = join(dirname(path), typeof manifest.binary === 'string' ? manifest.binary : basename(weightsBinaryPath(path)));
  if (!existsSync(binaryPath)) throw new InputFileError(binaryPath, `weights binary missing (named by ${path})`);
  const binary = readFileSync(binaryPath);
  if (binary.length !== manifest.byteLength) {
    throw new InputFileError(binaryPath, `weights binary has ${binary.length} bytes, the manifest ${path} says ${manifest.byteLength} (truncated or replaced?)`);
  }
  const digest = createHash('sha256').update(binary).digest('hex');
  if (digest !== manifest.sha256) throw new InputFileError(binaryPath, `sha256 ${digest} differs from the manifest's ${manifest.sha256}: the weights are corrupt`);
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  const bytesPerValue = manifest.dtype === 'float16' ? 2 : 4;
  const tensors: TensorFile['tensors'] = new Map();
  for (const entry of manifest.tensors) {
    const size = Array.isArray(entry.shape) ? entry.shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (!(size >= 0) || entry.length !== size * bytesPerValue || entry.offset < 0 || entry.offset + entry.length > binary.length) {
      throw new InputFileError(path, `tensor ${entry.name}: shape [${entry.shape}], offset ${entry.offset} and length ${entry.length} do not fit the ${manifest.dtype} binary`);
    }
    if (tensors.has(entry.name)) throw new InputFileError(path, `tensor ${entry.name} is listed twice`);
    const data = new Float32Array(size);
    if (bytesPerValue === 2) {
      for (let i = 0; i < size; i++) data[i] = float16BitsToFloat32(view.getUint16(entry.offset + 2 * i, true));
    } else {
      for (let i = 0; i < size; i++) data[i] = view.getFloat32(entry.offset + 4 * i, true);
    }
    tensors.set(entry.name, { shape: entry.shape, data, kind: entry.kind });
  }
  return { manifest, tensors };
}

// ---- SLN weights -----------------------------------------------------------------------------

/** The store's parameters and buffers as float32 arrays (in insertion order). */
export function storeValues(store: ParamStore): NamedValues[] {
  const out: NamedValues[] = [];
  for (const [kind, map] of [['param', store.params], ['buffer', store.buffers]] as const) {
    for (const [name, variable] of map) out.push({ name, shape: [...variable.shape], data: Float32Array.from(variable.dataSync() as Float32Array), kind });
  }
  return out;
}

/** Saves every parameter and batch-norm buffer of the store. */
export function saveSlnWeights(store: ParamStore, path: string, options: SaveWeightsOptions): WeightsManifest {
  return writeTensorFile(path, storeValues(store), options);
}

/**
 * Loads weights into the store. Every tensor of the store must be in the file with the same
 * shape, and the file must hold no tensor the store lacks (another backbone); otherwise an
 * InputFileError names the file and the tensor, and the store is left unchanged.
 */
export function loadSlnWeights(store: ParamStore, path: string): { metadata: Record<string, unknown>; backbone: string | null; dtype: WeightsDtype } {
  const { manifest, tensors } = readTensorFile(path);
  const targets = [...store.params, ...store.buffers];
  for (const [name, variable] of targets) {
    const tensor = tensors.get(name);
    if (!tensor) throw new InputFileError(path, `missing tensor ${name}${manifest.backbone ? ` (the file holds a ${manifest.backbone} network)` : ''}`);
    if (tensor.shape.length !== variable.shape.length || tensor.shape.some((d, i) => d !== variable.shape[i])) {
      throw new InputFileError(path, `tensor ${name} has shape [${tensor.shape}], the network expects [${variable.shape}]`);
    }
  }
  const known = new Set(targets.map(([name]) => name));
  const unknown = [...tensors.keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new InputFileError(path, `tensor ${unknown[0]} is not in the network${unknown.length > 1 ? ` (nor ${unknown.length - 1} more)` : ''}${manifest.backbone ? `; the file holds a ${manifest.backbone} network` : ''}`);
  }
  for (const [name, variable] of targets) {
    const tensor = tensors.get(name)!;
    tf.tidy(() => variable.assign(tf.tensor(tensor.data, tensor.shape, 'float32')));
  }
  return { metadata: manifest.metadata ?? {}, backbone: manifest.backbone ?? null, dtype: manifest.dtype };
}
