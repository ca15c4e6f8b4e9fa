// Convolution, pooling, resizing and matrix-product kernels of the torch backend (forward and
// gradient kernels) against the cpu backend, over paddings ('same', 'valid', a number,
// explicit and asymmetric), strides, dilations, odd sizes and batch > 1.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertAdjoint, assertSameAsCpu, rand, torchSkipReason } from './torchSupport.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

const PADS: Pad[] = ['same', 'valid', 1, [[0, 0], [1, 2], [2, 0], [0, 0]]];
const STRIDES: Array<number | [number, number]> = [1, 2, [2, 1], 3];
const FILTERS: Array<[number, number]> = [[1, 1], [3, 3], [4, 4], [5, 3]];

const padName = (pad: Pad) => (Array.isArray(pad) ? 'explicit' : String(pad));
const x4 = (shape = [2, 11, 9, 3]) => rand(shape) as tf.Tensor4D;

/** Conv output shape, for building a matching dy. */
function convOutShape(x: tf.Tensor4D, filter: tf.Tensor4D, strides: number | [number, number], pad: Pad, depthwise = false) {
  return (depthwise ? tf.depthwiseConv2d(x, filter, strides, pad) : tf.conv2d(x, filter, strides, pad)).shape;
}

describe('torch backend nn kernels vs cpu', { skip: torchSkipReason }, () => {
  describe('Conv2D and its gradient kernels', () => {
    for (const pad of PADS) {
      for (const strides of STRIDES) {
        for (const [kh, kw] of FILTERS) {
          const label = `pad ${padName(pad)}, strides ${strides}, filter ${kh}x${kw}`;
          test(label, async () => {
            await assertSameAsCpu(`conv2d ${label}`, () => {
              const x = x4();
              const filter = rand([kh, kw, 3, 5]) as tf.Tensor4D;
              const out = tf.conv2d(x, filter, strides, pad);
              const dy = rand(out.shape) as tf.Tensor4D;
              const dx = tf.conv2dTranspose(dy, filter, x.shape, strides, pad);
              const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
                strides,
                pad,
                dataFormat: 'NHWC',
                filterShape: filter.shape,
              } as never) as tf.Tensor;
              return [out, dx, dw];
            });
          });
        }
      }
    }
    // ResNet's 1x1 stride-2 shortcut on an even extent leaves the last input row and column
    // unread; ATen 1.13's weight gradient corrupted the heap there (the file then crashed).
    test('weight gradient of a 1x1 stride-2 shortcut on an even extent, repeated', () =>
      assertSameAsCpu('1x1 stride-2 shortcut', () => {
        const outs: tf.Tensor[] = [];
        for (let i = 0; i < 20; i++) {
          const x = rand([2, 14, 10, 4]) as tf.Tensor4D;
          const dy = rand([2, 7, 5, 8]) as tf.Tensor4D;
          outs.push(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
            strides: 2,
            pad: 'valid',
            dataFormat: 'NHWC',
            filterShape: [1, 1, 4, 8],
          } as never) as tf.Tensor);
        }
        return outs;
      }));
    test('dilation 2 (forward)', () =>
      assertSameAsCpu('dilated conv2d', () => [
        tf.conv2d(x4(), rand([3, 3, 3, 4]) as tf.Tensor4D, 1, 'same', 'NHWC', 2),
        tf.conv2d(x4(), rand([3, 2, 3, 4]) as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]),
      ]));
    test('NCHW data format, forward and gradient kernels', () =>
      assertSameAsCpu('conv2d NCHW', () => {
        const x = rand([2, 3, 7, 6]) as tf.Tensor4D;
        const filter = rand([3, 3, 3, 4]) as tf.Tensor4D;
        const out = tf.conv2d(x, filter, 2, 'same', 'NCHW');
        const dy = rand(out.shape);
        const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW' };
        return [
          out,
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: x.shape } as never) as tf.Tensor,
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape } as never) as tf.Tensor,
        ];
      }));
    test('a batch of one 1x1 image', () =>
      assertSameAsCpu('tiny conv2d', () => tf.conv2d(rand([1, 1, 1, 2]) as tf.Tensor4D, rand([1, 1, 2, 3]) as tf.Tensor4D, 1, 'same')));
  });

  describe('DepthwiseConv2dNative and its gradient kernels', () => {
    const cases: Array<[Pad, number | [number, number], [number, number], number, number]> = [];
    for (const pad of PADS) for (const strides of [1, 2] as const) cases.push([pad, strides, [3, 3], 1, 2]);
    cases.push(['same', 1, [3, 3], 2, 1], ['valid', 1, [2, 3], 2, 3], ['same', [2, 1], [5, 5], 1, 1]);
    for (const [pad, strides, [kh, kw], dilation, multiplier] of cases) {
      const label = `pad ${padName(pad)}, strides ${strides}, filter ${kh}x${kw}, dilation ${dilation}, multiplier ${multiplier}`;
      const xShape = [2, 10, 9, 4];
      const filterShape = [kh, kw, 4, multiplier];
      const attrs = { strides, pad, dilations: dilation };
      const backpropInput = (dy: tf.Tensor, filter: tf.Tensor) =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: xShape } as never) as tf.Tensor;
      const backpropFilter = (x: tf.Tensor, dy: tf.Tensor) =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape } as never) as tf.Tensor;
      const depthwise = (x: tf.Tensor, filter: tf.Tensor) =>
        tf.depthwiseConv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad, 'NHWC', dilation);
      if (dilation === 1) {
        test(label, () =>
          assertSameAsCpu(`depthwise ${label}`, () => {
            const x = x4(xShape);
            const filter = rand(filterShape);
            const out = depthwise(x, filter);
            const dy = rand(out.shape);
            return [out, backpropInput(dy, filter), backpropFilter(x, dy)];
          }),
        );
      } else {
        // tfjs's cpu gradient kernels ignore dilation: check the forward against cpu and the
        // gradients as its adjoints.
        test(label, async () => {
          await assertSameAsCpu(`depthwise ${label}`, () => depthwise(x4(xShape), rand(filterShape)));
          const filter = () => rand(filterShape, -1, 1, 999);
          await assertAdjoint(`depthwise input gradient ${label}`, xShape, (x) => depthwise(x, filter()), (dy) => backpropInput(dy, filter()));
          const x = () => rand(xShape, -1, 1, 998);
          await assertAdjoint(`depthwise filter gradient ${label}`, filterShape, (w) => depthwise(x(), w), (dy) => backpropFilter(x(), dy));
        });
      }
    }
  });

  describe('fused convolutions', () => {
    const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
    for (const activation of activations) {
      test(`fused conv2d and depthwise, ${activation}`, () =>
        assertSameAsCpu(`fused ${activation}`, () => [
          tf.fused.conv2d({
            x: x4(),
            filter: rand([3, 3, 3, 6]) as tf.Tensor4D,
            strides: 2,
            pad: 'same',
            bias: rand([6]),
            activation,
            preluActivationWeights: activation === 'prelu' ? rand([6], 0, 0.5) : undefined,
            leakyreluAlpha: 0.15,
          }),
          tf.fused.depthwiseConv2d({
            x: x4(),
            filter: rand([3, 3, 3, 2]) as tf.Tensor4D,
            strides: 1,
            pad: 'valid',
            bias: rand([6]),
            activation,
            preluActivationWeights: activation === 'prelu' ? rand([6], 0, 0.5) : undefined,
            leakyreluAlpha: 0.15,
          }),
        ]));
    }
    test('fused conv2d with a broadcast (non-channel) bias', () =>
      assertSameAsCpu('fused broadcast bias', () =>
        tf.fused.conv2d({ x: x4(), filter: rand([3, 3, 3, 4]) as tf.Tensor4D, strides: 1, pad: 'same', bias: rand([1, 1, 1, 4]), activation: 'relu' }),
      ));
  });

  describe('pooling and its gradient kernels', () => {
    const sizes: Array<[number, number]> = [[2, 2], [3, 3], [3, 2]];
    for (const pad of ['same', 'valid', 1, [[0, 0], [0, 1], [1, 1], [0, 0]]] as Pad[]) {
      for (const strides of [1, 2, 3]) {
        for (const filterSize of sizes) {
          if (typeof pad === 'number' && (filterSize[0] < 2 * pad || filterSize[1] < 2 * pad)) continue;
          const label = `pad ${padName(pad)}, strides ${strides}, window ${filterSize.join('x')}`;
          const attrs = { filterSize, strides, pad };
          const padded = pad !== 'valid';
          test(label, async () => {
            await assertSameAsCpu(`pool ${label}`, () => {
              const x = x4([2, 9, 8, 3]);
              const max = tf.maxPool(x, filterSize, strides, pad as never);
              const avg = tf.avgPool(x, filterSize, strides, pad as never);
              const dMax = tf.engine().runKernel('MaxPoolGrad', { dy: rand(max.shape), input: x, output: max }, attrs as never) as tf.Tensor;
              const dAvg = tf.engine().runKernel('AvgPoolGrad', { dy: rand(avg.shape), input: x }, attrs as never) as tf.Tensor;
              // tfjs's cpu AvgPoolGrad divides by the whole window where its forward counted only
              // real inputs: compared below as an adjoint instead
              return padded ? [max, avg, dMax] : [max, avg, dMax, dAvg];
            });
            // (tfjs sizes numerically padded windows by their height only: such cases run on cpu)
            if (typeof pad === 'number' && filterSize[0] !== filterSize[1]) return;
            await assertAdjoint(
              `avgPool gradient ${label}`,
              [2, 9, 8, 3],
              (x) => tf.avgPool(x as tf.Tensor4D, filterSize, strides, pad as never),
              (dy, x) => tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, attrs as never) as tf.Tensor,
            );
          });
        }
      }
    }
  });

  describe('resizing', () => {
    const modes = [
      { alignCorners: false, halfPixelCenters: false },
      { alignCorners: true, halfPixelCenters: false },
      { alignCorners: false, halfPixelCenters: true },
    ];
    const sizes: Array<[number, number]> = [[9, 4], [3, 11], [5, 7], [1, 1]];
    for (const mode of modes) {
      for (const size of sizes) {
        const label = `${JSON.stringify(mode)} to ${size.join('x')}`;
        test(`forward ${label}`, () =>
          assertSameAsCpu(`resize ${label}`, () => [
            tf.image.resizeBilinear(x4([2, 5, 7, 3]), size, mode.alignCorners, mode.halfPixelCenters),
            tf.image.resizeNearestNeighbor(x4([2, 5, 7, 3]), size, mode.alignCorners, mode.halfPixelCenters),
          ]));
      }
    }
    // tfjs's cpu gradients ignore halfPixelCenters, mix up non-square bilinear shapes, and the
    // nearest-neighbour one reads dy with the images' batch stride (right for batch 1 only) and
    // past its end when downsampling: the cpu oracle is used where it is right, the adjoint
    // identity everywhere.
    for (const alignCorners of [false, true]) {
      for (const size of [[9, 4], [12, 7]] as Array<[number, number]>) {
        test(`gradients vs cpu, alignCorners ${alignCorners}, 6x6 to ${size.join('x')}`, () =>
          assertSameAsCpu('resize grads', () => {
            const attrs = { alignCorners, halfPixelCenters: false };
            const images = x4([2, 6, 6, 3]);
            const image = x4([1, 6, 6, 3]);
            return [
              tf.engine().runKernel('ResizeBilinearGrad', { images, dy: rand([2, ...size, 3]) }, attrs as never) as tf.Tensor,
              tf.engine().runKernel('ResizeNearestNeighborGrad', { images: image, dy: rand([1, ...size, 3]) }, attrs as never) as tf.Tensor,
            ];
          }));
      }
    }
    for (const mode of modes) {
      for (const size of [[7, 10], [3, 2]] as Array<[number, number]>) {
        test(`gradients are the adjoints of the forward, ${JSON.stringify(mode)}, 5x4 to ${size.join('x')}`, async () => {
          await assertAdjoint(
            'bilinear',
            [2, 5, 4, 3],
            (x) => tf.image.resizeBilinear(x as tf.Tensor4D, size, mode.alignCorners, mode.halfPixelCenters),
            (dy, images) => tf.engine().runKernel('ResizeBilinearGrad', { images, dy }, mode as never) as tf.Tensor,
          );
          await assertAdjoint(
            'nearest',
            [2, 5, 4, 3],
            (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, mode.alignCorners, mode.halfPixelCenters),
            (dy, images) => tf.engine().runKernel('ResizeNearestNeighborGrad', { images, dy }, mode as never) as tf.Tensor,
          );
        });
      }
    }
  });

  describe('matrix products', () => {
    test('matMul with transposes and batch broadcasting', () =>
      assertSameAsCpu('matMul', () => [
        tf.matMul(rand([3, 4]), rand([4, 5])),
        tf.matMul(rand([4, 3]), rand([5, 4]), true, true),
        tf.matMul(rand([2, 3, 4]), rand([2, 5, 4]), false, true),
        tf.matMul(rand([1, 3, 4]), rand([2, 4, 2])),
      ]));
    test('fused matMul with bias and activations', () =>
      assertSameAsCpu('fused matMul', () => [
        tf.fused.matMul({ a: rand([3, 4]), b: rand([4, 5]), bias: rand([5]), activation: 'relu' }),
        tf.fused.matMul({ a: rand([2, 3, 4]), b: rand([2, 5, 4]), transposeB: true, bias: rand([5]), activation: 'prelu', preluActivationWeights: rand([5]) }),
        tf.fused.matMul({ a: rand([4, 3]), b: rand([4, 5]), transposeA: true, activation: 'leakyrelu', leakyreluAlpha: 0.3 }),
      ]));
  });
});
