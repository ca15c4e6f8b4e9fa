// face-api's input sizing (NetInput.toBatchTensor with isCenterInputs = false): pad the image with
// black at the bottom or right to a square, then resize the square bilinearly to the network's
// input size. Done here with differentiable tfjs ops; the resize is square to square, whose
// gradient the cpu backend supports.
import * as tf from '@tensorflow/tfjs';

export interface SquareInput {
  /** [B, size, size, 3] resized batch, same value range as the input. */
  resized: tf.Tensor4D;
  /** Side of the padded square in input-image pixels: network coordinates in [0, 1] times this. */
  side: number;
}

/** Pads [B, H, W, C] to [B, S, S, C] (S = max(H, W)) with zeros at the bottom/right, resizes to size x size. */
export function padToSquareAndResize(images: tf.Tensor4D, size: number): SquareInput {
  const [, height, width] = images.shape;
  const side = Math.max(height, width);
  return tf.tidy(() => {
    let square = images;
    if (height !== width) {
      square = tf.pad(images, [[0, 0], [0, side - height], [0, side - width], [0, 0]]);
    }
    // face-api skips the resize when the square already has the network's size.
    const resized = side === size ? square : tf.image.resizeBilinear(square, [size, size], false, false);
    return { resized, side };
  });
}
