// `facepatch dataset stats`: what a WIDER FACE split holds here: images present, images the
// annotations list but the disk lacks, faces, and the faces of the official Easy/Medium/Hard subsets.
import { Option, type Command } from 'commander';
import { defaultWiderRoot } from '../../config/paths.js';
import { datasetStats } from '../../data/datasetStats.js';
import type { Split } from '../../data/types.js';
import { loadWiderFace } from '../../data/widerface/loadWiderFace.js';
import { emit, formatTable, note } from '../output.js';
import { parsePositiveInt } from '../options.js';

interface StatsOptions {
  root: string;
  split: Split;
  maxImages?: number;
}

export function register(program: Command): void {
  const dataset = program.command('dataset').description('inspect datasets (WIDER FACE in its official layout)');
  dataset
    .command('stats')
    .description('count the present images, the skipped ones (listed but missing), the faces, and the faces of each Easy/Medium/Hard subset (val)')
    .option('--root <dir>', 'WIDER FACE root in the official layout (default: $FACEPATCH_WIDER_ROOT, else <shared>/data/widerface)')
    .addOption(new Option('--split <split>', 'dataset split').choices(['train', 'val']).default('val'))
    .option('--max-images <n>', 'only the first N present images, in sorted path order', parsePositiveInt)
    .action((options: StatsOptions, command: Command) => {
      const root = options.root ?? defaultWiderRoot();
      const loaded = loadWiderFace({ root, split: options.split, maxImages: options.maxImages, onWarning: note });
      const stats = datasetStats(loaded);
      const document = {
        root: loaded.source.root,
        split: options.split,
        maxImages: options.maxImages ?? null,
        images: stats.images,
        skipped: stats.skipped,
        faces: stats.faces,
        subsets: stats.subsets ?? null,
      };
      emit(command, document, () => {
        const rows: (string | number)[][] = [
          ['images', stats.images],
          ['skipped (listed, not on disk)', stats.skipped],
          ['faces', stats.faces],
        ];
        if (stats.subsets) for (const [name, count] of Object.entries(stats.subsets)) rows.push([`faces in ${name}`, count]);
        else rows.push(['subsets', 'none (no evaluation ground truth for this split)']);
        return `WIDER FACE ${options.split} at ${loaded.source.root}\n${formatTable(['', 'count'], rows)}`;
      });
    });
}
