// The Single Level Network of the paper (section 3.1, Fig. 3): a backbone, FPN-style top-down
// fusion to one map P2 (stride 4, 256 channels; 1x1 laterals, bilinear x2 upsampling, sums),
// and two heads on P2: face/background classification (softmax) and box regression, for anchors
// of scales {16, 32, 64, 128} with aspect ratio 1.
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './params.js';
import { conv, defineConv, upsample2x, type Mode } from './layers.js';
import { defineResNet, RESNET_SPECS, type Backbone } from './resnet.js';

export const SLN_ANCHOR_SCALES = [16, 32, 64, 128];
export const SLN_STRIDE = 4;
export const SLN_CHANNELS = 256;
/** ImageNet normalisation of the backbone's input (RGB in [0, 1]). */
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export interface SlnOutputs {
  /** [B, H/4 * W/4 * 4, 2] background/face logits, anchors in (row, col, scale) order. */
  logits: tf.Tensor3D;
  /** [B, H/4 * W/4 * 4, 4] box regression (dx, dy, dw, dh) relative to the anchors. */
  regression: tf.Tensor3D;
  /** P2's height and width. */
  featureSize: [number, number];
}

export interface SlnNetwork {
  backbone: string;
  store: ParamStore;
  forward(images: tf.Tensor4D, mode: Mode): SlnOutputs;
}

export const SLN_BACKBONES = Object.keys(RESNET_SPECS);

export function createSlnNetwork(backboneName = 'resnet18', seed = 0): SlnNetwork {
  const spec = RESNET_SPECS[backboneName];
  if (!spec) throw new Error(`unknown SLN backbone ${backboneName}; valid: ${SLN_BACKBONES.join(', ')}`);
  const store = new ParamStore(seed);
  const backbone: Backbone = defineResNet(store, spec);
  backbone.channels.forEach((c, i) => defineConv(store, `fpn.lateral${i + 2}`, c, SLN_CHANNELS, { kernel: 1, bias: true }));
  const anchors = SLN_ANCHOR_SCALES.length;
  defineConv(store, 'head.cls_conv', SLN_CHANNELS, SLN_CHANNELS, { kernel: 3, bias: true });
  defineConv(store, 'head.cls_out', SLN_CHANNELS, anchors * 2, { kernel: 1, bias: true });
  defineConv(store, 'head.reg_conv', SLN_CHANNELS, SLN_CHANNELS, { kernel: 3, bias: true });
  defineConv(store, 'head.reg_out', SLN_CHANNELS, anchors * 4, { kernel: 1, bias: true });
  const mean = tf.tensor1d(MEAN);
  const std = tf.tensor1d(STD);
  return {
    backbone: backboneName,
    store,
    forward(images, mode) {
      const x = tf.div(tf.sub(images, mean), std) as tf.Tensor4D;
      const features = backbone.forward(x, mode);
      const laterals = features.map((c, i) => conv(store, `fpn.lateral${i + 2}`, c, { kernel: 1, bias: true }));
      let p = laterals[3] as tf.Tensor4D;
      for (let level = 2; level >= 0; level--) {
        const lateral = laterals[level] as tf.Tensor4D;
        p = tf.add(lateral, upsample2x(p, lateral.shape[1], lateral.shape[2]));
      }
      const [batch, height, width] = p.shape;
      const cls = conv(store, 'head.cls_out', tf.relu(conv(store, 'head.cls_conv', p, { kernel: 3, pad: 1, bias: true })), { kernel: 1, bias: true });
      const reg = conv(store, 'head.reg_out', tf.relu(conv(store, 'head.reg_conv', p, { kernel: 3, pad: 1, bias: true })), { kernel: 1, bias: true });
      return {
        logits: tf.reshape(cls, [batch, height * width * anchors, 2]),
        regression: tf.reshape(reg, [batch, height * width * anchors, 4]),
        featureSize: [height, width],
      };
    },
  };
}

/** Anchors [A, 4] (x1, y1, x2, y2) tiled on P2: centre of each stride-4 cell, one per scale. */
export function slnAnchors(featureHeight: number, featureWidth: number): Float32Array {
  const k = SLN_ANCHOR_SCALES.length;
  const out = new Float32Array(featureHeight * featureWidth * k * 4);
  let i = 0;
  for (let r = 0; r < featureHeight; r++) {
    for (let c = 0; c < featureWidth; c++) {
      const cx = (c + 0.5) * SLN_STRIDE;
      const cy = (r + 0.5) * SLN_STRIDE;
      for (const s of SLN_ANCHOR_SCALES) {
        out.set([cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2], i);
        i += 4;
      }
    }
  }
  return out;
}
