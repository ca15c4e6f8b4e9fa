// Detectors register here by name; createDetector builds one. Each detector module calls
// registerDetector at import time and is imported from ./builtin.ts.
import { Registry } from '../util/registry.js';
import type { DetectorCreateOptions, DetectorEntry, FaceDetector } from './types.js';

export const detectorRegistry = new Registry<DetectorEntry>('detector');

export function registerDetector(entry: DetectorEntry): void {
  detectorRegistry.register(entry.name, entry);
}

/**
 * A family of detectors named by a prefix plus an argument, e.g. "onnx:<model.onnx>": names with a
 * registered prefix go to its factory with the rest of the name, instead of the registry.
 */
export interface DetectorResolver {
  prefix: string;
  /** What the argument is, for help texts (e.g. "onnx:<file> with --detector-config <json>"). */
  usage: string;
  create(argument: string, options: DetectorCreateOptions): Promise<FaceDetector>;
}

const detectorResolvers = new Map<string, DetectorResolver>();

export function registerDetectorResolver(resolver: DetectorResolver): void {
  if (detectorResolvers.has(resolver.prefix)) throw new Error(`detector prefix "${resolver.prefix}" is registered twice`);
  detectorResolvers.set(resolver.prefix, resolver);
}

export async function listDetectorResolvers(): Promise<DetectorResolver[]> {
  await import('./builtin.js');
  return [...detectorResolvers.values()];
}

/** Build a registered detector by name (or a prefixed name, see DetectorResolver); an unknown name lists the valid ones. */
export async function createDetector(name: string, options: DetectorCreateOptions = {}): Promise<FaceDetector> {
  await import('./builtin.js');
  for (const resolver of detectorResolvers.values()) {
    if (name.startsWith(resolver.prefix)) return resolver.create(name.slice(resolver.prefix.length), options);
  }
  return detectorRegistry.get(name).create(options);
}

export async function listDetectors(): Promise<DetectorEntry[]> {
  await import('./builtin.js');
  return detectorRegistry.values();
}
