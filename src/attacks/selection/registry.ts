import { Registry } from '../../util/registry.js';
import type { SelectionStrategy } from './types.js';
import { iouSelection } from './iou.js';
import { scoreSelection } from './score.js';
import { scoreFocalSelection } from './scoreFocal.js';
import { combinationSelection } from './combination.js';

/** The paper's four methods by name; `facepatch methods` lists them. */
export const selectionRegistry = new Registry<SelectionStrategy>('method');
for (const strategy of [iouSelection, scoreSelection, scoreFocalSelection, combinationSelection]) {
  selectionRegistry.register(strategy.name, strategy);
}
