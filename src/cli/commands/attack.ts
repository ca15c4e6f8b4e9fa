// `facepatch attack`: optimise a universal patch against a detector with one of the paper's methods.
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { defaultWiderRoot } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { loadWiderFace } from '../../data/widerface/loadWiderFace.js';
import { loadPhotoFolder } from '../../data/photoFolder.js';
import type { Split } from '../../data/types.js';
import { DEFAULT_SCORE_LOSS, DEFAULT_SELECTION_PARAMS, scoreLossRegistry, selectionRegistry } from '../../attacks/selection/index.js';
import { OVERLAP_MEASURES, type OverlapMeasure } from '../../attacks/anchorOverlap.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../attacks/optimizer.js';
import { DEFAULT_SNAPSHOT_EPOCHS, runAttack, type AttackConfig } from '../../attacks/runAttack.js';
import { trainingItemsFromDataset, type TrainingItem } from '../../attacks/trainingSet.js';
import { DEFAULT_SAMPLE_WEIGHTING, sampleWeightingRegistry } from '../../attacks/sampleWeighting.js';
import { facesFromCleanDetector } from '../../attacks/cleanFaces.js';
import { DEFAULT_PATCH_SIZE } from '../../patch/patchFile.js';
import { NO_EOT } from '../../patch/photometric.js';
import { writeJsonAtomic } from '../../util/atomicWrite.js';
import { createProgress } from '../../util/progress.js';
import { epochProgress } from '../epochProgress.js';
import { addDetectorOptions, addPlacementOptions, addSeedOption, openDetector, placementFromFlags, type DetectorFlags, type PlacementFlags } from '../commonOptions.js';
import { emit, note } from '../output.js';
import { parseFraction, parseNonNegativeInt, parseNumber, parsePositiveInt } from '../options.js';

interface AttackFlags extends DetectorFlags, PlacementFlags {
  method: string;
  root: string;
  split: Split;
  images?: string;
  out: string;
  epochs: number;
  maxImages?: number;
  batch: number;
  lr: number;
  lrDecay: number[];
  optimizer: OptimizerName;
  init: string;
  seed: number;
  resume?: boolean;
  maxSide: number;
  imageSides?: number[];
  patchSize: number;
  snapshots: number[];
  delta: number;
  scoreThreshold: number;
  iouThreshold: number;
  lambdaFace: number;
  lambdaPatch: number;
  patchOverlap: OverlapMeasure;
  gamma: number;
  focalLiteral?: boolean;
  sampleWeighting: string;
  scoreLoss: string;
  eotRotation: number;
  eotBrightness: number;
  eotContrast: number;
  eotNoise: number;
  eotScale: number;
  imageCacheMb?: number;
  patchAverage: number;
}

/** A parser of a comma-separated list whose items each go through parseItem. */
function commaList(parseItem: (value: string) => number): (value: string) => number[] {
  return (value) => value.split(',').map((part) => parseItem(part.trim()));
}
const parseEpochList = commaList(parseNonNegativeInt);
const parseSideList = commaList(parsePositiveInt);

function parseAverageDecay(value: string): number {
  const decay = parseFraction(value);
  if (decay === 1) throw new InvalidArgumentError('expected a decay in [0, 1): 1 would never move from the initial patch');
  return decay;
}

export function register(program: Command): void {
  const command = program
    .command('attack')
    .description("optimise a universal adversarial patch (the paper's Patch-IoU / Score / Score-Focal / Combination)")
    .addOption(new Option('--method <name>', 'sample-selection method').choices(selectionRegistry.names()).default('combination'))
    .option('--root <dir>', 'WIDER FACE root (official layout)', defaultWiderRoot())
    .addOption(new Option('--split <split>', 'WIDER FACE split to optimise on').choices(['train', 'val']).default('train'))
    .option('--images <dir>', 'photo-folder mode: optimise on the faces the clean detector finds above --delta in these images')
    .requiredOption('--out <dir>', 'run folder: patch.png/json after every epoch, checkpoint.json, history.csv, snapshots/')
    .option('--epochs <n>', 'passes over the training images (the paper: 100)', parsePositiveInt, 100)
    .option('--max-images <n>', 'only the first N present images (sorted path order)', parsePositiveInt)
    .option('--batch <n>', 'images per optimiser step', parsePositiveInt, 1)
    .option('--lr <x>', 'learning rate', parseNumber, 0.01)
    .option('--lr-decay <epochs>', 'multiply the learning rate by 0.1 after these epochs, e.g. 60,80 (the paper\'s schedule for 100 epochs)', parseEpochList, [])
    .addOption(new Option('--optimizer <name>', 'optimiser on the patch values').choices([...OPTIMIZER_NAMES]).default('adam'))
    .option('--init <spec>', 'initial patch: noise, gray, constant:R,G,B, #rrggbb, an image file or a patch.json', 'noise')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--max-side <px>', 'longer image side during optimisation (images are shrunk, never enlarged; 0 = original)', parseNonNegativeInt, 640)
    .option('--image-sides <px,...>', 'draw each image\'s longer side from these, per image and epoch, instead of --max-side (beyond the paper: the patch also meets the scales it is evaluated at), e.g. 640,832,1024', parseSideList)
    .option('--patch-size <px>', 'patch side in texels', parsePositiveInt, DEFAULT_PATCH_SIZE)
    .option('--snapshots <epochs>', 'epochs whose patch is kept in snapshots/ (0 = initial)', parseEpochList, DEFAULT_SNAPSHOT_EPOCHS)
    .option('--delta <score>', 'photo-folder mode: faces are clean detections scoring at least this', parseFraction, 0.99)
    .option('--score-threshold <s>', 'delta - m: score threshold of score-based selection', parseFraction, DEFAULT_SELECTION_PARAMS.scoreThreshold)
    .option('--iou-threshold <t>', 'Patch-IoU: IoU(anchor, face) threshold', parseFraction, DEFAULT_SELECTION_PARAMS.iouThreshold)
    .option('--lambda-face <t>', 'Patch-Combination lambda1: IoU(anchor, face) threshold', parseFraction, DEFAULT_SELECTION_PARAMS.lambdaFace)
    .option('--lambda-patch <t>', 'Patch-Combination lambda2: IoU(anchor, patch) threshold', parseFraction, DEFAULT_SELECTION_PARAMS.lambdaPatch)
    .addOption(new Option('--patch-overlap <measure>', "Patch-Combination lambda2's overlap of an anchor with a patch: iou (the paper) or anchor-inside = the fraction of the anchor on the patch, which also suppresses small faces drawn inside the patch").choices([...OVERLAP_MEASURES]).default(DEFAULT_SELECTION_PARAMS.patchOverlap))
    .option('--gamma <g>', 'Patch-Score-Focal gamma', parseNumber, DEFAULT_SELECTION_PARAMS.gamma)
    .option('--focal-literal', 'Patch-Score-Focal: differentiate the S^gamma weight too (eq. 2 taken literally)')
    .addOption(new Option('--score-loss <name>', "how each selected score S enters the loss: log-score = log S (the paper; its logit gradient 1 - S fades for confident samples), log-background = -log(1 - S), cross-entropy towards background (the most confident samples pull hardest)").choices(scoreLossRegistry.names()).default(DEFAULT_SCORE_LOSS))
    .addOption(new Option('--sample-weighting <name>', "how selected samples are averaged: sample = every sample weighs 1 (the paper's 1/N), face = every face's samples share one unit, so small faces count as much as large ones; face-patch = as face, but samples mostly inside a patch form the patch's own unit; face-patch-top = as face-patch, each unit shared by the softmax of the logits, so the most confident sample of a face pulls hardest").choices(sampleWeightingRegistry.names()).default(DEFAULT_SAMPLE_WEIGHTING))
    .option('--eot-rotation <deg>', 'expectation over transformation: max rotation in degrees', parseNumber, 0)
    .option('--eot-brightness <b>', 'EOT: brightness shift range', parseNumber, 0)
    .option('--eot-contrast <c>', 'EOT: contrast factor range 1 +- c', parseNumber, 0)
    .option('--eot-noise <std>', 'EOT: pixel noise standard deviation', parseNumber, 0)
    .option('--eot-scale <s>', 'EOT: patch scale jitter 1 +- s', parseNumber, 0)
    .option('--patch-average <decay>', "also keep an exponential moving average of the patch over optimiser steps with this decay per step (e.g. 0.999: about the last 1,000 steps) and save it as patch-average.png/json and snapshots/epoch-NNN-average beside the patch (beyond the paper: the averaged iterate is less tied to the last images seen; it does not change the optimisation); 0 = off", parseAverageDecay, 0)
    .option('--image-cache-mb <mb>', 'memory for decoded training images kept between epochs (default: a quarter of RAM; 0 = decode every epoch)', parseNonNegativeInt);
  addDetectorOptions(command);
  addPlacementOptions(command);
  addSeedOption(command);
  command.action(async (flags: AttackFlags, cmd: Command) => {
    const { detector, backend } = await openDetector(flags);
    const placement = placementFromFlags(flags);
    let items: TrainingItem[];
    let dataDescription: Record<string, unknown>;
    if (flags.images) {
      const folder = loadPhotoFolder({ dir: flags.images, maxImages: flags.maxImages });
      const progress = createProgress({ label: 'finding clean faces', total: folder.images.length });
      items = await facesFromCleanDetector(detector, folder, { delta: flags.delta, maxSide: flags.maxSide, onImage: () => progress.tick() });
      progress.stop();
      dataDescription = { kind: 'photo-folder', dir: flags.images, images: folder.images.length, delta: flags.delta };
    } else {
      const dataset = loadWiderFace({ root: flags.root, split: flags.split, maxImages: flags.maxImages, onWarning: note });
      items = trainingItemsFromDataset(dataset);
      dataDescription = { kind: 'widerface', root: dataset.source.root, split: flags.split, images: dataset.images.length, skipped: dataset.skipped };
    }
    const faces = items.reduce((n, item) => n + item.faces.length, 0);
    note(`optimising on ${items.length} images with ${faces} faces`);
    const config: AttackConfig = {
      detector: flags.detector,
      method: flags.method,
      epochs: flags.epochs,
      batch: flags.batch,
      lr: flags.lr,
      lrDecayEpochs: flags.lrDecay,
      optimizer: flags.optimizer,
      init: flags.init,
      patchSize: flags.patchSize,
      alpha: placement.alpha,
      location: placement.location,
      scale: placement.scale,
      mask: placement.mask,
      seed: flags.seed,
      maxSide: flags.maxSide,
      imageSides: flags.imageSides,
      selection: {
        scoreThreshold: flags.scoreThreshold,
        iouThreshold: flags.iouThreshold,
        lambdaFace: flags.lambdaFace,
        lambdaPatch: flags.lambdaPatch,
        patchOverlap: flags.patchOverlap,
        gamma: flags.gamma,
        focalStopGradient: !flags.focalLiteral,
        scoreLoss: flags.scoreLoss,
      },
      sampleWeighting: flags.sampleWeighting,
      patchAverageDecay: flags.patchAverage,
      eot: { ...NO_EOT, rotationDegrees: flags.eotRotation, brightness: flags.eotBrightness, contrast: flags.eotContrast, noise: flags.eotNoise, scale: flags.eotScale },
      snapshotEpochs: flags.snapshots,
    };
    const provenance = makeProvenance({ detector: flags.detector, backend, seed: flags.seed, config: { ...config, data: dataDescription } });
    writeJsonAtomic(join(flags.out, 'run.json'), { provenance, data: dataDescription, trainingImages: items.length, faces });
    const progress = epochProgress(config.epochs);
    const result = await runAttack({
      config,
      detector,
      items,
      outDir: flags.out,
      resume: flags.resume,
      provenance,
      imageCacheBytes: flags.imageCacheMb === undefined ? undefined : flags.imageCacheMb * 1024 * 1024,
      onImage: progress.onImage,
      onEpoch: (r) =>
        note(`epoch ${r.epoch} (lr ${r.lr === undefined ? '?' : Number(r.lr.toPrecision(6))}): loss ${r.loss.toFixed(4)}, ${r.samples} samples on ${r.imagesWithSamples}/${r.images} images, faces with a sample ${r.facesWithSamples}/${r.faces} (${r.faces ? ((100 * r.facesWithSamples) / r.faces).toFixed(1) : 0}%), ${r.seconds.toFixed(0)} s`),
    });
    progress.stop();
    detector.dispose();
    const last = result.history[result.history.length - 1];
    emit(
      cmd,
      {
        out: flags.out,
        epochsDone: result.epochsDone,
        resumedFrom: result.resumedFrom,
        history: result.history,
        patch: join(flags.out, 'patch.png'),
        ...(result.averagePatch ? { patchAverage: join(flags.out, 'patch-average.png') } : {}),
        provenance,
      },
      () =>
        `patch written to ${join(flags.out, 'patch.png')} after ${result.epochsDone} epochs${last ? ` (last loss ${last.loss.toFixed(4)})` : ''}` +
        (result.averagePatch ? `; its moving average to ${join(flags.out, 'patch-average.png')}` : ''),
    );
  });
}
