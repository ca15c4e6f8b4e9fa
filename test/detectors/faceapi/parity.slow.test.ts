// Full-size parity on the cpu backend: every sample photo of @vladmandic/face-api, face-api's own
// detectAllFaces against ours with face-api's default thresholds, and FaceBoxes against its graph's
// built-in post-processing. 3-5 minutes on 2 shared cores.
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/backend.js';
import { createDetector } from '../../../src/detectors/registry.js';
import type { FaceBoxesDetector } from '../../../src/detectors/faceapi/faceBoxesDetector.js';
import { faceBoxesModelPath } from '../../../src/detectors/faceapi/faceBoxesDetector.js';
import { loadGraphModelFile } from '../../../src/detectors/faceapi/graphModelFile.js';
import type { ScoredBox } from '../../../src/util/geometry.js';
import { faceApiDetections, loadFaceApi, loadSample } from './faceApiFixtures.js';
import { assertSameDetections } from './parityCheck.js';

before(async () => {
  await initBackend('cpu');
  await loadFaceApi();
});

for (const n of [1, 2, 3, 4, 5, 6]) {
  test(`sample${n}.jpg full size: ssd-mobilenetv1, tiny-face and faceboxes match their references on cpu`, async () => {
    const { pixels, image } = await loadSample(n);
    const ssd = await createDetector('ssd-mobilenetv1');
    const ssdReference = await faceApiDetections(pixels, { ssd: { minConfidence: 0.5, maxResults: 100 } });
    const [ssdOurs] = await ssd.detect(image, { scoreThreshold: 0.5, maxDetections: 100 });
    assertSameDetections(ssdOurs, ssdReference, `ssd sample${n}`);
    ssd.dispose();
    const tiny = await createDetector('tiny-face');
    const tinyReference = await faceApiDetections(pixels, { tiny: { inputSize: 416, scoreThreshold: 0.5 } });
    const [tinyOurs] = await tiny.detect(image, { scoreThreshold: 0.5 });
    assertSameDetections(tinyOurs, tinyReference, `tiny sample${n}`);
    tiny.dispose();
    const faceboxes = (await createDetector('faceboxes')) as FaceBoxesDetector;
    const graph = await loadGraphModelFile(faceBoxesModelPath());
    const [scores, boxes, count] = (await graph.executeAsync(tf.expandDims(pixels, 0))) as tf.Tensor[];
    const [height, width] = pixels.shape;
    const s = scores.dataSync();
    const b = boxes.dataSync();
    const graphBoxes: ScoredBox[] = Array.from({ length: count.dataSync()[0] }, (_, i) => ({
      score: s[i], x: b[4 * i + 1] * width, y: b[4 * i] * height, w: (b[4 * i + 3] - b[4 * i + 1]) * width, h: (b[4 * i + 2] - b[4 * i]) * height,
    }));
    const { scoreThreshold, iouThreshold, maxDetections } = faceboxes.reference;
    const [faceboxesOurs] = await faceboxes.detect(image, { scoreThreshold, nmsIoU: iouThreshold, maxDetections });
    const confident = (list: ScoredBox[]) => list.filter((d) => d.score > 0.1 && d.w > 1 && d.h > 1);
    assertSameDetections(confident(faceboxesOurs), confident(graphBoxes), `faceboxes sample${n}`, 0.999, 1e-4);
    tf.dispose([scores, boxes, count]);
    graph.dispose();
    faceboxes.dispose();
    tf.dispose([pixels, image]);
  });
}
