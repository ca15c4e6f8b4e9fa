// Patch-Score (section 4.2): every sample scoring above delta - m = 0.5, anywhere in the image, so
// both the true faces and the patch itself are pushed below the threshold (criteria 1 and 2).
import type { SelectionInput, SelectionParams, SelectionStrategy } from './types.js';
import { scoreLossTerms } from './scoreLoss.js';

export function selectByScore({ scores }: SelectionInput, { scoreThreshold }: SelectionParams): Int32Array {
  const selected: number[] = [];
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > scoreThreshold) selected.push(i);
  return Int32Array.from(selected);
}

export const scoreSelection: SelectionStrategy = {
  name: 'score',
  paperName: 'Patch-Score',
  description: 'anchors with S > delta - m (0.5) anywhere; loss mean log S',
  select: selectByScore,
  lossTerms: (scores, { scoreLoss }) => scoreLossTerms(scores, scoreLoss),
};
