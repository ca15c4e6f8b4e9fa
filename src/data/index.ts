// The data stage: datasets (WIDER FACE, photo folders), their statistics, image decoding, and
// the MATLAB MAT-file reader the WIDER FACE evaluation ground truth needs.
export * from './types.js';
export * from './datasetStats.js';
export * from './photoFolder.js';
export * from './widerface/index.js';
export * from './images/index.js';
export * from './mat/index.js';
