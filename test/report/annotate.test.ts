import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { annotatedPng, classifyDetections, outcomeLayers } from '../../src/report/annotate.js';

test('detections split into true positives, false positives and missed faces (hand case)', () => {
  const faces = [{ x: 0, y: 0, w: 10, h: 10 }, { x: 50, y: 50, w: 10, h: 10 }, { x: 100, y: 0, w: 10, h: 10 }];
  const detections = [
    { x: 0, y: 0, w: 10, h: 10, score: 0.995 }, // TP on face 0
    { x: 1, y: 0, w: 10, h: 10, score: 0.999 }, // higher score: takes face 0 first
    { x: 200, y: 200, w: 10, h: 10, score: 0.999 }, // FP
    { x: 50, y: 50, w: 10, h: 10, score: 0.5 }, // below delta: face 1 missed
  ];
  const o = classifyDetections(detections, faces, 0.99);
  assert.deepEqual(o.truePositives.map((d) => d.score), [0.999]);
  assert.deepEqual(o.falsePositives.map((d) => d.x).sort((a, b) => a - b), [0, 200]);
  assert.deepEqual(o.missed, [faces[1], faces[2]]);
});

test('annotated PNG keeps the size and draws in the layer colours', async () => {
  const width = 64, height = 48;
  const image = { width, height, data: new Float32Array(width * height * 3).fill(1) };
  const png = await annotatedPng(image, outcomeLayers({ truePositives: [], falsePositives: [{ x: 10, y: 10, w: 20, h: 20, score: 1 }], missed: [] }));
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, width);
  assert.equal(info.height, height);
  // The box's left edge at x = 10 is red; the centre stays white.
  const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * info.channels, (y * width + x) * info.channels + 3));
  const edge = at(10, 20);
  assert.ok(edge[0]! > 200 && edge[1]! < 120 && edge[2]! < 120, `edge ${edge}`);
  assert.deepEqual(at(20, 20), [255, 255, 255]);
});
