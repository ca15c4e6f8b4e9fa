// UnsortedSegmentSum for the wasm backend (which has none); it is the gradient of tf.gather.
// One pass over the data on the wasm heap, O(size) — unlike the cpu kernel, which runs one
// kernel call per segment.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackend } from '../kernelCalls.js';

function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as WasmBackend;
  const { x, segmentIds } = inputs as Record<'x' | 'segmentIds', tf.TensorInfo>;
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`wasm UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const idRank = segmentIds.shape.length;
  const rowCount = tf.util.sizeFromShape(segmentIds.shape);
  const rowShape = x.shape.slice(idRank);
  const rowSize = tf.util.sizeFromShape(rowShape);
  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views taken after the allocation: allocating may grow (and so replace) the wasm memory.
  const values = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const result = wasm.typedArrayFromHeap(out);
  result.fill(0);
  for (let row = 0; row < rowCount; row++) {
    const segment = ids[row];
    // TensorFlow drops rows whose segment id is negative or out of range.
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let i = 0; i < rowSize; i++) result[to + i] += values[from + i];
  }
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
