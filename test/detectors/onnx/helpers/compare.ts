// Runs a hand-built ONNX model through the importer (with NCHW feeds and, for 4-D inputs, also
// with channels-last feeds) and through onnxruntime, and compares every output.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph } from '../../../../src/detectors/onnx/index.js';
import { buildModel, seededValues, type ModelSpec } from './onnxBuilder.js';
import { maxAbsDiff, runOnnxRuntime, type HostArray } from './ortOracle.js';

/** Random float feeds for every model input (seeded by position). */
export function randomFeeds(spec: ModelSpec, seed = 11): Record<string, HostArray> {
  const feeds: Record<string, HostArray> = {};
  spec.inputs.forEach((input, i) => {
    const count = input.dims.reduce((a, b) => a * b, 1);
    feeds[input.name] = { data: seededValues(count, seed + 97 * i), dims: input.dims };
  });
  return feeds;
}

export async function expectMatchesOnnxRuntime(spec: ModelSpec, tolerance = 1e-5, feeds = randomFeeds(spec)): Promise<void> {
  const bytes = buildModel(spec);
  const expected = await runOnnxRuntime(bytes, feeds);
  const graph = OnnxGraph.fromBytes(bytes, 'test model');
  try {
    const layouts: ('NCHW' | 'NHWC')[] = Object.values(feeds).some((f) => f.dims.length === 4) ? ['NCHW', 'NHWC'] : ['NCHW'];
    for (const layout of layouts) {
      // Twice: the first run discovers and folds constants, the second runs the folded plan.
      for (const pass of ['first run', 'folded run']) {
        const actual = tf.tidy(() => {
          const inputs: Record<string, tf.Tensor> = {};
          for (const [name, f] of Object.entries(feeds)) {
            const t = tf.tensor(f.data, f.dims, f.data instanceof Int32Array ? 'int32' : 'float32');
            inputs[name] = layout === 'NHWC' && t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t;
          }
          return graph.run(inputs, { channelsLastFeeds: layout === 'NHWC' });
        });
        for (const [name, want] of Object.entries(expected)) {
          const got = actual[name];
          assert.ok(got, `output ${name} missing`);
          assert.deepEqual(got.shape, want.dims, `${name} shape (${layout}, ${pass})`);
          assert.ok(got.size > 0, `${name} is empty: the case would compare nothing`);
          const diff = maxAbsDiff(got.dataSync() as ArrayLike<number>, want.data);
          assert.ok(diff <= tolerance, `${name}: max |diff| ${diff} > ${tolerance} (${layout}, ${pass})`);
        }
        Object.values(actual).forEach((t) => t.dispose());
      }
    }
  } finally {
    graph.dispose();
  }
}
