export * from './patchedDetection.js';
