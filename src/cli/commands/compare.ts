// `facepatch compare`: one detector, several patches (controls and optimised ones), one table.
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { PART_MASKS, type PartMask } from '../../patch/placement.js';
import { defaultWiderRoot } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { loadWiderFace } from '../../data/widerface/loadWiderFace.js';
import { valuesDigest } from '../../eval/detectionJournal.js';
import { compareMarkdown, compareSettings, type CompareSetting } from '../../experiments/compare.js';
import { createProgress, type Progress } from '../../util/progress.js';
import { addDetectorOptions, addPlacementOptions, addSeedOption, openDetector, patchFromFlag, patchSetting, type DetectorFlags, type PlacementFlags } from '../commonOptions.js';
import { emit, note } from '../output.js';
import { parseFraction, parseNonNegativeInt, parsePositiveInt } from '../options.js';

interface CompareFlags extends DetectorFlags, PlacementFlags {
  patch: string[];
  out: string;
  root: string;
  delta: number;
  maxImages?: number;
  maxSide: number;
  seed: number;
  resume?: boolean;
  imageCacheMb?: number;
  parts?: PartMask[];
  scales?: number[];
}

/** --parts: a list of part masks, or all of them (the paper's Table 4). */
function parsePartList(value: string): PartMask[] {
  if (value === 'all') return PART_MASKS.filter((m) => m !== 'none');
  const parts = value.split(',').map((v) => v.trim());
  for (const part of parts) {
    if (!(PART_MASKS as readonly string[]).includes(part)) throw new InvalidArgumentError(`unknown part "${part}"; valid choices: all, ${PART_MASKS.join(', ')}`);
  }
  return parts as PartMask[];
}

function parseScaleList(value: string): number[] {
  return value.split(',').map((v) => {
    const scale = Number(v.trim());
    if (!(scale > 0)) throw new InvalidArgumentError(`scales must be positive numbers, got "${v}"`);
    return scale;
  });
}

const CONTROL_LABELS: Record<string, string> = { none: 'clean', noise: 'noise patch (unoptimised)', face: 'real-face patch (unoptimised)' };

export function register(program: Command): void {
  const command = program
    .command('compare')
    .description("evaluate several patches with one detector on WIDER FACE val (the paper's Tables 1 and 3, Fig. 8): table.md/csv, results.json, fbeta.svg/png")
    .option('--patch <spec>', 'a setting: none, noise, face, or [label=]<patch .png/.json>; repeat the flag', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .requiredOption('--out <dir>', 'output folder')
    .option('--root <dir>', 'WIDER FACE root', defaultWiderRoot())
    .option('--delta <score>', 'score threshold delta', parseFraction, 0.99)
    .option('--max-images <n>', 'only the first N present val images', parsePositiveInt)
    .option('--max-side <px>', 'shrink images so the longer side is at most this (0 = original)', parseNonNegativeInt, 0)
    .option('--parts <list>', "also evaluate each pasted setting (controls included) with part of the patch removed (the paper's Table 4): all, or a list such as top-half,left-third", parsePartList)
    .option('--scales <list>', "also evaluate each pasted setting at these extra scales of its side (the paper's Table 5), e.g. 0.9,0.8,0.7,0.6", parseScaleList)
    .option('--resume', 'continue an interrupted comparison in --out: detections already in its journals/ are not computed again')
    .option('--image-cache-mb <mb>', 'memory for decoded val images shared by the settings (default: a quarter of RAM; 0 = decode for every setting)', parseNonNegativeInt);
  addDetectorOptions(command);
  addPlacementOptions(command);
  addSeedOption(command);
  command.action(async (flags: CompareFlags, cmd: Command) => {
    const specs = flags.patch.length ? flags.patch : ['none', 'noise', 'face'];
    const { detector, backend } = await openDetector(flags);
    const settings: CompareSetting[] = [];
    // Each patch's values, so a report still names its bytes after a patch file is replaced.
    const patchDigests: Record<string, string> = {};
    for (const spec of specs) {
      const [label, value] = spec.includes('=') ? (spec.split(/=(.*)/s).slice(0, 2) as [string, string]) : [CONTROL_LABELS[spec] ?? basename(spec), spec];
      const patch = await patchFromFlag(value, flags.seed, flags.root);
      const setting = patchSetting(patch, flags);
      if (patch) patchDigests[spec] = valuesDigest(patch.values);
      settings.push({ label, setting });
      // Every pasted setting gets the variants, the noise and face controls too: whether a
      // smaller or partial patch loses its effect by what was optimised or by the area it covers.
      if (!setting) continue;
      for (const part of flags.parts ?? []) settings.push({ label: `${label}, ${part} removed`, setting: { ...setting, mask: part } });
      for (const scale of flags.scales ?? []) settings.push({ label: `${label}, scale ${scale}`, setting: { ...setting, placement: { ...setting.placement, scale: (setting.placement.scale ?? 1) * scale } } });
    }
    const dataset = loadWiderFace({ root: flags.root, split: 'val', maxImages: flags.maxImages, onWarning: note });
    const provenance = makeProvenance({ detector: flags.detector, backend, seed: flags.seed, config: { patches: specs, patchDigests, parts: flags.parts, scales: flags.scales, delta: flags.delta, maxImages: flags.maxImages, maxSide: flags.maxSide, alpha: flags.alpha, location: flags.location, scale: flags.scale, part: flags.part } });
    let progress: Progress | undefined;
    const rows = await compareSettings({
      detector,
      dataset,
      settings,
      maxSide: flags.maxSide,
      delta: flags.delta,
      outDir: flags.out,
      provenance,
      detectorKey: { weights: flags.weights, detectorConfig: flags.detectorConfig, backend },
      resume: flags.resume,
      imageCacheBytes: flags.imageCacheMb === undefined ? undefined : flags.imageCacheMb * 1024 * 1024,
      onSetting: (label) => {
        progress?.stop();
        progress = createProgress({ label: `evaluate ${label}`, total: dataset.images.length });
      },
      onImage: () => progress?.tick(),
    });
    progress?.stop();
    detector.dispose();
    emit(cmd, { out: flags.out, rows: rows.map((r) => ({ label: r.label, precision: r.result.precision, recall: r.result.recall, atDelta: r.result.atDelta, ap: r.result.ap, afbeta: r.result.afbeta, criteria: r.result.criteria })), provenance }, () => compareMarkdown(rows, detector.name, flags.delta));
  });
}
