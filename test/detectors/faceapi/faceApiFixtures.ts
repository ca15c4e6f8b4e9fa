// Shared by the face-api detector tests: the package's sample photos decoded with sharp, and the
// package's own implementation (its node-wasm bundle running on our @tensorflow/tfjs) as the oracle.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { nodeModulePath } from '../../../src/config/paths.js';
import { faceApiModelDir } from '../../../src/detectors/faceapi/weights.js';
import type { ScoredBox } from '../../../src/util/geometry.js';

export interface Sample {
  /** [H, W, 3] int32 pixels in 0..255, what face-api is given. */
  pixels: tf.Tensor3D;
  /** [1, H, W, 3] float32 in [0, 1], what our detectors are given. */
  image: tf.Tensor4D;
}

export interface SampleOptions {
  /** Crop (before resizing) in original pixels. */
  crop?: { left: number; top: number; width: number; height: number };
  /** Resize to this width (aspect kept unless height is given). */
  width?: number;
  height?: number;
}

/** face-api's demo photo sample<n>.jpg (n = 1..6). */
export async function loadSample(n: number, options: SampleOptions = {}): Promise<Sample> {
  let pipeline = sharp(nodeModulePath('@vladmandic/face-api', 'demo', `sample${n}.jpg`));
  if (options.crop) pipeline = pipeline.extract(options.crop);
  if (options.width) {
    pipeline = options.height ? pipeline.resize({ width: options.width, height: options.height, fit: 'fill' }) : pipeline.resize({ width: options.width });
  }
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32');
  const image = tf.tidy(() => tf.expandDims(tf.div(tf.cast(pixels, 'float32'), 255), 0)) as tf.Tensor4D;
  return { pixels, image };
}

// The package's typings are for its default (tfjs-node) entry; we only need these few members.
interface FaceApiDetection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}
interface FaceApiModule {
  nets: Record<'ssdMobilenetv1' | 'tinyFaceDetector', { loadFromDisk(dir: string): Promise<void>; isLoaded: boolean }>;
  detectAllFaces(input: tf.Tensor3D, options: unknown): Promise<FaceApiDetection[]>;
  SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize?: number; scoreThreshold?: number }) => unknown;
}

let faceApi: FaceApiModule | undefined;

/** face-api's node-wasm bundle (it requires @tensorflow/tfjs, the same instance we use), models loaded. */
export async function loadFaceApi(): Promise<FaceApiModule> {
  if (!faceApi) {
    const require = createRequire(import.meta.url);
    const module = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
    await module.nets.ssdMobilenetv1.loadFromDisk(faceApiModelDir());
    await module.nets.tinyFaceDetector.loadFromDisk(faceApiModelDir());
    faceApi = module;
  }
  return faceApi;
}

/** face-api's own detectAllFaces results as ScoredBoxes. */
export async function faceApiDetections(pixels: tf.Tensor3D, options: { ssd?: { minConfidence: number; maxResults: number }; tiny?: { inputSize: number; scoreThreshold: number } }): Promise<ScoredBox[]> {
  const api = await loadFaceApi();
  const detectorOptions = options.ssd ? new api.SsdMobilenetv1Options(options.ssd) : new api.TinyFaceDetectorOptions(options.tiny ?? {});
  const detections = await api.detectAllFaces(pixels, detectorOptions);
  return detections.map((d) => ({ x: d.box.x, y: d.box.y, w: d.box.width, h: d.box.height, score: d.score }));
}

/** Central difference of f at one element of x (f reads the image back, in float64). */
export async function centralDifference(
  f: (x: tf.Tensor4D) => Promise<number>,
  x: tf.Tensor4D,
  index: number,
  h: number,
): Promise<number> {
  const values = x.dataSync().slice();
  const at = async (delta: number) => {
    const copy = values.slice();
    copy[index] += delta;
    const shifted = tf.tensor4d(copy, x.shape);
    try {
      return await f(shifted);
    } finally {
      shifted.dispose();
    }
  };
  return ((await at(h)) - (await at(-h))) / (2 * h);
}

/** Indices of the k largest |values|. */
export function largestMagnitudes(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]))
    .slice(0, k);
}
