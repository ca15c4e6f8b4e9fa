// The other kernels a detector's backward pass needs on wasm, against the cpu backend: facepatch's
// activation gradients and UnsortedSegmentSum, the shipped resize/pool gradients, and a small
// MobileNet-like network end to end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertSameAsCpu, rand, weightedGradient } from './wasmSupport.js';

/**
 * For a linear map f of a [1, ...] input: the gradient of sum(f(x) * weights), as the adjoint
 * f^T(weights), with f applied to every basis image at once (the basis is the batch).
 */
function linearAdjoint(f: (x: tf.Tensor) => tf.Tensor, shape: number[], weights: tf.Tensor): tf.Tensor {
  const size = tf.util.sizeFromShape(shape);
  const basis = tf.reshape(tf.eye(size), [size, ...shape.slice(1)]);
  const responses = f(basis);
  const perBasis = tf.sum(tf.reshape(tf.mul(responses, weights), [size, -1]), 1);
  return tf.reshape(perBasis, shape);
}

/** Values exactly at the activations' thresholds, where the conventions matter. */
const thresholds = () => tf.tensor([-2, -0, 0, 0.5, 3, 6, 6.5, 1e-7, -1e-7], [9]);

describe('wasm detector gradients match the cpu backend', () => {
  const activations: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['clipByValue(0, 6)', (x) => tf.clipByValue(x, 0, 6)],
    ['clipByValue(-1, 0.5)', (x) => tf.clipByValue(x, -1, 0.5)],
    ['relu6', (x) => tf.relu6(x)],
    ['relu', (x) => tf.relu(x)],
    ['leakyRelu(0.1)', (x) => tf.leakyRelu(x, 0.1)],
  ];
  for (const [name, f] of activations) {
    test(`${name} gradient on random values and at the thresholds`, async () => {
      await assertSameAsCpu(name, () => [weightedGradient(f, rand([2, 5, 7, 3], -3, 9)), weightedGradient(f, thresholds())], 0);
    });
  }

  test('activation gradients by hand (tfjs conventions at the bounds)', async () => {
    const x = tf.tensor([-1, 0, 3, 6, 7]);
    const grad = (f: (x: tf.Tensor) => tf.Tensor) => Array.from(tf.grad(f)(x).dataSync());
    assert.deepEqual(grad((v) => tf.clipByValue(v, 0, 6)), [0, 1, 1, 1, 0]);
    assert.deepEqual(grad((v) => tf.relu6(v)), [0, 0, 1, 1, 0]);
    assert.deepEqual(grad((v) => tf.relu(v)), [0, 0, 1, 1, 1]);
    assert.deepEqual(grad((v) => tf.leakyRelu(v, 0.25)), [0.25, 0.25, 1, 1, 1]);
  });

  test('gather gradient (UnsortedSegmentSum), repeated and unused indices', async () => {
    await assertSameAsCpu('gather gradient', () => {
      const indices = tf.tensor1d([3, 0, 3, 5, 1, 3], 'int32');
      return [
        weightedGradient((x) => tf.gather(x, indices), rand([7, 4])),
        weightedGradient((x) => tf.gather(x, indices, 1), rand([2, 6, 3])),
      ];
    });
  });

  test('UnsortedSegmentSum drops out-of-range segment ids', async () => {
    await assertSameAsCpu('unsortedSegmentSum', () => tf.unsortedSegmentSum(rand([6, 3]), tf.tensor1d([2, -1, 0, 2, 4, 1], 'int32'), 3));
  });

  // The cpu backend's resizeBilinear gradient fails for non-square images: for these linear maps
  // the oracle is the adjoint built from the cpu forward pass alone.
  const resizes: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
    ['resizeBilinear up', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [11, 9]), [1, 5, 4, 3]],
    ['resizeBilinear down, align corners', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [4, 3], true), [1, 9, 7, 2]],
    ['resizeBilinear, half pixel centers', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [7, 10], false, true), [1, 4, 6, 2]],
    ['resizeBilinear, align corners and half pixel centers off, down', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [3, 5]), [1, 7, 9, 2]],
    ['resizeNearestNeighbor', (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 7]), [1, 5, 4, 2]],
    ['resizeNearestNeighbor, align corners', (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [9, 6], true), [1, 4, 5, 2]],
  ];
  for (const [name, f, shape] of resizes) {
    test(`${name} gradient (oracle: adjoint of the cpu forward)`, async () => {
      await assertSameAsCpu(name, () => {
        const x = rand(shape);
        const weights = rand(f(x).shape);
        if (tf.getBackend() === 'wasm') return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), weights)))(x);
        return linearAdjoint(f, shape, weights);
      });
    });
  }

  test('resizeBilinear forward with half pixel centers (what the adjoint oracle relies on)', async () => {
    await assertSameAsCpu('resizeBilinear forward', () => tf.image.resizeBilinear(rand([1, 4, 6, 2]) as tf.Tensor4D, [7, 10], false, true));
  });

  const shippedGradients: [string, (x: tf.Tensor) => tf.Tensor, number[]][] = [
    ['resizeBilinear, square, batch 2', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [9, 9]), [2, 5, 5, 3]],
    ['maxPool 3x3 stride 2 same', (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), [2, 9, 8, 3]],
    ['maxPool 2x2 stride 2 valid', (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), [1, 8, 7, 2]],
    ['avgPool 3x3 stride 1 same', (x) => tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'), [1, 7, 6, 2]],
    ['avgPool 2x2 stride 2 valid', (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [2, 6, 7, 3]],
    ['pad + slice + concat', (x) => tf.concat([tf.pad(x, [[0, 0], [1, 2], [0, 1], [0, 0]]), tf.pad(x, [[0, 0], [0, 3], [1, 0], [0, 0]])], 3), [1, 4, 5, 2]],
    ['sigmoid, softmax, exp', (x) => tf.add(tf.softmax(tf.sigmoid(x)), tf.exp(tf.mul(x, 0.5))), [3, 7]],
  ];
  for (const [name, f, shape] of shippedGradients) {
    test(`${name} gradient`, async () => {
      await assertSameAsCpu(name, () => weightedGradient(f, rand(shape)));
    });
  }

  test('a small MobileNet-like network: input gradient end to end', async () => {
    await assertSameAsCpu(
      'network input gradient',
      () => {
        const conv0 = rand([3, 3, 3, 8], -0.5, 0.5) as tf.Tensor4D;
        const depthwise = rand([3, 3, 8, 1], -0.5, 0.5) as tf.Tensor4D;
        const pointwise = rand([1, 1, 8, 12], -0.5, 0.5) as tf.Tensor4D;
        const head = rand([3, 3, 12, 4], -0.5, 0.5) as tf.Tensor4D;
        const bias = rand([8], -0.1, 0.1);
        const network = (image: tf.Tensor) => {
          const resized = tf.image.resizeBilinear(image as tf.Tensor4D, [33, 33]);
          let h = tf.clipByValue(tf.add(tf.conv2d(tf.sub(tf.mul(resized, 2), 1) as tf.Tensor4D, conv0, 2, 'same'), bias), 0, 6) as tf.Tensor4D;
          h = tf.relu6(tf.depthwiseConv2d(h, depthwise, 2, 'same'));
          h = tf.leakyRelu(tf.conv2d(h, pointwise, 1, 'same'), 0.1);
          h = tf.maxPool(h, 2, 1, 'same');
          const scores = tf.sigmoid(tf.reshape(tf.conv2d(h, head, 1, 'valid'), [2, -1]));
          return tf.gather(scores, tf.tensor1d([0, 5, 5, 9], 'int32'), 1);
        };
        // Square input: the cpu backend's resizeBilinear gradient fails for non-square images.
        return weightedGradient(network, rand([2, 40, 40, 3], 0, 1));
      },
      1e-4,
    );
  });
});
