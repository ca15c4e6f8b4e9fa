// Registers RetinaFace-MobileNet0.25 (imported from ../builtin.ts).
import { join } from 'node:path';
import { registerDetector } from '../registry.js';
import { RETINAFACE_WEIGHTS_PATH } from './config.js';
import { RETINAFACE_INPUT, RETINAFACE_NAME, createRetinaFace } from './retinaFaceDetector.js';

registerDetector({
  name: RETINAFACE_NAME,
  family: 'retinanet',
  inputDescription: RETINAFACE_INPUT,
  weightsSource: `shared/${join(...RETINAFACE_WEIGHTS_PATH)} (biubug6/Pytorch_Retinaface, MIT), or --weights <file.pth>`,
  published: 'AP 90.7/88.2/73.8 easy/medium/hard (original scale)',
  create: createRetinaFace,
});
