// The cache of transformed (flipped/transposed) filters behind the wasm input-gradient kernels:
// entries are reused, keyed by shape as well as data, and freed once their filter is disposed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { clearTransformedFilterCache, transformedFilterCacheSize } from '../../../src/engine/wasm/index.js';
import { assertSameAsCpu, rand, weightedGradient } from './wasmSupport.js';

const inputGradient = (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.grad((input: tf.Tensor) => tf.sum(tf.conv2d(input as tf.Tensor4D, filter, 1, 'same')))(x);

describe('wasm transformed-filter cache', () => {
  test('one entry per filter, reused, freed after the filter is disposed', () => {
    clearTransformedFilterCache();
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const first = tf.ones([3, 3, 2, 4]) as tf.Tensor4D;
    const firstGradient = inputGradient(x, first);
    inputGradient(x, first).dispose();
    assert.equal(transformedFilterCacheSize(), 1);
    first.dispose();
    const second = tf.ones([3, 3, 2, 3]) as tf.Tensor4D;
    inputGradient(x, second).dispose();
    assert.equal(transformedFilterCacheSize(), 1, 'the disposed filter should have been swept');
    // An interior pixel of the all-ones case receives 3*3*4 (filter taps times output channels).
    assert.equal(firstGradient.dataSync()[2 * 5 * 2 + 2 * 2], 36);
    tf.dispose([x, second, firstGradient]);
    clearTransformedFilterCache();
    assert.equal(transformedFilterCacheSize(), 0);
  });

  test('a reshaped filter (same data, another shape) gets its own transform', async () => {
    await assertSameAsCpu('reshaped filters', () => {
      const filter = rand([1, 1, 8, 2]) as tf.Tensor4D;
      const reshaped = tf.reshape(filter, [1, 1, 4, 4]) as tf.Tensor4D;
      return [
        weightedGradient((x) => tf.conv2d(x as tf.Tensor4D, filter, 1, 'same'), rand([1, 3, 4, 8])),
        weightedGradient((x) => tf.conv2d(x as tf.Tensor4D, reshaped, 1, 'same'), rand([1, 3, 4, 4])),
        weightedGradient((x) => tf.conv2d(x as tf.Tensor4D, filter, 1, 'same'), rand([1, 3, 4, 8])),
      ];
    });
  });
});
