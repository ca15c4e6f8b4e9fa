// The generic ONNX face detector: config validation, the "onnx:" resolver, and forwardRaw of a
// hand-built SSD-style model checked against onnxruntime plus an independent decoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createDetector } from '../../../src/detectors/registry.js';
import { parseOnnxDetectorConfig, readOnnxDetectorConfig } from '../../../src/detectors/onnx/index.js';
import { FacepatchError, InputFileError } from '../../../src/util/errors.js';
import { requireShared } from '../../helpers/shared.js';
import { buildModel, int, ints, seededValues } from './helpers/onnxBuilder.js';
import { maxAbsDiff, runOnnxRuntime } from './helpers/ortOracle.js';

await tf.setBackend('cpu');

const dir = mkdtempSync(join(tmpdir(), 'facepatch-onnx-detector-'));

test('config validation names the source and the field', () => {
  const valid = {
    scores: { output: 'scores' },
    boxes: { output: 'boxes', encoding: 'ssd' },
    priors: { strides: [8], minSizes: [[10]] },
  };
  assert.doesNotThrow(() => parseOnnxDetectorConfig(valid, 'cfg.json'));
  const cases: [unknown, RegExp][] = [
    [{ ...valid, extra: 1 }, /cfg\.json: detector config field "extra": unknown field/],
    [{ ...valid, priors: undefined }, /field "priors": required when boxes.encoding is "ssd"/],
    [{ ...valid, scores: { output: 'scores', faceIndex: -1 } }, /field "scores.faceIndex"/],
    [{ ...valid, input: { mean: [1, 2] } }, /field "input.mean": expected a number or a list of three/],
    [{ ...valid, boxes: { output: 'boxes', encoding: 'yolo' } }, /field "boxes.encoding": expected one of ssd, corners/],
    [{ ...valid, priors: { strides: [8, 16], minSizes: [[10]] } }, /field "priors.minSizes"/],
    [[1, 2], /field "\(top level\)"/],
  ];
  for (const [config, pattern] of cases) {
    assert.throws(() => parseOnnxDetectorConfig(config, 'cfg.json'), (e: unknown) => e instanceof InputFileError && pattern.test((e as Error).message), String(pattern));
  }
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{\n  "scores": {"output": "s"},\n  "boxes": oops\n}\n');
  assert.throws(() => readOnnxDetectorConfig(broken), (e: unknown) => e instanceof InputFileError && e.file === broken && e.line === 3);
  assert.throws(() => readOnnxDetectorConfig(join(dir, 'missing.json')), /missing\.json: cannot read the detector config/);
});

test('createDetector("onnx:...") needs a file and a config', async () => {
  await assert.rejects(createDetector('onnx:'), (e: unknown) => e instanceof FacepatchError && /needs a model file/.test((e as Error).message));
  await assert.rejects(createDetector('onnx:/some/model.onnx'), /needs a detector config/);
});

// A tiny SSD-style detector: 8x8 input, one 3x3 stride-4 conv giving 2 class logits and 4 offsets
// per cell (2x2 cells, one prior each), softmax over classes; input named "image".
// With nhwc, the input is declared [1, 8, 8, 3] and transposed to NCHW first (TensorFlow-style).
function tinyDetectorModel(nhwc = false): Uint8Array {
  const int64 = (name: string, values: number[]) => ({ name, dims: [values.length], values, dataType: 7 });
  return buildModel({
    opset: 11,
    inputs: [{ name: 'image', dims: nhwc ? [1, 8, 8, 3] : [1, 3, 8, 8] }],
    outputs: [{ name: 'cls' }, { name: 'loc' }],
    nodes: [
      ...(nhwc ? [{ op: 'Transpose', inputs: ['image'], outputs: ['nchw'], attributes: { perm: ints([0, 3, 1, 2]) } }] : []),
      { op: 'Conv', inputs: [nhwc ? 'nchw' : 'image', 'w', 'b'], outputs: ['c'], attributes: { pads: ints([1, 1, 1, 1]), strides: ints([4, 4]) } },
      { op: 'Transpose', inputs: ['c'], outputs: ['t'], attributes: { perm: ints([0, 2, 3, 1]) } },
      { op: 'Slice', inputs: ['t', 's0', 'e0', 'axis'], outputs: ['tc'] },
      { op: 'Reshape', inputs: ['tc', 'shape2'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['cls'], attributes: { axis: int(2) } },
      { op: 'Slice', inputs: ['t', 's1', 'e1', 'axis'], outputs: ['tl'] },
      { op: 'Reshape', inputs: ['tl', 'shape4'], outputs: ['loc'] },
    ],
    initializers: [
      { name: 'w', dims: [6, 3, 3, 3], values: Array.from(seededValues(162, 5), (v) => v * 0.3) },
      { name: 'b', dims: [6], values: [0.1, -0.2, 0.3, -0.1, 0.2, 0.05] },
      int64('s0', [0]),
      int64('e0', [2]),
      int64('s1', [2]),
      int64('e1', [6]),
      int64('axis', [3]),
      int64('shape2', [1, -1, 2]),
      int64('shape4', [1, -1, 4]),
    ],
  });
}

test('a generic ONNX detector (BGR, per-channel mean/std, SSD priors) matches onnxruntime plus hand decoding', async () => {
  const file = join(dir, 'tiny.onnx');
  const bytes = tinyDetectorModel();
  writeFileSync(file, bytes);
  const mean = [104, 117, 123];
  const std = [57, 58, 59];
  const config = {
    input: { width: 8, height: 8, channelOrder: 'BGR', scale: 255, mean, std },
    scores: { output: 'cls', faceIndex: 1 },
    boxes: { output: 'loc', encoding: 'ssd', variances: [0.1, 0.2] },
    priors: { strides: [4], minSizes: [[3]] },
    nmsIoU: 0.5,
  };
  const detector = await createDetector(`onnx:${file}`, { config });
  const [H, W] = [10, 6];
  const images = tf.tensor4d(Array.from(seededValues(2 * H * W * 3, 8), (v) => (v + 1) / 2), [2, H, W, 3]);
  const raw = detector.forwardRaw(images);
  assert.deepEqual(raw.scores.shape, [2, 4]);
  assert.deepEqual(raw.boxes.shape, [2, 4, 4]);
  // Hand-computed anchors: cell centres (2, 2), (6, 2), (2, 6), (6, 6) of the 8x8 input, size 3,
  // scaled to the 6x10 image.
  const sx = W / 8;
  const sy = H / 8;
  const centres = [
    [2, 2],
    [6, 2],
    [2, 6],
    [6, 6],
  ];
  const anchors = centres.flatMap(([cx, cy]) => [(cx - 1.5) * sx, (cy - 1.5) * sy, (cx + 1.5) * sx, (cy + 1.5) * sy]);
  assert.ok(maxAbsDiff(raw.anchors.dataSync(), anchors) < 1e-5, 'anchors');
  const scores = raw.scores.arraySync();
  const boxes = raw.boxes.arraySync();
  for (let b = 0; b < 2; b++) {
    // The oracle's input: tfjs's own resizeBilinear, then BGR and (255 x - mean) / std, as NCHW.
    const resized = tf.tidy(() => tf.image.resizeBilinear(images.slice([b, 0, 0, 0], [1, H, W, 3]) as tf.Tensor4D, [8, 8], false, true).dataSync());
    const nchw = new Float32Array(3 * 64);
    for (let p = 0; p < 64; p++) {
      for (let c = 0; c < 3; c++) {
        const rgb = resized[p * 3 + (2 - c)];
        nchw[c * 64 + p] = (rgb * 255 - mean[c]) / std[c];
      }
    }
    const out = await runOnnxRuntime(bytes, { image: { data: nchw, dims: [1, 3, 8, 8] } });
    for (let a = 0; a < 4; a++) {
      assert.ok(Math.abs(scores[b][a] - out.cls.data[a * 2 + 1]) < 1e-5, `score ${b}/${a}`);
      const [lx, ly, lw, lh] = Array.from(out.loc.data.slice(a * 4, a * 4 + 4));
      const [pcx, pcy] = centres[a];
      const cx = pcx + lx * 0.1 * 3;
      const cy = pcy + ly * 0.1 * 3;
      const w = 3 * Math.exp(lw * 0.2);
      const h = 3 * Math.exp(lh * 0.2);
      const expected = [(cx - w / 2) * sx, (cy - h / 2) * sy, (cx + w / 2) * sx, (cy + h / 2) * sy];
      assert.ok(maxAbsDiff(boxes[b][a], expected) < 1e-4, `box ${b}/${a}: ${boxes[b][a]} vs ${expected}`);
    }
  }
  // The same network taking NHWC input (input.layout "NHWC") gives the same outputs.
  const nhwcFile = join(dir, 'tiny-nhwc.onnx');
  writeFileSync(nhwcFile, tinyDetectorModel(true));
  const nhwcDetector = await createDetector(`onnx:${nhwcFile}`, { config: { ...config, input: { ...config.input, layout: 'NHWC' } } });
  const nhwcRaw = nhwcDetector.forwardRaw(images);
  assert.ok(maxAbsDiff(nhwcRaw.scores.dataSync(), raw.scores.dataSync()) < 1e-6, 'NHWC-input scores');
  assert.ok(maxAbsDiff(nhwcRaw.boxes.dataSync(), raw.boxes.dataSync()) < 1e-5, 'NHWC-input boxes');
  tf.dispose([raw.anchors, raw.scores, raw.boxes, nhwcRaw.anchors, nhwcRaw.scores, nhwcRaw.boxes]);
  nhwcDetector.dispose();
  // detect(): every kept box scores above the threshold, sorted, and kept boxes overlap <= nmsIoU.
  const detections = await detector.detect(images, { scoreThreshold: 0 });
  assert.equal(detections.length, 2);
  for (const list of detections) {
    assert.ok(list.length >= 1 && list.length <= 4);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].score >= list[i].score);
  }
  images.dispose();
  detector.dispose();
});

test('onnx: detector with decoded corner boxes and no priors (ULFD RFB-320 full export) matches onnxruntime', async (t) => {
  const file = requireShared(t, 'models', 'ulfd', 'version-RFB-320.onnx');
  if (!file) return;
  const configFile = join(dir, 'rfb320-full.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      input: { mean: 127, std: 128 },
      scores: { output: 'scores' },
      boxes: { output: 'boxes', encoding: 'corners' },
    }),
  );
  const detector = await createDetector(`onnx:${file}`, { config: { file: configFile } });
  assert.match(detector.inputDescription, /stretched to 320x240/);
  const pixels = Array.from(seededValues(240 * 320 * 3, 21), (v) => (v + 1) / 2);
  const image = tf.tensor4d(pixels, [1, 240, 320, 3]);
  const raw = detector.forwardRaw(image);
  const nchw = new Float32Array(3 * 240 * 320);
  for (let p = 0; p < 240 * 320; p++) for (let c = 0; c < 3; c++) nchw[c * 240 * 320 + p] = (pixels[p * 3 + c] * 255 - 127) / 128;
  const out = await runOnnxRuntime(file, { input: { data: nchw, dims: [1, 3, 240, 320] } });
  const faceScores = Array.from({ length: 4420 }, (_, a) => out.scores.data[a * 2 + 1]);
  const boxesPx = Array.from(out.boxes.data, (v, i) => v * (i % 2 === 0 ? 320 : 240));
  assert.ok(maxAbsDiff(raw.scores.dataSync(), faceScores) < 1e-4, 'scores');
  assert.ok(maxAbsDiff(raw.boxes.dataSync(), boxesPx) < 1e-2, 'boxes (pixels)');
  assert.deepEqual(raw.anchors.shape, [4420, 4]);
  tf.dispose([raw.anchors, raw.scores, raw.boxes, image]);
  detector.dispose();
});
