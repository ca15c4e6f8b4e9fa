import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { detectorDetectionSource } from '../../src/experiments/patchedDetection.js';
import type { ImageDetections } from '../../src/eval/detectionSource.js';
import { facesFromCleanDetector } from '../../src/attacks/cleanFaces.js';
import { saveImagePng } from '../../src/data/images/saveImagePng.js';
import { loadScaledImage, ScaledImageCache } from '../../src/data/images/scaledImage.js';
import { SeededRandom } from '../../src/util/random.js';
import { createToyDetector } from '../helpers/toyDetector.js';

test('detecting on (patched) images holds tf.memory flat and maps boxes back to original pixels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-detect-'));
  const W = 64, H = 48;
  const data = new Float32Array(W * H * 3).fill(0.5);
  for (let y = 16; y < 32; y++) for (let x = 24; x < 40; x++) data.set([1, 0, 0], (y * W + x) * 3);
  const path = join(dir, 'face.png');
  await saveImagePng(path, { width: W, height: H, data });
  const face = { x: 24, y: 16, w: 16, h: 16 };
  const image = { id: 'face', event: '', path, faces: [{ box: face, blur: 0, expression: 0, illumination: 0, invalid: 0, occlusion: 0, pose: 0 }] };
  const detector = createToyDetector();
  const patch = { size: 8, values: Float32Array.from({ length: 8 * 8 * 3 }, () => new SeededRandom(1).next()) };
  for (const setting of [undefined, { patch, placement: { alpha: 0.5 } }]) {
    // maxSide 32 halves the image: boxes must come back in original pixels.
    const source = detectorDetectionSource({ detector, patch: setting, maxSide: 32, scoreThreshold: 0.9 });
    await source.detectionsFor(image);
    const before = tf.memory().numTensors;
    let result: ImageDetections | undefined;
    for (let i = 0; i < 5; i++) result = await source.detectionsFor(image);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks per image');
    const best = result!.detections[0]!;
    assert.ok(best.score > 0.9);
    // toy anchors are 16 px in the half-size image -> 32 px in the original
    assert.equal(best.w, 32);
    if (setting) assert.deepEqual(result!.patches!.map((b) => b.w), [8]);
  }
  const before = tf.memory().numTensors;
  const items = await facesFromCleanDetector(detector, { images: [image], skipped: 0, source: { kind: 'photo-folder', root: dir } }, { delta: 0.9, maxSide: 0 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(items[0]!.faces.length > 0);
});

test('sources sharing an image cache decode once, detect the same boxes, and leave the cached pixels untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-detect-'));
  const W = 64, H = 48;
  const rng = new SeededRandom(3);
  const data = Float32Array.from({ length: W * H * 3 }, () => rng.next());
  const path = join(dir, 'face.png');
  await saveImagePng(path, { width: W, height: H, data });
  const image = { id: 'face', event: '', path, faces: [{ box: { x: 24, y: 16, w: 16, h: 16 }, blur: 0, expression: 0, illumination: 0, invalid: 0, occlusion: 0, pose: 0 }] };
  const detector = createToyDetector();
  const patch = { size: 8, values: new Float32Array(8 * 8 * 3).fill(1) };
  const settings = [undefined, { patch, placement: { alpha: 0.5 } }, { patch, placement: { alpha: 0.5, scale: 0.5 } }];
  const images = new ScaledImageCache(32);
  for (const setting of settings) {
    const cached = await detectorDetectionSource({ detector, patch: setting, maxSide: 32, scoreThreshold: 0.1, images }).detectionsFor(image);
    const direct = await detectorDetectionSource({ detector, patch: setting, maxSide: 32, scoreThreshold: 0.1 }).detectionsFor(image);
    assert.deepEqual(cached, direct);
  }
  assert.deepEqual([images.misses, images.hits], [1, 2]);
  const { image: pixels } = await images.load(path);
  assert.deepEqual(pixels.data, (await loadScaledImage(path, 32)).image.data, 'pasting must not write into the cached image');
  assert.throws(() => detectorDetectionSource({ detector, maxSide: 0, images }), /maxSide 32, not 0/);
});
