// The fast SLN layers (folded batch norm with an input-only gradient in eval, a hand-written
// batch-norm gradient in training, native bilinear upsampling on torch) against the plain tfjs
// formulation they replace, forward and backward.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../../../src/detectors/sln/params.js';
import { batchNormTrain, conv, convBn, defineBatchNorm, defineConv, upsample2x, type ConvSpec } from '../../../src/detectors/sln/layers.js';

/** The x2 half-pixel interpolation along one axis as an [out, n] matrix (the oracle). */
function upsampleMatrix(n: number, out: number): tf.Tensor2D {
  const m = new Float32Array(out * n);
  const clamp = (i: number) => Math.min(n - 1, Math.max(0, i));
  for (let o = 0; o < out; o++) {
    const i = o >> 1;
    m[o * n + clamp(i)]! += 0.75;
    m[o * n + (o % 2 === 0 ? clamp(i - 1) : clamp(i + 1))]! += 0.25;
  }
  return tf.tensor2d(m, [out, n]);
}

/** out = R x C^T per image and channel; its adjoint is dx = R^T dy C. */
function upsampleByMatrices(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const byRows = tf.einsum('Hh,bhwc->bHwc', upsampleMatrix(x.shape[1], height), x);
  return tf.einsum('Ww,bHwc->bHWc', upsampleMatrix(x.shape[2], width), byRows) as tf.Tensor4D;
}

function upsampleAdjointByMatrices(dy: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const byRows = tf.einsum('Hh,bHWc->bhWc', upsampleMatrix(h, dy.shape[1]), dy);
  return tf.einsum('Ww,bhWc->bhwc', upsampleMatrix(w, dy.shape[2]), byRows) as tf.Tensor4D;
}
import { randomValues, torchSkipReason } from '../../engine/torchSupport.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

function randomTensor(seed: number, shape: number[], low = -1, high = 1): tf.Tensor {
  return tf.tensor(randomValues(seed, shape.reduce((a, b) => a * b, 1), low, high), shape);
}

/** A store with one conv + batch norm whose statistics are not the identity. */
function convBnStore(inChannels: number, outChannels: number, spec: ConvSpec): ParamStore {
  const store = new ParamStore(3);
  defineConv(store, 'c', inChannels, outChannels, spec);
  defineBatchNorm(store, 'bn', outChannels);
  const channels = outChannels;
  store.get('bn.weight').assign(randomTensor(11, [channels], 0.5, 1.5) as tf.Tensor1D);
  store.get('bn.bias').assign(randomTensor(12, [channels]) as tf.Tensor1D);
  store.get('bn.running_mean').assign(randomTensor(13, [channels], -0.3, 0.3) as tf.Tensor1D);
  store.get('bn.running_var').assign(randomTensor(14, [channels], 0.5, 2) as tf.Tensor1D);
  return store;
}

/** conv -> eval batch norm -> activation written with plain ops (autograd does the backward). */
function reference(store: ParamStore, x: tf.Tensor4D, spec: ConvSpec, activation: 'linear' | 'relu' | 'leakyrelu'): tf.Tensor4D {
  const pad = spec.pad ?? 0;
  const padded = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
  const w = store.get('c.weight') as tf.Tensor4D;
  const y = spec.depthwise ? tf.depthwiseConv2d(padded, w, spec.stride ?? 1, 'valid') : tf.conv2d(padded, w, spec.stride ?? 1, 'valid');
  const bn = tf.batchNorm(y, store.get('bn.running_mean'), store.get('bn.running_var'), store.get('bn.bias'), store.get('bn.weight'), 1e-5) as tf.Tensor4D;
  if (activation === 'relu') return tf.relu(bn);
  if (activation === 'leakyrelu') return tf.leakyRelu(bn, 0.1);
  return bn;
}

const cases: { label: string; inChannels: number; outChannels: number; spec: ConvSpec; activation: 'linear' | 'relu' | 'leakyrelu' }[] = [
  { label: '3x3 stride 1 pad 1 relu', inChannels: 3, outChannels: 5, spec: { kernel: 3, pad: 1 }, activation: 'relu' },
  { label: '3x3 stride 2 pad 1 linear', inChannels: 4, outChannels: 6, spec: { kernel: 3, stride: 2, pad: 1 }, activation: 'linear' },
  { label: '7x7 stride 2 pad 3 relu', inChannels: 3, outChannels: 4, spec: { kernel: 7, stride: 2, pad: 3 }, activation: 'relu' },
  { label: '1x1 stride 2 linear', inChannels: 4, outChannels: 8, spec: { kernel: 1, stride: 2 }, activation: 'linear' },
  { label: 'depthwise 3x3 stride 2 leaky', inChannels: 6, outChannels: 6, spec: { kernel: 3, stride: 2, pad: 1, depthwise: true }, activation: 'leakyrelu' },
];

for (const c of cases) {
  test(`eval convBn (${c.label}) equals conv + batch norm, value and input gradient`, { skip: torchSkipReason }, () => {
    const store = convBnStore(c.inChannels, c.outChannels, c.spec);
    const x = randomTensor(7, [2, 9, 11, c.inChannels]) as tf.Tensor4D;
    const upstream = tf.tidy(() => randomTensor(8, reference(store, x, c.spec, c.activation).shape));
    const objective = (f: (x: tf.Tensor4D) => tf.Tensor4D) => (input: tf.Tensor) => tf.sum(tf.mul(f(input as tf.Tensor4D), upstream)) as tf.Scalar;
    const fast = (input: tf.Tensor4D) => convBn(store, 'c', 'bn', input, c.spec, 'eval', c.activation);
    const slow = (input: tf.Tensor4D) => reference(store, input, c.spec, c.activation);
    tf.tidy(() => {
      assert.ok(maxAbsDiff(fast(x), slow(x)) < 1e-5, 'forward');
      const gFast = tf.grad(objective(fast))(x);
      const gSlow = tf.grad(objective(slow))(x);
      assert.ok(maxAbsDiff(gFast, gSlow) < 1e-4, `input gradient differs by ${maxAbsDiff(gFast, gSlow)}`);
    });
    store.dispose();
    x.dispose();
    upstream.dispose();
  });
}

test('eval convBn: the folded weights are cached, and recomputed when a weight or statistic changes', { skip: torchSkipReason }, () => {
  const spec: ConvSpec = { kernel: 3, pad: 1 };
  const store = convBnStore(3, 4, spec);
  const x = randomTensor(17, [1, 6, 5, 3]) as tf.Tensor4D;
  tf.tidy(() => assert.ok(maxAbsDiff(convBn(store, 'c', 'bn', x, spec, 'eval'), reference(store, x, spec, 'linear')) < 1e-5));
  const cached = tf.memory().numTensors;
  tf.tidy(() => { convBn(store, 'c', 'bn', x, spec, 'eval'); });
  assert.equal(tf.memory().numTensors, cached, 'a second call reuses the fold');
  tf.tidy(() => store.get('bn.running_mean').assign(randomTensor(18, [4]) as tf.Tensor1D));
  tf.tidy(() => assert.ok(maxAbsDiff(convBn(store, 'c', 'bn', x, spec, 'eval'), reference(store, x, spec, 'linear')) < 1e-5, 'new statistics'));
  tf.tidy(() => store.get('c.weight').assign(randomTensor(19, [3, 3, 3, 4]) as tf.Tensor4D));
  tf.tidy(() => assert.ok(maxAbsDiff(convBn(store, 'c', 'bn', x, spec, 'eval'), reference(store, x, spec, 'linear')) < 1e-5, 'new filter'));
  assert.equal(tf.memory().numTensors, cached, 'stale folds are freed');
  store.dispose();
  x.dispose();
});

test('eval conv with bias and relu: input gradient survives an inner tidy and matches plain ops', { skip: torchSkipReason }, () => {
  const store = new ParamStore(5);
  defineConv(store, 'h', 4, 3, { kernel: 3, pad: 1, bias: true });
  store.get('h.bias').assign(randomTensor(21, [3]) as tf.Tensor1D);
  const x = randomTensor(9, [1, 6, 7, 4]) as tf.Tensor4D;
  tf.tidy(() => {
    const fast = tf.grad((input: tf.Tensor) => tf.tidy(() => tf.sum(conv(store, 'h', input as tf.Tensor4D, { kernel: 3, pad: 1, bias: true }, 'eval', 'relu'))) as tf.Scalar)(x);
    const slow = tf.grad((input: tf.Tensor) => tf.sum(tf.relu(tf.add(tf.conv2d(input as tf.Tensor4D, store.get('h.weight') as tf.Tensor4D, 1, 'same'), store.get('h.bias')))) as tf.Scalar)(x);
    assert.ok(maxAbsDiff(fast, slow) < 1e-5);
  });
  store.dispose();
  x.dispose();
});

test('training batch norm: hand-written gradient equals autograd of moments + batchNorm, running stats as PyTorch', { skip: torchSkipReason }, () => {
  const channels = 5;
  const make = () => {
    const store = new ParamStore(1);
    defineBatchNorm(store, 'bn', channels);
    store.get('bn.weight').assign(randomTensor(31, [channels], 0.5, 1.5) as tf.Tensor1D);
    store.get('bn.bias').assign(randomTensor(32, [channels]) as tf.Tensor1D);
    return store;
  };
  const fastStore = make();
  const slowStore = make();
  const x = randomTensor(33, [2, 4, 6, channels], -2, 3) as tf.Tensor4D;
  const upstream = randomTensor(34, x.shape);
  const slowBn = (input: tf.Tensor4D): tf.Tensor4D => {
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    return tf.batchNorm(input, mean, variance, slowStore.get('bn.bias'), slowStore.get('bn.weight'), 1e-5) as tf.Tensor4D;
  };
  tf.tidy(() => {
    const fastValue = tf.variableGrads(() => tf.sum(tf.mul(batchNormTrain(fastStore, 'bn', x), upstream)) as tf.Scalar, [fastStore.get('bn.weight'), fastStore.get('bn.bias')]);
    const slowValue = tf.variableGrads(() => tf.sum(tf.mul(slowBn(x), upstream)) as tf.Scalar, [slowStore.get('bn.weight'), slowStore.get('bn.bias')]);
    assert.ok(Math.abs((fastValue.value.dataSync()[0] as number) - (slowValue.value.dataSync()[0] as number)) < 1e-3);
    for (const name of ['bn.weight', 'bn.bias']) {
      const d = maxAbsDiff(fastValue.grads[fastStore.get(name).name] as tf.Tensor, slowValue.grads[slowStore.get(name).name] as tf.Tensor);
      assert.ok(d < 1e-3, `${name} gradient differs by ${d}`);
    }
    const dxFast = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(fastStore, 'bn', input as tf.Tensor4D), upstream)) as tf.Scalar)(x);
    const dxSlow = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(slowBn(input as tf.Tensor4D), upstream)) as tf.Scalar)(x);
    assert.ok(maxAbsDiff(dxFast, dxSlow) < 1e-4, `input gradient differs by ${maxAbsDiff(dxFast, dxSlow)}`);
  });
  // running averages after the two calls above: mean (1 - 0.9^2) * batch mean, var 0.9^2 + (1 - 0.9^2) * unbiased var
  tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const n = x.size / channels;
    const decay = 0.9 ** 2;
    assert.ok(maxAbsDiff(fastStore.get('bn.running_mean'), tf.mul(mean, 1 - decay)) < 1e-5);
    assert.ok(maxAbsDiff(fastStore.get('bn.running_var'), tf.add(decay, tf.mul(variance, ((1 - decay) * n) / (n - 1)))) < 1e-4);
  });
  fastStore.dispose();
  slowStore.dispose();
  x.dispose();
  upstream.dispose();
});

for (const backend of ['torch', 'cpu']) {
  for (const [h, w, height, width] of [[3, 5, 6, 9], [4, 4, 8, 8], [1, 2, 2, 3], [5, 3, 9, 6]]) {
    test(`x2 upsampling on ${backend}, ${h}x${w} -> ${height}x${width}: equals the interpolation matrices, value and gradient`, { skip: backend === 'torch' ? torchSkipReason : undefined }, async () => {
      const previous = tf.getBackend();
      await tf.setBackend(backend);
      try {
        tf.tidy(() => {
          const x = randomTensor(41, [2, h!, w!, 3]) as tf.Tensor4D;
          const upstream = randomTensor(42, [2, height!, width!, 3]);
          assert.ok(maxAbsDiff(upsample2x(x, height!, width!), upsampleByMatrices(x, height!, width!)) < 1e-5, 'value');
          const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(upsample2x(t as tf.Tensor4D, height!, width!), upstream)) as tf.Scalar)(x);
          const oracle = upsampleAdjointByMatrices(upstream as tf.Tensor4D, h!, w!);
          assert.ok(maxAbsDiff(g, oracle) < 1e-5, `gradient differs by ${maxAbsDiff(g, oracle)}`);
        });
      } finally {
        await tf.setBackend(previous);
      }
    });
  }
}
