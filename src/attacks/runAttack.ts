// The optimisation run of a universal patch (paper sections 3.2 and 4.2): epochs over the
// training images, one Adam/SGD step per batch on the patch only, the patch clamped to [0, 1].
// After every epoch the patch and the full state (optimizer, generator, history) are written
// atomically, so a killed run resumes bit for bit; snapshots at chosen epochs show the evolution.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaceDetector } from '../detectors/types.js';
import { imageToTensor } from '../data/images/imageTensor.js';
import { buildPastePlan, jitteredPatchBox } from '../patch/paste.js';
import type { PatchLocation, PartMask } from '../patch/placement.js';
import { placePatches } from '../patch/placement.js';
import type { EotOptions } from '../patch/photometric.js';
import { drawJitter, drawPhotometric, eotEnabled, NO_EOT } from '../patch/photometric.js';
import type { Patch } from '../patch/patchFile.js';
import { decodeValues, encodeValues, initPatch, savedPatchLineage, savePatch } from '../patch/patchFile.js';
import type { Provenance } from '../config/provenance.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite.js';
import { FacepatchError, InputFileError } from '../util/errors.js';
import { SeededRandom } from '../util/random.js';
import { describeDifferences, differingSettings } from '../util/canonicalJson.js';
import type { OptimizerName, OptimizerState } from './optimizer.js';
import { PatchOptimizer } from './optimizer.js';
import { PatchAverage, type PatchAverageState } from './patchAverage.js';
import type { SelectionParams } from './selection/types.js';
import { selectionRegistry } from './selection/registry.js';
import { DEFAULT_SCORE_LOSS } from './selection/scoreLoss.js';
import { imageGradient } from './step.js';
import { DEFAULT_SAMPLE_WEIGHTING, sampleWeightingRegistry } from './sampleWeighting.js';
import type { TrainingItem } from './trainingSet.js';
import { defaultImageCacheBytes, ScaledImageCache, scaleBoxes } from '../data/images/scaledImage.js';

export interface AttackConfig {
  detector: string;
  method: string;
  epochs: number;
  /** Images per optimiser step (gradients are accumulated; the loss is the mean over all selected samples). */
  batch: number;
  lr: number;
  /** Epochs after which the learning rate is multiplied by 0.1 (the paper's schedule: 60, 80 of 100); [] = constant. */
  lrDecayEpochs: number[];
  optimizer: OptimizerName;
  /** noise, gray, constant:R,G,B, #rrggbb, an image file or a patch.json. */
  init: string;
  patchSize: number;
  alpha: number;
  location: PatchLocation;
  scale: number;
  mask: PartMask;
  seed: number;
  /** Longer image side during optimisation (images are shrunk, never enlarged). */
  maxSide: number;
  /**
   * Longer sides to draw from, one per image and epoch, instead of maxSide (beyond the paper: an
   * expectation over the image's scale, since the patch is evaluated at the photos' original
   * scale). Absent or [] = maxSide for every image (also runs saved before it existed).
   */
  imageSides?: number[];
  selection: SelectionParams;
  /** How selected samples are averaged (sampleWeighting.ts): 'sample' (the paper) or 'face'. Absent in runs saved before it existed: 'sample'. */
  sampleWeighting?: string;
  eot: EotOptions;
  /**
   * Decay per optimiser step of an exponential moving average of the patch, saved beside it as
   * patch-average.png/json and in the snapshots as epoch-NNN-average (patchAverage.ts; beyond the
   * paper). Absent or 0 = none (also runs saved before it existed).
   */
  patchAverageDecay?: number;
  /** Epochs whose patch is kept as a snapshot (0 = the initial patch). */
  snapshotEpochs: number[];
}

export const DEFAULT_SNAPSHOT_EPOCHS = [0, 10, 30, 60, 100];

/** The learning rate of a 1-based epoch: the base rate times 0.1 per decay epoch already passed. */
export function epochLearningRate(config: Pick<AttackConfig, 'lr' | 'lrDecayEpochs'>, epoch: number): number {
  // Divided, not multiplied by 0.1^k, so 0.01 becomes exactly 0.001 and 0.0001 in the records.
  return config.lr / 10 ** config.lrDecayEpochs.filter((after) => epoch > after).length;
}

export interface EpochRecord {
  epoch: number;
  /** Learning rate of the epoch (absent in runs saved before the schedule existed). */
  lr?: number;
  /** Weighted mean loss over the epoch's selected samples (lower = scores suppressed; see sampleWeighting.ts). */
  loss: number;
  samples: number;
  imagesWithSamples: number;
  images: number;
  faces: number;
  facesWithPatch: number;
  facesWithSamples: number;
  seconds: number;
}

interface Checkpoint {
  format: 'facepatch-attack-checkpoint/1';
  config: AttackConfig;
  epochsDone: number;
  rngState: number;
  optimizer: OptimizerState;
  patchSize: number;
  patch: string;
  history: EpochRecord[];
  trainingImages: number;
  /** The metadata of the saved patch the run started from (see savedPatchLineage), if any. */
  initialPatch?: Record<string, unknown>;
  /** The moving average of the patch, when config.patchAverageDecay asks for one. */
  patchAverage?: PatchAverageState;
}

export interface AttackRunOptions {
  config: AttackConfig;
  detector: FaceDetector;
  items: TrainingItem[];
  outDir: string;
  resume?: boolean;
  provenance?: Provenance;
  /** Called after every image (for a progress bar). */
  onImage?: (info: { epoch: number; index: number; total: number; loss: number; samples: number }) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** Stop after this many epochs in this call (for tests of resuming); the run can be resumed. */
  stopAfterEpochs?: number;
  /** Memory for decoded training images kept between epochs (default a quarter of RAM; 0 = decode every time). */
  imageCacheBytes?: number;
}

export interface AttackResult {
  patch: Patch;
  /** The moving average of the patch, when config.patchAverageDecay asks for one. */
  averagePatch?: Patch;
  history: EpochRecord[];
  epochsDone: number;
  resumedFrom: number;
}

const CHECKPOINT = 'checkpoint.json';

/** Settings that must match for --resume to continue a run (the epoch count may grow). */
function resumeSettings(config: AttackConfig): Omit<AttackConfig, 'epochs' | 'snapshotEpochs'> {
  const { epochs: _epochs, snapshotEpochs: _snapshots, ...rest } = config;
  // Runs saved before these settings existed ran at a constant rate with the paper's per-sample mean,
  // its IoU(anchor, patch) and its log S.
  return {
    ...rest,
    lrDecayEpochs: rest.lrDecayEpochs ?? [],
    sampleWeighting: rest.sampleWeighting ?? DEFAULT_SAMPLE_WEIGHTING,
    imageSides: rest.imageSides ?? [],
    patchAverageDecay: rest.patchAverageDecay ?? 0,
    selection: { ...rest.selection, patchOverlap: rest.selection.patchOverlap ?? 'iou', scoreLoss: rest.selection.scoreLoss ?? DEFAULT_SCORE_LOSS },
  };
}

export async function runAttack(options: AttackRunOptions): Promise<AttackResult> {
  const { config, detector, items, outDir } = options;
  const strategy = selectionRegistry.get(config.method);
  const weighting = sampleWeightingRegistry.get(config.sampleWeighting ?? DEFAULT_SAMPLE_WEIGHTING);
  if (items.length === 0) throw new FacepatchError('no training images with faces: nothing to optimise on');
  const checkpointPath = join(outDir, CHECKPOINT);
  const size = config.patchSize;
  let rng: SeededRandom;
  let patch: Patch;
  let optimizer: PatchOptimizer;
  let history: EpochRecord[] = [];
  let epochsDone = 0;
  let initialPatch: Record<string, unknown> | undefined;
  let average: PatchAverage | undefined;
  const averageDecay = config.patchAverageDecay ?? 0;

  if (existsSync(checkpointPath)) {
    if (!options.resume) {
      throw new FacepatchError(`${outDir} already holds a run (${CHECKPOINT}); pass --resume to continue it, or choose another --out`);
    }
    let saved: Checkpoint;
    try {
      saved = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    } catch (error) {
      throw new InputFileError(checkpointPath, `unreadable checkpoint: ${(error as Error).message}`);
    }
    if (saved.format !== 'facepatch-attack-checkpoint/1') throw new InputFileError(checkpointPath, 'not a facepatch attack checkpoint');
    // Compared key by key in sorted order: older checkpoints list later-added settings last.
    const differing = differingSettings(resumeSettings(saved.config), resumeSettings(config));
    if (differing.length > 0) throw new FacepatchError(`--resume: the settings differ from the run in ${outDir}: ${describeDifferences(differing)}`);
    if (saved.trainingImages !== items.length) {
      throw new FacepatchError(`--resume: the run used ${saved.trainingImages} training images, now ${items.length}`);
    }
    rng = new SeededRandom(0);
    rng.setState(saved.rngState);
    patch = { size: saved.patchSize, values: decodeValues(saved.patch) };
    optimizer = PatchOptimizer.restore(saved.optimizer);
    history = saved.history;
    epochsDone = saved.epochsDone;
    initialPatch = saved.initialPatch;
    if (averageDecay > 0) {
      if (!saved.patchAverage) throw new InputFileError(checkpointPath, 'the checkpoint holds no patch average to continue');
      average = PatchAverage.restore(saved.patchAverage, patch.values.length);
    }
  } else {
    rng = new SeededRandom(config.seed);
    patch = await initPatch(config.init, size, rng);
    optimizer = PatchOptimizer.create(config.optimizer, config.lr, patch.values.length);
    initialPatch = savedPatchLineage(config.init);
    if (averageDecay > 0) average = PatchAverage.start(averageDecay, patch.values);
    if (config.snapshotEpochs.includes(0)) await savePatch(join(outDir, 'snapshots', 'epoch-000'), patch);
  }
  const resumedFrom = epochsDone;
  const sides = config.imageSides?.length ? config.imageSides : [config.maxSide];
  // One cache per side, sharing the memory budget.
  const budget = Math.floor((options.imageCacheBytes ?? defaultImageCacheBytes()) / sides.length);
  const caches = new Map(sides.map((side) => [side, new ScaledImageCache(side, budget)]));
  const metadata = () => ({ provenance: options.provenance, config, epochsDone, history, ...(initialPatch ? { initialPatch } : {}) });

  while (epochsDone < config.epochs) {
    if (options.stopAfterEpochs !== undefined && epochsDone - resumedFrom >= options.stopAfterEpochs) break;
    const epoch = epochsDone + 1;
    const started = Date.now();
    const lr = epochLearningRate(config, epoch);
    const order = rng.shuffle(items.map((_, i) => i));
    // Drawn only with several sides, so single-scale runs keep their generator sequence.
    const drawnSides = order.map(() => (sides.length > 1 ? (sides[rng.int(sides.length)] as number) : (sides[0] as number)));
    const cacheAt = (position: number) => caches.get(drawnSides[position] as number) as ScaledImageCache;
    const record: EpochRecord = { epoch, lr, loss: 0, samples: 0, imagesWithSamples: 0, images: 0, faces: 0, facesWithPatch: 0, facesWithSamples: 0, seconds: 0 };
    let lossSum = 0;
    let weightSum = 0;
    for (let start = 0; start < order.length; start += config.batch) {
      const batchIndices = order.slice(start, start + config.batch);
      const gradientSum = new Float32Array(patch.values.length);
      let batchWeight = 0;
      for (const [k, index] of batchIndices.entries()) {
        const item = items[index] as TrainingItem;
        const loading = cacheAt(start + k).load(item.path);
        // The next image decodes while this one's gradient is computed (the first epoch decodes all).
        const nextIndex = order[start + k + 1];
        if (nextIndex !== undefined) cacheAt(start + k + 1).prefetch((items[nextIndex] as TrainingItem).path);
        const { image, scale } = await loading;
        const faces = scaleBoxes(item.faces, scale);
        const placements = placePatches(faces, { alpha: config.alpha, location: config.location, scale: config.scale });
        const eot = eotEnabled(config.eot) ? config.eot : NO_EOT;
        const jitter = eot === NO_EOT ? undefined : drawJitter(eot, rng, placements.length);
        const photometric = eot === NO_EOT ? undefined : drawPhotometric(eot, rng);
        const plan = buildPastePlan(image.height, image.width, size, placements, { mask: config.mask, jitter });
        const tensor = imageToTensor(image);
        try {
          const g = imageGradient(detector, patch.values, size, {
            image: tensor,
            faces,
            // The selection's patch boxes follow the jittered patches (EOT scale/rotation).
            patchBoxes: placements.map((p, i) => jitteredPatchBox(p, jitter?.[i])),
            plan,
            photometric,
          }, strategy, config.selection, eot, weighting);
          record.images++;
          record.faces += faces.length;
          record.facesWithPatch += placements.length;
          record.facesWithSamples += g.facesWithSamples;
          if (g.gradient) {
            for (let i = 0; i < gradientSum.length; i++) gradientSum[i] += g.gradient[i] as number;
            batchWeight += g.weight;
            weightSum += g.weight;
            lossSum += g.lossSum;
            record.samples += g.selected;
            record.imagesWithSamples++;
          }
          options.onImage?.({ epoch, index: record.images, total: order.length, loss: weightSum ? lossSum / weightSum : 0, samples: g.selected });
        } finally {
          tensor.dispose();
        }
      }
      if (batchWeight > 0) {
        for (let i = 0; i < gradientSum.length; i++) gradientSum[i] = (gradientSum[i] as number) / batchWeight;
        optimizer.step(patch.values, gradientSum, lr);
        average?.update(patch.values);
      }
    }
    record.loss = weightSum ? lossSum / weightSum : 0;
    record.seconds = (Date.now() - started) / 1000;
    history.push(record);
    epochsDone = epoch;
    // Patch first, then the checkpoint that points past it: a crash in between redoes one epoch.
    const snapshot = join(outDir, 'snapshots', `epoch-${String(epoch).padStart(3, '0')}`);
    await savePatch(join(outDir, 'patch'), patch, metadata());
    if (config.snapshotEpochs.includes(epoch)) await savePatch(snapshot, patch, metadata());
    if (average) {
      const averaged = { size: patch.size, values: average.values };
      const averageMetadata = { ...metadata(), average: { decay: average.decay, steps: average.steps } };
      await savePatch(join(outDir, 'patch-average'), averaged, averageMetadata);
      if (config.snapshotEpochs.includes(epoch)) await savePatch(`${snapshot}-average`, averaged, averageMetadata);
    }
    const checkpoint: Checkpoint = {
      format: 'facepatch-attack-checkpoint/1',
      config,
      epochsDone,
      rngState: rng.getState(),
      optimizer: optimizer.save(),
      patchSize: patch.size,
      patch: encodeValues(patch.values),
      history,
      trainingImages: items.length,
      ...(initialPatch ? { initialPatch } : {}),
      ...(average ? { patchAverage: average.save() } : {}),
    };
    writeJsonAtomic(checkpointPath, checkpoint);
    writeFileAtomic(join(outDir, 'history.csv'), historyCsv(history));
    options.onEpoch?.(record);
  }
  return { patch, ...(average ? { averagePatch: { size: patch.size, values: average.values } } : {}), history, epochsDone, resumedFrom };
}

export function historyCsv(history: readonly EpochRecord[]): string {
  const columns: (keyof EpochRecord)[] = ['epoch', 'lr', 'loss', 'samples', 'imagesWithSamples', 'images', 'faces', 'facesWithPatch', 'facesWithSamples', 'seconds'];
  return [columns.join(','), ...history.map((r) => columns.map((c) => r[c] ?? '').join(','))].join('\n') + '\n';
}
