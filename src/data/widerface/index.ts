export * from './annotationParser.js';
export * from './evalGroundTruth.js';
export * from './subsetMembership.js';
export * from './widerLayout.js';
export * from './loadWiderFace.js';
