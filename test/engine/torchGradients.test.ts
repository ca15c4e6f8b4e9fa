// Gradients through small convnets on the torch backend against the cpu backend, and the leak
// check: tfjs's tensor count and the addon's live-tensor count stay flat over 1,000 steps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertSameAsCpu, rand, torch, torchSkipReason } from './torchSupport.js';

/** A detector-shaped convnet: strided convs, depthwise, norm, pooling, upsampling, a head. */
function convnet(x: tf.Tensor4D, w: tf.Tensor[]): tf.Tensor {
  const [w1, b1, dw, scale, w2, w3, head] = w as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D];
  let y: tf.Tensor4D = tf.conv2d(x, w1, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  y = tf.relu(tf.add(y, b1)) as tf.Tensor4D;
  y = tf.depthwiseConv2d(y, dw, 1, 'same');
  const { mean, variance } = tf.moments(y, [0, 1, 2]);
  // (an undefined offset breaks tfjs's tape, so pass zeros)
  y = tf.batchNorm(y, mean, variance, tf.zerosLike(scale), scale, 1e-3) as tf.Tensor4D;
  y = tf.leakyRelu(y, 0.1);
  const pooled = tf.maxPool(y, 3, 2, 'same');
  const averaged = tf.avgPool(y, 2, 2, 'valid');
  y = tf.concat([pooled, averaged], 3);
  y = tf.conv2d(y, w2, 1, 'same');
  // (nearest-neighbour resizing is left out: tfjs's cpu gradient of it is wrong for batch > 1)
  y = tf.sigmoid(tf.conv2d(tf.image.resizeBilinear(y, [9, 7]), w3, 1, 'valid'));
  const flat = tf.reshape(y, [y.shape[0], -1]);
  const logits = tf.matMul(flat, head);
  const probs = tf.softmax(logits);
  const picked = tf.gather(probs, tf.tensor1d([1, 0, 1], 'int32'), 1);
  return tf.add(tf.sum(tf.square(picked)), tf.mean(tf.elu(tf.slice(logits, [0, 0], [-1, 2]))));
}

function weights(): tf.Tensor[] {
  return [
    rand([3, 3, 3, 6], -0.5, 0.5),
    rand([6], -0.1, 0.1),
    rand([3, 3, 6, 1], -0.5, 0.5),
    rand([6], 0.5, 1.5),
    rand([3, 3, 12, 4], -0.3, 0.3),
    rand([3, 3, 4, 2], -0.3, 0.3),
    rand([7 * 5 * 2, 3], -0.3, 0.3),
  ];
}

describe('torch backend gradients vs cpu', { skip: torchSkipReason }, () => {
  test('gradients of a small convnet w.r.t. its input and every weight', () =>
    assertSameAsCpu(
      'convnet gradients',
      () => {
        const x = rand([2, 16, 16, 3], 0, 1) as tf.Tensor4D;
        const w = weights();
        const { value, grads } = tf.valueAndGrads((input: tf.Tensor, ...params: tf.Tensor[]) =>
          convnet(input as tf.Tensor4D, params),
        )([x, ...w]);
        return [value, ...grads];
      },
      { atol: 1e-4, rtol: 1e-3 },
    ));

  test('fused conv2d with bias under tf.grad', () =>
    assertSameAsCpu('fused conv grads', () => {
      const x = rand([2, 9, 9, 3]) as tf.Tensor4D;
      const filter = rand([3, 3, 3, 4]) as tf.Tensor4D;
      const bias = rand([4]);
      return tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, bias: b, strides: 2, pad: 'same', activation: 'relu' })),
      )([x, filter, bias]);
    }));

  test('an Adam step on variables matches', () =>
    assertSameAsCpu('adam', () => {
      const variables = weights().map((w) => tf.variable(w));
      const optimizer = tf.train.adam(0.01);
      const x = rand([2, 16, 16, 3], 0, 1) as tf.Tensor4D;
      for (let step = 0; step < 3; step++) {
        optimizer.minimize(() => convnet(x, variables) as tf.Scalar);
      }
      const values = variables.map((v) => v.clone());
      optimizer.dispose();
      variables.forEach((v) => v.dispose());
      return values;
    }, { atol: 1e-4, rtol: 1e-3 }));
});

describe('torch backend memory', { skip: torchSkipReason }, () => {
  test('tensor and native counts stay flat over 1,000 gradient steps', async () => {
    await tf.setBackend('torch');
    const x = tf.keep(rand([1, 8, 8, 3], 0, 1));
    const variables = weights().map((w) => tf.variable(w));
    const optimizer = tf.train.sgd(0.001);
    const step = () => {
      tf.tidy(() => {
        const g = tf.grad((input: tf.Tensor) => convnet(input as tf.Tensor4D, variables))(x);
        g.dataSync();
      });
      optimizer.minimize(() => convnet(x as tf.Tensor4D, variables) as tf.Scalar);
    };
    step(); // the optimizer creates its state on the first step
    const tensorsBefore = tf.memory().numTensors;
    const nativeBefore = torch!.nativeLiveTensorCount();
    for (let i = 0; i < 1000; i++) step();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'tfjs tensors');
    assert.equal(torch!.nativeLiveTensorCount(), nativeBefore, 'native tensors');
    optimizer.dispose();
    variables.forEach((v) => v.dispose());
    x.dispose();
  });
});
