// The SLN weights shipped in weights/: they load by name alone (checksum verified), and the
// trained detector finds the faces of face-api's sample photos that RetinaFace finds — a check
// that training, the weights file and the detector's box coding fit together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import '../../engine/torchSupport.js';
import { createDetector } from '../../../src/detectors/registry.js';
import { SLN_BACKBONES } from '../../../src/detectors/sln/network.js';
import { shippedSlnWeightsPath } from '../../../src/detectors/sln/slnDetector.js';
import { detectOnImage } from '../../../src/experiments/patchedDetection.js';
import { loadScaledImage } from '../../../src/data/images/scaledImage.js';
import { samplePhotos } from '../../../src/cli/commands/detect.js';
import { boxIoU } from '../../../src/util/geometry.js';
import { requireShared } from '../../helpers/shared.js';

const shipped = SLN_BACKBONES.filter((backbone) => existsSync(shippedSlnWeightsPath(backbone)));

test('at least one SLN backbone ships trained weights', () => {
  assert.ok(shipped.length > 0, `none of ${SLN_BACKBONES.map(shippedSlnWeightsPath).join(', ')} exists`);
});

for (const backbone of shipped) {
  test(`sln-${backbone}: shipped weights load by name and find the faces RetinaFace finds on the sample photos`, async (t) => {
    if (!requireShared(t, 'models/retinaface-mobilenet0.25')) return;
    const manifest = JSON.parse(readFileSync(shippedSlnWeightsPath(backbone), 'utf8'));
    assert.equal(manifest.backbone, backbone);
    const sln = await createDetector(`sln-${backbone}`, { config: { pyramid: [0.25, 0.5, 1] } });
    const reference = await createDetector('retinaface-mobilenet0.25');
    let faces = 0;
    let found = 0;
    try {
      for (const path of samplePhotos()) {
        const { image } = await loadScaledImage(path, 640);
        const truth = await detectOnImage(reference, image, 0.9);
        const detections = await detectOnImage(sln, image, 0.5);
        faces += truth.length;
        found += truth.filter((face) => detections.some((d) => boxIoU(d, face) >= 0.5)).length;
      }
    } finally {
      sln.dispose();
      reference.dispose();
    }
    assert.ok(faces >= 10, `RetinaFace found only ${faces} faces on the sample photos`);
    // sln-mobilenet0.25 as shipped matched 22 of 22 (score >= 0.5, pyramid 0.25/0.5/1); a broken
    // box coding, weights file or normalisation matches next to none
    assert.ok(found >= 0.8 * faces, `sln-${backbone} matched ${found} of the ${faces} faces RetinaFace finds (IoU >= 0.5, score >= 0.5)`);
  });
}
