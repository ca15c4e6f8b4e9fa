// From raw per-anchor outputs to final detections: score threshold, greedy NMS (tfjs's kernel),
// at most maxDetections per image, sorted by descending score.
import * as tf from '@tensorflow/tfjs';
import { fromCorners, type ScoredBox } from '../../util/geometry.js';

export interface NmsSettings {
  scoreThreshold: number;
  iouThreshold: number;
  maxDetections: number;
}

/** Per-image detections from scores [B, A] and corner boxes [B, A, 4] in pixels. */
export async function detectionsAfterNms(scores: tf.Tensor2D, boxes: tf.Tensor3D, settings: NmsSettings): Promise<ScoredBox[][]> {
  const [batch] = scores.shape;
  const results: ScoredBox[][] = [];
  for (let b = 0; b < batch; b++) {
    const [imageScores, imageBoxes] = tf.tidy(() => [
      tf.reshape(tf.slice(scores, [b, 0], [1, -1]), [-1]) as tf.Tensor1D,
      tf.reshape(tf.slice(boxes, [b, 0, 0], [1, -1, -1]), [-1, 4]) as tf.Tensor2D,
    ]);
    // tfjs expects [y1, x1, y2, x2]; IoU is the same with x and y swapped, so corners pass as they are.
    const keep = await tf.image.nonMaxSuppressionAsync(
      imageBoxes,
      imageScores,
      settings.maxDetections,
      settings.iouThreshold,
      settings.scoreThreshold,
    );
    const [indices, scoreData, boxData] = await Promise.all([keep.data(), imageScores.data(), imageBoxes.data()]);
    keep.dispose();
    imageScores.dispose();
    imageBoxes.dispose();
    const detections = Array.from(indices, (i) => ({
      ...fromCorners(boxData[i * 4], boxData[i * 4 + 1], boxData[i * 4 + 2], boxData[i * 4 + 3]),
      score: scoreData[i],
    }));
    detections.sort((p, q) => q.score - p.score);
    results.push(detections);
  }
  return results;
}
