// RgbImages as TensorFlow.js tensors: [H, W, 3] for one image, [B, H, W, 3] for a batch
// (the layout FaceDetector.forwardRaw takes).
import * as tf from '@tensorflow/tfjs';
import { FacepatchError } from '../../util/errors.js';
import { assertRgbImage, type RgbImage } from './rgbImage.js';

export function imageToTensor(image: RgbImage): tf.Tensor3D {
  assertRgbImage(image);
  return tf.tensor3d(image.data, [image.height, image.width, 3], 'float32');
}

/** Stacks images of one size into a batch. */
export function imagesToBatch(images: readonly RgbImage[]): tf.Tensor4D {
  const [first] = images;
  if (!first) throw new FacepatchError('imagesToBatch: no images');
  const data = new Float32Array(images.length * first.data.length);
  images.forEach((image, i) => {
    assertRgbImage(image, `image ${i}`);
    if (image.width !== first.width || image.height !== first.height) {
      throw new FacepatchError(`imagesToBatch: image ${i} is ${image.width}x${image.height}, image 0 is ${first.width}x${first.height}; resize them to one size first`);
    }
    data.set(image.data, i * first.data.length);
  });
  return tf.tensor4d(data, [images.length, first.height, first.width, 3], 'float32');
}

/** Reads a [H, W, 3] tensor back into an RgbImage. */
export async function tensorToImage(tensor: tf.Tensor3D): Promise<RgbImage> {
  const [height, width, channels] = tensor.shape;
  if (channels !== 3) throw new FacepatchError(`tensorToImage: expected [H, W, 3], got [${tensor.shape.join(', ')}]`);
  const data = (await tensor.data()) as Float32Array;
  return { width, height, data: Float32Array.from(data) };
}
