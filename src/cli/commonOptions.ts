// Flags shared by the commands that run a detector or paste a patch, with one meaning everywhere.
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BACKEND_NAMES, initBackend, type BackendName } from '../engine/backend.js';
import { createDetector } from '../detectors/registry.js';
import type { FaceDetector } from '../detectors/types.js';
import { DEFAULT_ALPHA, parseLocation, PART_MASKS, type PartMask, type PatchLocation } from '../patch/placement.js';
import { DEFAULT_PATCH_SIZE, initPatch, loadPatch, type Patch } from '../patch/patchFile.js';
import { realFacePatch } from '../patch/realFace.js';
import { defaultWiderRoot } from '../config/paths.js';
import type { PatchSetting } from '../experiments/patchedDetection.js';
import { FacepatchError } from '../util/errors.js';
import { SeededRandom } from '../util/random.js';
import { note } from './output.js';
import { parseNonNegativeInt, parseNumber } from './options.js';

export const DEFAULT_DETECTOR = 'ssd-mobilenetv1';

export interface DetectorFlags {
  detector: string;
  detectorConfig?: string;
  weights?: string;
  backend: BackendName;
}

export function addDetectorOptions(command: Command, defaultDetector = DEFAULT_DETECTOR): Command {
  return command
    .option('--detector <name>', 'detector name (see `facepatch detectors`), or onnx:<file.onnx>', defaultDetector)
    .option('--detector-config <json>', 'detector settings: a JSON file or an inline JSON object (e.g. for onnx:<file>)')
    .option('--weights <file>', 'weights file for detectors that load a user file')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (auto picks torch, else wasm, else cpu)').choices([...BACKEND_NAMES]).default('auto'));
}

function parseDetectorConfig(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const text = existsSync(value) ? readFileSync(value, 'utf8') : value;
  try {
    const parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed;
  } catch (error) {
    throw new FacepatchError(`--detector-config ${existsSync(value) ? value : '(inline)'}: ${(error as Error).message}`);
  }
}

/** Activates the backend (printing which) and builds the detector. */
export async function openDetector(flags: DetectorFlags): Promise<{ detector: FaceDetector; backend: string }> {
  const backend = await initBackend(flags.backend, note);
  // onnx:<file> detectors read their config themselves, so errors name the config file and line.
  const config =
    flags.detector.startsWith('onnx:') && flags.detectorConfig !== undefined
      ? existsSync(flags.detectorConfig) ? { file: flags.detectorConfig } : { json: flags.detectorConfig }
      : parseDetectorConfig(flags.detectorConfig);
  const detector = await createDetector(flags.detector, { weights: flags.weights, config });
  return { detector, backend };
}

export interface PlacementFlags {
  alpha: number;
  location: string;
  scale: number;
  part: PartMask;
}

export function addPlacementOptions(command: Command): Command {
  return command
    .option('--alpha <a>', 'patch side as a fraction of sqrt(w*h) of each face', parseNumber, DEFAULT_ALPHA)
    .option('--location <where>', 'patch centre: top, center, bottom, or "fx,fy" fractions of the face box', 'top')
    .option('--scale <s>', 'extra scale of the patch side (paper Table 5: 0.9 ... 0.6)', parseNumber, 1)
    .addOption(new Option('--part <mask>', 'remove part of the patch (paper Table 4)').choices([...PART_MASKS]).default('none'));
}

export function placementFromFlags(flags: PlacementFlags): { alpha: number; location: PatchLocation; scale: number; mask: PartMask } {
  if (!(flags.alpha > 0 && flags.alpha <= 2)) throw new FacepatchError(`--alpha must be in (0, 2], got ${flags.alpha}`);
  if (!(flags.scale > 0)) throw new FacepatchError(`--scale must be positive, got ${flags.scale}`);
  return { alpha: flags.alpha, location: parseLocation(flags.location), scale: flags.scale, mask: flags.part };
}

export function addSeedOption(command: Command): Command {
  return command.option('--seed <n>', 'random seed', parseNonNegativeInt, 0);
}

/**
 * The patch a --patch flag names: 'none' (clean images), 'noise' (the paper's unoptimised noise
 * control, drawn from --seed), 'face' (the real-face control, from WIDER FACE train under
 * `root`), or a patch file (.png or patch.json; any image is resized to a square patch).
 */
export async function patchFromFlag(value: string, seed: number, root = defaultWiderRoot()): Promise<Patch | undefined> {
  if (value === 'none') return undefined;
  if (value === 'noise') return initPatch('noise', DEFAULT_PATCH_SIZE, new SeededRandom(seed));
  if (value === 'face') {
    const face = await realFacePatch(root, DEFAULT_PATCH_SIZE);
    note(`real-face control patch: ${face.source}`);
    return face;
  }
  if (!existsSync(value)) throw new FacepatchError(`--patch: "${value}" is neither none, noise, face nor an existing patch file`);
  return loadPatch(value);
}

export function patchSetting(patch: Patch | undefined, flags: PlacementFlags): PatchSetting | undefined {
  if (!patch) return undefined;
  const { mask, ...placement } = placementFromFlags(flags);
  return { patch, placement, mask };
}
