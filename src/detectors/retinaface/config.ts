// RetinaFace-MobileNet0.25 as configured by the reference implementation (biubug6
// Pytorch_Retinaface, cfg_mnet) and its WIDER FACE test script.

export const RETINAFACE_MNET = {
  /** Anchor sizes (pixels) per pyramid level, two square anchors per location. */
  minSizes: [
    [16, 32],
    [64, 128],
    [256, 512],
  ],
  /** Stride of each pyramid level. */
  steps: [8, 16, 32],
  /** Box regression variances (centre, size). */
  variance: [0.1, 0.2] as const,
  /** The network sees BGR 0..255 minus this per-channel mean (listed here in RGB order). */
  meanRgb: [123, 117, 104] as const,
  /** LeakyReLU slope: the backbone always uses 0.1; FPN and SSH do when out_channels <= 64 (64 here). */
  leakySlope: 0.1,
  batchNormEpsilon: 1e-5,
  /** Post-processing of the reference test script (test_widerface.py). */
  scoreThreshold: 0.02,
  nmsIoU: 0.4,
  preNmsTopK: 5000,
  maxDetections: 750,
} as const;

export const RETINAFACE_WEIGHTS_PATH = ['models', 'retinaface-mobilenet0.25', 'mobilenet0.25_Final.pth'] as const;
