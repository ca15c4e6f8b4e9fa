// The Single Level Network of the paper (section 3.1, Fig. 3): a backbone, FPN-style top-down
// fusion to one map P2 (stride 4, 256 channels; 1x1 laterals, bilinear x2 upsampling, sums),
// and two heads on P2: face/background classification (softmax) and box regression, for anchors
// of scales {16, 32, 64, 128} with aspect ratio 1.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '../../config/paths.js';
import { FacepatchError, InputFileError } from '../../util/errors.js';
import { loadStateDict } from '../pytorch/index.js';
import { loadStateIntoStore } from './checkpoint.js';
import { ParamStore } from './params.js';
import { conv, defineConv, upsample2x, type Mode } from './layers.js';
import { defineResNet, RESNET_SPECS, type Backbone } from './resnet.js';
import { defineMobileNetV1 } from './mobilenet.js';

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

/** Backbones by name: each defines its parameters in the store and returns C2..C5 (strides 4..32). */
const BACKBONE_FACTORIES: Record<string, (store: ParamStore) => Backbone> = {
  ...Object.fromEntries(Object.entries(RESNET_SPECS).map(([name, spec]) => [name, (store: ParamStore) => defineResNet(store, spec)])),
  'mobilenet0.25': defineMobileNetV1,
};

export const SLN_BACKBONES = Object.keys(BACKBONE_FACTORIES);

/** Parameter names outside the backbone start with these (FPN laterals and the two heads). */
const NON_BACKBONE_PREFIXES = ['fpn.', 'head.'];

/** Whether a store name ("layer1.0.conv1.weight", "stage1.0.0.weight", "fpn.lateral2.bias") belongs to the backbone. */
export function isSlnBackboneParameter(name: string): boolean {
  return !NON_BACKBONE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export function createSlnNetwork(backboneName = 'resnet18', seed = 0): SlnNetwork {
  const defineBackbone = BACKBONE_FACTORIES[backboneName];
  if (!defineBackbone) throw new FacepatchError(`unknown SLN backbone "${backboneName}"; valid choices: ${SLN_BACKBONES.join(', ')}`);
  const store = new ParamStore(seed);
  const backbone: Backbone = defineBackbone(store);
  backbone.channels.forEach((c, i) => defineConv(store, `fpn.lateral${i + 2}`, c, SLN_CHANNELS, { kernel: 1, bias: true }));
  const anchors = SLN_ANCHOR_SCALES.length;
  defineConv(store, 'head.cls_conv', SLN_CHANNELS, SLN_CHANNELS, { kernel: 3, bias: true });
  defineConv(store, 'head.cls_out', SLN_CHANNELS, anchors * 2, { kernel: 1, bias: true });
  defineConv(store, 'head.reg_conv', SLN_CHANNELS, SLN_CHANNELS, { kernel: 3, bias: true });
  defineConv(store, 'head.reg_out', SLN_CHANNELS, anchors * 4, { kernel: 1, bias: true });
  return {
    backbone: backboneName,
    store,
    forward(images, mode) {
      // made per call (three numbers each) so the network owns no tensor outside its store
      const x = tf.div(tf.sub(images, tf.tensor1d(MEAN)), tf.tensor1d(STD)) as tf.Tensor4D;
      const features = backbone.forward(x, mode);
      const laterals = features.map((c, i) => conv(store, `fpn.lateral${i + 2}`, c, { kernel: 1, bias: true }, mode));
      let p = laterals[3] as tf.Tensor4D;
      for (let level = 2; level >= 0; level--) {
        const lateral = laterals[level] as tf.Tensor4D;
        p = tf.add(lateral, upsample2x(p, lateral.shape[1], lateral.shape[2]));
      }
      const [batch, height, width] = p.shape;
      const cls = conv(store, 'head.cls_out', conv(store, 'head.cls_conv', p, { kernel: 3, pad: 1, bias: true }, mode, 'relu'), { kernel: 1, bias: true }, mode);
      const reg = conv(store, 'head.reg_out', conv(store, 'head.reg_conv', p, { kernel: 3, pad: 1, bias: true }, mode, 'relu'), { kernel: 1, bias: true }, mode);
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

/** ImageNet weights of backbones found in the shared folder (path parts under it). */
export const SLN_IMAGENET_WEIGHTS: Record<string, readonly string[]> = {
  // biubug6/Pytorch_Retinaface's MobileNetV1 x0.25 ImageNet checkpoint (MIT).
  'mobilenet0.25': ['models', 'mobilenetv1-0.25-imagenet', 'mobilenetV1X0.25_pretrain.tar'],
};

export interface BackboneWeightsReport {
  file: string;
  /** Backbone tensors (parameters and batch-norm statistics) filled from the file. */
  loaded: number;
  /** Backbone tensors of the network. */
  expected: number;
  /** Backbone tensors the file lacked (they keep their initialisation). */
  missing: string[];
  /** Tensors of the file that fill nothing (e.g. a classifier's fc.*; batch-norm counters are not listed). */
  unused: string[];
}

/**
 * Initialises the backbone of `network` with ImageNet weights (the paper: "Backbone is
 * initialized with ImageNet pre-trained weights"), leaving the FPN and heads as they are:
 * `backboneWeights` (a user's checkpoint, e.g. torchvision's resnet18-*.pth, --backbone-weights)
 * if given, else the shared file of SLN_IMAGENET_WEIGHTS (MobileNetV1 x0.25 only). A training
 * checkpoint's "state_dict" and DataParallel's "module." prefix are unwrapped; names must match
 * torchvision's (ResNets) or Pytorch_Retinaface's (MobileNet). Throws when no tensor matches.
 */
export function loadSlnBackboneImageNet(network: SlnNetwork, shared: string = sharedDir(), backboneWeights?: string): BackboneWeightsReport {
  const shippedPath = SLN_IMAGENET_WEIGHTS[network.backbone];
  const file = backboneWeights ?? (shippedPath ? join(shared, ...shippedPath) : undefined);
  if (file === undefined) {
    throw new FacepatchError(
      `no ImageNet weights for the SLN backbone ${network.backbone} are in the shared folder; pass a torchvision ` +
        `${network.backbone} checkpoint with --backbone-weights <file.pth>`,
    );
  }
  if (!existsSync(file)) throw new InputFileError(file, `not found (ImageNet weights for the SLN backbone ${network.backbone})`);
  const state = loadStateDict(file);
  const backboneState = new Map([...state].filter(([name]) => isSlnBackboneParameter(name)));
  const backboneNames = [...network.store.params.keys(), ...network.store.buffers.keys()].filter(isSlnBackboneParameter);
  const loaded = loadStateIntoStore(network.store, backboneState, file, false);
  if (loaded.length === 0) {
    throw new InputFileError(
      file,
      `no tensor matches the ${network.backbone} backbone (it expects names like ${backboneNames.slice(0, 3).join(', ')}; ` +
        `the file has ${[...state.keys()].slice(0, 3).join(', ')}, ...)`,
    );
  }
  const filled = new Set(loaded);
  return {
    file,
    loaded: loaded.length,
    expected: backboneNames.length,
    missing: backboneNames.filter((name) => !filled.has(name)),
    unused: [...state.keys()].filter((name) => !filled.has(name) && !name.endsWith('.num_batches_tracked')),
  };
}
