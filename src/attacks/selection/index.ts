export * from './types.js';
export * from './registry.js';
export { iouSelection } from './iou.js';
export { scoreSelection } from './score.js';
export { scoreFocalSelection } from './scoreFocal.js';
export { combinationSelection } from './combination.js';
export * from './scoreLoss.js';
