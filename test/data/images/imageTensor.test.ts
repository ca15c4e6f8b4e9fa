import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { imageToTensor, imagesToBatch, tensorToImage } from '../../../src/data/images/imageTensor.js';
import type { RgbImage } from '../../../src/data/images/rgbImage.js';

function numbered(width: number, height: number, offset = 0): RgbImage {
  return { width, height, data: Float32Array.from({ length: width * height * 3 }, (_, i) => (i + offset) / 1000) };
}

test('pixel (x, y) channel c of the image is tensor[y][x][c]', async () => {
  const image = numbered(3, 2);
  const tensor = imageToTensor(image);
  assert.deepEqual(tensor.shape, [2, 3, 3]);
  const nested = (await tensor.array()) as number[][][];
  for (let y = 0; y < 2; y++)
    for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) assert.equal(nested[y]![x]![c], Math.fround(((y * 3 + x) * 3 + c) / 1000));
  const back = await tensorToImage(tensor);
  assert.deepEqual(back, image);
  tensor.dispose();
});

test('a batch stacks images of one size; other sizes are rejected', async () => {
  const batch = imagesToBatch([numbered(2, 2), numbered(2, 2, 100)]);
  assert.deepEqual(batch.shape, [2, 2, 2, 3]);
  const second = tf.tidy(() => batch.slice([1, 0, 0, 0], [1, 2, 2, 3]).squeeze([0]) as tf.Tensor3D);
  assert.deepEqual(await tensorToImage(second), numbered(2, 2, 100));
  tf.dispose([batch, second]);
  assert.throws(() => imagesToBatch([numbered(2, 2), numbered(3, 2)]), /image 1 is 3x2, image 0 is 2x2/);
  assert.throws(() => imagesToBatch([]), /no images/);
});
