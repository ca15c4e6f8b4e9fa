// Running a detector on clean or patched images: the detection source behind
// `facepatch evaluate --detector` (the paper's controls are `none` and `noise` patches).
import * as tf from '@tensorflow/tfjs';
import type { FaceDetector } from '../detectors/types.js';
import type { DatasetImage } from '../data/types.js';
import { imageToTensor } from '../data/images/imageTensor.js';
import type { RgbImage } from '../data/images/rgbImage.js';
import type { DetectionSource } from '../eval/detectionSource.js';
import { writeSubmissionFile } from '../eval/submissionFiles.js';
import { valuesDigest } from '../eval/detectionJournal.js';
import { loadScaledImage, scaleBoxes, toOriginalPixels, type ScaledImage, ScaledImageCache } from '../data/images/scaledImage.js';
import { buildPastePlan, pastePatch } from '../patch/paste.js';
import type { PartMask, PlacementOptions } from '../patch/placement.js';
import { placePatches, placementBox } from '../patch/placement.js';
import type { Patch } from '../patch/patchFile.js';
import type { Box, ScoredBox } from '../util/geometry.js';

export interface PatchSetting {
  patch: Patch;
  placement: PlacementOptions;
  mask?: PartMask;
}

export interface PatchedImage {
  image: RgbImage;
  /** Coordinates in `image` = original coordinates * scale. */
  scale: number;
  /** Pasted patch boxes in `image` coordinates. */
  patches: Box[];
}

/** Loads an image (longer side at most maxSide; 0 = original size) and pastes the patch on the given faces. */
export async function loadPatchedImage(path: string, faces: readonly Box[], setting: PatchSetting | undefined, maxSide: number): Promise<PatchedImage> {
  return pasteOnScaledImage(await loadScaledImage(path, maxSide), faces, setting);
}

/** Pastes the patch on the given faces (original pixels) of an already loaded image; `scaled` is not modified. */
export function pasteOnScaledImage({ image, scale }: ScaledImage, faces: readonly Box[], setting: PatchSetting | undefined): PatchedImage {
  if (!setting) return { image, scale, patches: [] };
  const placements = placePatches(scaleBoxes(faces, scale), setting.placement);
  const plan = buildPastePlan(image.height, image.width, setting.patch.size, placements, { mask: setting.mask });
  const pasted = tf.tidy(() =>
    pastePatch(imageToTensor(image).expandDims(0) as tf.Tensor4D, tf.tensor3d(setting.patch.values, [setting.patch.size, setting.patch.size, 3]), [plan]),
  );
  const data = pasted.dataSync() as Float32Array;
  pasted.dispose();
  return { image: { width: image.width, height: image.height, data: Float32Array.from(data) }, scale, patches: placements.map(placementBox) };
}

/** Runs a detector on one RgbImage, returning detections in that image's pixels. */
export async function detectOnImage(detector: FaceDetector, image: RgbImage, scoreThreshold: number): Promise<ScoredBox[]> {
  // tidy: the [H, W, 3] tensor in between is freed too.
  const batch = tf.tidy(() => imageToTensor(image).expandDims(0) as tf.Tensor4D);
  try {
    const [detections] = await detector.detect(batch, { scoreThreshold });
    return detections ?? [];
  } finally {
    batch.dispose();
  }
}

export interface DetectorSourceOptions {
  detector: FaceDetector;
  /** Patch pasted on every ground-truth face; undefined = clean images. */
  patch?: PatchSetting;
  /** Longer image side fed to the detector (0 = original size). */
  maxSide: number;
  /** Decoded images shared between sources that read the same images (its maxSide must be this one). */
  images?: ScaledImageCache;
  /** Detections kept for the AP curve (default 0.02). */
  scoreThreshold?: number;
  /** Also write the detections as a WIDER submission folder here. */
  saveDir?: string;
  description?: string;
}

/** Detections of a detector run on each (optionally patched) dataset image, in original-image pixels. */
export function detectorDetectionSource(options: DetectorSourceOptions): DetectionSource {
  if (options.images && options.images.maxSide !== options.maxSide) {
    throw new Error(`detectorDetectionSource: the image cache holds images at maxSide ${options.images.maxSide}, not ${options.maxSide}`);
  }
  // Without a shared cache, one that keeps nothing: it still decodes the next image ahead.
  const images = options.images ?? new ScaledImageCache(options.maxSide, 0);
  let imagesDone = 0;
  let patched = 0;
  let seconds = 0;
  return {
    description: options.description ?? `detector ${options.detector.name}${options.patch ? ' on patched images' : ''}`,
    async detectionsFor(image: DatasetImage) {
      const faces = image.faces.map((f) => f.box);
      const scaled = await images.load(image.path);
      const input = pasteOnScaledImage(scaled, faces, options.patch);
      const started = Date.now();
      const found = await detectOnImage(options.detector, input.image, options.scoreThreshold ?? 0.02);
      seconds += (Date.now() - started) / 1000;
      imagesDone++;
      patched += input.patches.length;
      const detections = toOriginalPixels(found, input.scale);
      if (options.saveDir) writeSubmissionFile(options.saveDir, image.id, detections);
      const patches = toOriginalPixels(input.patches, input.scale);
      return options.patch ? { detections, patches } : { detections };
    },
    prefetch(image: DatasetImage) {
      images.prefetch(image.path);
    },
    report() {
      return {
        kind: 'detector',
        detector: options.detector.name,
        images: imagesDone,
        patchesPasted: patched,
        maxSide: options.maxSide,
        detectSecondsPerImage: imagesDone ? seconds / imagesDone : null,
        savedTo: options.saveDir ?? null,
      };
    },
  };
}

/**
 * What determines a detector source's detections, as a detections-journal key: a journal is
 * reused only for the same detector (and weights/config), backend, patch values, placement and scale.
 */
export function detectionSettingKey(options: {
  detector: string;
  weights?: string;
  detectorConfig?: string;
  backend?: string;
  patch?: PatchSetting;
  maxSide: number;
  scoreThreshold?: number;
}): Record<string, unknown> {
  const { patch } = options;
  return {
    detector: options.detector,
    weights: options.weights ?? null,
    detectorConfig: options.detectorConfig ?? null,
    backend: options.backend ?? null,
    patch: patch ? { size: patch.patch.size, values: valuesDigest(patch.patch.values), placement: patch.placement, mask: patch.mask ?? 'none' } : null,
    maxSide: options.maxSide,
    scoreThreshold: options.scoreThreshold ?? 0.02,
  };
}
