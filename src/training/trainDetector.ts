// Training the paper's SLN face detector (section 3.1) on WIDER FACE train: one image per forward
// pass (gradients optionally averaged over `accumulate` images before a step), augmentation
// (flip, scale jitter, crop), anchor matching at IoU 0.6 / 0.4, group sampling, the loss
// L_pcls + L_ncls + L_reg, and momentum SGD with a step schedule. Batch-norm running statistics
// are updated by the network's training mode.
//
// After every epoch the whole state is written atomically (weights and BN buffers in float32,
// momentum buffers, generator state, steps, history), so a killed run resumes exactly: the
// weights of a resumed run equal those of an uninterrupted one. Random draws per image come from a
// seed drawn in order from the run's generator at the start of the epoch, so the next image can
// be decoded while the current one trains without changing any draw.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createSlnNetwork, loadSlnBackboneImageNet, slnAnchors, type BackboneWeightsReport, type SlnNetwork } from '../detectors/sln/network.js';
import { loadSlnWeights, readTensorFile, saveSlnWeights, writeTensorFile, type WeightsDtype } from '../detectors/sln/weightsFile.js';
import { sharedDir } from '../config/paths.js';
import { loadImage } from '../data/images/loadImage.js';
import type { RgbImage } from '../data/images/rgbImage.js';
import type { TrainingItem } from '../attacks/trainingSet.js';
import type { Provenance } from '../config/provenance.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicWrite.js';
import { FacepatchError, InputFileError } from '../util/errors.js';
import { SeededRandom } from '../util/random.js';
import { anchorCount, matchAnchors, slnAnchorGrid } from './anchorMatching.js';
import { augmentSample, PAPER_SCALE_FACTORS, type AugmentedSample } from './augmentation.js';
import { sampleAnchorGroups } from './groupSampling.js';
import { historyCsv, readHistoryCsv, summariseEpoch, type EpochRecord, type StepRecord } from './history.js';
import { lossTargets, slnDetectorLoss } from './losses.js';
import { learningRateAt, PAPER_MILESTONES, scheduleDivergence, SgdMomentum, type LearningRateSchedule } from './schedule.js';
import { writeTrainingCurve } from './trainingCurve.js';
import { describeDifferences, differingSettings } from '../util/canonicalJson.js';

export interface DetectorTrainingConfig {
  backbone: string;
  /** Seed of the initial weights, the epoch order and every random draw. */
  seed: number;
  epochs: number;
  /** Images whose gradients are averaged per optimiser step. */
  accumulate: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Fractions of the total steps where the rate drops by lrGamma. */
  lrMilestones: number[];
  lrGamma: number;
  warmupSteps: number;
  warmupRatio: number;
  /** Longer side of the training crops. */
  maxSide: number;
  scaleFactors: number[];
  flip: boolean;
  minVisibleFraction: number;
  minFaceSize: number;
  positiveIoU: number;
  negativeIoU: number;
  samplesPerGroup: number;
  maxPositiveFraction: number;
  /** Largest global L2 norm of the (averaged) gradient; larger ones are scaled down to it. 0 = no clipping (the paper). */
  maxGradientNorm: number;
  /**
   * The backbone's initialisation: 'imagenet' (the paper; the shared ImageNet file where one
   * exists, see loadSlnBackboneImageNet), 'none' (random He init, from scratch), or the path of a
   * PyTorch checkpoint with torchvision's (or Pytorch_Retinaface's) names.
   */
  backboneWeights: string;
  /** A facepatch SLN weights .json to start from (every tensor, e.g. to fine-tune); null = none. */
  init: string | null;
}

/** The paper's settings, except maxSide (1,200 there) and the warm-up (none there). */
export const DEFAULT_DETECTOR_TRAINING: DetectorTrainingConfig = {
  backbone: 'resnet18',
  seed: 0,
  epochs: 100,
  // the paper's batch of 8 images per step; one image per step at lr 0.01 threw the box
  // regression off its faces within ten steps in our trials
  accumulate: 8,
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 5e-5,
  lrMilestones: [...PAPER_MILESTONES],
  lrGamma: 0.1,
  warmupSteps: 50,
  warmupRatio: 0.001,
  maxSide: 640,
  scaleFactors: [...PAPER_SCALE_FACTORS],
  flip: true,
  minVisibleFraction: 0.5,
  minFaceSize: 4,
  positiveIoU: 0.6,
  negativeIoU: 0.4,
  samplesPerGroup: 64,
  maxPositiveFraction: 0.25,
  maxGradientNorm: 0,
  backboneWeights: 'imagenet',
  init: null,
};

/** Rejects impossible settings with a message naming the setting. */
export function validateTrainingConfig(config: DetectorTrainingConfig): void {
  const fail = (message: string) => {
    throw new FacepatchError(`detector training: ${message}`);
  };
  const positiveInt = (name: keyof DetectorTrainingConfig) => {
    const v = config[name] as number;
    if (!(Number.isInteger(v) && v > 0)) fail(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt('epochs');
  positiveInt('accumulate');
  positiveInt('maxSide');
  positiveInt('samplesPerGroup');
  if (!(Number.isInteger(config.warmupSteps) && config.warmupSteps >= 0)) fail(`warmupSteps must be a non-negative integer, got ${config.warmupSteps}`);
  if (!(config.lr > 0)) fail(`lr must be positive, got ${config.lr}`);
  if (!(config.momentum >= 0 && config.momentum < 1)) fail(`momentum must be in [0, 1), got ${config.momentum}`);
  if (!(config.weightDecay >= 0)) fail(`weightDecay must be non-negative, got ${config.weightDecay}`);
  if (!(config.warmupRatio > 0 && config.warmupRatio <= 1)) fail(`warmupRatio must be in (0, 1], got ${config.warmupRatio}`);
  if (config.lrMilestones.some((m) => !(m >= 0 && m <= 1))) fail(`lr milestones are fractions in [0, 1], got [${config.lrMilestones}]`);
  if (config.scaleFactors.length === 0 || config.scaleFactors.some((s) => !(s > 0 && s <= 8))) fail(`scale factors must be in (0, 8], got [${config.scaleFactors}]`);
  if (!(config.negativeIoU > 0 && config.negativeIoU <= config.positiveIoU && config.positiveIoU < 1)) {
    fail(`need 0 < negative IoU (${config.negativeIoU}) <= positive IoU (${config.positiveIoU}) < 1`);
  }
  if (!(config.maxGradientNorm >= 0)) fail(`maxGradientNorm must be non-negative (0 = off), got ${config.maxGradientNorm}`);
  if (!(config.maxPositiveFraction >= 0 && config.maxPositiveFraction <= 1)) fail(`maxPositiveFraction must be in [0, 1], got ${config.maxPositiveFraction}`);
  if (!(config.minVisibleFraction >= 0 && config.minVisibleFraction <= 1)) fail(`minVisibleFraction must be in [0, 1], got ${config.minVisibleFraction}`);
}

export interface TrainDetectorOptions {
  config: DetectorTrainingConfig;
  items: readonly TrainingItem[];
  outDir: string;
  resume?: boolean;
  provenance?: Provenance;
  /** Stop after this many epochs in this call (the run can be resumed); for tests and time-boxed runs. */
  stopAfterEpochs?: number;
  /** Stop after this many optimiser steps in this call, without a checkpoint (for timing). */
  stopAfterSteps?: number;
  /** Extra exports of the final weights (e.g. float16 for shipping). */
  exports?: { path: string; dtype: WeightsDtype }[];
  /** How an item's image is read (default: loadImage from its path). */
  readImage?: (item: TrainingItem) => Promise<RgbImage>;
}

export interface TrainDetectorCallbacks {
  onStart?(info: {
    epochs: number;
    epochsDone: number;
    stepsPerEpoch: number;
    totalSteps: number;
    parameters: number;
    decayed: number;
    /** What filled the backbone on a fresh run (null: resumed, or --backbone-weights none). */
    backbone: BackboneWeightsReport | null;
  }): void;
  onStep?(record: StepRecord, info: { stepInEpoch: number; stepsPerEpoch: number }): void;
  onEpoch?(record: EpochRecord): void;
  /** `--resume` with a different --epochs that the steps already taken allow. */
  onScheduleChange?(change: ScheduleChange): void;
}

export interface TrainDetectorResult {
  epochsDone: number;
  steps: number;
  resumedFrom: number;
  epochs: EpochRecord[];
  history: StepRecord[];
  /** The float32 weights of the last epoch (<outDir>/weights.json) once every epoch is done, else null. */
  weights: string | null;
  exports: string[];
}

const CHECKPOINT = 'checkpoint.json';
const CHECKPOINT_FORMAT = 'facepatch-sln-training-checkpoint/1';

interface TrainingCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  provenance?: Provenance;
  config: DetectorTrainingConfig;
  trainingImages: number;
  epochsDone: number;
  steps: number;
  rngState: number;
  /** Relative to the run folder. */
  weights: string;
  momentum: string;
  epochs: EpochRecord[];
  /** Each time `--resume` changed `--epochs` (only allowed while the steps taken were unaffected). */
  scheduleChanges?: ScheduleChange[];
}

export interface ScheduleChange {
  /** Epochs done when the length changed. */
  atEpoch: number;
  fromEpochs: number;
  toEpochs: number;
}

/** The L2 norm of all the tensors together. */
function globalNorm(tensors: readonly tf.Tensor[]): number {
  return Math.sqrt(tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))).dataSync()[0] as number));
}

/** Optimiser steps per epoch: one per `accumulate` images (the last may average fewer). */
export function stepsPerEpoch(images: number, accumulate: number): number {
  return Math.ceil(images / accumulate);
}

/**
 * The convolutions of both heads drawn from N(0, 0.01^2), as RetinaNet's heads (mmdetection's
 * init): the network's generic He init (fan-out 8 and 16 for the outputs: std 0.5 and 0.35)
 * starts with logits in the tens (a cross-entropy of ~15) and box offsets beyond the exp clip,
 * where the IoU loss has no gradient. Biases stay 0 (p(face) = 0.5).
 */
export function initialiseSlnHeadsForTraining(network: SlnNetwork, seed: number): void {
  const rng = new SeededRandom((seed ^ 0x68656164) >>> 0);
  for (const name of ['head.cls_conv.weight', 'head.cls_out.weight', 'head.reg_conv.weight', 'head.reg_out.weight']) {
    const variable = network.store.params.get(name);
    if (!variable) continue;
    const values = new Float32Array(variable.size);
    for (let i = 0; i < values.length; i++) values[i] = 0.01 * rng.normal();
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  }
}

/** Fills the backbone per `backboneWeights` ('imagenet', 'none' or a checkpoint path). */
function initialiseBackbone(network: SlnNetwork, backboneWeights: string): BackboneWeightsReport | null {
  if (backboneWeights === 'none') return null;
  try {
    return loadSlnBackboneImageNet(network, sharedDir(), backboneWeights === 'imagenet' ? undefined : backboneWeights);
  } catch (error) {
    if (error instanceof FacepatchError && !(error instanceof InputFileError) && backboneWeights === 'imagenet') {
      throw new FacepatchError(`${error.message}, or --backbone-weights none to train it from scratch (unlike the paper)`);
    }
    throw error;
  }
}

/** Trains (or resumes training) an SLN detector; see the file comment. */
export async function trainSlnDetector(options: TrainDetectorOptions, callbacks: TrainDetectorCallbacks = {}): Promise<TrainDetectorResult> {
  const { config, items, outDir } = options;
  validateTrainingConfig(config);
  if (items.length === 0) throw new FacepatchError('no training images with faces: nothing to train on');
  const checkpointPath = join(outDir, CHECKPOINT);
  const perEpoch = stepsPerEpoch(items.length, config.accumulate);
  const totalSteps = perEpoch * config.epochs;
  const schedule: LearningRateSchedule = {
    baseLr: config.lr,
    totalSteps,
    milestones: config.lrMilestones,
    gamma: config.lrGamma,
    warmupSteps: config.warmupSteps,
    warmupRatio: config.warmupRatio,
  };
  let saved: TrainingCheckpoint | undefined;
  let scheduleChanges: ScheduleChange[] = [];
  if (existsSync(checkpointPath)) {
    if (!options.resume) throw new FacepatchError(`${outDir} already holds a run (${CHECKPOINT}); pass --resume to continue it, or choose another --out`);
    try {
      saved = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    } catch (error) {
      throw new InputFileError(checkpointPath, `unreadable checkpoint: ${(error as Error).message}`);
    }
    if (saved?.format !== CHECKPOINT_FORMAT) throw new InputFileError(checkpointPath, 'not a facepatch detector-training checkpoint');
    if (saved.trainingImages !== items.length) throw new FacepatchError(`--resume: the run used ${saved.trainingImages} training images, now ${items.length}`);
    const differing = differingSettings({ ...saved.config, epochs: config.epochs }, config);
    if (differing.length > 0) throw new FacepatchError(`--resume: the settings differ from the run in ${outDir}: ${describeDifferences(differing)}`);
    scheduleChanges = saved.scheduleChanges ?? [];
    if (saved.config.epochs !== config.epochs) {
      // A new schedule length is accepted only when the run so far is exactly what a run of the
      // new length would have done: same learning rate at every step taken (the shuffles and
      // augmentations do not depend on the length).
      if (config.epochs <= saved.epochsDone) {
        throw new FacepatchError(`--resume: --epochs ${config.epochs} is not more than the ${saved.epochsDone} epochs already done in ${outDir}`);
      }
      const firstDifferent = scheduleDivergence({ ...schedule, totalSteps: perEpoch * saved.config.epochs }, schedule, saved.steps);
      if (firstDifferent !== undefined) {
        throw new FacepatchError(
          `--resume: --epochs ${config.epochs} instead of ${saved.config.epochs} would have changed the learning rate at step ${firstDifferent + 1}, ` +
            `which the run in ${outDir} has already taken (${saved.steps} steps); keep --epochs ${saved.config.epochs} or start a new run`,
        );
      }
      const change: ScheduleChange = { atEpoch: saved.epochsDone, fromEpochs: saved.config.epochs, toEpochs: config.epochs };
      scheduleChanges = [...scheduleChanges, change];
      callbacks.onScheduleChange?.(change);
    }
  }

  const network = createSlnNetwork(config.backbone, config.seed);
  // tfjs keys gradients by variable name (the store prefixes its own); the optimiser by parameter name.
  const byParameterName = (gradients: tf.NamedTensorMap): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    for (const [name, variable] of network.store.params) {
      const g = gradients[variable.name];
      if (g) out[name] = g;
    }
    return out;
  };
  const optimizer = new SgdMomentum(network.store.params, { momentum: config.momentum, weightDecay: config.weightDecay });
  const rng = new SeededRandom(config.seed);
  let epochsDone = 0;
  let steps = 0;
  let epochs: EpochRecord[] = [];
  let history: StepRecord[] = [];
  let backboneReport: BackboneWeightsReport | null = null;
  try {
    if (saved) {
      loadSlnWeights(network.store, join(outDir, saved.weights));
      const momentumFile = join(outDir, saved.momentum);
      optimizer.restore(readTensorFile(momentumFile).tensors, momentumFile);
      rng.setState(saved.rngState);
      epochsDone = saved.epochsDone;
      steps = saved.steps;
      epochs = saved.epochs;
      history = readHistoryCsv(join(outDir, 'history.csv')).filter((r) => r.step <= steps);
    } else {
      initialiseSlnHeadsForTraining(network, config.seed);
      backboneReport = initialiseBackbone(network, config.backboneWeights);
      if (config.init) loadSlnWeights(network.store, config.init);
    }
    const resumedFrom = epochsDone;
    callbacks.onStart?.({ epochs: config.epochs, epochsDone, stepsPerEpoch: perEpoch, totalSteps, parameters: network.store.count(), decayed: optimizer.decayedNames.length, backbone: backboneReport });
    const metadata = () => ({ provenance: options.provenance, backbone: config.backbone, config, epochsDone, steps, ...(scheduleChanges.length > 0 ? { scheduleChanges } : {}) });
    const readImage = options.readImage ?? ((item: TrainingItem) => loadImage(item.path));
    // The next image is decoded while the current one trains; a failure surfaces when it is awaited.
    type Prepared = { sample: AugmentedSample } | { error: unknown };
    const prepare = (item: TrainingItem, seed: number): Promise<Prepared> =>
      readImage(item)
        .then((image) => augmentSample(image, item.faces, config, new SeededRandom(seed)))
        .then((sample) => ({ sample }), (error: unknown) => ({ error }));
    let stepsThisCall = 0;

    while (epochsDone < config.epochs) {
      if (options.stopAfterEpochs !== undefined && epochsDone - resumedFrom >= options.stopAfterEpochs) break;
      const epoch = epochsDone + 1;
      const started = Date.now();
      const order = rng.shuffle(items.map((_, i) => i));
      // Per image: one seed for the augmentation, its successor for the sampling.
      const seeds = order.map(() => rng.int(0x7fffffff) * 2);
      const epochRecords: StepRecord[] = [];
      let next: Promise<Prepared> | undefined = prepare(items[order[0]!]!, seeds[0]!);
      let stopped = false;
      for (let start = 0; start < order.length; start += config.accumulate) {
        const stepStarted = Date.now();
        const count = Math.min(config.accumulate, order.length - start);
        const lr = learningRateAt(schedule, steps);
        const record: StepRecord = {
          epoch, step: steps + 1, images: count, lr, loss: 0, positiveClassification: 0, negativeClassification: 0, regression: 0,
          positives: 0, negatives: 0, positiveAnchors: 0, faces: 0, facesCovered: 0, gradientNorm: 0, seconds: 0,
        };
        let accumulated: Record<string, tf.Tensor> | undefined;
        for (let k = 0; k < count; k++) {
          const position = start + k;
          const prepared = await next!;
          if ('error' in prepared) throw prepared.error;
          const { sample } = prepared;
          next = position + 1 < order.length ? prepare(items[order[position + 1]!]!, seeds[position + 1]!) : undefined;
          const samplingRng = new SeededRandom(seeds[position]! + 1);
          const image = tf.tensor4d(sample.image.data, [1, sample.image.height, sample.image.width, 3]);
          let parts: tf.Scalar[] = [];
          let counts = { positives: 0, negatives: 0, positiveAnchors: 0, faces: 0, facesCovered: 0 };
          const { value, grads: variableGradients } = tf.variableGrads(() => {
            const out = network.forward(image, 'train');
            const [fh, fw] = out.featureSize;
            const grid = slnAnchorGrid(fh, fw);
            const anchors = anchorCount(grid);
            if (out.logits.shape[1] !== anchors) throw new Error(`the network gives ${out.logits.shape[1]} anchors on a ${fh}x${fw} map, expected ${anchors}`);
            const match = matchAnchors(grid, sample.faces, config, sample.ignoredFaces);
            const drawn = sampleAnchorGroups(match, grid.scales.length, samplingRng, config);
            const targets = lossTargets(anchors, [{ sample: drawn, faces: sample.faces }]);
            // (targets and anchors are freed with the rest of the forward pass by variableGrads)
            const loss = slnDetectorLoss(out.logits, out.regression, tf.tensor2d(slnAnchors(fh, fw), [anchors, 4]), targets);
            parts = [loss.positiveClassification, loss.negativeClassification, loss.regression].map((t) => tf.keep(t));
            counts = { positives: targets.positives, negatives: targets.negatives, positiveAnchors: match.positives, faces: match.faces, facesCovered: match.facesCovered };
            return loss.total;
          }, network.store.trainable());
          image.dispose();
          const grads = byParameterName(variableGradients);
          const [loss, pcls, ncls, reg] = [value, ...parts].map((t) => (t.dataSync() as Float32Array)[0] as number) as [number, number, number, number];
          tf.dispose([value, ...parts]);
          if (!Number.isFinite(loss)) {
            tf.dispose(Object.values(variableGradients));
            if (accumulated) tf.dispose(Object.values(accumulated));
            throw new FacepatchError(`step ${steps + 1} (epoch ${epoch}): the loss is ${loss} on ${items[order[position]!]!.id}; lower --lr or lengthen --warmup, then --resume from the last epoch`);
          }
          if (!accumulated) accumulated = grads;
          else {
            for (const [name, g] of Object.entries(grads)) {
              const previous = accumulated[name];
              accumulated[name] = previous ? tf.add(previous, g) : tf.clone(g);
              previous?.dispose();
              g.dispose();
            }
          }
          record.loss += loss / count;
          record.positiveClassification += pcls / count;
          record.negativeClassification += ncls / count;
          record.regression += reg / count;
          record.positives += counts.positives;
          record.negatives += counts.negatives;
          record.positiveAnchors += counts.positiveAnchors;
          record.faces += counts.faces;
          record.facesCovered += counts.facesCovered;
        }
        record.gradientNorm = globalNorm(Object.values(accumulated!)) / count;
        const clip = config.maxGradientNorm > 0 && record.gradientNorm > config.maxGradientNorm ? config.maxGradientNorm / record.gradientNorm : 1;
        optimizer.step(accumulated!, lr, clip / count);
        tf.dispose(Object.values(accumulated!));
        steps++;
        stepsThisCall++;
        record.seconds = (Date.now() - stepStarted) / 1000;
        epochRecords.push(record);
        history.push(record);
        callbacks.onStep?.(record, { stepInEpoch: start / config.accumulate + 1, stepsPerEpoch: perEpoch });
        if (options.stopAfterSteps !== undefined && stepsThisCall >= options.stopAfterSteps) {
          stopped = true;
          break;
        }
      }
      if (stopped) {
        await next;
        return { epochsDone, steps, resumedFrom, epochs, history, weights: null, exports: [] };
      }
      const summary = summariseEpoch(epoch, epochRecords, (Date.now() - started) / 1000);
      epochs.push(summary);
      epochsDone = epoch;
      saveCheckpoint(outDir, network, optimizer, {
        format: CHECKPOINT_FORMAT,
        provenance: options.provenance,
        config,
        trainingImages: items.length,
        epochsDone,
        steps,
        rngState: rng.getState(),
        weights: '',
        momentum: '',
        epochs,
        ...(scheduleChanges.length > 0 ? { scheduleChanges } : {}),
      }, history, metadata());
      await writeTrainingCurve(join(outDir, 'curve'), history, `SLN (${config.backbone}) training loss, ${epochsDone}/${config.epochs} epochs`);
      callbacks.onEpoch?.(summary);
    }

    const exported: string[] = [];
    let weights: string | null = null;
    if (epochsDone >= config.epochs) {
      weights = join(outDir, 'weights.json');
      saveSlnWeights(network.store, weights, { dtype: 'float32', backbone: config.backbone, metadata: metadata() });
      for (const target of options.exports ?? []) {
        saveSlnWeights(network.store, target.path, { dtype: target.dtype, backbone: config.backbone, metadata: metadata() });
        exported.push(target.path);
      }
    }
    return { epochsDone, steps, resumedFrom, epochs, history, weights, exports: exported };
  } finally {
    optimizer.dispose();
    network.store.dispose();
  }
}

/**
 * Writes the epoch's state: weights and momentum under checkpoint/ with the epoch in their names,
 * history.csv, then checkpoint.json pointing at them (the commit point), then removes the
 * previous epoch's files. A crash anywhere leaves a consistent checkpoint.json.
 */
function saveCheckpoint(outDir: string, network: SlnNetwork, optimizer: SgdMomentum, checkpoint: TrainingCheckpoint, history: readonly StepRecord[], metadata: Record<string, unknown>): void {
  const tag = `epoch-${String(checkpoint.epochsDone).padStart(3, '0')}`;
  const weights = `checkpoint/${tag}.weights.json`;
  const momentum = `checkpoint/${tag}.momentum.json`;
  saveSlnWeights(network.store, join(outDir, weights), { dtype: 'float32', backbone: checkpoint.config.backbone, metadata });
  writeTensorFile(join(outDir, momentum), optimizer.state().map((s) => ({ ...s, kind: 'param' as const })), {
    dtype: 'float32',
    backbone: checkpoint.config.backbone,
    metadata: { ...metadata, content: 'SGD momentum buffers, by parameter name' },
  });
  writeFileAtomic(join(outDir, 'history.csv'), historyCsv(history));
  writeJsonAtomic(join(outDir, CHECKPOINT), { ...checkpoint, weights, momentum });
  const keep = new Set([`${tag}.weights.json`, `${tag}.weights.bin`, `${tag}.momentum.json`, `${tag}.momentum.bin`]);
  for (const name of readdirSync(join(outDir, 'checkpoint'))) {
    if (/^epoch-\d+\.(weights|momentum)\.(json|bin)$/.test(name) && !keep.has(name)) rmSync(join(outDir, 'checkpoint', name), { force: true });
  }
}
