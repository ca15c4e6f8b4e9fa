// MTCNN's settings as face-api.js runs it (its MtcnnOptions defaults and the constants of its
// stage1/2/3): where the weights live, the image pyramid, each stage's score threshold and NMS.

/** The face-api.js weights, read by path under the shared folder (never copied). */
export const MTCNN_WEIGHTS_PATH = ['models', 'mtcnn', 'mtcnn_model-weights_manifest.json'] as const;

export type NmsOverlap = 'union' | 'min';

export interface MtcnnConfig {
  /** Smallest face the pyramid looks for, in input pixels (face-api default 20). */
  minFaceSize: number;
  /** Ratio between consecutive pyramid scales (face-api default 0.709). */
  scaleFactor: number;
  /** At most this many pyramid scales, largest first (face-api default 10). */
  maxNumScales: number;
  /** P-Net, R-Net, O-Net score thresholds (face-api default [0.6, 0.7, 0.7]). */
  scoreThresholds: readonly [number, number, number];
  /** P-Net cells of one scale overlapping more than this are suppressed (union overlap). */
  pnetScaleNms: number;
  /** P-Net cells of all scales overlapping more than this are suppressed (union overlap). */
  pnetAllScalesNms: number;
  /** R-Net windows overlapping more than this are suppressed (union overlap). */
  rnetNms: number;
  /** Final O-Net boxes overlapping more than this are suppressed ... */
  onetNms: number;
  /** ... measured as intersection over the smaller box ('min'), as face-api's last stage. */
  onetNmsOverlap: NmsOverlap;
  /** R-Net windows per batch (bounds memory on photos with thousands of P-Net proposals). */
  rnetBatch: number;
}

/** P-Net's receptive field (the size of one cell's window at its scale) and its output stride. */
export const PNET_CELL_SIZE = 12;
export const PNET_CELL_STRIDE = 2;
/** R-Net and O-Net input sizes. */
export const RNET_INPUT = 24;
export const ONET_INPUT = 48;

export const MTCNN_FACEAPI: MtcnnConfig = {
  minFaceSize: 20,
  scaleFactor: 0.709,
  maxNumScales: 10,
  scoreThresholds: [0.6, 0.7, 0.7],
  pnetScaleNms: 0.5,
  pnetAllScalesNms: 0.7,
  rnetNms: 0.7,
  onetNms: 0.7,
  onetNmsOverlap: 'min',
  rnetBatch: 256,
};
