// Registers the ULFD detectors (ulfd-rfb-320, ulfd-rfb-640, ulfd-slim-320).
import { registerDetector } from '../registry.js';
import { createUlfdDetector } from './ulfdDetector.js';
import { ULFD_VARIANTS, ulfdInputDescription } from './variants.js';

for (const variant of ULFD_VARIANTS) {
  registerDetector({
    name: variant.name,
    family: 'ssd',
    inputDescription: ulfdInputDescription(variant),
    weightsSource: `shared/${variant.file.join('/')} (ONNX, imported to TensorFlow.js)`,
    published: variant.published,
    create: (options) => createUlfdDetector(variant.name, options),
  });
}
