import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadFaceApiWeights, loadWeightsManifest } from '../../../src/detectors/faceapi/weights.js';
import { InputFileError } from '../../../src/util/errors.js';

test('face-api weights load from the npm package, dequantised, with the shapes face-api expects', () => {
  const tiny = loadFaceApiWeights('tiny_face_detector_model');
  assert.deepEqual(tiny['conv0/filters'].shape, [3, 3, 3, 16]);
  assert.deepEqual(tiny['conv8/filters'].shape, [1, 1, 512, 25]); // 5 anchors x (4 box + 1 score)
  assert.equal(tiny['conv0/filters'].dtype, 'float32');
  const ssd = loadFaceApiWeights('ssd_mobilenetv1_model');
  assert.deepEqual(ssd['Output/extra_dim'].shape, [1, 5118, 4]); // 32*32*3 + (16*16 + 8*8 + 4*4 + 2*2 + 1)*6 priors
  assert.equal(32 * 32 * 3 + (16 * 16 + 8 * 8 + 4 * 4 + 2 * 2 + 1) * 6, 5118);
  // A uint8-quantised tensor: values lie on the manifest's grid min + k * scale.
  const bias = tiny['conv0/bias'].dataSync();
  const scale = 0.005263455241334205;
  const min = -0.9211046672334858;
  for (const v of bias) assert.ok(Math.abs((v - min) / scale - Math.round((v - min) / scale)) < 1e-3);
  tf.dispose([...Object.values(tiny), ...Object.values(ssd)]);
});

test('a bad or missing manifest is reported with its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facepatch-faceapi-'));
  assert.throws(() => loadWeightsManifest(join(dir, 'none.json')), (e: unknown) => e instanceof InputFileError && /none\.json: weights manifest not found/.test((e as Error).message));
  writeFileSync(join(dir, 'bad.json'), '{not json');
  assert.throws(() => loadWeightsManifest(join(dir, 'bad.json')), (e: unknown) => e instanceof InputFileError && /bad\.json: not a JSON/.test((e as Error).message));
  writeFileSync(join(dir, 'noshard.json'), JSON.stringify([{ paths: ['x.bin'], weights: [] }]));
  assert.throws(() => loadWeightsManifest(join(dir, 'noshard.json')), /x\.bin is missing/);
});
