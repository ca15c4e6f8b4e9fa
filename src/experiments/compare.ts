// One detector, several patch settings (the paper's controls and the optimised patches), one
// evaluation on WIDER FACE val: the rows of Tables 1 and 3 and the curves of Fig. 8, written as
// JSON, CSV, Markdown and an SVG figure.
import sharp from 'sharp';
import { join } from 'node:path';
import type { Dataset } from '../data/types.js';
import type { FaceDetector } from '../detectors/types.js';
import { evaluateDataset } from '../eval/evaluateDataset.js';
import type { EvaluationResult } from '../eval/types.js';
import { describeFalsePositiveKinds } from '../eval/falsePositives.js';
import type { Provenance } from '../config/provenance.js';
import { fbetaFigureSvg } from '../report/fbetaFigure.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite.js';
import { journaledDetectionSource } from '../eval/detectionJournal.js';
import { ScaledImageCache } from '../data/images/scaledImage.js';
import { detectionSettingKey, detectorDetectionSource, type PatchSetting } from './patchedDetection.js';

export interface CompareSetting {
  label: string;
  /** undefined = clean. */
  setting?: PatchSetting;
}

export interface CompareRow {
  label: string;
  result: EvaluationResult;
  /** Images whose detections came from the journal of an interrupted run (--resume). */
  reusedFromJournal: number;
}

const SUBSETS = ['easy', 'medium', 'hard', 'all'] as const;

export async function compareSettings(options: {
  detector: FaceDetector;
  dataset: Dataset;
  settings: CompareSetting[];
  maxSide: number;
  delta: number;
  outDir: string;
  provenance: Provenance;
  /** Identify the detector in journal keys (weights, config, backend). */
  detectorKey?: { weights?: string; detectorConfig?: string; backend?: string };
  /** Reuse the per-setting detection journals of an interrupted run in outDir/journals. */
  resume?: boolean;
  /** Memory for decoded images shared by the settings (default a quarter of RAM; 0 = decode for every setting). */
  imageCacheBytes?: number;
  onImage?: () => void;
  onSetting?: (label: string) => void;
}): Promise<CompareRow[]> {
  const rows: CompareRow[] = [];
  // Every setting reads the same images: decode each once (up to the cache's memory budget).
  const images = new ScaledImageCache(options.maxSide, options.imageCacheBytes);
  for (const [index, s] of options.settings.entries()) {
    options.onSetting?.(s.label);
    // Every setting's detections are journaled, so a killed comparison resumes image by image.
    const source = journaledDetectionSource(detectorDetectionSource({ detector: options.detector, patch: s.setting, maxSide: options.maxSide, images }), {
      path: join(options.outDir, 'journals', `setting-${index + 1}.jsonl`),
      resume: options.resume === true,
      key: { label: s.label, ...detectionSettingKey({ detector: options.detector.name, ...options.detectorKey, patch: s.setting, maxSide: options.maxSide }) },
    });
    const { result } = await evaluateDataset({ dataset: options.dataset, source, delta: options.delta, onImage: options.onImage });
    rows.push({ label: s.label, result, reusedFromJournal: source.reused });
    await writeCompareOutputs(options.outDir, rows, options.detector.name, options.delta, options.provenance);
  }
  return rows;
}

const pct = (v: number | null) => (v === null ? 'n/a' : (100 * v).toFixed(1));

/**
 * Proposals at or above delta on 'all' (detections not matched to an ignored face) and how many
 * of them recalled no face (proposals - recalled: the false positives behind precision). Once an
 * attack leaves few faces, precision swings with one or two such detections (with 70 faces left,
 * each costs 1.4 points), so the tables print the count beside the ratio.
 */
export function proposalsWithoutFace(result: EvaluationResult): { proposals: number; withoutFace: number } {
  const { proposals, recalled } = result.atDelta.all;
  return { proposals, withoutFace: proposals - recalled };
}

export function compareMarkdown(rows: readonly CompareRow[], detector: string, delta: number): string {
  const betas = rows[0]?.result.betas ?? [];
  const lines = [
    `Precision / recall (%) at delta = ${delta} on WIDER FACE val, detector ${detector}; AP (official protocol) and AF_beta on 'all'.`,
    '',
    `| setting | ${SUBSETS.map((s) => `${s} P / R`).join(' | ')} | AP all | ${betas.map((b) => `AF(${b})`).join(' | ')} | proposals ≥ delta, all / recalling no face | patches detected | smaller detections within patches |`,
    `|---|${SUBSETS.map(() => '---').join('|')}|---|${betas.map(() => '---').join('|')}|---|---|---|`,
    ...rows.map(({ label, result: r }) => {
      const { proposals, withoutFace } = proposalsWithoutFace(r);
      const kinds = describeFalsePositiveKinds(r.falsePositives);
      return `| ${label} | ${SUBSETS.map((s) => `${pct(r.precision[s])} / ${pct(r.recall[s])}`).join(' | ')} | ${pct(r.ap.all)} | ${betas.map((b) => (r.afbeta[String(b)] ?? null) === null ? 'n/a' : (r.afbeta[String(b)] as number).toFixed(3)).join(' | ')} | ${proposals} / ${withoutFace}${kinds ? ` (${kinds})` : ''} | ${r.criteria.criterion2.patchesDetected} / ${r.criteria.criterion2.patches} | ${r.criteria.criterion2.detectionsWithinPatches ?? 'n/a'} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

export function compareCsv(rows: readonly CompareRow[]): string {
  const betas = rows[0]?.result.betas ?? [];
  const header = ['setting', ...SUBSETS.flatMap((s) => [`precision_${s}`, `recall_${s}`, `ap_${s}`]), ...betas.map((b) => `afbeta_${b}`), 'patches', 'patches_detected', 'faces_detected_all', 'detections_within_patches', 'proposals_all', 'proposals_without_face_all'];
  const body = rows.map(({ label, result: r }) => {
    const { proposals, withoutFace } = proposalsWithoutFace(r);
    return [JSON.stringify(label), ...SUBSETS.flatMap((s) => [r.precision[s], r.recall[s], r.ap[s]]), ...betas.map((b) => r.afbeta[String(b)]), r.criteria.criterion2.patches, r.criteria.criterion2.patchesDetected, r.criteria.criterion1.facesDetected.all, r.criteria.criterion2.detectionsWithinPatches ?? '', proposals, withoutFace].join(',');
  });
  return `${[header.join(','), ...body].join('\n')}\n`;
}

async function writeCompareOutputs(outDir: string, rows: readonly CompareRow[], detector: string, delta: number, provenance: Provenance): Promise<void> {
  writeJsonAtomic(join(outDir, 'results.json'), { detector, delta, provenance, rows: rows.map((r) => ({ label: r.label, reusedFromJournal: r.reusedFromJournal, ...r.result })) });
  writeFileAtomic(join(outDir, 'table.md'), compareMarkdown(rows, detector, delta));
  writeFileAtomic(join(outDir, 'table.csv'), compareCsv(rows));
  const first = rows[0]?.result;
  if (!first) return;
  const svg = fbetaFigureSvg(
    first.fbeta.thresholds,
    first.betas.map((b) => ({
      beta: String(b),
      series: rows.map((r) => ({ label: r.label, values: r.result.fbeta.curves.all[String(b)] ?? [], area: r.result.fbeta.afbeta.all[String(b)] ?? null })),
    })),
    `Threshold-F_beta on WIDER FACE val (all), ${detector}`,
  );
  writeFileAtomic(join(outDir, 'fbeta.svg'), svg);
  writeFileAtomic(join(outDir, 'fbeta.png'), await sharp(Buffer.from(svg)).png().toBuffer());
}
