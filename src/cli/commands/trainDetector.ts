// `facepatch train-detector`: train the paper's SLN face detector on WIDER FACE train.
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultWiderRoot } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { loadWiderFace } from '../../data/widerface/loadWiderFace.js';
import type { Split } from '../../data/types.js';
import { trainingItemsFromDataset } from '../../attacks/trainingSet.js';
import { SLN_BACKBONES } from '../../detectors/sln/network.js';
import type { WeightsDtype } from '../../detectors/sln/weightsFile.js';
import { BACKEND_NAMES, initBackend, type BackendName } from '../../engine/backend.js';
import { DEFAULT_DETECTOR_TRAINING, trainSlnDetector, validateTrainingConfig, type DetectorTrainingConfig } from '../../training/trainDetector.js';
import { FacepatchError } from '../../util/errors.js';
import { writeJsonAtomic } from '../../util/atomicWrite.js';
import { createProgress, type Progress } from '../../util/progress.js';
import { addSeedOption } from '../commonOptions.js';
import { emit, note } from '../output.js';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from '../options.js';

interface TrainDetectorFlags {
  backbone: string;
  root: string;
  split: Split;
  out: string;
  epochs: number;
  maxImages?: number;
  maxSide: number;
  lr: number;
  warmup: number;
  accumulate: number;
  samplesPerGroup: number;
  scales: number[];
  flip: boolean;
  maxGradNorm: number;
  backboneWeights: string;
  init?: string;
  seed: number;
  resume?: boolean;
  export?: string;
  exportDtype: WeightsDtype;
  stopAfterSteps?: number;
  backend: BackendName;
}

function parseScaleList(value: string): number[] {
  const scales = value.split(',').map((part) => Number(part.trim()));
  if (scales.length === 0 || scales.some((s) => !(s > 0))) throw new InvalidArgumentError(`expected positive numbers separated by commas, got "${value}"`);
  return scales;
}

export function register(program: Command): void {
  const d = DEFAULT_DETECTOR_TRAINING;
  const command = program
    .command('train-detector')
    .description("train the paper's SLN face detector (section 3.1) on WIDER FACE: flip + scale jitter + crop, IoU 0.6/0.4 matching, group sampling, L_pcls + L_ncls + L_reg, momentum SGD")
    .option('--backbone <name>', `SLN backbone (${SLN_BACKBONES.join(', ')})`, d.backbone)
    .option('--root <dir>', 'WIDER FACE root (official layout)', defaultWiderRoot())
    .addOption(new Option('--split <split>', 'WIDER FACE split to train on').choices(['train', 'val']).default('train'))
    .requiredOption('--out <dir>', 'run folder: checkpoint.json + checkpoint/ after every epoch, history.csv, curve.png/svg, weights.json at the end')
    .option('--epochs <n>', 'passes over the training images (the paper: 100)', parsePositiveInt, d.epochs)
    .option('--max-images <n>', 'only the first N present images (sorted path order)', parsePositiveInt)
    .option('--max-side <px>', 'longer side of the random training crops (the paper: 1200)', parsePositiveInt, d.maxSide)
    .option('--lr <x>', 'initial learning rate, x0.1 at 60% and 80% of the steps (the paper: 0.01 for 8 images per step)', parseNumber, d.lr)
    .option('--warmup <steps>', 'linear warm-up steps from 0.001 x lr (not in the paper; 0 = none)', parseNonNegativeInt, d.warmupSteps)
    .option('--accumulate <k>', 'images whose gradients are averaged per optimiser step (the paper: 8 images per step)', parsePositiveInt, d.accumulate)
    .option('--samples-per-group <n>', 'group sampling: anchors sampled per scale group, at most 25% positives', parsePositiveInt, d.samplesPerGroup)
    .option('--scales <list>', 'scale-jitter factors drawn uniformly', parseScaleList, d.scaleFactors)
    .option('--no-flip', 'no random horizontal flip')
    .option('--max-grad-norm <x>', 'clip the global gradient norm to this (0 = off, as the paper)', parseNumber, d.maxGradientNorm)
    .option('--backbone-weights <which>', "backbone init: 'imagenet' (the paper; shipped for mobilenet0.25), 'none' (from scratch) or a torchvision-style .pth", d.backboneWeights)
    .option('--init <weights.json>', 'start from these facepatch SLN weights (all tensors), e.g. to fine-tune')
    .option('--resume', 'continue the run in --out from its last checkpoint (same settings)')
    .option('--export <weights.json>', 'also write the final weights here (manifest + .bin beside it)')
    .addOption(new Option('--export-dtype <dtype>', 'dtype of --export').choices(['float32', 'float16']).default('float16'))
    .option('--stop-after-steps <n>', 'stop after N optimiser steps without a checkpoint (to time a setting)', parsePositiveInt)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (auto picks torch, else wasm, else cpu)').choices([...BACKEND_NAMES]).default('auto'));
  addSeedOption(command);
  command.action(async (flags: TrainDetectorFlags, cmd: Command) => {
    if (!SLN_BACKBONES.includes(flags.backbone)) throw new FacepatchError(`unknown SLN backbone "${flags.backbone}"; valid choices: ${SLN_BACKBONES.join(', ')}`);
    if (flags.export !== undefined && !flags.export.endsWith('.json')) throw new FacepatchError(`--export names the manifest and must end in .json, got "${flags.export}"`);
    const config: DetectorTrainingConfig = {
      ...DEFAULT_DETECTOR_TRAINING,
      backbone: flags.backbone,
      seed: flags.seed,
      epochs: flags.epochs,
      accumulate: flags.accumulate,
      lr: flags.lr,
      warmupSteps: flags.warmup,
      maxSide: flags.maxSide,
      scaleFactors: flags.scales,
      flip: flags.flip,
      samplesPerGroup: flags.samplesPerGroup,
      maxGradientNorm: flags.maxGradNorm,
      backboneWeights: flags.backboneWeights,
      init: flags.init ?? null,
    };
    validateTrainingConfig(config);
    const backend = await initBackend(flags.backend, note);
    const dataset = loadWiderFace({ root: flags.root, split: flags.split, maxImages: flags.maxImages, onWarning: note });
    const items = trainingItemsFromDataset(dataset);
    const faces = items.reduce((n, item) => n + item.faces.length, 0);
    const data = { kind: 'widerface', root: dataset.source.root, split: flags.split, images: dataset.images.length, trainingImages: items.length, faces, skipped: dataset.skipped };
    note(`training SLN (${flags.backbone}) on ${items.length} images with ${faces} faces`);
    const provenance = makeProvenance({ detector: `sln-${flags.backbone}`, backend, seed: flags.seed, config: { ...config, data } });

    let bar: Progress | undefined;
    let barEpoch = 0;
    let epochs = config.epochs;
    const result = await trainSlnDetector(
      {
        config,
        items,
        outDir: flags.out,
        resume: flags.resume,
        provenance,
        stopAfterSteps: flags.stopAfterSteps,
        exports: flags.export ? [{ path: flags.export, dtype: flags.exportDtype }] : [],
      },
      {
        onStart(info) {
          // (written once the trainer accepted the folder: a refused --out keeps its run.json)
          writeJsonAtomic(join(flags.out, info.epochsDone ? `run-resumed-${info.epochsDone}.json` : 'run.json'), { provenance, data });
          epochs = info.epochs;
          if (info.backbone) note(`backbone: ${info.backbone.loaded}/${info.backbone.expected} tensors from ${info.backbone.file}`);
          else if (info.epochsDone === 0) note(config.init ? `initial weights: ${config.init}` : 'backbone: random init (from scratch)');
          note(`${info.parameters.toLocaleString('en')} parameters; ${info.stepsPerEpoch} steps per epoch, ${info.totalSteps} in all${info.epochsDone ? `; resuming after epoch ${info.epochsDone}` : ''}`);
        },
        onScheduleChange(change) {
          note(`--epochs ${change.toEpochs} replaces ${change.fromEpochs}: the ${change.atEpoch} epochs done had the same learning rate at every step under both schedules`);
        },
        onStep(r, { stepInEpoch, stepsPerEpoch }) {
          if (r.epoch !== barEpoch) {
            bar?.stop();
            bar = createProgress({ label: `epoch ${r.epoch}/${epochs}, steps`, total: stepsPerEpoch, fields: { step: 0, lr: '-', loss: '-', pcls: '-', ncls: '-', reg: '-' } });
            barEpoch = r.epoch;
          }
          bar?.tick(1, { step: r.step, lr: r.lr.toExponential(2), loss: r.loss.toFixed(3), pcls: r.positiveClassification.toFixed(3), ncls: r.negativeClassification.toFixed(3), reg: r.regression.toFixed(3) });
          if (stepInEpoch === stepsPerEpoch) {
            bar?.stop();
            bar = undefined;
          }
        },
        onEpoch(e) {
          note(
            `epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (pcls ${e.positiveClassification.toFixed(4)}, ncls ${e.negativeClassification.toFixed(4)}, reg ${e.regression.toFixed(4)}), ` +
              `${e.positivesPerImage.toFixed(1)} positives per image, faces covered ${e.facesCovered}/${e.faces} (${(100 * e.coverage).toFixed(1)}%), ${e.seconds.toFixed(0)} s`,
          );
        },
      },
    );
    bar?.stop();
    const stepSeconds = result.history.map((r) => r.seconds);
    const meanStep = stepSeconds.length ? stepSeconds.reduce((a, b) => a + b, 0) / stepSeconds.length : 0;
    emit(
      cmd,
      { out: flags.out, epochsDone: result.epochsDone, steps: result.steps, resumedFrom: result.resumedFrom, meanStepSeconds: meanStep, epochs: result.epochs, weights: result.weights, exports: result.exports, provenance },
      () =>
        result.weights
          ? `weights written to ${result.weights}${result.exports.length ? ` and ${result.exports.join(', ')}` : ''} after ${result.epochsDone} epochs (${result.steps} steps)`
          : `stopped after ${result.steps} steps (${result.epochsDone} epochs done; mean ${meanStep.toFixed(2)} s per step); continue with --resume`,
    );
  });
}
