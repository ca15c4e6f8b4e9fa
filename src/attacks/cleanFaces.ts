// Photo-folder mode: the faces to attack are those the clean detector finds above delta.
import * as tf from '@tensorflow/tfjs';
import type { FaceDetector } from '../detectors/types.js';
import type { Dataset, DatasetImage } from '../data/types.js';
import { imageToTensor } from '../data/images/imageTensor.js';
import type { TrainingItem } from './trainingSet.js';
import { loadScaledImage, toOriginalPixels } from '../data/images/scaledImage.js';

export async function facesFromCleanDetector(
  detector: FaceDetector,
  dataset: Dataset,
  options: { delta: number; maxSide: number; onImage?: (image: DatasetImage) => void },
): Promise<TrainingItem[]> {
  const items: TrainingItem[] = [];
  for (const image of dataset.images) {
    const { image: rgb, scale } = await loadScaledImage(image.path, options.maxSide);
    const batch = tf.tidy(() => imageToTensor(rgb).expandDims(0) as tf.Tensor4D);
    const [detections = []] = await detector.detect(batch, { scoreThreshold: options.delta });
    batch.dispose();
    const faces = toOriginalPixels(detections, scale);
    if (faces.length > 0) items.push({ id: image.id, path: image.path, faces });
    options.onImage?.(image);
  }
  return items;
}
