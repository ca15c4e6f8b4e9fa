// The shape check every face-api detector runs on its input batch.
import type * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../util/errors.js';

export function assertRgbBatch(detector: string, images: tf.Tensor4D): void {
  if (images.rank !== 4 || images.shape[3] !== 3) {
    throw new FacepatchError(`${detector}: expected a [B, H, W, 3] RGB batch, got shape [${images.shape.join(', ')}]`);
  }
}
