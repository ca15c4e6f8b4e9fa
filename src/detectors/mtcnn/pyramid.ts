// MTCNN's image pyramid (face-api's pyramidDown + the filter in Mtcnn.forwardInput): scale m =
// 12 / minFaceSize maps the smallest face onto P-Net's 12-pixel cell; each next scale is
// scaleFactor smaller, while the shorter side still covers a cell.
import { PNET_CELL_SIZE, type MtcnnConfig } from './config.js';

/** The pyramid's scales for a height x width image, largest first. */
export function pyramidScales(height: number, width: number, config: Pick<MtcnnConfig, 'minFaceSize' | 'scaleFactor' | 'maxNumScales'>): number[] {
  const m = PNET_CELL_SIZE / config.minFaceSize;
  const scales: number[] = [];
  let shorter = Math.min(height, width) * m;
  for (let exponent = 0; shorter >= PNET_CELL_SIZE; exponent++) {
    scales.push(m * Math.pow(config.scaleFactor, exponent));
    shorter *= config.scaleFactor;
  }
  return scales
    .filter((scale) => Math.min(Math.floor(height * scale), Math.floor(width * scale)) > PNET_CELL_SIZE)
    .slice(0, config.maxNumScales);
}
