export * from './selection/index.js';
export * from './anchorOverlap.js';
export * from './optimizer.js';
export * from './step.js';
export * from './trainingSet.js';
export * from './runAttack.js';
export * from './cleanFaces.js';
export * from './sampleWeighting.js';
