// The paper's real-face control (Table 1, "FaceA/B/C w/o Patch-IoU"): a downsized photo of a real
// face used as the patch. Taken deterministically from WIDER FACE train: the largest clear face
// (no blur, occlusion or atypical pose) among the first images, cropped square and resized.
import sharp from 'sharp';
import { loadWiderFace } from '../data/widerface/loadWiderFace.js';
import { bytesToUnit } from '../data/images/loadImage.js';
import { FacepatchError } from '../util/errors.js';
import type { Patch } from './patchFile.js';

export async function realFacePatch(root: string, size: number, searchImages = 200): Promise<Patch & { source: string }> {
  const dataset = loadWiderFace({ root, split: 'train', maxImages: searchImages });
  let best: { path: string; id: string; x: number; y: number; side: number } | undefined;
  for (const image of dataset.images) {
    for (const face of image.faces) {
      if (face.blur !== 0 || face.occlusion !== 0 || face.pose !== 0 || face.invalid !== 0) continue;
      const side = Math.min(face.box.w, face.box.h);
      if (!best || side > best.side) best = { path: image.path, id: image.id, x: face.box.x + (face.box.w - side) / 2, y: face.box.y + (face.box.h - side) / 2, side };
    }
  }
  if (!best) throw new FacepatchError(`no clear face among the first ${searchImages} WIDER FACE train images under ${root}`);
  const { data } = await sharp(best.path, { autoOrient: true })
    .removeAlpha()
    .extract({ left: Math.round(best.x), top: Math.round(best.y), width: Math.round(best.side), height: Math.round(best.side) })
    .resize(size, size, { kernel: 'lanczos3' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { size, values: bytesToUnit(data), source: `${best.id} face ${Math.round(best.side)}px` };
}
