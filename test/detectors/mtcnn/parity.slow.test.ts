// The whole cascade on all six demo photos (480 px) against the PyTorch/PIL reference cascade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { sharedPath } from '../../../src/config/paths.js';
import { MtcnnDetector } from '../../../src/detectors/mtcnn/index.js';
import { requireShared } from '../../helpers/shared.js';
import { requireTorchPython } from '../pytorch/torchPython.js';
import { demoPhoto, referenceCascade, WEIGHTS } from './mtcnnFixtures.js';

await tf.setBackend('cpu');

test('the same O-Net windows and detections as the reference on six photos', async (t) => {
  if (!requireShared(t, ...WEIGHTS) || !requireTorchPython(t)) return;
  const detector = MtcnnDetector.fromManifest(sharedPath(...WEIGHTS));
  const key = (b: readonly number[]) => b.join(',');
  try {
    for (const index of [1, 2, 3, 4, 5, 6]) {
      const photo = await demoPhoto(index);
      const reference = referenceCascade(photo, `sample${index}.f32`);
      const images = tf.tensor4d(photo.data, [1, photo.height, photo.width, 3]);
      const windows = detector.selectWindows(images)[0].map((w) => key([w.box.left, w.box.top, w.box.right, w.box.bottom]));
      const [detections] = await detector.detect(images);
      images.dispose();
      const shared = reference.windows.filter((w) => windows.includes(key(w.box))).length;
      t.diagnostic(`sample${index}: ${windows.length} windows (reference ${reference.windows.length}, shared ${shared}), ${detections.length} detections (reference ${reference.detections.length})`);
      assert.ok(shared >= 0.95 * Math.max(windows.length, reference.windows.length), `sample${index}: ${shared} shared windows`);
      assert.equal(detections.length, reference.detections.length, `sample${index}`);
      for (const d of reference.detections) {
        const match = detections.find((o) => key([o.x, o.y, o.x + o.w, o.y + o.h]) === key(d.box));
        assert.ok(match && Math.abs(match.score - d.score) < 1e-4, `sample${index}: reference ${JSON.stringify(d)} vs ${JSON.stringify(detections)}`);
      }
    }
  } finally {
    detector.dispose();
  }
});
