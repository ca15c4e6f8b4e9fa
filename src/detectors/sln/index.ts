export * from './network.js';
export * from './params.js';
export * from './checkpoint.js';
export { upsample2x } from './layers.js';
