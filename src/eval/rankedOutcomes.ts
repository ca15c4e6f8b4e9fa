// Every counted detection of a subset across the whole set, ranked by score, with running
// totals. Per image, the detections at or above a threshold are a prefix of its ranked list,
// so summing the official per-image cumulative counts equals counting, over all images at
// once, the detections whose score reaches the threshold: one sort, then binary searches.
import type { SubsetName } from '../data/types.js';
import { matchImageDetections } from './imageMatching.js';
import type { EvaluationImage } from './types.js';

/** One detection's contribution: whether it is a proposal and whether it recalls a new face. */
export interface DetectionOutcome {
  score: number;
  isProposal: boolean;
  recallsNewFace: boolean;
}

export interface ThresholdCounts {
  proposals: number;
  recalled: number;
}

export class RankedOutcomes {
  private readonly scores: number[];
  /** cumulativeProposals[k]: proposals among the k highest-ranked detections. */
  private readonly cumulativeProposals: Int32Array;
  private readonly cumulativeRecalled: Int32Array;

  constructor(outcomes: readonly DetectionOutcome[]) {
    const ranked = [...outcomes].sort((a, b) => b.score - a.score);
    this.scores = ranked.map((o) => o.score);
    this.cumulativeProposals = new Int32Array(ranked.length + 1);
    this.cumulativeRecalled = new Int32Array(ranked.length + 1);
    ranked.forEach((o, k) => {
      this.cumulativeProposals[k + 1] = (this.cumulativeProposals[k] ?? 0) + (o.isProposal ? 1 : 0);
      this.cumulativeRecalled[k + 1] = (this.cumulativeRecalled[k] ?? 0) + (o.recallsNewFace ? 1 : 0);
    });
  }

  get size(): number {
    return this.scores.length;
  }

  /** Distinct scores, highest first. */
  distinctScores(): number[] {
    return this.scores.filter((s, k) => k === 0 || s !== this.scores[k - 1]);
  }

  /** Totals over the detections whose score is >= threshold. */
  countsAtOrAbove(threshold: number): ThresholdCounts {
    // First rank whose score is below the threshold (scores are non-increasing).
    let low = 0;
    let high = this.scores.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.scores[middle] as number) >= threshold) low = middle + 1;
      else high = middle;
    }
    return { proposals: this.cumulativeProposals[low] ?? 0, recalled: this.cumulativeRecalled[low] ?? 0 };
  }
}

export interface SubsetOutcomes {
  /** Faces the subset keeps, over every image (those without detections included). */
  faces: number;
  outcomes: DetectionOutcome[];
}

/**
 * Matches every image for one subset. As in the official script, an image without faces or
 * without detections contributes no proposal, but its kept faces still count.
 */
export function collectSubsetOutcomes(images: readonly EvaluationImage[], subset: SubsetName): SubsetOutcomes {
  let faces = 0;
  const outcomes: DetectionOutcome[] = [];
  for (const image of images) {
    const keptIndices = image.subsets[subset];
    faces += keptIndices.length;
    if (image.faces.length === 0 || image.detections.length === 0) continue;
    const kept = new Array<boolean>(image.faces.length).fill(false);
    for (const index of keptIndices) kept[index] = true;
    const match = matchImageDetections(image.detections, image.faces, kept);
    match.ranked.forEach((detection, k) =>
      outcomes.push({
        score: detection.score,
        isProposal: match.isProposal[k] as boolean,
        recallsNewFace: match.recallsNewFace[k] as boolean,
      }),
    );
  }
  return { faces, outcomes };
}
