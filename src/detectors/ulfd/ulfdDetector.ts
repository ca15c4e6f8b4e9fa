// ULFD detectors: the generic ONNX detector with ULFD's reference settings (see variants.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../../config/paths.js';
import { InputFileError } from '../../util/errors.js';
import type { DetectorCreateOptions } from '../types.js';
import { OnnxFaceDetector } from '../onnx/onnxDetector.js';
import { OnnxGraph } from '../onnx/graph.js';
import { ULFD_VARIANTS, ulfdDetectorConfig, type UlfdVariant } from './variants.js';

export function ulfdVariant(name: string): UlfdVariant {
  const variant = ULFD_VARIANTS.find((v) => v.name === name);
  if (!variant) throw new Error(`unknown ULFD variant ${name} (${ULFD_VARIANTS.map((v) => v.name).join(', ')})`);
  return variant;
}

/**
 * The ONNX file of a variant: options.weights (an export with the same outputs as the shipped
 * file), else <shared>/models/ulfd/<file>.
 */
export function ulfdModelPath(variant: UlfdVariant, options: DetectorCreateOptions = {}): string {
  return options.weights ?? join(options.sharedDir ?? sharedDir(), ...variant.file);
}

export async function createUlfdDetector(name: string, options: DetectorCreateOptions = {}): Promise<OnnxFaceDetector> {
  const variant = ulfdVariant(name);
  const file = ulfdModelPath(variant, options);
  if (!existsSync(file)) {
    throw new InputFileError(file, `the ${variant.name} weights are missing (shared data; set FACEPATCH_SHARED or pass weights)`);
  }
  const graph = OnnxGraph.fromFile(file);
  try {
    return new OnnxFaceDetector(graph, ulfdDetectorConfig(variant), file);
  } catch (error) {
    graph.dispose();
    throw error;
  }
}
