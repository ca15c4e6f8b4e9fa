// Registers the paper's SLN detectors, one per backbone of SLN_BACKBONES: sln-resnet18 (the
// paper's default), sln-resnet50, sln-resnet101, sln-resnext101_32x8d, sln-mobilenet0.25
// (imported from ../builtin.ts).
import { existsSync } from 'node:fs';
import { registerDetector } from '../registry.js';
import { SLN_BACKBONES } from './network.js';
import { SLN_INPUT, createSlnDetector, shippedSlnWeightsPath } from './slnDetector.js';

for (const backbone of SLN_BACKBONES) {
  registerDetector({
    name: `sln-${backbone}`,
    family: 'single-level',
    inputDescription: SLN_INPUT,
    weightsSource: existsSync(shippedSlnWeightsPath(backbone))
      ? `weights/sln-${backbone}.json (trained by facepatch train-detector), or --weights <weights.json>`
      : `none shipped yet: --weights <weights.json> from facepatch train-detector --backbone ${backbone}`,
    create: (options) => createSlnDetector(backbone, options),
  });
}
