// Session 13's question: are the "near-face" boxes the val evaluation finds (a face the patch
// displaces, boxed at IoU < 0.5) frequent on the *train* faces the patch was optimised on too?
// If so, the loss fails to reach them; if not, the val box is a generalisation failure.
// `evaluate` needs val's Easy/Medium/Hard ground truth, so this runs the same library calls on
// train with every face in All (the empty Easy/Medium/Hard subsets are not reported).
//   npx tsx experiments/train-false-positives.ts <patch.png|none> [maxImages] [detector] > out.json
import { defaultWiderRoot } from '../src/config/paths.js';
import { makeProvenance } from '../src/config/provenance.js';
import { initBackend } from '../src/engine/backend.js';
import { createDetector } from '../src/detectors/registry.js';
import { loadWiderFace } from '../src/data/widerface/loadWiderFace.js';
import { evaluateDataset } from '../src/eval/evaluateDataset.js';
import { countFalsePositiveKinds } from '../src/eval/falsePositives.js';
import { detectorDetectionSource } from '../src/experiments/patchedDetection.js';
import { loadPatch } from '../src/patch/patchFile.js';
import { DEFAULT_ALPHA } from '../src/patch/placement.js';
import { createProgress } from '../src/util/progress.js';

const [patchPath = 'none', maxImagesArg, detectorName = 'retinaface-mobilenet0.25'] = process.argv.slice(2);
const backend = await initBackend('auto', (line) => process.stderr.write(`${line}\n`));
const detector = await createDetector(detectorName);
const patch = patchPath === 'none' ? undefined : await loadPatch(patchPath);
const loaded = loadWiderFace({ root: defaultWiderRoot(), split: 'train', maxImages: maxImagesArg ? Number(maxImagesArg) : undefined });
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
