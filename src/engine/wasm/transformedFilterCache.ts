// Caches the flipped (and transposed) filters of the input-gradient kernels. Detector weights are
// constant, so each filter is transformed once instead of on every backward pass; the wasm
// convolution kernel then also keeps its packed XNNPACK operator for the cached filter (it caches
// operators per filter tensor), instead of repacking the weights on every call.
//
// Entries live on the wasm heap, outside tfjs's tensor accounting (tf.memory() does not count
// them). An entry is freed as soon as its source filter is gone from the backend: tensors are
// immutable, so a live data id always holds the same values.
import type * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from './kernelCalls.js';

type DataId = object;

let cacheBackend: WasmBackend | undefined;
/** Source filter data id -> (transformation key -> transformed filter). */
const entries = new Map<DataId, Map<string, tf.TensorInfo>>();

function freeEntriesOf(backend: WasmBackend, source: DataId): void {
  for (const transformed of entries.get(source)?.values() ?? []) backend.disposeData(transformed.dataId);
  entries.delete(source);
}

/** Frees the entries whose source filter has been disposed. */
function sweep(backend: WasmBackend): void {
  for (const source of [...entries.keys()]) {
    if (!backend.dataIdMap.has(source)) freeEntriesOf(backend, source);
  }
}

/**
 * The transformed version of `filter` named `transformation` (which must fully determine the
 * result together with the filter's shape), computed by `transform` on a miss. The cache owns the
 * result: callers must not dispose it.
 */
export function cachedFilterTransform(
  backend: WasmBackend,
  filter: tf.TensorInfo,
  transformation: string,
  transform: () => tf.TensorInfo,
): tf.TensorInfo {
  if (cacheBackend !== backend) {
    // A new backend instance (the old one and its heap are gone): start over.
    entries.clear();
    cacheBackend = backend;
  }
  sweep(backend);
  const key = `${transformation}:${filter.shape.join('x')}`;
  let perFilter = entries.get(filter.dataId);
  const hit = perFilter?.get(key);
  if (hit) return hit;
  const transformed = transform();
  if (!perFilter) {
    perFilter = new Map();
    entries.set(filter.dataId, perFilter);
  }
  perFilter.set(key, transformed);
  return transformed;
}

/** Frees every cached filter (the wasm heap memory they hold). */
export function clearTransformedFilterCache(): void {
  if (cacheBackend) for (const source of [...entries.keys()]) freeEntriesOf(cacheBackend, source);
  entries.clear();
}

/** How many transformed filters the cache holds (for tests). */
export function transformedFilterCacheSize(): number {
  let count = 0;
  for (const perFilter of entries.values()) count += perFilter.size;
  return count;
}
