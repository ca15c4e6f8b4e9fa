// ONNX -> TensorFlow.js import (our own, on onnx-proto) and the generic ONNX face detector.
export { OnnxGraph, type OnnxRunOptions } from './graph.js';
export { parseOnnxModel, readOnnxModel, type OnnxModel, type OnnxNode, type OnnxValueInfo } from './model.js';
export { supportedOperators, OnnxOperatorError } from './operators/index.js';
export { resampleAxis, resizeBilinearNHWC, type CoordinateMode, type NearestMode } from './interpolation.js';
export type { HostTensor } from './hostTensor.js';
export { OnnxFaceDetector, createOnnxDetector } from './onnxDetector.js';
export { parseOnnxDetectorConfig, readOnnxDetectorConfig, type OnnxDetectorConfig } from './detectorConfig.js';
export { gridPriors, gridPriorCount, type GridPriorSpec } from './gridPriors.js';
export { decodeSsdOffsets, centreToCorners, scaleCorners } from './boxDecoding.js';
export { detectionsAfterNms, type NmsSettings } from './detections.js';
