export * from './annotate.js';
export * from './sideBySide.js';
export * from './comparison.js';
export * from './fbetaFigure.js';
