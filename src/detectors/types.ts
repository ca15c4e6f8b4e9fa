// The one interface every face detector implements, so every attack and every metric works on
// every detector. Images go in as RGB float32 in [0, 1]; each detector does its own resizing and
// normalisation inside forwardRaw, differentiably, and reports everything in the coordinates of
// the image it was given.
import type * as tf from '@tensorflow/tfjs';
import type { ScoredBox } from '../util/geometry.js';

export type DetectorFamily = 'ssd' | 'retinanet' | 'yolo' | 'cascade' | 'anchor-free' | 'single-level';

/** Per-anchor outputs of one forward pass over a batch of same-sized images. */
export interface RawOutputs {
  /** [A, 4] anchors (priors, default boxes, cascade windows) as [x1, y1, x2, y2] in input-image pixels. */
  anchors: tf.Tensor2D;
  /** [B, A] face probability of each anchor (after softmax or sigmoid); differentiable w.r.t. the input. */
  scores: tf.Tensor2D;
  /** [B, A, 4] decoded boxes as [x1, y1, x2, y2] in input-image pixels. */
  boxes: tf.Tensor3D;
}

export interface DetectOptions {
  /** Keep detections scoring at least this (default 0.02, low enough for AP curves). */
  scoreThreshold?: number;
  /** NMS IoU threshold (default: the detector's reference value, usually 0.4). */
  nmsIoU?: number;
  /** At most this many detections per image after NMS (default 750). */
  maxDetections?: number;
}

export interface FaceDetector {
  readonly name: string;
  readonly family: DetectorFamily;
  /** How the detector sizes its input, in words (e.g. "resized to 512x512", "any size, padded to a multiple of 32"). */
  readonly inputDescription: string;
  /**
   * Raw per-anchor outputs for a batch [B, H, W, 3] of RGB images in [0, 1]. Stays differentiable
   * w.r.t. `images`; weights are frozen (inference-mode batch norm). The caller disposes the result.
   */
  forwardRaw(images: tf.Tensor4D): RawOutputs;
  /** Final detections (after NMS) per image, in input-image pixels, sorted by descending score. */
  detect(images: tf.Tensor4D, options?: DetectOptions): Promise<ScoredBox[][]>;
  dispose(): void;
}

export interface DetectorCreateOptions {
  /** Folder holding shared weights (defaults to sharedDir()). */
  sharedDir?: string;
  /** Path to a weights file, for detectors that load a user's file. */
  weights?: string;
  /** Detector-specific settings (e.g. an ONNX detector's config). */
  config?: Record<string, unknown>;
}

/** A registry entry: what `facepatch detectors` lists and how `createDetector` builds one. */
export interface DetectorEntry {
  name: string;
  family: DetectorFamily;
  inputDescription: string;
  /** Where the weights come from (npm package, shared/ path, user file). */
  weightsSource: string;
  /** Published accuracy, if any, for the README's table (e.g. "AP 90.7/88.2/73.8 easy/medium/hard"). */
  published?: string;
  create(options?: DetectorCreateOptions): Promise<FaceDetector>;
}
