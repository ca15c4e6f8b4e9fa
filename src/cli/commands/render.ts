// `facepatch render`: the paper's Fig. 1 for one image: clean, unoptimised noise patch and the
// given patch side by side, with true positives (solid blue), false positives (red), missed faces
// (dashed blue) and the pasted patches (yellow) drawn at score threshold delta.
import { basename, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { defaultWiderRoot } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { readWiderAnnotations } from '../../data/widerface/annotationParser.js';
import { widerAnnotationFile, widerImagesDir } from '../../data/widerface/widerLayout.js';
import type { Split } from '../../data/types.js';
import { detectOnImage } from '../../experiments/patchedDetection.js';
import { loadScaledImage, toOriginalPixels } from '../../data/images/scaledImage.js';
import { renderComparison, type ComparisonPanel } from '../../report/comparison.js';
import { writeJsonAtomic } from '../../util/atomicWrite.js';
import type { Box } from '../../util/geometry.js';
import { addDetectorOptions, addPlacementOptions, addSeedOption, openDetector, patchFromFlag, patchSetting, type DetectorFlags, type PlacementFlags } from '../commonOptions.js';
import { emit, note } from '../output.js';
import { parseFraction, parseNonNegativeInt } from '../options.js';

interface RenderFlags extends DetectorFlags, PlacementFlags {
  patch: string;
  image: string;
  out: string;
  root: string;
  delta: number;
  maxSide: number;
  seed: number;
  control?: boolean;
}

/** Ground-truth faces when the image lies in a WIDER FACE split under root; undefined otherwise. */
function widerFacesFor(imagePath: string, root: string): Box[] | undefined {
  for (const split of ['val', 'train'] as Split[]) {
    const rel = relative(widerImagesDir(root, split), resolve(imagePath));
    if (rel.startsWith('..') || rel.split(sep).length !== 2) continue;
    const id = rel.replace(/\.[^.]+$/, '').split(sep).join('/');
    const entry = readWiderAnnotations(widerAnnotationFile(root, split)).find((e) => `${e.event}/${e.name}` === id);
    if (entry) return entry.faces.map((f) => f.box).filter((b) => b.w > 0 && b.h > 0);
  }
  return undefined;
}

export function register(program: Command): void {
  const command = program
    .command('render')
    .description("draw one image clean, with an unoptimised noise patch and with the given patch, marking true positives, false positives and misses at delta (paper Fig. 1)")
    .requiredOption('--patch <patch>', 'patch .png or patch.json')
    .requiredOption('--image <file>', 'the image to render')
    .requiredOption('--out <png>', 'output PNG (a JSON with the counts is written beside it)')
    .option('--root <dir>', 'WIDER FACE root: images inside it use their annotated faces; others the clean detector\'s faces above delta', defaultWiderRoot())
    .option('--delta <score>', 'score threshold delta', parseFraction, 0.99)
    .option('--max-side <px>', 'shrink the image so the longer side is at most this (0 = original)', parseNonNegativeInt, 1024)
    .option('--no-control', 'leave out the noise-patch panel');
  addDetectorOptions(command);
  addPlacementOptions(command);
  addSeedOption(command);
  command.action(async (flags: RenderFlags, cmd: Command) => {
    const { detector, backend } = await openDetector(flags);
    const patch = await patchFromFlag(flags.patch, flags.seed, flags.root);
    const noise = await patchFromFlag('noise', flags.seed);
    const { image: clean, scale } = await loadScaledImage(flags.image, flags.maxSide);
    let faces = widerFacesFor(flags.image, flags.root);
    const facesFrom = faces ? 'WIDER FACE annotation' : `clean ${detector.name} detections >= ${flags.delta}`;
    if (!faces) faces = toOriginalPixels(await detectOnImage(detector, clean, flags.delta), scale);
    note(`faces: ${faces.length} from ${facesFrom}`);
    const panels: ComparisonPanel[] = [
      { label: 'clean' },
      ...(flags.control === false ? [] : [{ label: 'noise patch', setting: patchSetting(noise, flags) }]),
      { label: `patch ${basename(flags.patch)}`, setting: patchSetting(patch, flags) },
    ];
    const counts = await renderComparison({ detector, imagePath: flags.image, faces, panels, delta: flags.delta, maxSide: flags.maxSide, outPath: flags.out });
    detector.dispose();
    const document = { image: flags.image, out: flags.out, faces: faces.length, facesFrom, counts, provenance: makeProvenance({ detector: flags.detector, backend, seed: flags.seed, config: { patch: flags.patch, delta: flags.delta, alpha: flags.alpha, location: flags.location } }) };
    writeJsonAtomic(flags.out.replace(/\.png$/i, '') + '.json', document);
    emit(cmd, document, () => `${flags.out}: ${Object.entries(counts).map(([k, c]) => `${k} TP ${c.truePositives} FP ${c.falsePositives} missed ${c.missed}`).join('; ')}`);
  });
}
