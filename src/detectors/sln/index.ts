export * from './network.js';
export * from './params.js';
export * from './checkpoint.js';
export * from './boxes.js';
export { defineMobileNetV1, MOBILENET_FEATURE_TAPS, MOBILENET_V1_025_STAGES } from './mobilenet.js';
export {
  SlnDetector,
  createSlnDetector,
  loadSlnNetworkWeights,
  readSlnDetectorConfig,
  shippedSlnWeightsPath,
  missingSlnWeightsMessage,
  SLN_DETECTOR_DEFAULTS,
  SLN_INPUT,
  type SlnDetectorConfig,
} from './slnDetector.js';
export { upsample2x } from './layers.js';
