// The detector-training stage: the paper's SLN (section 3.1) trained on WIDER FACE. Matching,
// group sampling, loss, augmentation, schedule and the training loop with exact resume.
export * from './anchorMatching.js';
export * from './groupSampling.js';
export * from './losses.js';
export * from './augmentation.js';
export * from './schedule.js';
export * from './history.js';
export * from './trainingCurve.js';
export * from './trainDetector.js';
