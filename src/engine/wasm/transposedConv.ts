// The input gradient of a convolution is a "transposed" convolution: spread the upstream gradient
// dy by the stride (zeros between its rows and columns), pad it, and run an ordinary stride-1
// convolution with the spatially flipped filter. Doing it this way reuses the backend's fast
// forward convolution (XNNPACK on wasm) instead of a scalar backprop loop.
import * as tf from '@tensorflow/tfjs';
import { padWithZeros, reshape, slice, type WasmBackend } from './kernelCalls.js';

/** How one spatial axis of dy must be padded (negative: cropped) before the stride-1 convolution. */
export interface TransposedAxisPadding {
  before: number;
  after: number;
}

/**
 * For a forward convolution input of `inputSize` -> output of `outputSize` with `stride`, an
 * effective (dilated) filter size `effectiveFilterSize` and `padBefore` zeros before the input:
 * the zeros to add around the stride-spread dy (length (outputSize-1)*stride+1) so that a valid
 * stride-1 convolution with the flipped filter has exactly `inputSize` outputs.
 */
export function transposedAxisPadding(
  inputSize: number,
  outputSize: number,
  stride: number,
  effectiveFilterSize: number,
  padBefore: number,
): TransposedAxisPadding {
  return {
    before: effectiveFilterSize - 1 - padBefore,
    after: inputSize - 1 - (outputSize - 1) * stride + padBefore,
  };
}

export interface StretchedGradient {
  /** dy spread by the strides (and cropped where the padding is negative). */
  spread: tf.TensorInfo;
  /** The non-negative explicit padding that the stride-1 convolution adds around `spread`. */
  padding: [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * Spreads dy [B, oh, ow, C] by the forward strides and works out the padding of the stride-1
 * convolution that computes the input gradient. `keep` registers intermediates for disposal.
 */
export function stretchGradient(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  convInfo: tf.backend_util.Conv2DInfo,
  keep: (info: tf.TensorInfo) => tf.TensorInfo,
): StretchedGradient {
  const [batch, outHeight, outWidth, channels] = dy.shape;
  const { strideHeight, strideWidth } = convInfo;
  const rows = transposedAxisPadding(convInfo.inHeight, outHeight, strideHeight, convInfo.effectiveFilterHeight, convInfo.padInfo.top);
  const cols = transposedAxisPadding(convInfo.inWidth, outWidth, strideWidth, convInfo.effectiveFilterWidth, convInfo.padInfo.left);

  let spread = dy;
  // Zero insertion as one pad of a 6-D view: [B, oh, 1, ow, 1, C] -> [B, oh, sh, ow, sw, C]. It also
  // appends stride-1 zero rows/columns at the end, which count towards the `after` padding.
  let trailingRows = 0;
  let trailingCols = 0;
  if (strideHeight > 1 || strideWidth > 1) {
    const view = keep(reshape(backend, dy, [batch, outHeight, 1, outWidth, 1, channels]));
    const padded = keep(
      padWithZeros(backend, view, [[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]]),
    );
    spread = keep(reshape(backend, padded, [batch, outHeight * strideHeight, outWidth * strideWidth, channels]));
    trailingRows = strideHeight - 1;
    trailingCols = strideWidth - 1;
  }

  const top = rows.before;
  const bottom = rows.after - trailingRows;
  const left = cols.before;
  const right = cols.after - trailingCols;
  const crop = [Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right)];
  if (crop.some((c) => c > 0)) {
    const [, height, width] = spread.shape;
    spread = keep(
      slice(backend, spread, [0, crop[0], crop[2], 0], [batch, height - crop[0] - crop[1], width - crop[2] - crop[3], channels]),
    );
  }
  return {
    spread,
    padding: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
  };
}
