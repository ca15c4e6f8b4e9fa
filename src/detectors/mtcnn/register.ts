// Registers MTCNN (imported from ../builtin.ts).
import { registerDetector } from '../registry.js';
import { MTCNN_WEIGHTS_PATH } from './config.js';
import { MTCNN_INPUT, MTCNN_NAME, createMtcnn } from './mtcnnDetector.js';

registerDetector({
  name: MTCNN_NAME,
  family: 'cascade',
  inputDescription: MTCNN_INPUT,
  weightsSource: `shared/${MTCNN_WEIGHTS_PATH.join('/')} + mtcnn_model-shard1 (face-api.js, MIT), or --weights <manifest.json>`,
  create: createMtcnn,
});
