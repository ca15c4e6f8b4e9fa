export * from './errors.js';
export * from './atomicWrite.js';
export * from './progress.js';
export * from './registry.js';
export * from './geometry.js';
export * from './random.js';
export * from './canonicalJson.js';
