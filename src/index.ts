// The library: everything the CLI does is callable from here.
export * from './config/index.js';
export * from './util/index.js';
export * from './engine/index.js';
export * from './detectors/index.js';
export * from './eval/index.js';
export * from './data/index.js';
export * from './patch/index.js';
export * from './attacks/index.js';
export * from './experiments/index.js';
export * from './report/index.js';
