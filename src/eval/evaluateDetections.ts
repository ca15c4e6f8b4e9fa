// Scores detections against WIDER FACE ground truth: precision and recall at delta, official
// AP, Threshold-F_beta curves and AF_beta per subset, the paper's attack criteria, and the false
// positives at delta one by one.
import { SUBSET_NAMES, type SubsetName } from '../data/types.js';
import { FacepatchError } from '../util/errors.js';
import { minMaxNormaliser, officialAveragePrecision } from './averagePrecision.js';
import { attackCriteria } from './criteria.js';
import { listFalsePositives } from './falsePositives.js';
import { thresholdFBeta, fBetaThresholdGrid } from './fBeta.js';
import { operatingPoint } from './operatingPoint.js';
import { RankedOutcomes, collectSubsetOutcomes, type SubsetOutcomes } from './rankedOutcomes.js';
import {
  EVAL_DEFAULT_BETAS,
  EVAL_DEFAULT_CURVE_STEPS,
  EVAL_DEFAULT_DELTA,
  type ByBeta,
  type BySubset,
  type EvaluationImage,
  type EvaluationOptions,
  type EvaluationResult,
  type OperatingPoint,
} from './types.js';

function bySubset<T>(make: (subset: SubsetName) => T): BySubset<T> {
  return Object.fromEntries(SUBSET_NAMES.map((s) => [s, make(s)])) as BySubset<T>;
}

function byBeta<T>(betas: readonly number[], make: (beta: number) => T): ByBeta<T> {
  return Object.fromEntries(betas.map((b) => [String(b), make(b)]));
}

function validateImages(images: readonly EvaluationImage[]): void {
  for (const image of images) {
    for (const subset of SUBSET_NAMES) {
      const indices = image.subsets[subset];
      if (!Array.isArray(indices)) throw new FacepatchError(`image ${image.id}: no '${subset}' subset membership`);
      for (const index of indices) {
        if (!Number.isInteger(index) || index < 0 || index >= image.faces.length) {
          throw new FacepatchError(`image ${image.id}: subset '${subset}' lists face ${index}, but the image has ${image.faces.length} faces`);
        }
      }
    }
    for (const d of image.detections) {
      if (![d.x, d.y, d.w, d.h, d.score].every(Number.isFinite)) {
        throw new FacepatchError(`image ${image.id}: a detection has a non-finite field (${JSON.stringify(d)})`);
      }
    }
  }
}

export function evaluateDetections(options: EvaluationOptions): EvaluationResult {
  const { images } = options;
  const delta = options.delta ?? EVAL_DEFAULT_DELTA;
  const betas = [...(options.betas ?? EVAL_DEFAULT_BETAS)];
  const thresholds = fBetaThresholdGrid(options.curveSteps ?? EVAL_DEFAULT_CURVE_STEPS);
  validateImages(images);

  const outcomes: BySubset<SubsetOutcomes> = bySubset((s) => collectSubsetOutcomes(images, s));

  const atDelta: BySubset<OperatingPoint> = bySubset((s) => {
    const ranked = new RankedOutcomes(outcomes[s].outcomes);
    return operatingPoint(ranked.countsAtOrAbove(delta), outcomes[s].faces);
  });

  // The official protocol normalises over every detection of the set, images without faces included.
  const normalise = minMaxNormaliser(images.flatMap((image) => image.detections.map((d) => d.score)));
  const ap = bySubset((s) => officialAveragePrecision(outcomes[s], normalise));

  const fbetaBySubset = bySubset((s) => byBeta(betas, (beta) => thresholdFBeta(outcomes[s], beta, thresholds)));
  const fbeta = {
    thresholds,
    curves: bySubset((s) => byBeta(betas, (beta) => fbetaBySubset[s][String(beta)]?.curve ?? [])),
    afbeta: bySubset((s) => byBeta(betas, (beta) => fbetaBySubset[s][String(beta)]?.area ?? null)),
  };

  return {
    delta,
    images: images.length,
    betas,
    precision: bySubset((s) => atDelta[s].precision),
    recall: bySubset((s) => atDelta[s].recall),
    atDelta,
    ap,
    afbeta: fbeta.afbeta.all,
    fbeta,
    criteria: attackCriteria(images, atDelta, delta),
    falsePositives: listFalsePositives(images, delta),
  };
}
