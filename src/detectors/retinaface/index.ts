// RetinaFace-MobileNet0.25 (biubug6/Pytorch_Retinaface weights) in tfjs.
export { RetinaFaceDetector, createRetinaFace, RETINAFACE_NAME } from './retinaFaceDetector.js';
export { RETINAFACE_MNET, RETINAFACE_WEIGHTS_PATH } from './config.js';
export { computePriors, priorCorners, type Priors } from './priors.js';
export { referenceNms } from './referenceNms.js';
export type { NetworkOutputs } from './network.js';
