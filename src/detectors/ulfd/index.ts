// ULFD (Ultra-Light-Fast-Generic-Face-Detector) detectors on the ONNX importer.
export { createUlfdDetector, ulfdModelPath, ulfdVariant } from './ulfdDetector.js';
export {
  ULFD_PRIORS,
  ULFD_VARIANTS,
  ULFD_NMS_IOU,
  ULFD_CENTER_VARIANCE,
  ULFD_SIZE_VARIANCE,
  ulfdDetectorConfig,
  ulfdInputDescription,
  type UlfdVariant,
} from './variants.js';
