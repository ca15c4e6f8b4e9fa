// Session 13's question: are the "near-face" boxes the val evaluation finds (a face the patch
// displaces, boxed at IoU < 0.5) frequent on the *train* faces the patch was optimised on too?
// If so, the loss fails to reach them; if not, the val box is a generalisation failure.
// `evaluate` needs val's Easy/Medium/Hard ground truth, so this runs the same library calls on
// train with every face in All (the empty Easy/Medium/Hard subsets are not reported).
//   npx tsx experiments/train-false-positives.ts <patch.png|none|noise|face> [maxImages] [detector] > out.json
import { defaultWiderRoot } from '../src/config/paths.js';
import { makeProvenance } from '../src/config/provenance.js';
import { openDetector, patchFromFlag } from '../src/cli/commonOptions.js';
import { loadWiderFace } from '../src/data/widerface/loadWiderFace.js';
import { evaluateDataset } from '../src/eval/evaluateDataset.js';
import { countFalsePositiveKinds } from '../src/eval/falsePositives.js';
import { detectorDetectionSource } from '../src/experiments/patchedDetection.js';
import { DEFAULT_ALPHA } from '../src/patch/placement.js';
import { createProgress } from '../src/util/progress.js';

const [patchPath = 'none', maxImagesArg, detectorName = 'retinaface-mobilenet0.25'] = process.argv.slice(2);
const maxImages = maxImagesArg === undefined ? undefined : Number(maxImagesArg);
if (maxImages !== undefined && !(Number.isInteger(maxImages) && maxImages > 0)) throw new Error(`maxImages: expected a positive integer, got "${maxImagesArg}"`);
// The same patch rule as `evaluate --patch` (none, the noise and face controls, or a patch file).
const patch = await patchFromFlag(patchPath, 0);
const { detector, backend } = await openDetector({ detector: detectorName, backend: 'auto' });
const loaded = loadWiderFace({ root: defaultWiderRoot(), split: 'train', maxImages });
const dataset = {
  ...loaded,
  images: loaded.images.map((image) => ({ ...image, subsets: { easy: [], medium: [], hard: [], all: image.faces.map((_, i) => i) } })),
};
const source = detectorDetectionSource({ detector, maxSide: 0, patch: patch && { patch, placement: { alpha: DEFAULT_ALPHA, location: 'top' } } });
const progress = createProgress({ label: 'train', total: dataset.images.length });
const { result } = await evaluateDataset({ dataset, source, onImage: () => progress.tick() });
progress.stop();
const all = result.atDelta.all;
process.stdout.write(
  JSON.stringify(
    {
      provenance: {
        ...makeProvenance({ detector: detectorName, backend, config: { split: 'train', patch: patchPath, maxSide: 0, alpha: DEFAULT_ALPHA, location: 'top' } }),
        command: ['npx', 'tsx', 'experiments/train-false-positives.ts', ...process.argv.slice(2)],
      },
      patch: patchPath,
      detector: detectorName,
      backend,
      images: result.images,
      all,
      criterion2: result.criteria.criterion2,
      falsePositives: { byKind: countFalsePositiveKinds(result.falsePositives), list: result.falsePositives },
    },
    null,
    1,
  ) + '\n',
);
