// The frozen fused convolution on the tuned wasm backend (its one-pass activation-gradient kernel
// included) against the cpu backend: value and input gradient, every activation the detectors use.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { frozenFusedConv, type FrozenActivation, type FrozenConvSpec } from '../../../src/detectors/frozenFusedConv.js';
import { assertSameAsCpu, rand, weightedGradient } from './wasmSupport.js';

const cases: { spec: FrozenConvSpec; activation: FrozenActivation }[] = [
  { spec: { stride: 2, pad: 'same' }, activation: 'relu6' },
  { spec: { stride: 2, pad: 'same', depthwise: true }, activation: 'relu6' },
  { spec: { stride: 1, pad: 1 }, activation: 'relu' },
  { spec: { stride: 2, pad: 1, depthwise: true }, activation: 'leakyrelu' },
  { spec: { stride: 1, pad: 'valid' }, activation: 'linear' },
];

for (const { spec, activation } of cases) {
  test(`frozen fused conv ${JSON.stringify(spec)} ${activation}: wasm equals cpu, value and input gradient`, async () => {
    await assertSameAsCpu(`frozen conv ${activation}`, () => {
      const x = rand([2, 9, 10, 4], -3, 9);
      const filter = rand(spec.depthwise ? [3, 3, 4, 1] : [3, 3, 4, 5], -1, 1.5) as tf.Tensor4D;
      const bias = rand([spec.depthwise ? 4 : 5]) as tf.Tensor1D;
      const f = (t: tf.Tensor) => frozenFusedConv(t as tf.Tensor4D, filter, bias, spec, activation, 0.1);
      return [f(x), weightedGradient(f, x)];
    }, 1e-4);
  });
}
