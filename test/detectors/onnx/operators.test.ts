// Each supported ONNX operator, on small hand-built graphs, against onnxruntime (the oracle).
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectMatchesOnnxRuntime } from './helpers/compare.js';
import { float, floats, int, ints, seededValues, str, type InitializerSpec, type ModelSpec, type NodeSpec } from './helpers/onnxBuilder.js';

await tf.setBackend('cpu');

const weights = (name: string, dims: number[], seed: number, storage: 'raw' | 'typed' = 'raw'): InitializerSpec => ({
  name,
  dims,
  values: seededValues(dims.reduce((a, b) => a * b, 1), seed),
  storage,
});
const int64 = (name: string, values: (number | bigint)[], storage: 'raw' | 'typed' = 'raw'): InitializerSpec => ({
  name,
  dims: [values.length],
  values,
  dataType: 7,
  storage,
});
const scalarFloat = (name: string, value: number): InitializerSpec => ({ name, dims: [], values: [value] });

/** One node from input "x" (plus initializers) to output "y". */
function single(opset: number, dims: number[], node: Omit<NodeSpec, 'outputs'>, initializers: InitializerSpec[] = []): ModelSpec {
  return {
    opset,
    inputs: [{ name: 'x', dims }],
    outputs: [{ name: 'y' }],
    nodes: [{ ...node, outputs: ['y'] }],
    initializers,
  };
}

test('Conv: asymmetric pads, unequal strides, dilation, bias', () =>
  expectMatchesOnnxRuntime(
    single(
      13,
      [2, 3, 9, 11],
      { op: 'Conv', inputs: ['x', 'w', 'b'], attributes: { pads: ints([1, 0, 2, 1]), strides: ints([2, 1]), dilations: ints([2, 3]) } },
      [weights('w', [4, 3, 3, 3], 1), weights('b', [4], 2, 'typed')],
    ),
  ));

test('Conv: depthwise with channel multiplier 2, dilation 2, stride 2', () =>
  expectMatchesOnnxRuntime(
    single(
      11,
      [1, 3, 10, 9],
      { op: 'Conv', inputs: ['x', 'w'], attributes: { group: int(3), pads: ints([2, 2, 2, 2]), strides: ints([2, 2]), dilations: ints([2, 2]), kernel_shape: ints([3, 3]) } },
      [weights('w', [6, 1, 3, 3], 3)],
    ),
  ));

test('Conv: 2 groups, auto_pad SAME_UPPER, stride 2', () =>
  expectMatchesOnnxRuntime(
    single(
      11,
      [1, 4, 7, 8],
      { op: 'Conv', inputs: ['x', 'w', 'b'], attributes: { group: int(2), auto_pad: str('SAME_UPPER'), strides: ints([2, 2]) } },
      [weights('w', [6, 2, 3, 3], 4), weights('b', [6], 5)],
    ),
  ));

test('ConvTranspose: stride 2, pads, output_padding; and 2 groups with dilation', async () => {
  await expectMatchesOnnxRuntime(
    single(
      11,
      [1, 3, 5, 4],
      { op: 'ConvTranspose', inputs: ['x', 'w', 'b'], attributes: { strides: ints([2, 2]), pads: ints([1, 0, 1, 1]), output_padding: ints([1, 1]) } },
      [weights('w', [3, 2, 3, 3], 6), weights('b', [2], 7)],
    ),
  );
  await expectMatchesOnnxRuntime(
    single(11, [1, 4, 4, 5], { op: 'ConvTranspose', inputs: ['x', 'w'], attributes: { group: int(2), dilations: ints([2, 1]), strides: ints([1, 2]) } }, [
      weights('w', [4, 3, 2, 3], 8),
    ]),
  );
});

test('MaxPool and AveragePool: pads, ceil_mode, count_include_pad; global pools', async () => {
  await expectMatchesOnnxRuntime(
    single(11, [1, 2, 7, 8], { op: 'MaxPool', inputs: ['x'], attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1) } }),
  );
  await expectMatchesOnnxRuntime(
    single(11, [1, 2, 7, 8], { op: 'AveragePool', inputs: ['x'], attributes: { kernel_shape: ints([3, 2]), strides: ints([2, 2]), pads: ints([1, 0, 1, 1]), ceil_mode: int(1) } }),
  );
  await expectMatchesOnnxRuntime(
    single(11, [1, 2, 7, 8], { op: 'AveragePool', inputs: ['x'], attributes: { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), count_include_pad: int(1) } }),
  );
  await expectMatchesOnnxRuntime(single(11, [2, 3, 5, 6], { op: 'GlobalAveragePool', inputs: ['x'] }));
  await expectMatchesOnnxRuntime(single(11, [2, 3, 5, 6], { op: 'GlobalMaxPool', inputs: ['x'] }));
});

test('BatchNormalization (inference) on 4-D and 2-D inputs', async () => {
  const stats = (seed: number) => [
    weights('scale', [3], seed),
    weights('bias', [3], seed + 1),
    weights('mean', [3], seed + 2),
    { name: 'var', dims: [3], values: [0.5, 1.5, 2] },
  ];
  const node = { op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'var'], attributes: { epsilon: float(1e-3) } };
  await expectMatchesOnnxRuntime(single(9, [2, 3, 4, 5], node, stats(10)));
  await expectMatchesOnnxRuntime(single(9, [4, 3], node, stats(20)));
});

test('Resize (opset 13): nearest and linear, every coordinate mode, scales and sizes', async () => {
  const cases: [string, string, string, number[] | undefined, number[] | undefined][] = [
    ['nearest', 'asymmetric', 'floor', [1, 1, 2, 2], undefined],
    ['nearest', 'half_pixel', 'round_prefer_floor', [1, 1, 1.5, 2.5], undefined],
    ['nearest', 'tf_half_pixel_for_nn', 'round_prefer_ceil', undefined, [1, 2, 7, 4]],
    ['linear', 'half_pixel', 'round_prefer_floor', undefined, [1, 2, 3, 13]],
    ['linear', 'align_corners', 'round_prefer_floor', [1, 1, 2, 3], undefined],
    ['linear', 'pytorch_half_pixel', 'round_prefer_floor', undefined, [1, 2, 1, 7]],
    ['linear', 'asymmetric', 'round_prefer_floor', [1, 1, 0.6, 1.7], undefined],
  ];
  for (const [mode, coordinate, nearest, scales, sizes] of cases) {
    const inits: InitializerSpec[] = [];
    const inputs = ['x', ''];
    if (scales) {
      inits.push({ name: 'scales', dims: [4], values: scales });
      inputs.push('scales');
    } else {
      inits.push(int64('sizes', sizes as number[]));
      inputs.push('', 'sizes');
    }
    await expectMatchesOnnxRuntime(
      single(13, [1, 2, 5, 6], { op: 'Resize', inputs, attributes: { mode: str(mode), coordinate_transformation_mode: str(coordinate), nearest_mode: str(nearest) } }, inits),
    );
  }
});

test('Upsample (opset 9) nearest x3 and linear x2, as in PyTorch 1.x exports', async () => {
  const scales = (s: number) => [{ name: 's', dims: [4], values: [1, 1, s, s] }];
  await expectMatchesOnnxRuntime(single(9, [1, 2, 3, 4], { op: 'Upsample', inputs: ['x', 's'], attributes: { mode: str('nearest') } }, scales(3)));
  await expectMatchesOnnxRuntime(single(9, [1, 2, 3, 4], { op: 'Upsample', inputs: ['x', 's'], attributes: { mode: str('linear') } }, scales(2)));
});

test('Softmax: opset-11 flattening semantics and opset-13 single axis', async () => {
  await expectMatchesOnnxRuntime(single(11, [2, 3, 4], { op: 'Softmax', inputs: ['x'], attributes: { axis: int(1) } }));
  await expectMatchesOnnxRuntime(single(13, [2, 3, 4], { op: 'Softmax', inputs: ['x'], attributes: { axis: int(1) } }));
  await expectMatchesOnnxRuntime(single(9, [1, 6, 2], { op: 'Softmax', inputs: ['x'], attributes: { axis: int(2) } }));
  await expectMatchesOnnxRuntime(single(13, [2, 5], { op: 'LogSoftmax', inputs: ['x'] }));
});

test('Element-wise operators, with per-channel constants broadcast onto conv outputs', async () => {
  const conv: NodeSpec = { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: ints([1, 1, 1, 1]) } };
  const chain = (opset: number, nodes: NodeSpec[], inits: InitializerSpec[]): ModelSpec => ({
    opset,
    inputs: [{ name: 'x', dims: [1, 2, 5, 4] }],
    outputs: [{ name: 'y' }],
    nodes: [conv, ...nodes],
    initializers: [weights('w', [3, 2, 3, 3], 30), ...inits],
  });
  await expectMatchesOnnxRuntime(
    chain(
      14,
      [
        { op: 'Add', inputs: ['c', 'perChannel'], outputs: ['a'] },
        { op: 'PRelu', inputs: ['a', 'slope'], outputs: ['p'] },
        { op: 'Mul', inputs: ['p', 'half'], outputs: ['m'] },
        { op: 'Sub', inputs: ['m', 'row'], outputs: ['s'] },
        { op: 'Div', inputs: ['s', 'two'], outputs: ['d'] },
        { op: 'LeakyRelu', inputs: ['d'], outputs: ['l'], attributes: { alpha: float(0.2) } },
        { op: 'HardSwish', inputs: ['l'], outputs: ['h'] },
        { op: 'Sigmoid', inputs: ['h'], outputs: ['g'] },
        { op: 'Clip', inputs: ['g', 'low', 'high'], outputs: ['y'] },
      ],
      [
        weights('perChannel', [3, 1, 1], 31),
        weights('slope', [3, 1, 1], 32),
        scalarFloat('half', 0.5),
        weights('row', [4], 33),
        scalarFloat('two', 2),
        scalarFloat('low', 0.45),
        scalarFloat('high', 0.55),
      ],
    ),
  );
  await expectMatchesOnnxRuntime(
    chain(
      9,
      [
        { op: 'Relu', inputs: ['c'], outputs: ['r'] },
        { op: 'Exp', inputs: ['r'], outputs: ['e'] },
        { op: 'Clip', inputs: ['e'], outputs: ['k'], attributes: { min: float(1.1), max: float(2.5) } },
        { op: 'Tanh', inputs: ['k'], outputs: ['y'] },
      ],
      [],
    ),
  );
});

test('Concat, Transpose, Slice, Split on channels-last values and plain tensors', async () => {
  await expectMatchesOnnxRuntime({
    opset: 13,
    inputs: [
      { name: 'x', dims: [1, 2, 4, 5] },
      { name: 'z', dims: [1, 1, 4, 5] },
    ],
    outputs: [{ name: 'y' }, { name: 't' }, { name: 's' }, { name: 'p0' }, { name: 'p1' }],
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: ints([1, 1, 1, 1]) } },
      { op: 'Concat', inputs: ['c', 'z'], outputs: ['y'], attributes: { axis: int(1) } },
      { op: 'Transpose', inputs: ['y'], outputs: ['t'], attributes: { perm: ints([0, 3, 1, 2]) } },
      { op: 'Slice', inputs: ['y', 'starts', 'ends', 'axes', 'steps'], outputs: ['s'] },
      { op: 'Split', inputs: ['y', 'split'], outputs: ['p0', 'p1'], attributes: { axis: int(1) } },
    ],
    initializers: [
      weights('w', [3, 2, 3, 3], 40),
      int64('starts', [-1, 1, 0]),
      { name: 'ends', dims: [3], values: [-1000, 4, 9223372036854775807n], dataType: 7 },
      int64('axes', [3, 1, 2]),
      int64('steps', [-2, 2, 1]),
      int64('split', [1, 3]),
    ],
  });
});

test('Shape subgraph (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), Flatten, Squeeze, Gather', async () => {
  await expectMatchesOnnxRuntime({
    opset: 11,
    inputs: [{ name: 'x', dims: [2, 3, 4, 2] }],
    outputs: [{ name: 'y' }, { name: 'f' }, { name: 'q' }, { name: 'g' }],
    nodes: [
      { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
      { op: 'Constant', inputs: [], outputs: ['zero'], attributes: { value: { kind: 'tensor', value: { dims: [], values: [0], dataType: 7 } } } },
      { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['batch'], attributes: { axis: int(0) } },
      { op: 'Unsqueeze', inputs: ['batch'], outputs: ['b1'], attributes: { axes: ints([0]) } },
      { op: 'Concat', inputs: ['b1', 'rest'], outputs: ['target'], attributes: { axis: int(0) } },
      { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attributes: { perm: ints([0, 2, 3, 1]) } },
      { op: 'Reshape', inputs: ['xt', 'target'], outputs: ['y'] },
      { op: 'Flatten', inputs: ['x'], outputs: ['f'], attributes: { axis: int(2) } },
      { op: 'Unsqueeze', inputs: ['f'], outputs: ['u'], attributes: { axes: ints([1, -1]) } },
      { op: 'Squeeze', inputs: ['u'], outputs: ['q'], attributes: { axes: ints([1]) } },
      { op: 'Gather', inputs: ['x', 'idx'], outputs: ['g'], attributes: { axis: int(1) } },
    ],
    initializers: [int64('rest', [-1, 3], 'typed'), { name: 'idx', dims: [2, 2], values: [2, -3, 0, 1], dataType: 7 }],
  });
});

test('Pad (constant, reflect, edge), MatMul, Gemm, ReduceMean, Cast', async () => {
  for (const mode of ['constant', 'reflect', 'edge']) {
    await expectMatchesOnnxRuntime({
      opset: 13,
      inputs: [{ name: 'x', dims: [1, 2, 4, 5] }],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
        { op: 'Pad', inputs: ['c', 'pads', 'value'], outputs: ['y'], attributes: { mode: str(mode) } },
      ],
      initializers: [weights('w', [2, 2, 1, 1], 50), int64('pads', [0, 0, 1, 2, 0, 1, 2, 0]), scalarFloat('value', 0.75)],
    });
  }
  await expectMatchesOnnxRuntime({
    opset: 13,
    inputs: [{ name: 'x', dims: [2, 3, 4] }],
    outputs: [{ name: 'm' }, { name: 'g' }, { name: 'r' }, { name: 'k' }],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { op: 'Flatten', inputs: ['x'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'wg', 'bg'], outputs: ['g'], attributes: { transB: int(1), alpha: float(0.5), beta: float(2) } },
      { op: 'ReduceMean', inputs: ['x'], outputs: ['r'], attributes: { axes: ints([1, -1]), keepdims: int(1) } },
      { op: 'Cast', inputs: ['x'], outputs: ['xi'], attributes: { to: int(6) } },
      { op: 'Cast', inputs: ['xi'], outputs: ['k'], attributes: { to: int(1) } },
    ],
    initializers: [weights('w', [4, 5], 51), weights('wg', [6, 12], 52), weights('bg', [6], 53)],
  });
});

test('float_data, raw_data and int64_data initializers and a Constant with value_floats read alike', async () => {
  await expectMatchesOnnxRuntime({
    opset: 13,
    inputs: [{ name: 'x', dims: [2, 6] }],
    outputs: [{ name: 'y' }],
    nodes: [
      { op: 'Add', inputs: ['x', 'typed'], outputs: ['a'] },
      { op: 'Mul', inputs: ['a', 'raw'], outputs: ['m'] },
      { op: 'Constant', inputs: [], outputs: ['c'], attributes: { value_floats: floats([1, 2, 3]) } },
      { op: 'Reshape', inputs: ['m', 'shape'], outputs: ['r'] },
      { op: 'Sub', inputs: ['r', 'c'], outputs: ['y'] },
    ],
    initializers: [weights('typed', [6], 60, 'typed'), weights('raw', [6], 61, 'raw'), int64('shape', [4, 3], 'typed')],
  });
});
