// The frozen fused convolution against the plain tfjs chain it replaces (conv, bias add,
// activation), value and input gradient, for every activation and padding the detectors use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { frozenFusedConv, type FrozenActivation, type FrozenConvSpec } from '../../src/detectors/frozenFusedConv.js';
import { randomValues, torchSkipReason } from '../engine/torchSupport.js';

const random = (seed: number, shape: number[], low = -1, high = 1) => tf.tensor(randomValues(seed, shape.reduce((a, b) => a * b, 1), low, high), shape);

function plain(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, spec: FrozenConvSpec, activation: FrozenActivation): tf.Tensor4D {
  const pad = spec.pad ?? 0;
  const y = tf.add(spec.depthwise ? tf.depthwiseConv2d(x, filter, spec.stride ?? 1, pad) : tf.conv2d(x, filter, spec.stride ?? 1, pad), bias) as tf.Tensor4D;
  if (activation === 'relu') return tf.relu(y);
  if (activation === 'relu6') return tf.clipByValue(y, 0, 6);
  if (activation === 'leakyrelu') return tf.leakyRelu(y, 0.1);
  return y;
}

const cases: { spec: FrozenConvSpec; activation: FrozenActivation; depthwise?: boolean }[] = [
  { spec: { stride: 2, pad: 'same' }, activation: 'relu6' },
  { spec: { stride: 2, pad: 'same', depthwise: true }, activation: 'relu6' },
  { spec: { stride: 1, pad: 'same' }, activation: 'linear' },
  { spec: { stride: 1, pad: 1 }, activation: 'relu' },
  { spec: { stride: 2, pad: 1, depthwise: true }, activation: 'leakyrelu' },
  { spec: { stride: 1, pad: 'valid' }, activation: 'relu' },
];

for (const backend of ['torch', 'cpu']) for (const { spec, activation } of cases) {
  test(`frozen fused conv on ${backend}, ${JSON.stringify(spec)} ${activation}: value and input gradient equal the plain ops`, { skip: backend === 'torch' ? torchSkipReason : undefined }, async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      tf.tidy(() => {
        const channels = 4;
        const x = random(1, [2, 9, 10, channels], -3, 9) as tf.Tensor4D;
        const filter = random(2, spec.depthwise ? [3, 3, channels, 1] : [3, 3, channels, 5], -1, 1.5) as tf.Tensor4D;
        const bias = random(3, [spec.depthwise ? channels : 5]) as tf.Tensor1D;
        const fast = frozenFusedConv(x, filter, bias, spec, activation);
        const slow = plain(x, filter, bias, spec, activation);
        assert.deepEqual(fast.shape, slow.shape);
        assert.ok(tf.max(tf.abs(tf.sub(fast, slow))).dataSync()[0]! < 1e-4);
        if (activation === 'relu6') assert.ok(tf.sum(tf.greater(slow, 5.999)).dataSync()[0]! > 0, 'the test exercises the upper clip');
        const upstream = random(4, slow.shape);
        const gradient = (f: (t: tf.Tensor4D) => tf.Tensor4D) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), upstream)) as tf.Scalar)(x);
        const gFast = gradient((t) => frozenFusedConv(t, filter, bias, spec, activation));
        const gSlow = gradient((t) => plain(t, filter, bias, spec, activation));
        assert.ok(tf.max(tf.abs(tf.sub(gFast, gSlow))).dataSync()[0]! < 1e-4, 'input gradient');
      });
    } finally {
      await tf.setBackend(previous);
    }
  });
}
