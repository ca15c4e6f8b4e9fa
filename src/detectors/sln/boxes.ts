// How the SLN's regression head encodes boxes, shared by the detector (decoding) and the trainer
// (the IoU loss decodes too, so training and inference agree by construction):
//   centre = anchor centre + (dx, dy) * anchor size,   size = anchor size * exp(dw, dh).
// The exponent is clipped so an untrained head cannot overflow to Infinity.
import * as tf from '@tensorflow/tfjs';

/** Largest |dw|, |dh| fed to exp: e^4 ~ 55x the anchor, beyond any face the anchors serve. */
export const SLN_MAX_LOG_SCALE = 4;

/**
 * [B, A, 4] regressions (dx, dy, dw, dh) and [A, 4] anchors (x1, y1, x2, y2) -> [B, A, 4] boxes
 * (x1, y1, x2, y2) in the same pixels as the anchors. Differentiable w.r.t. the regressions.
 */
export function decodeSlnBoxes(regression: tf.Tensor3D, anchors: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [ax1, ay1, ax2, ay2] = tf.split(tf.expandDims(anchors, 0), 4, 2);
    const aw = tf.sub(ax2!, ax1!);
    const ah = tf.sub(ay2!, ay1!);
    const acx = tf.add(ax1!, tf.mul(aw, 0.5));
    const acy = tf.add(ay1!, tf.mul(ah, 0.5));
    const [dx, dy, dw, dh] = tf.split(regression, 4, 2);
    const cx = tf.add(acx, tf.mul(dx!, aw));
    const cy = tf.add(acy, tf.mul(dy!, ah));
    const w = tf.mul(aw, tf.exp(tf.clipByValue(dw!, -SLN_MAX_LOG_SCALE, SLN_MAX_LOG_SCALE)));
    const h = tf.mul(ah, tf.exp(tf.clipByValue(dh!, -SLN_MAX_LOG_SCALE, SLN_MAX_LOG_SCALE)));
    const halfW = tf.mul(w, 0.5);
    const halfH = tf.mul(h, 0.5);
    return tf.concat([tf.sub(cx, halfW), tf.sub(cy, halfH), tf.add(cx, halfW), tf.add(cy, halfH)], 2) as tf.Tensor3D;
  });
}
