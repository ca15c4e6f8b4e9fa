// Element-wise, reduction, shape and indexing kernels of the torch backend against the cpu
// backend (the oracle), on random inputs with odd shapes and broadcasting.
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { assertSameAsCpu, rand, torch, torchSkipReason } from './torchSupport.js';

type Case = [name: string, build: () => tf.Tensor | tf.Tensor[]];

const x = () => rand([2, 3, 5], -3, 3);
const positive = () => rand([2, 3, 5], 0.1, 4);

const unaryCases: Case[] = [
  ['abs', () => tf.abs(x())],
  ['neg', () => tf.neg(x())],
  ['exp', () => tf.exp(x())],
  ['expm1', () => tf.expm1(x())],
  ['log', () => tf.log(positive())],
  ['log1p', () => tf.log1p(positive())],
  ['sqrt', () => tf.sqrt(positive())],
  ['rsqrt', () => tf.rsqrt(positive())],
  ['square', () => tf.square(x())],
  ['reciprocal', () => tf.reciprocal(positive())],
  ['relu', () => tf.relu(x())],
  ['relu6', () => tf.relu6(rand([4, 7], -3, 9))],
  ['elu', () => tf.elu(x())],
  ['selu', () => tf.selu(x())],
  ['leakyRelu', () => tf.leakyRelu(x(), 0.13)],
  ['prelu', () => tf.prelu(x(), rand([5], 0, 0.5))],
  ['sigmoid', () => tf.sigmoid(x())],
  ['tanh', () => tf.tanh(x())],
  ['softplus', () => tf.softplus(x())],
  ['erf', () => tf.erf(x())],
  ['sin', () => tf.sin(x())],
  ['cos', () => tf.cos(x())],
  ['atan', () => tf.atan(x())],
  ['sign', () => tf.sign(tf.concat([x(), tf.zeros([2, 3, 1])], 2))],
  ['floor', () => tf.floor(x())],
  ['ceil', () => tf.ceil(x())],
  ['round (halves to even)', () => tf.round(tf.concat([x(), tf.tensor([[[0.5, 1.5, 2.5, -0.5, -1.5]]]).tile([2, 1, 1])], 1))],
  ['step (NaN kept)', () => [tf.step(x(), 0.3), tf.step(tf.div(x(), tf.tensor([0, 1, 0, 1, 2]))), tf.step(tf.cast(x(), 'int32'), 0)]],
  ['isNaN', () => tf.isNaN(tf.div(x(), tf.tensor([0, 1, 0, 1, 2])))],
  ['logicalNot', () => tf.logicalNot(tf.greater(x(), 0))],
  ['clipByValue', () => tf.clipByValue(x(), -1.2, 0.7)],
  ['cast float->int32 (truncates)', () => tf.cast(x(), 'int32')],
  ['cast float->bool', () => tf.cast(tf.round(x()), 'bool')],
  ['cast bool->float', () => tf.cast(tf.greater(x(), 0), 'float32')],
  ['zerosLike/onesLike', () => [tf.zerosLike(x()), tf.onesLike(tf.cast(x(), 'int32'))]],
  ['identity (clone)', () => tf.clone(x())],
];

const a = () => rand([2, 1, 5], -2, 2);
const b = () => rand([3, 1], -2, 2);
const ints = (seedShape: number[], low: number, high: number) => tf.cast(tf.floor(rand(seedShape, low, high)), 'int32');

const binaryCases: Case[] = [
  ['add (broadcast)', () => tf.add(a(), b())],
  ['sub (broadcast)', () => tf.sub(a(), b())],
  ['mul (scalar)', () => tf.mul(a(), tf.scalar(1.7))],
  ['div (broadcast)', () => tf.div(a(), tf.add(tf.abs(b()), 0.5))],
  ['maximum', () => tf.maximum(a(), b())],
  ['minimum', () => tf.minimum(a(), b())],
  ['pow', () => tf.pow(tf.abs(a()), b())],
  ['squaredDifference', () => tf.squaredDifference(a(), b())],
  ['floorDiv float', () => tf.floorDiv(a(), tf.add(tf.abs(b()), 0.3))],
  ['mod float (sign of divisor)', () => tf.mod(tf.mul(a(), 5), tf.tensor([[1.5], [-2], [0.7]]))],
  ['atan2', () => tf.atan2(a(), b())],
  ['int32 add', () => tf.add(ints([4, 3], -9, 9), ints([3], -9, 9))],
  ['int32 floorDiv and mod', () => [tf.floorDiv(ints([4, 3], -9, 9), tf.tensor([2, -3, 4], [3], 'int32')), tf.mod(ints([4, 3], -9, 9), tf.tensor([2, -3, 4], [3], 'int32'))]],
  ['equal/notEqual', () => [tf.equal(tf.round(a()), tf.round(b())), tf.notEqual(tf.round(a()), tf.round(b()))]],
  ['greater/greaterEqual', () => [tf.greater(a(), b()), tf.greaterEqual(tf.round(a()), tf.round(b()))]],
  ['less/lessEqual', () => [tf.less(a(), b()), tf.lessEqual(tf.round(a()), tf.round(b()))]],
  ['logicalAnd/Or/Xor', () => {
    const p = tf.greater(a(), 0);
    const q = tf.greater(b(), 0);
    return [tf.logicalAnd(p, q), tf.logicalOr(p, q), tf.logicalXor(p, q)];
  }],
  ['where (same rank)', () => tf.where(tf.greater(a(), 0), a(), tf.zeros([2, 1, 5]))],
  ['where (broadcast condition)', () => tf.where(tf.tensor2d([[true], [false], [true]], [3, 1], 'bool'), rand([3, 4]), rand([3, 4]))],
  ['addN', () => tf.addN([rand([3, 4]), rand([3, 4]), rand([3, 4])])],
];

const r = () => rand([3, 4, 5], -2, 2);

const reductionCases: Case[] = [
  ['sum all / axis / keepDims', () => [tf.sum(r()), tf.sum(r(), 1), tf.sum(r(), [0, 2], true), tf.sum(r(), -1)]],
  ['sum over no axis', () => tf.sum(r(), [])],
  ['sum of int32 and bool', () => [tf.sum(ints([4, 5], -5, 5), 1), tf.sum(tf.greater(r(), 0), [0, 2])]],
  ['mean', () => [tf.mean(r()), tf.mean(r(), [1, 2]), tf.mean(r(), 0, true)]],
  ['max/min', () => [tf.max(r(), 1), tf.min(r(), [0, 2], true), tf.max(r())]],
  ['prod', () => [tf.prod(r(), [0, 2]), tf.prod(r(), 1, true), tf.prod(ints([3, 4], 1, 4), 1)]],
  ['argMax/argMin', () => [tf.argMax(r(), 1), tf.argMin(r(), -1), tf.argMax(r())]],
  ['all/any', () => [tf.all(tf.greater(r(), -1.5), 1), tf.any(tf.greater(r(), 1.5), [0, 2], true)]],
  ['softmax/logSoftmax', () => [tf.softmax(r()), tf.logSoftmax(r())]],
  ['cumsum (exclusive, reverse)', () => [tf.cumsum(r(), 1), tf.cumsum(r(), 2, true), tf.cumsum(r(), 0, false, true), tf.cumsum(r(), 1, true, true)]],
  ['cumprod', () => [tf.cumprod(r(), 1), tf.cumprod(r(), 2, true, true)]],
];

const s = () => rand([3, 5, 4], -2, 2);

const shapeCases: Case[] = [
  ['reshape', () => tf.reshape(s(), [5, -1])],
  ['transpose', () => [tf.transpose(s(), [2, 0, 1]), tf.transpose(s())]],
  ['transpose then elementwise', () => tf.add(tf.transpose(s(), [1, 2, 0]), rand([5, 4, 3]))],
  ['expandDims', () => [tf.expandDims(s(), 1), tf.expandDims(s(), -1)]],
  ['concat', () => [tf.concat([s(), s(), rand([3, 2, 4])], 1), tf.concat([s(), rand([3, 5, 1])], -1), tf.concat([rand([3, 0, 4]), s()], 1)]],
  ['stack/unstack', () => [tf.stack([s(), s()], 2), ...tf.unstack(s(), 1)]],
  ['split (sizes with -1)', () => [...tf.split(s(), [1, -1, 2], 1), ...tf.split(s(), 2, 2)]],
  ['slice', () => [tf.slice(s(), [1, 2, 0], [2, -1, 3]), tf.slice(s(), 1, 1)]],
  ['stridedSlice (steps, negative steps, masks, shrink, new axis)', () => [
    tf.stridedSlice(s(), [0, 1, 0], [3, 5, 4], [2, 2, 3]),
    tf.stridedSlice(s(), [2, 4, 3], [0, 0, 0], [-1, -2, -1]),
    tf.stridedSlice(s(), [0, 1, 0], [0, 3, 0], [1, 1, 1], 5, 5),
    tf.stridedSlice(s(), [1, 0, 0], [2, 5, 4], [1, 1, 1], 0, 0, 0, 0, 1),
    tf.stridedSlice(s(), [0, 0], [3, 5], [1, 1], 0, 0, 0, 2),
    tf.stridedSlice(s(), [-1, 0, -2], [0, 5, 0], [-1, 1, -1], 2, 2),
  ]],
  ['pad (constant)', () => [tf.pad(s(), [[1, 0], [0, 2], [3, 1]]), tf.pad(s(), [[0, 0], [1, 1], [0, 0]], 2.5)]],
  ['mirrorPad reflect/symmetric', () => [
    tf.mirrorPad(s(), [[1, 2], [0, 3], [2, 1]], 'reflect'),
    tf.mirrorPad(s(), [[2, 3], [4, 0], [0, 2]], 'symmetric'),
  ]],
  ['tile', () => tf.tile(s(), [2, 1, 3])],
  ['reverse', () => [tf.reverse(s(), [0, 2]), tf.reverse(s(), -2)]],
  ['gather (axis 0 and 1, 2-D indices)', () => [
    tf.gather(s(), tf.tensor1d([2, 0, 2], 'int32')),
    tf.gather(s(), tf.tensor2d([[4, 1], [0, 0]], [2, 2], 'int32'), 1),
  ]],
  ['gather with batchDims', () => [
    tf.gather(s(), tf.tensor2d([[1, 0], [2, 2], [4, 3]], [3, 2], 'int32'), 1, 1),
    tf.gather(s(), tf.tensor2d([[3, 0], [2, 2], [1, 3]], [3, 2], 'int32'), 2, 1),
    tf.gather(rand([2, 3, 4, 5]), tf.tensor3d([[[1], [0], [3]], [[2], [2], [0]]], [2, 3, 1], 'int32'), 2, 2),
  ]],
  ['gatherND', () => [
    tf.gatherND(s(), tf.tensor2d([[0, 1], [2, 4], [1, 0]], [3, 2], 'int32')),
    tf.gatherND(s(), tf.tensor3d([[[2, 3, 1]], [[0, 0, 0]]], [2, 1, 3], 'int32')),
  ]],
  ['scatterND (duplicates add)', () => tf.scatterND(tf.tensor2d([[1], [3], [1]], [3, 1], 'int32'), rand([3, 4]), [5, 4])],
  ['unsortedSegmentSum', () => tf.unsortedSegmentSum(rand([6, 3]), tf.tensor1d([2, 0, 2, 1, 0, 3], 'int32'), 4)],
  ['broadcastTo', () => tf.broadcastTo(rand([1, 4, 1]), [3, 4, 5])],
  ['fill/range/linspace', () => [tf.fill([2, 3], 1.25), tf.fill([3], 4, 'int32'), tf.range(0, 10, 3), tf.range(5, -3, -1.5), tf.range(0, 7, 2, 'int32')]],
  ['oneHot (out-of-range rows are off)', () => tf.oneHot(tf.tensor1d([0, 3, 5, -1, 2], 'int32'), 4, 2, -1)],
  ['topk', () => {
    const { values, indices } = tf.topk(rand([3, 7]), 4);
    return [values, indices];
  }],
  ['einsum', () => [tf.einsum('ij,jk->ik', rand([3, 4]), rand([4, 2])), tf.einsum('bij,bjk->bik', rand([2, 3, 4]), rand([2, 4, 5]))]],
  ['batchNorm', () => tf.batchNorm(rand([2, 3, 3, 4]), rand([4]), rand([4], 0.5, 2), rand([4]), rand([4]), 0.001)],
  ['moments', () => {
    const { mean, variance } = tf.moments(rand([2, 5, 5, 3]), [0, 1, 2]);
    return [mean, variance];
  }],
];

describe('torch backend kernels vs cpu', { skip: torchSkipReason }, () => {
  for (const [group, cases] of [
    ['unary', unaryCases],
    ['binary', binaryCases],
    ['reduction', reductionCases],
    ['shape', shapeCases],
  ] as const) {
    describe(group, () => {
      for (const [name, build] of cases) {
        test(name, async () => assertSameAsCpu(name, build));
      }
    });
  }
  test('only the expected kernels fell back to cpu', () => {
    assert.deepEqual([...torch!.fallbackKernelsUsed].sort(), []);
  });
});
