// forwardRaw's differentiability w.r.t. the input pixels (O-Net scores of the windows stages 1-2
// chose, patches cut differentiably), checked against central finite differences with the windows
// held fixed; its raw outputs' layout; and tensor hygiene.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { nodeModulePath, sharedPath } from '../../../src/config/paths.js';
import { MtcnnDetector, type WindowBox } from '../../../src/detectors/mtcnn/index.js';
import { requireShared } from '../../helpers/shared.js';
import { WEIGHTS } from './mtcnnFixtures.js';

await tf.setBackend('cpu');

// A 72x64 crop of sample1.jpg (at 480 px) around one face, so every pass is quick.
const [HEIGHT, WIDTH] = [72, 64];
let detector: MtcnnDetector | undefined;
let pixels: Float32Array | undefined;

before(async () => {
  const { data } = await sharp(nodeModulePath('@vladmandic/face-api', 'demo', 'sample1.jpg'))
    .resize(480)
    .extract({ left: 94, top: 82, width: WIDTH, height: HEIGHT })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  pixels = Float32Array.from(data, (v) => v / 255);
  try {
    detector = MtcnnDetector.fromManifest(sharedPath(...WEIGHTS));
  } catch {
    /* reported by requireShared */
  }
});
after(() => detector?.dispose());

function ready(t: import('node:test').TestContext): boolean {
  return requireShared(t, ...WEIGHTS) !== undefined && detector !== undefined;
}

const image = (data = pixels!) => tf.tensor4d(data, [1, HEIGHT, WIDTH, 3]);

test('the gradient of the summed final scores is finite, non-zero and matches central differences (windows fixed)', (t) => {
  if (!ready(t)) return;
  const input = image();
  const windows: WindowBox[][] = detector!.selectWindows(input).map((list) => list.map((w) => w.box));
  assert.ok(windows[0].length >= 1, 'the cascade passes at least one window to O-Net');
  t.diagnostic(`${windows[0].length} windows`);
  const summed = (x: tf.Tensor) => tf.sum(detector!.scoreWindows(x as tf.Tensor4D, windows).scores) as tf.Scalar;
  const g = tf.tidy(() => tf.grad(summed)(input).dataSync());
  assert.ok(g.every(Number.isFinite), 'finite');
  const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]));
  assert.ok(Math.abs(g[order[0]]) > 1e-3, `non-zero (largest ${g[order[0]]})`);

  // forwardRaw's own gradient is the same: at this image it picks the same windows.
  const viaForwardRaw = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(detector!.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar)(input).dataSync());
  const worst = Math.max(...Array.from(g, (v, i) => Math.abs(v - viaForwardRaw[i])));
  assert.ok(worst < 1e-6, `forwardRaw gradient differs by ${worst}`);

  const eps = 1e-3;
  const f = (i: number, delta: number) =>
    tf.tidy(() => {
      const shifted = pixels!.slice();
      shifted[i] += delta;
      return summed(image(shifted)).dataSync()[0];
    });
  // The strongest pixels and some ordinary ones with a visible gradient.
  const ordinary = order.filter((i) => Math.abs(g[i]) > 0.1 * Math.abs(g[order[0]])).filter((_, k) => k % 97 === 5).slice(0, 4);
  for (const i of [...order.slice(0, 4), ...ordinary]) {
    const numeric = (f(i, eps) - f(i, -eps)) / (2 * eps);
    t.diagnostic(`pixel ${i}: analytic ${g[i].toExponential(4)}, numeric ${numeric.toExponential(4)}`);
    assert.ok(Math.abs(numeric - g[i]) <= 0.05 * Math.abs(g[i]) + 2e-3, `pixel ${i}: analytic ${g[i]}, numeric ${numeric}`);
  }
  input.dispose();
});

test('raw outputs: anchors are the O-Net windows, boxes their regressed squares, other images score 0', (t) => {
  if (!ready(t)) return;
  const face = image();
  const blank = tf.fill([1, HEIGHT, WIDTH, 3], 0.5) as tf.Tensor4D;
  const batch = tf.concat([blank, face]) as tf.Tensor4D;
  const windows = detector!.selectWindows(batch);
  assert.deepEqual(windows[0], [], 'no windows on a blank image');
  const raw = detector!.forwardRaw(batch);
  const alone = detector!.forwardRaw(face);
  const count = windows[1].length;
  assert.deepEqual(raw.anchors.shape, [count, 4]);
  assert.deepEqual(raw.scores.shape, [2, count]);
  assert.deepEqual(raw.boxes.shape, [2, count, 4]);
  assert.deepEqual(Array.from(raw.anchors.dataSync()), windows[1].flatMap((w) => [w.box.left, w.box.top, w.box.right, w.box.bottom]));
  const scores = raw.scores.arraySync();
  const boxes = raw.boxes.arraySync();
  const aloneScores = alone.scores.arraySync()[0];
  const aloneBoxes = alone.boxes.arraySync()[0];
  assert.deepEqual(scores[0], new Array(count).fill(0), "the blank image's row");
  assert.deepEqual(boxes[0], raw.anchors.arraySync(), "boxes of other images' windows are the windows");
  scores[1].forEach((s, a) => assert.ok(Math.abs(s - aloneScores[a]) < 1e-6));
  boxes[1].forEach((b, a) => {
    assert.ok(Math.abs(b[2] - b[0] - (b[3] - b[1])) < 1e-3, 'square');
    b.forEach((v, k) => assert.ok(Math.abs(v - aloneBoxes[a][k]) < 1e-4));
  });
  tf.dispose([face, blank, batch, raw.anchors, raw.scores, raw.boxes, alone.anchors, alone.scores, alone.boxes]);
});

test('no windows: empty outputs whose gradient is zero rather than an error', (t) => {
  if (!ready(t)) return;
  const blank = tf.fill([1, HEIGHT, WIDTH, 3], 0.5) as tf.Tensor4D;
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(detector!.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar)(blank).dataSync());
  assert.equal(g.length, HEIGHT * WIDTH * 3);
  assert.ok(g.every((v) => v === 0));
  blank.dispose();
});

test('repeated forwardRaw, gradients and detect keep the tensor count flat', async (t) => {
  if (!ready(t)) return;
  const input = image();
  const step = () =>
    tf.tidy(() => {
      const raw = detector!.forwardRaw(input);
      tf.sum(raw.scores).dataSync();
      tf.grad((x: tf.Tensor) => tf.sum(detector!.forwardRaw(x as tf.Tensor4D).scores) as tf.Scalar)(input).dataSync();
    });
  step();
  await detector!.detect(input);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    step();
    await detector!.detect(input);
  }
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
});
