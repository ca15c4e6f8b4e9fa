export * from './types.js';
export * from './registry.js';
export * from './pytorch/index.js';
export * from './onnx/index.js';
export * from './sln/index.js';
export * from './faceapi/index.js';
