// The library: everything the CLI does is callable from here.
export * from './config/index.js';
export * from './util/index.js';
export * from './engine/index.js';
export * from './detectors/index.js';
