export * from './placement.js';
export * from './paste.js';
export * from './photometric.js';
export * from './patchFile.js';
export * from './realFace.js';
