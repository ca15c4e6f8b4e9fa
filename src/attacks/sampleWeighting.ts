// How the selected samples of a batch are averaged into the loss. The paper averages over samples
// (L = (1/N) sum log S_i), so a large face, covered by dozens of anchors at several scales, pulls
// the patch far harder than a small face with one or two: the patch learns to hide large faces
// first. `face` weighting gives every face (and every patch) the same total weight instead, so
// small faces count as much as large ones; samples on neither keep weight 1 each. `face-patch`
// also keeps a patch's own small anchors (the faces a patch may draw inside itself, which
// `--patch-overlap anchor-inside` selects) out of the group of the face under the patch, where
// they would take most of that face's unit of weight. `face-patch-top` shares each unit by the
// softmax of the samples' logits instead of equally: a face counts as found at delta = 0.99 by its
// most confident box alone, and an equal share leaves that box a sliver of the face's pull.
import { gatherAnchors, matchAnchorsToBoxes } from './anchorOverlap.js';
import type { SelectionInput } from './selection/types.js';
import { SCORE_FLOOR } from './selection/scoreLoss.js';
import { Registry } from '../util/registry.js';

export interface SampleWeighting {
  name: string;
  description: string;
  /**
   * The weight of each selected sample, in the order of `selected`. The batch loss is
   * sum(w_i * term_i) / sum(w_i) over the batch's samples.
   */
  weights(input: SelectionInput, selected: Int32Array): Float32Array;
}

export const perSampleWeighting: SampleWeighting = {
  name: 'sample',
  description: "every selected sample weighs 1: the paper's (1/N) sum over samples",
  weights: (_input, selected) => new Float32Array(selected.length).fill(1),
};

export const perFaceWeighting: SampleWeighting = {
  name: 'face',
  description: 'the samples on one face (or one patch) share a total weight of 1, so small faces count as much as large ones',
  weights: (input, selected) => weightsOfGroups(faceOrPatchGroups(input, selected)),
};

/**
 * Each group's samples share a total weight of 1, equally or in proportion to `shares`; a sample
 * in no group (undefined) weighs 1.
 */
function weightsOfGroups(group: readonly (string | undefined)[], shares?: Float64Array): Float32Array {
  const shareOf = (j: number) => (shares ? (shares[j] as number) : 1);
  const totals = new Map<string, number>();
  group.forEach((g, j) => {
    if (g !== undefined) totals.set(g, (totals.get(g) ?? 0) + shareOf(j));
  });
  return Float32Array.from(group, (g, j) => (g === undefined ? 1 : shareOf(j) / (totals.get(g) as number)));
}

/** An anchor with more than this fraction of its area on a patch counts as the patch's, not its face's. */
export const MOSTLY_INSIDE_PATCH = 0.5;

export const perFaceAndPatchWeighting: SampleWeighting = {
  name: 'face-patch',
  description: `as face, but a sample with more than ${MOSTLY_INSIDE_PATCH} of its anchor on a patch belongs to that patch, not to the face under it`,
  weights: (input, selected) => weightsOfGroups(faceOrPatchGroups(input, selected, MOSTLY_INSIDE_PATCH)),
};

export const perFaceAndPatchTopWeighting: SampleWeighting = {
  name: 'face-patch-top',
  description: 'as face-patch, but each group shares its unit by the softmax of the logits (the odds S/(1-S)), so each face pulls hardest on its most confident sample, the one the metrics at delta = 0.99 count',
  weights: (input, selected) => weightsOfGroups(faceOrPatchGroups(input, selected, MOSTLY_INSIDE_PATCH), oddsOf(input.scores, selected)),
};

/**
 * The odds S / (1 - S) of the selected scores: shares in proportion to them are the softmax of the
 * logits. S and 1 - S are clamped to the score losses' floor, so the odds stay finite (at most 1e7).
 */
function oddsOf(scores: Float32Array, selected: Int32Array): Float64Array {
  return Float64Array.from(selected, (i) => {
    const s = Math.min(Math.max(scores[i] as number, SCORE_FLOOR), 1 - SCORE_FLOOR);
    return s / (1 - s);
  });
}

/**
 * The group of each selected sample: the face it overlaps most, else the patch it overlaps most,
 * else none (undefined). Patches sit on their faces, so most patch samples also find their face.
 * With `insidePatchAbove`, a sample with more than that fraction of its anchor on a patch goes to
 * that patch first.
 */
function faceOrPatchGroups({ anchors, faces, patches }: SelectionInput, selected: Int32Array, insidePatchAbove?: number): (string | undefined)[] {
  const selectedAnchors = gatherAnchors(anchors, selected);
  const insidePatch = insidePatchAbove === undefined ? undefined : matchAnchorsToBoxes(selectedAnchors, patches, 'anchor-inside');
  const onFace = matchAnchorsToBoxes(selectedAnchors, faces);
  const onPatch = matchAnchorsToBoxes(selectedAnchors, patches);
  return Array.from(selected, (_, j) => {
    if (insidePatch && (insidePatch.iou[j] as number) > (insidePatchAbove as number)) return `p${insidePatch.box[j]}`;
    if ((onFace.box[j] as number) >= 0) return `f${onFace.box[j]}`;
    if ((onPatch.box[j] as number) >= 0) return `p${onPatch.box[j]}`;
    return undefined;
  });
}

/** The paper's weighting: the default, and what runs saved before the option existed used. */
export const DEFAULT_SAMPLE_WEIGHTING = perSampleWeighting.name;

/** `--sample-weighting` choices by name. */
export const sampleWeightingRegistry = new Registry<SampleWeighting>('sample weighting');
for (const weighting of [perSampleWeighting, perFaceWeighting, perFaceAndPatchWeighting, perFaceAndPatchTopWeighting]) sampleWeightingRegistry.register(weighting.name, weighting);
