// MTCNN (P-Net, R-Net, O-Net cascade; face-api.js weights) in tfjs.
export { MtcnnDetector, createMtcnn, MTCNN_NAME } from './mtcnnDetector.js';
export { MTCNN_FACEAPI, MTCNN_WEIGHTS_PATH, type MtcnnConfig, type NmsOverlap } from './config.js';
export { pyramidScales } from './pyramid.js';
export { cascadeNms, windowOverlap } from './cascadeNms.js';
export { calibrate, cropRegion, regressWindow, roundBox, toSquare, type CropRegion, type WindowBox } from './windowBox.js';
export { triangleTaps, tapsMatrix, type ResampleTap } from './resample.js';
export { cropPatchData, cropPatchTensor, type PixelImage } from './patches.js';
export { normalizePixels, pnetForward, rnetForward, onetForward } from './networks.js';
export { selectWindows, proposeWindows, refineWindows, type ScoredWindow } from './stages.js';
export { loadMtcnnNetworks, disposeMtcnnNetworks, type MtcnnNetworks } from './weights.js';
