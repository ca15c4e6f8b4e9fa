// `facepatch evaluate`: scores detections against WIDER FACE val with the official protocol and
// the paper's metrics (train, which has no Easy/Medium/Hard ground truth, on All alone). The
// detections come from a DetectionSource chosen from the flags: a stored submission folder
// (--detections), or a detector run on clean or patched images (--detector, --patch none|noise|<file>).
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultWiderRoot } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { loadWiderFace } from '../../data/index.js';
import { SUBSET_NAMES, type Split, type SubsetName } from '../../data/types.js';
import {
  EVAL_DEFAULT_BETAS,
  EVAL_DEFAULT_DELTA,
  evaluateDataset,
  submissionDetectionSource,
  type DetectionSource,
  type EvaluationResult,
  countFalsePositiveKinds,
  describeFalsePositiveKinds,
  formatFalsePositive,
} from '../../eval/index.js';
import { FacepatchError } from '../../util/errors.js';
import { createProgress } from '../../util/progress.js';
import { emit, formatTable, note } from '../output.js';
import { parseFraction, parseNonNegativeInt, parsePositiveInt } from '../options.js';
import {
  addDetectorOptions,
  addPlacementOptions,
  addSeedOption,
  openDetector,
  patchFromFlag,
  patchSetting,
  placementFromFlags,
  type DetectorFlags,
  type PlacementFlags,
} from '../commonOptions.js';
import { detectionSettingKey, detectorDetectionSource } from '../../experiments/patchedDetection.js';
import { journaledDetectionSource, valuesDigest } from '../../eval/detectionJournal.js';

interface EvaluateOptions extends DetectorFlags, PlacementFlags {
  detections?: string;
  patch: string;
  seed: number;
  maxSide: number;
  saveDetections?: string;
  root: string;
  split: Split;
  delta: number;
  betas: number[];
  maxImages?: number;
  journal?: string;
  resume?: boolean;
}

function parseBetas(value: string): number[] {
  const betas = value.split(',').map((part) => Number(part.trim()));
  if (betas.length === 0 || betas.some((b) => !Number.isFinite(b) || b <= 0)) {
    throw new InvalidArgumentError(`expected positive numbers separated by commas, got "${value}"`);
  }
  return betas;
}

/** The detection source the flags ask for: stored detections, or a detector run on (patched) images. */
async function detectionSourceFromOptions(
  options: EvaluateOptions,
  command: Command,
): Promise<{ source: DetectionSource; backend?: string; patchDigest?: string; dispose(): void }> {
  const detectorGiven = command.getOptionValueSource('detector') === 'cli';
  if (options.resume && options.journal === undefined) throw new FacepatchError('--resume continues the evaluation recorded by --journal <file>; pass both');
  if (options.detections !== undefined) {
    if (options.journal !== undefined) throw new FacepatchError('--journal records detections a detector computes; --detections are already stored');
    if (detectorGiven || options.patch !== 'none') {
      throw new FacepatchError('--detections scores stored detections; it cannot be combined with --detector or --patch');
    }
    return { source: submissionDetectionSource(options.detections), dispose() {} };
  }
  if (!detectorGiven) {
    throw new FacepatchError('no detections to evaluate: pass --detections <dir> (a WIDER submission folder) or --detector <name>');
  }
  const patch = await patchFromFlag(options.patch, options.seed, options.root);
  const { detector, backend } = await openDetector(options);
  const setting = patchSetting(patch, options);
  const computed = detectorDetectionSource({
    detector,
    patch: setting,
    maxSide: options.maxSide,
    saveDir: options.saveDetections,
    description: `detector ${detector.name}, patch ${options.patch}`,
  });
  const source =
    options.journal === undefined
      ? computed
      : journaledDetectionSource(computed, {
          path: options.journal,
          resume: options.resume === true,
          key: detectionSettingKey({ detector: options.detector, weights: options.weights, detectorConfig: options.detectorConfig, backend, patch: setting, maxSide: options.maxSide }),
        });
  return { source, backend, patchDigest: patch ? valuesDigest(patch.values) : undefined, dispose: () => detector.dispose() };
}

/** False positives printed in the human report; the JSON lists them all. */
const FALSE_POSITIVES_SHOWN = 10;

const percent = (value: number | null) => (value === null ? 'n/a' : (100 * value).toFixed(1));
const fixed = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));

/** The subsets a split is scored on: val's official four, or All alone where Easy/Medium/Hard are undefined. */
function scoredSubsets(allFacesOnly: boolean): readonly SubsetName[] {
  return allFacesOnly ? ['all'] : SUBSET_NAMES;
}

/** A per-subset record with the unscored subsets as null, so no one reads an empty subset's figure. */
function scoredOnly<T>(record: Record<SubsetName, T>, scored: readonly SubsetName[]): Record<SubsetName, T | null> {
  return Object.fromEntries(SUBSET_NAMES.map((s) => [s, scored.includes(s) ? record[s] : null])) as Record<SubsetName, T | null>;
}

function humanReport(result: EvaluationResult, sourceReport: Record<string, unknown>, scored: readonly SubsetName[]): string {
  const betaKeys = result.betas.map(String);
  const table = formatTable(
    ['subset', 'faces', 'proposals', 'recalled', 'precision %', 'recall %', 'AP %', ...betaKeys.map((b) => `AF(${b})`)],
    scored.map((s) => {
      const point = result.atDelta[s];
      return [
        s,
        point.faces,
        point.proposals,
        point.recalled,
        percent(point.precision),
        percent(point.recall),
        percent(result.ap[s]),
        ...betaKeys.map((b) => fixed(result.fbeta.afbeta[s][b] ?? null)),
      ];
    }),
  );
  const { criterion1, criterion2 } = result.criteria;
  const missing = Number(sourceReport.missingFiles ?? 0);
  return [
    `${result.images} images; precision, recall, proposals and criteria at score >= delta = ${result.delta}; AP with the official WIDER FACE protocol`,
    table,
    `criterion 1: ${criterion1.facesDetected.all} of ${criterion1.faces.all} faces still detected` +
      (scored.length > 1 ? ` (easy ${criterion1.facesDetected.easy}, medium ${criterion1.facesDetected.medium}, hard ${criterion1.facesDetected.hard})` : ' (all faces; no Easy/Medium/Hard ground truth for this split)'),
    `criterion 2: ${criterion2.detections} detections on ${criterion2.patchesDetected} of ${criterion2.patches} pasted patches; ${criterion2.detectionsWithinPatches ?? 0} smaller detections within patches`,
    falsePositivesReport(result),
    ...(missing > 0 ? [`${missing} images had no detection file (counted as no detections)`] : []),
  ].join('\n');
}

function falsePositivesReport({ falsePositives, delta }: EvaluationResult): string {
  if (falsePositives.length === 0) return `false positives at delta = ${delta} (all): none`;
  const shown = falsePositives.slice(0, FALSE_POSITIVES_SHOWN).map((fp) => `  ${formatFalsePositive(fp)}`);
  const more = falsePositives.length > shown.length ? [`  ... ${falsePositives.length - shown.length} more in --json`] : [];
  return [`false positives at delta = ${delta} (all): ${falsePositives.length} (${describeFalsePositiveKinds(falsePositives)})`, ...shown, ...more].join('\n');
}

export function register(program: Command): void {
  const evaluate = program
    .command('evaluate')
    .description('score detections against WIDER FACE val: precision/recall at delta, official AP, AF_beta and the attack criteria, per Easy/Medium/Hard/All (train: All alone)')
    .option('--detections <dir>', 'a WIDER submission folder: <dir>/<event>/<image>.txt')
    .option('--root <dir>', 'WIDER FACE root in the official layout', defaultWiderRoot())
    .addOption(
      new Option('--split <split>', 'dataset split: val (Easy/Medium/Hard/All) or train (All alone: every annotated face; train has no Easy/Medium/Hard ground truth)')
        .choices(['val', 'train'])
        .default('val'),
    )
    .option('--delta <score>', 'score threshold delta of the paper', parseFraction, EVAL_DEFAULT_DELTA)
    .addOption(
      new Option('--betas <list>', 'comma-separated betas of the Threshold-F_beta curves')
        .argParser(parseBetas)
        .default([...EVAL_DEFAULT_BETAS], EVAL_DEFAULT_BETAS.join(',')),
    )
    .option('--max-images <n>', 'evaluate only the first N present images (sorted path order)', parsePositiveInt)
    .option('--patch <patch>', 'with --detector: paste this patch on every face: none (clean), noise (unoptimised control from --seed), face (real-face control from WIDER train), or a patch .png/.json', 'none')
    .option('--max-side <px>', 'with --detector: shrink images so the longer side is at most this (0 = original scale)', parseNonNegativeInt, 0)
    .option('--save-detections <dir>', 'with --detector: also write the detections as a WIDER submission folder')
    .option('--journal <file>', "with --detector: record each image's detections in this file as they are computed (see --resume)")
    .option('--resume', 'continue the evaluation recorded in --journal: its images are not run again');
  addDetectorOptions(evaluate);
  addPlacementOptions(evaluate);
  addSeedOption(evaluate);
  evaluate.action(async (options: EvaluateOptions, command: Command) => {
      const { source, backend, patchDigest, dispose } = await detectionSourceFromOptions(options, command);
      const dataset = loadWiderFace({ root: options.root, split: options.split, maxImages: options.maxImages });
      if (dataset.skipped > 0) note(`${dataset.skipped} annotated images are not on disk; evaluating the ${dataset.images.length} present`);
      // Only val ships the official Easy/Medium/Hard membership; other splits are scored on All alone.
      const allFacesOnly = options.split !== 'val';
      if (allFacesOnly) note(`${options.split} has no Easy/Medium/Hard ground truth: scoring All alone (every annotated face)`);
      const scored = scoredSubsets(allFacesOnly);
      const progress = createProgress({ label: 'evaluate', total: dataset.images.length });
      const { result, source: sourceReport } = await evaluateDataset({
        dataset,
        source,
        delta: options.delta,
        betas: options.betas,
        allFacesOnly,
        onImage: () => progress.tick(),
      });
      progress.stop();
      dispose();
      const missing = Number(sourceReport.missingFiles ?? 0);
      if (missing > 0) note(`${missing} of ${dataset.images.length} images have no detection file in ${options.detections}; counted as no detections`);
      const document = {
        precision: scoredOnly(result.precision, scored),
        recall: scoredOnly(result.recall, scored),
        ap: scoredOnly(result.ap, scored),
        afbeta: result.afbeta,
        delta: result.delta,
        images: result.images,
        betas: result.betas,
        subsets: scored,
        atDelta: scoredOnly(result.atDelta, scored),
        criteria: {
          criterion1: { facesDetected: scoredOnly(result.criteria.criterion1.facesDetected, scored), faces: scoredOnly(result.criteria.criterion1.faces, scored) },
          criterion2: result.criteria.criterion2,
        },
        falsePositives: {
          byKind: countFalsePositiveKinds(result.falsePositives),
          list: result.falsePositives.map(({ image, detection, kind, face, faceIoU }) => ({
            image,
            box: [detection.x, detection.y, detection.w, detection.h],
            score: detection.score,
            kind,
            face,
            faceIoU,
          })),
        },
        fbeta: { thresholds: result.fbeta.thresholds, curves: scoredOnly(result.fbeta.curves, scored), afbeta: scoredOnly(result.fbeta.afbeta, scored) },
        dataset: { root: dataset.source.root, split: options.split, images: dataset.images.length, skipped: dataset.skipped },
        detections: { source: source.description, ...sourceReport },
        provenance: makeProvenance({
          detector: options.detections === undefined ? options.detector : undefined,
          backend,
          seed: options.seed,
          config: {
            detections: options.detections,
            patch: options.detections === undefined ? options.patch : undefined,
            // the patch's values, so a report still names its bytes after the file is replaced
            patchDigest,
            placement: options.detections === undefined && options.patch !== 'none' ? placementFromFlags(options) : undefined,
            maxSide: options.detections === undefined ? options.maxSide : undefined,
            root: options.root,
            split: options.split,
            delta: options.delta,
            betas: options.betas,
            maxImages: options.maxImages ?? null,
          },
        }),
      };
      emit(command, document, () => humanReport(result, sourceReport, scored));
    });
}
