// Input (and filter) gradients of convolutions on the tuned wasm backend against the cpu backend,
// on random inputs: strides 1 and 2, 'same' / 'valid' / explicit padding, odd sizes, batch > 1,
// depthwise channel multipliers 1 and 2, dilated depthwise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropInputConfig, depthwiseConv2dNativeBackpropInputConfig } from '../../../src/engine/wasm/index.js';
import { assertSameAsCpu, rand, weightedGradient } from './wasmSupport.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  input: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number | [number, number];
  pad: Pad;
  dilation?: number;
}

const explicit = (top: number, bottom: number, left: number, right: number): Pad => [[0, 0], [top, bottom], [left, right], [0, 0]];

const convCases: ConvCase[] = [
  { input: [1, 7, 9, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { input: [2, 8, 6, 5], filter: [3, 3, 5, 3], stride: 2, pad: 'same' },
  { input: [1, 9, 7, 3], filter: [3, 3, 3, 8], stride: 2, pad: 'same' },
  { input: [2, 9, 10, 4], filter: [3, 3, 4, 2], stride: 2, pad: 'valid' },
  { input: [1, 10, 11, 2], filter: [5, 3, 2, 3], stride: 1, pad: 'valid' },
  { input: [1, 11, 8, 3], filter: [1, 1, 3, 5], stride: 1, pad: 'same' },
  { input: [2, 9, 9, 4], filter: [1, 1, 4, 6], stride: 2, pad: 'valid' },
  { input: [1, 7, 8, 2], filter: [3, 3, 2, 3], stride: 2, pad: explicit(1, 0, 2, 1) },
  { input: [1, 6, 7, 3], filter: [3, 2, 3, 2], stride: 1, pad: explicit(2, 1, 0, 3) },
  { input: [1, 9, 8, 2], filter: [4, 4, 2, 3], stride: [2, 1], pad: 'same' },
  { input: [1, 12, 12, 2], filter: [3, 3, 2, 2], stride: 3, pad: 'same' },
];

const depthwiseCases: ConvCase[] = [
  { input: [1, 7, 9, 3], filter: [3, 3, 3, 1], stride: 1, pad: 'same' },
  { input: [2, 8, 7, 4], filter: [3, 3, 4, 1], stride: 2, pad: 'same' },
  { input: [1, 9, 10, 2], filter: [3, 3, 2, 1], stride: 2, pad: 'valid' },
  { input: [2, 7, 6, 3], filter: [3, 3, 3, 2], stride: 1, pad: 'same' },
  { input: [1, 9, 9, 2], filter: [3, 3, 2, 3], stride: 2, pad: 'same' },
  { input: [1, 8, 9, 3], filter: [3, 3, 3, 1], stride: 2, pad: explicit(1, 1, 0, 2) },
  { input: [1, 11, 10, 2], filter: [3, 3, 2, 1], stride: 1, pad: 'same', dilation: 2 },
  { input: [1, 12, 11, 2], filter: [3, 2, 2, 2], stride: 1, pad: 'valid', dilation: 2 },
];

/** [kh, kw, C, m] -> [(kh-1)d+1, (kw-1)d+1, C, m] with zeros between the taps. */
function expandWithZeros(filter: tf.Tensor4D, dilation: number): tf.Tensor4D {
  const [kh, kw, channels, multiplier] = filter.shape;
  const values = filter.arraySync();
  const out = tf.buffer([(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, channels, multiplier]);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < channels; c++) for (let q = 0; q < multiplier; q++) out.set(values[i][j][c][q], i * dilation, j * dilation, c, q);
  return out.toTensor() as tf.Tensor4D;
}

const describeCase = (c: ConvCase) => `x ${c.input} w ${c.filter} stride ${c.stride} pad ${JSON.stringify(c.pad)}${c.dilation ? ` dilation ${c.dilation}` : ''}`;

describe('wasm convolution gradients match the cpu backend', () => {
  test('the tuned kernels are the ones registered for wasm', () => {
    assert.equal(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')?.kernelFunc, conv2DBackpropInputConfig.kernelFunc);
    assert.equal(tf.getKernel(tf.DepthwiseConv2dNativeBackpropInput, 'wasm')?.kernelFunc, depthwiseConv2dNativeBackpropInputConfig.kernelFunc);
  });

  for (const c of convCases) {
    test(`conv2d input gradient, ${describeCase(c)}`, async () => {
      await assertSameAsCpu('conv2d input gradient', () => {
        const filter = rand(c.filter) as tf.Tensor4D;
        return weightedGradient((x) => tf.conv2d(x as tf.Tensor4D, filter, c.stride, c.pad), rand(c.input));
      });
    });
    test(`conv2d filter gradient, ${describeCase(c)}`, async () => {
      await assertSameAsCpu('conv2d filter gradient', () => {
        const x = rand(c.input) as tf.Tensor4D;
        return weightedGradient((filter) => tf.conv2d(x, filter as tf.Tensor4D, c.stride, c.pad), rand(c.filter));
      });
    });
  }

  for (const c of depthwiseCases) {
    test(`depthwise input gradient, ${describeCase(c)}`, async () => {
      await assertSameAsCpu('depthwise input gradient', () => {
        const filter = rand(c.filter) as tf.Tensor4D;
        if (c.dilation) {
          // tfjs refuses the gradient of dilated depthwise convolutions (and the cpu kernel ignores
          // the dilation): wasm runs the kernel with the dilation; the oracle differentiates the
          // equivalent undilated convolution whose filter is expanded with zeros.
          const x = rand(c.input) as tf.Tensor4D;
          const dilation = c.dilation;
          const dy = rand(tf.depthwiseConv2d(x, filter, c.stride, c.pad, 'NHWC', dilation).shape);
          if (tf.getBackend() === 'wasm') {
            return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, {
              strides: c.stride,
              pad: c.pad,
              dilations: dilation,
              inputShape: c.input,
            } as unknown as tf.NamedAttrMap) as tf.Tensor;
          }
          const expanded = expandWithZeros(filter, dilation);
          return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(input as tf.Tensor4D, expanded, c.stride, c.pad), dy)))(x);
        }
        return weightedGradient((x) => tf.depthwiseConv2d(x as tf.Tensor4D, filter, c.stride, c.pad), rand(c.input));
      });
    });
    if (c.dilation) continue;
    test(`depthwise filter gradient, ${describeCase(c)}`, async () => {
      await assertSameAsCpu('depthwise filter gradient', () => {
        const x = rand(c.input) as tf.Tensor4D;
        return weightedGradient((filter) => tf.depthwiseConv2d(x, filter as tf.Tensor4D, c.stride, c.pad), rand(c.filter));
      });
    });
  }

  test('conv2dTranspose (the Conv2DBackpropInput kernel used forward)', async () => {
    await assertSameAsCpu('conv2dTranspose', () => tf.conv2dTranspose(rand([2, 5, 4, 6]) as tf.Tensor4D, rand([3, 3, 3, 6]) as tf.Tensor4D, [2, 10, 8, 3], 2, 'same'));
  });

  test('fused conv2d with bias and relu: input gradient', async () => {
    await assertSameAsCpu('fused conv2d input gradient', () => {
      const filter = rand([3, 3, 3, 4]) as tf.Tensor4D;
      const bias = rand([4]);
      return weightedGradient((x) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides: 2, pad: 'same', bias, activation: 'relu' }), rand([1, 9, 8, 3]));
    });
  });
});
