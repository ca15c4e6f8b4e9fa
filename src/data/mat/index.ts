export * from './matTypes.js';
export { parseMatFile, readMatFile } from './matReader.js';
export * from './matValues.js';
