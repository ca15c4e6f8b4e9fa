// `facepatch detect`: run a detector on images and write an annotated PNG and a JSON per image.
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { nodeModulePath } from '../../config/paths.js';
import { makeProvenance } from '../../config/provenance.js';
import { detectOnImage } from '../../experiments/patchedDetection.js';
import { loadScaledImage, toOriginalPixels } from '../../data/images/scaledImage.js';
import { saveAnnotatedPng } from '../../report/annotate.js';
import { writeJsonAtomic } from '../../util/atomicWrite.js';
import { createProgress } from '../../util/progress.js';
import { addDetectorOptions, openDetector, type DetectorFlags } from '../commonOptions.js';
import { emit, note } from '../output.js';
import { parseFraction, parseNonNegativeInt } from '../options.js';

interface DetectFlags extends DetectorFlags {
  out: string;
  threshold: number;
  maxSide: number;
}

/** The sample photos that @vladmandic/face-api ships (the default input). */
export function samplePhotos(): string[] {
  return [1, 2, 3, 4, 5, 6].map((n) => nodeModulePath('@vladmandic/face-api', 'demo', `sample${n}.jpg`));
}

export function register(program: Command): void {
  const command = program
    .command('detect')
    .description("run a detector on images; writes <name>.png (boxes and scores drawn) and <name>.json per image")
    .argument('[images...]', "image files (default: face-api's sample photos)")
    .requiredOption('--out <dir>', 'output folder')
    .option('--threshold <score>', 'draw and list detections scoring at least this', parseFraction, 0.5)
    .option('--max-side <px>', 'shrink images so the longer side is at most this (0 = original)', parseNonNegativeInt, 0);
  addDetectorOptions(command);
  command.action(async (images: string[], flags: DetectFlags, cmd: Command) => {
    const paths = images.length > 0 ? images : samplePhotos();
    const { detector, backend } = await openDetector(flags);
    const provenance = makeProvenance({ detector: flags.detector, backend, config: { threshold: flags.threshold, maxSide: flags.maxSide } });
    const progress = createProgress({ label: 'detect', total: paths.length });
    const results: { image: string; faces: number; png: string; seconds: number }[] = [];
    for (const path of paths) {
      const { image, scale } = await loadScaledImage(path, flags.maxSide);
      const started = Date.now();
      const found = await detectOnImage(detector, image, flags.threshold);
      const seconds = (Date.now() - started) / 1000;
      const name = basename(path, extname(path));
      await saveAnnotatedPng(join(flags.out, `${name}.png`), image, [{ boxes: found, colour: '#1f5fff', labelScores: true }], `${detector.name}: ${found.length} faces >= ${flags.threshold}`);
      const detections = toOriginalPixels(found, scale);
      writeJsonAtomic(join(flags.out, `${name}.json`), { image: path, width: Math.round(image.width / scale), height: Math.round(image.height / scale), detections, seconds, provenance });
      results.push({ image: path, faces: detections.length, png: join(flags.out, `${name}.png`), seconds });
      progress.tick();
    }
    progress.stop();
    detector.dispose();
    note(`wrote ${results.length} annotated images to ${flags.out}`);
    emit(cmd, { detector: flags.detector, backend, results, provenance }, () => results.map((r) => `${r.image}: ${r.faces} faces (${r.seconds.toFixed(2)} s) -> ${r.png}`).join('\n'));
  });
}
