export * from './patchedDetection.js';
export * from './photoEvaluation.js';
export * from './demo.js';
export * from './compare.js';
