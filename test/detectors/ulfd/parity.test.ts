// The imported ULFD graphs against onnxruntime on the same random input, and the ULFD detectors'
// raw outputs against the full ONNX exports (whose post-processing decodes boxes with the
// authors' own priors), which checks normalisation, prior generation and decoding end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { OnnxGraph } from '../../../src/detectors/onnx/index.js';
import { createDetector } from '../../../src/detectors/registry.js';
import { requireShared } from '../../helpers/shared.js';
import { seededValues } from '../onnx/helpers/onnxBuilder.js';
import { maxAbsDiff, runOnnxRuntime } from '../onnx/helpers/ortOracle.js';

await tf.setBackend('cpu');

for (const file of ['version-RFB-320_without_postprocessing.onnx', 'version-slim-320_without_postprocessing.onnx']) {
  test(`${file}: imported graph matches onnxruntime, with shape subgraphs folded`, async (t) => {
    const path = requireShared(t, 'models', 'ulfd', file);
    if (!path) return;
    const dims = [1, 3, 240, 320];
    const data = seededValues(3 * 240 * 320, 3);
    const expected = await runOnnxRuntime(path, { input: { data, dims } });
    const graph = OnnxGraph.fromFile(path);
    const input = tf.tensor4d(data, dims as [number, number, number, number]);
    const out = graph.run({ input });
    assert.deepEqual(out.scores.shape, [1, 4420, 2]);
    assert.deepEqual(out.boxes.shape, [1, 4420, 4]);
    const scoreDiff = maxAbsDiff(out.scores.dataSync(), expected.scores.data);
    const boxDiff = maxAbsDiff(out.boxes.dataSync(), expected.boxes.data);
    assert.ok(scoreDiff < 1e-4, `scores: max |diff| ${scoreDiff}`);
    assert.ok(boxDiff < 1e-3, `box offsets: max |diff| ${boxDiff}`);
    const plan = graph.describePlan({ input });
    for (const op of ['Shape', 'Gather', 'Unsqueeze', 'Constant']) assert.equal(plan.runtimeOps[op], undefined, `${op} left at run time`);
    tf.dispose([input, out.scores, out.boxes]);
    graph.dispose();
  });
}

/** Random [0, 1] RGB pixels and the NCHW input ULFD's reference preprocessing makes of them. */
function referenceInput(height: number, width: number, seed: number): { image: tf.Tensor4D; nchw: Float32Array } {
  const pixels = Array.from(seededValues(height * width * 3, seed), (v) => (v + 1) / 2);
  const nchw = new Float32Array(3 * height * width);
  const plane = height * width;
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) nchw[c * plane + p] = (pixels[p * 3 + c] * 255 - 127) / 128;
  return { image: tf.tensor4d(pixels, [1, height, width, 3]), nchw };
}

for (const [name, fullModel, width, height] of [
  ['ulfd-rfb-320', 'version-RFB-320.onnx', 320, 240],
  ['ulfd-rfb-640', 'version-RFB-640.onnx', 640, 480],
] as const) {
  test(`${name}: forwardRaw equals the full ONNX export (scores, decoded boxes) under onnxruntime`, async (t) => {
    const path = requireShared(t, 'models', 'ulfd', fullModel);
    if (!path) return;
    const { image, nchw } = referenceInput(height, width, 17);
    const expected = await runOnnxRuntime(path, { input: { data: nchw, dims: [1, 3, height, width] } });
    const detector = await createDetector(name);
    const raw = detector.forwardRaw(image);
    const count = expected.scores.dims[1];
    assert.deepEqual(raw.scores.shape, [1, count]);
    assert.deepEqual(raw.anchors.shape, [count, 4]);
    const faceScores = Array.from({ length: count }, (_, a) => expected.scores.data[a * 2 + 1]);
    const boxesPx = Array.from(expected.boxes.data, (v, i) => v * (i % 2 === 0 ? width : height));
    const scoreDiff = maxAbsDiff(raw.scores.dataSync(), faceScores);
    const boxDiff = maxAbsDiff(raw.boxes.dataSync(), boxesPx);
    assert.ok(scoreDiff < 1e-4, `scores: max |diff| ${scoreDiff}`);
    assert.ok(boxDiff < 0.01, `boxes: max |diff| ${boxDiff} px`);
    tf.dispose([image, raw.anchors, raw.scores, raw.boxes]);
    detector.dispose();
  });
}
