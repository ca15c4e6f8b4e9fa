// Several PNG panels of equal height placed left to right, for before/after figures.
import sharp from 'sharp';
import { writeFileAtomic } from '../util/atomicWrite.js';

export async function saveSideBySide(path: string, panels: readonly Buffer[], gap = 8): Promise<void> {
  const metas = await Promise.all(panels.map((p) => sharp(p).metadata()));
  const height = Math.max(...metas.map((m) => m.height ?? 0));
  const width = metas.reduce((sum, m) => sum + (m.width ?? 0), 0) + gap * (panels.length - 1);
  let left = 0;
  const composites = panels.map((input, i) => {
    const placed = { input, top: 0, left };
    left += (metas[i]?.width ?? 0) + gap;
    return placed;
  });
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .composite(composites)
    .png()
    .toBuffer();
  writeFileAtomic(path, png);
}
