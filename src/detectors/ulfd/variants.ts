// The ULFD (Ultra-Light-Fast-Generic-Face-Detector-1MB) models facepatch ships detectors for,
// and the settings of the reference code (vision/ssd/config/fd_config.py and detect_imgs.py):
// priors min_boxes [[10,16,24],[32,48],[64,96],[128,192,256]] at strides 8/16/32/64 on
// ceil(input / stride) cells whose centres spread over the whole input ((i + 0.5) / cells), clamped;
// centre variance 0.1, size variance 0.2; input normalised as (pixel - 127) / 128, RGB.
import type { OnnxDetectorConfig } from '../onnx/detectorConfig.js';
import type { GridPriorSpec } from '../onnx/gridPriors.js';

export const ULFD_PRIORS: GridPriorSpec = {
  strides: [8, 16, 32, 64],
  minSizes: [
    [10, 16, 24],
    [32, 48],
    [64, 96],
    [128, 192, 256],
  ],
  clamp: true,
  centres: 'feature-map',
};

export const ULFD_CENTER_VARIANCE = 0.1;
export const ULFD_SIZE_VARIANCE = 0.2;

/**
 * NMS IoU of ULFD's demos (detect_imgs.py, run_video_face_detect_onnx.py: hard NMS at 0.3).
 * Kept as the default so detections match the reference; pass nmsIoU to detect() to change it.
 */
export const ULFD_NMS_IOU = 0.3;

export interface UlfdVariant {
  name: string;
  /** Path inside the shared folder. */
  file: string[];
  width: number;
  height: number;
  /** 'raw': outputs are softmax scores and prior offsets; 'decoded': the export decodes boxes itself. */
  outputs: 'raw' | 'decoded';
  published?: string;
}

// Only these ONNX files exist (there is no slim-640 export, and slim-320 ships only without
// post-processing). RFB-640 ships only with post-processing inside, so its detector reads the
// decoded boxes and reports the same priors as anchors.
export const ULFD_VARIANTS: readonly UlfdVariant[] = [
  {
    name: 'ulfd-rfb-320',
    file: ['models', 'ulfd', 'version-RFB-320_without_postprocessing.onnx'],
    width: 320,
    height: 240,
    outputs: 'raw',
    published: 'WIDER FACE val AP 78.7/69.8/43.8 easy/medium/hard at 320x240 (ULFD README)',
  },
  {
    name: 'ulfd-rfb-640',
    file: ['models', 'ulfd', 'version-RFB-640.onnx'],
    width: 640,
    height: 480,
    outputs: 'decoded',
    published: 'WIDER FACE val AP 85.5/82.2/57.9 easy/medium/hard at 640x480 (ULFD README)',
  },
  {
    name: 'ulfd-slim-320',
    file: ['models', 'ulfd', 'version-slim-320_without_postprocessing.onnx'],
    width: 320,
    height: 240,
    outputs: 'raw',
    published: 'WIDER FACE val AP 77.0/67.1/39.5 easy/medium/hard at 320x240 (ULFD README)',
  },
];

export function ulfdInputDescription(variant: UlfdVariant): string {
  return `any size; stretched to ${variant.width}x${variant.height} (bilinear, as cv2.resize in the reference demo)`;
}

/** The generic ONNX detector config of a ULFD variant. */
export function ulfdDetectorConfig(variant: UlfdVariant): OnnxDetectorConfig {
  return {
    name: variant.name,
    family: 'ssd',
    inputDescription: ulfdInputDescription(variant),
    input: { name: 'input', width: variant.width, height: variant.height, channelOrder: 'RGB', scale: 255, mean: 127, std: 128 },
    scores: { output: 'scores', faceIndex: 1, activation: 'none' },
    boxes:
      variant.outputs === 'raw'
        ? { output: 'boxes', encoding: 'ssd', variances: [ULFD_CENTER_VARIANCE, ULFD_SIZE_VARIANCE] }
        : { output: 'boxes', encoding: 'corners', units: 'normalized' },
    priors: ULFD_PRIORS,
    nmsIoU: ULFD_NMS_IOU,
  };
}
