// The README's main job: a short attack on the default detector over the sample photos that
// @vladmandic/face-api ships (photo-folder mode), then the patch, before/after renders and the
// metrics against the paper's controls (clean, unoptimised noise patch).
import { basename, join } from 'node:path';
import type { FaceDetector } from '../detectors/types.js';
import { runAttack, DEFAULT_SNAPSHOT_EPOCHS, type AttackConfig, type EpochRecord } from '../attacks/runAttack.js';
import { facesFromCleanDetector } from '../attacks/cleanFaces.js';
import { DEFAULT_SELECTION_PARAMS } from '../attacks/selection/types.js';
import type { Dataset } from '../data/types.js';
import { initPatch, DEFAULT_PATCH_SIZE } from '../patch/patchFile.js';
import { NO_EOT } from '../patch/photometric.js';
import { renderComparison } from '../report/comparison.js';
import type { Provenance } from '../config/provenance.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite.js';
import { FacepatchError } from '../util/errors.js';
import { SeededRandom } from '../util/random.js';
import { evaluateOnPhotos } from './photoEvaluation.js';

export interface DemoOptions {
  detector: FaceDetector;
  photos: string[];
  outDir: string;
  method: string;
  epochs: number;
  lr: number;
  seed: number;
  delta: number;
  maxSide: number;
  resume?: boolean;
  provenance: Provenance;
  onImage?: Parameters<typeof runAttack>[0]['onImage'];
  onEpoch?: (record: EpochRecord) => void;
  onStage?: (message: string) => void;
}

export interface DemoSummary {
  faces: number;
  images: number;
  rows: { setting: string; precision: number; recall: number | null; facesDetected: number; patchDetections: number }[];
  renders: string[];
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { detector, outDir } = options;
  const stage = options.onStage ?? (() => {});
  const dataset: Dataset = {
    images: options.photos.map((path) => ({ id: basename(path).replace(/\.[^.]+$/, ''), event: '', path, faces: [] })),
    skipped: 0,
    source: { kind: 'photo-folder', root: 'face-api sample photos' },
  };
  stage(`finding the faces the clean ${detector.name} detects above ${options.delta}`);
  const items = await facesFromCleanDetector(detector, dataset, { delta: options.delta, maxSide: options.maxSide });
  const faces = items.reduce((n, item) => n + item.faces.length, 0);
  if (faces === 0) throw new FacepatchError(`the clean ${detector.name} finds no face above ${options.delta} in the sample photos`);
  const config: AttackConfig = {
    detector: detector.name, method: options.method, epochs: options.epochs, batch: 1, lr: options.lr, lrDecayEpochs: [], optimizer: 'adam',
    init: 'noise', patchSize: DEFAULT_PATCH_SIZE, alpha: 0.5, location: 'top', scale: 1, mask: 'none', seed: options.seed,
    maxSide: options.maxSide, selection: DEFAULT_SELECTION_PARAMS, eot: NO_EOT, snapshotEpochs: DEFAULT_SNAPSHOT_EPOCHS,
  };
  stage(`optimising a ${options.method} patch on ${faces} faces in ${items.length} photos for ${options.epochs} epochs`);
  const attack = await runAttack({ config, detector, items, outDir, resume: options.resume, provenance: options.provenance, onImage: options.onImage, onEpoch: options.onEpoch });
  const placement = { alpha: config.alpha, location: config.location };
  const noise = await initPatch('noise', DEFAULT_PATCH_SIZE, new SeededRandom(options.seed + 1));
  const settings = [
    { setting: 'clean', patch: undefined },
    { setting: 'noise patch (unoptimised)', patch: noise },
    { setting: `${options.method} patch`, patch: attack.patch },
  ];
  stage('scoring clean, noise-patch and optimised-patch images');
  const rows: DemoSummary['rows'] = [];
  for (const s of settings) {
    const result = await evaluateOnPhotos({ detector, items, setting: s.patch && { patch: s.patch, placement }, delta: options.delta, maxSide: options.maxSide });
    rows.push({
      setting: s.setting,
      precision: result.precision.all,
      recall: result.recall.all,
      facesDetected: result.criteria.criterion1.facesDetected.all,
      patchDetections: result.criteria.criterion2.detections,
    });
  }
  stage('rendering before/after figures');
  const renders: string[] = [];
  for (const item of items) {
    const outPath = join(outDir, 'renders', `${item.id}.png`);
    await renderComparison({
      detector,
      imagePath: item.path,
      faces: item.faces,
      panels: settings.map((s) => ({ label: s.setting, setting: s.patch && { patch: s.patch, placement } })),
      delta: options.delta,
      maxSide: options.maxSide,
      outPath,
    });
    renders.push(outPath);
  }
  const summary: DemoSummary = { faces, images: items.length, rows, renders };
  writeJsonAtomic(join(outDir, 'metrics.json'), { ...summary, history: attack.history, config, provenance: options.provenance });
  const pct = (v: number | null) => (v === null ? 'n/a' : (100 * v).toFixed(1));
  writeFileAtomic(
    join(outDir, 'metrics.md'),
    [
      `# facepatch demo: ${options.method} patch against ${detector.name}`,
      '',
      `${faces} faces (the clean detector's detections >= ${options.delta}) in ${items.length} sample photos of @vladmandic/face-api; ${options.epochs} epochs, Adam lr ${options.lr}, seed ${options.seed}.`,
      'The patch is optimised and scored on the same photos: a demonstration, not a held-out result (see the README for WIDER FACE val figures).',
      '',
      `| setting | precision at ${options.delta} | recall at ${options.delta} | faces detected | detections on patches |`,
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.setting} | ${pct(r.precision)} | ${pct(r.recall)} | ${r.facesDetected} / ${faces} | ${r.patchDetections} |`),
      '',
    ].join('\n'),
  );
  return summary;
}
