export * from './annotate.js';
export * from './sideBySide.js';
