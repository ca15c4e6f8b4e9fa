// Detectors register here by name; createDetector builds one. Each detector module calls
// registerDetector at import time and is imported from ./builtin.ts.
import { Registry } from '../util/registry.js';
import type { DetectorCreateOptions, DetectorEntry, FaceDetector } from './types.js';

export const detectorRegistry = new Registry<DetectorEntry>('detector');

export function registerDetector(entry: DetectorEntry): void {
  detectorRegistry.register(entry.name, entry);
}

/** Build a registered detector by name; an unknown name lists the valid ones. */
export async function createDetector(name: string, options: DetectorCreateOptions = {}): Promise<FaceDetector> {
  await import('./builtin.js');
  return detectorRegistry.get(name).create(options);
}

export async function listDetectors(): Promise<DetectorEntry[]> {
  await import('./builtin.js');
  return detectorRegistry.values();
}
