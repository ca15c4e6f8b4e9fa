// Input gradients of a ULFD detector (resize, normalisation, the imported graph, score picking)
// against central finite differences at the pixels with the largest gradients.
//
// The step is small (3e-4 in [0, 1] units): the network is piecewise linear (ReLU) and each input
// pixel reaches ~100 model pixels after upsampling, so steps of 1e-2 cross ReLU kinks and the
// difference quotient is off by 10-30%; at 3e-4 the float32 rounding of the summed scores still
// leaves the quotient within ~1% at these pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createDetector } from '../../../src/detectors/registry.js';
import { requireShared } from '../../helpers/shared.js';
import { seededValues } from '../onnx/helpers/onnxBuilder.js';

await tf.setBackend('cpu');

test('ulfd-rfb-320: d(sum of face scores)/d(pixels) of a non-square image matches central differences', async (t) => {
  if (!requireShared(t, 'models', 'ulfd', 'version-RFB-320_without_postprocessing.onnx')) return;
  const detector = await createDetector('ulfd-rfb-320');
  const [H, W] = [24, 32];
  const base = Float32Array.from(seededValues(H * W * 3, 7), (v) => (v + 1) / 2);
  const loss = (x: tf.Tensor) => tf.tidy(() => tf.sum(detector.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar);
  const gradient = tf.grad(loss)(tf.tensor4d(base, [1, H, W, 3]));
  const g = gradient.dataSync();
  gradient.dispose();
  assert.ok(g.every(Number.isFinite), 'finite gradient');
  const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
  assert.ok(Math.abs(g[order[0]]) > 0.1, `gradient is (near) zero: max |g| ${Math.abs(g[order[0]])}`);
  const eps = 3e-4;
  for (const index of order.slice(0, 3)) {
    const at = (delta: number) => {
      const x = Float32Array.from(base);
      x[index] += delta;
      return tf.tidy(() => loss(tf.tensor4d(x, [1, H, W, 3])).dataSync()[0]);
    };
    const difference = (at(eps) - at(-eps)) / (2 * eps);
    const relative = Math.abs(difference - g[index]) / Math.abs(g[index]);
    assert.ok(relative < 5e-2, `pixel ${index}: gradient ${g[index]}, central difference ${difference} (relative error ${relative.toFixed(3)})`);
  }
  detector.dispose();
});
