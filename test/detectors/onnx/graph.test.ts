// The importer's graph machinery: error messages, constant folding, intermediate outputs, tensor
// hygiene, and input gradients checked against central finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph, parseOnnxModel } from '../../../src/detectors/onnx/index.js';
import { FacepatchError, InputFileError } from '../../../src/util/errors.js';
import { buildModel, float, int, ints, seededValues, str, type InitializerSpec, type ModelSpec } from './helpers/onnxBuilder.js';

await tf.setBackend('cpu');

const weights = (name: string, dims: number[], seed: number): InitializerSpec => ({
  name,
  dims,
  values: seededValues(dims.reduce((a, b) => a * b, 1), seed),
});

test('unsupported operators are listed with their node names, only when an output needs them', () => {
  const bytes = buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [1, 4] }],
    outputs: [{ name: 'y' }, { name: 'k' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['y'] },
      { op: 'TopK', inputs: ['x', 'kk'], outputs: ['k', 'ki'], name: 'my_topk' },
      { op: 'Hardmax', inputs: ['k'], outputs: ['h1'], name: 'hm1' },
      { op: 'FancyOp', inputs: ['h1'], outputs: ['h2'], name: 'custom1', domain: 'com.example' },
    ],
    initializers: [{ name: 'kk', dims: [1], values: [2], dataType: 7 }],
  });
  const graph = OnnxGraph.fromBytes(bytes, 'model.onnx');
  try {
    assert.throws(
      () => graph.assertSupported(['h2']),
      (e: unknown) =>
        e instanceof FacepatchError &&
        /^model\.onnx: unsupported ONNX operators: /.test(e.message) &&
        e.message.includes('TopK (node "my_topk")') &&
        e.message.includes('Hardmax (node "hm1")') &&
        e.message.includes('com.example.FancyOp (node "custom1")'),
    );
    assert.throws(() => tf.tidy(() => graph.run({ x: tf.zeros([1, 4]) })), /TopK \(node "my_topk"\)/);
    // Outputs that need only supported nodes still run.
    const out = graph.run({ x: tf.tensor2d([[-1, 2, -3, 4]]) }, { outputs: ['y'] });
    assert.deepEqual(Array.from(out.y.dataSync()), [0, 2, 0, 4]);
    out.y.dispose();
  } finally {
    graph.dispose();
  }
});

test('a file that is not ONNX, a missing input and an unknown output give clear errors', () => {
  assert.throws(() => parseOnnxModel(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), 'broken.onnx'), (e: unknown) => e instanceof InputFileError && /^broken\.onnx: /.test((e as Error).message));
  const graph = OnnxGraph.fromBytes(
    buildModel({ opset: 13, inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['y'] }] }),
    'neg.onnx',
  );
  assert.throws(() => graph.run({}), /neg\.onnx: missing input "x"/);
  assert.throws(() => graph.run({ x: tf.zeros([2]) }, { outputs: ['nope'] }), /no value named "nope"/);
  graph.dispose();
});

/** A small NCHW network with every spatial operator ULFD-style exports use, ending in a shape subgraph. */
function smallNetwork(): ModelSpec {
  return {
    opset: 11,
    inputs: [{ name: 'x', dims: [1, 2, 6, 7] }],
    outputs: [{ name: 'scores' }],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1', 'b1'], outputs: ['c1'], attributes: { pads: ints([2, 2, 2, 2]), dilations: ints([2, 2]) } },
      { op: 'BatchNormalization', inputs: ['c1', 'g', 'beta', 'mean', 'var'], outputs: ['n1'], attributes: { epsilon: float(1e-5) } },
      { op: 'Tanh', inputs: ['n1'], outputs: ['a1'] },
      { op: 'Conv', inputs: ['a1', 'dw'], outputs: ['c2'], attributes: { group: int(4), pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) } },
      { op: 'Sigmoid', inputs: ['c2'], outputs: ['a2'] },
      { op: 'Resize', inputs: ['a2', '', 'scales'], outputs: ['r'], attributes: { mode: str('linear') } },
      { op: 'AveragePool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: ints([2, 2]), strides: ints([2, 2]) } },
      { op: 'Transpose', inputs: ['p'], outputs: ['t'], attributes: { perm: ints([0, 2, 3, 1]) } },
      { op: 'Shape', inputs: ['t'], outputs: ['shape'] },
      { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['batch'], attributes: { axis: int(0) } },
      { op: 'Unsqueeze', inputs: ['batch'], outputs: ['b'], attributes: { axes: ints([0]) } },
      { op: 'Concat', inputs: ['b', 'rest'], outputs: ['target'], attributes: { axis: int(0) } },
      { op: 'Reshape', inputs: ['t', 'target'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['scores'], attributes: { axis: int(2) } },
    ],
    initializers: [
      weights('w1', [4, 2, 3, 3], 1),
      weights('b1', [4], 2),
      weights('g', [4], 3),
      weights('beta', [4], 4),
      weights('mean', [4], 5),
      { name: 'var', dims: [4], values: [1, 2, 0.5, 1.5] },
      weights('dw', [4, 1, 3, 3], 6),
      { name: 'scales', dims: [4], values: [1, 1, 2, 2] },
      { name: 'zero', dims: [], values: [0], dataType: 7 },
      { name: 'rest', dims: [2], values: [-1, 2], dataType: 7 },
    ],
  };
}

test('shape subgraphs fold to constants: the runtime plan keeps only input-dependent nodes', () => {
  const graph = OnnxGraph.fromBytes(buildModel(smallNetwork()));
  const x = tf.randomUniform([1, 6, 7, 2]);
  const plan = graph.describePlan({ x }, { channelsLastFeeds: true });
  assert.equal(plan.nodes, 14);
  assert.equal(plan.folded, 4); // Shape, Gather, Unsqueeze, Concat
  for (const op of ['Shape', 'Gather', 'Unsqueeze', 'Concat']) assert.equal(plan.runtimeOps[op], undefined, op);
  assert.equal(plan.runtimeOps.Reshape, 1);
  x.dispose();
  graph.dispose();
});

test('intermediate values can be requested as outputs, and repeated runs leave no tensors behind', () => {
  const graph = OnnxGraph.fromBytes(buildModel(smallNetwork()));
  const x = tf.randomUniform([1, 2, 6, 7]);
  const first = graph.run({ x }, { outputs: ['c1', 'scores'] });
  assert.deepEqual(first.c1.shape, [1, 4, 6, 7]);
  assert.deepEqual(first.scores.shape, [1, 24, 2]);
  Object.values(first).forEach((t) => t.dispose());
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.tidy(() => {
    graph.run({ x }, { outputs: ['c1', 'scores'] });
  });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  graph.dispose();
});

test('input gradients through conv (dilated, depthwise), batch norm, resize, pool and softmax match finite differences', () => {
  const graph = OnnxGraph.fromBytes(buildModel(smallNetwork()));
  const shape = [1, 2, 6, 7];
  const base = seededValues(84, 99);
  // A fixed random weighting of the outputs, so the loss is not a constant (softmax rows sum to 1).
  const outputWeights = tf.tensor(seededValues(48, 7), [1, 24, 2]);
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const toFeed = (data: Float32Array) => {
      const t = tf.tensor(data, shape);
      return layout === 'NHWC' ? tf.transpose(t, [0, 2, 3, 1]) : t;
    };
    const layoutLoss = (x: tf.Tensor) => tf.sum(tf.mul(graph.run({ x }, { channelsLastFeeds: layout === 'NHWC' }).scores, outputWeights)) as tf.Scalar;
    const gradient = tf.tidy(() => {
      const g = tf.grad(layoutLoss)(toFeed(base));
      return layout === 'NHWC' ? tf.transpose(g, [0, 3, 1, 2]) : g;
    });
    const g = gradient.dataSync();
    gradient.dispose();
    const eps = 1e-2;
    let worst = 0;
    let norm = 0;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] += eps;
      minus[i] -= eps;
      const fd = tf.tidy(() => (layoutLoss(toFeed(plus)).dataSync()[0] - layoutLoss(toFeed(minus)).dataSync()[0]) / (2 * eps));
      worst = Math.max(worst, Math.abs(fd - g[i]));
      norm = Math.max(norm, Math.abs(g[i]));
    }
    assert.ok(norm > 1e-2, `gradient is (near) zero: max |g| = ${norm}`);
    assert.ok(worst < 2e-3 + 0.02 * norm, `${layout}: max |grad - finite difference| = ${worst} (max |g| ${norm})`);
  }
  outputWeights.dispose();
  graph.dispose();
});
