export * from './placement.js';
export * from './paste.js';
