// Decoded, shrunk training images kept in memory between epochs. Decoding a WIDER JPEG and
// shrinking it to 640 px took ~30 ms an image on this machine, a third of a RetinaFace attack
// step (forward + backward ~65 ms), and every epoch repeated it. The cache holds the exact
// Float32 pixels loadScaledImage returns, so a cached run computes the same patch as an
// uncached one; images past the byte budget are simply decoded again each time.
import { totalmem } from 'node:os';
import type { ScaledImage } from './trainingSet.js';
import { loadScaledImage } from './trainingSet.js';

/** A quarter of the machine's memory: 1,069 WIDER images at 640 px take ~3.9 GB. */
export function defaultImageCacheBytes(): number {
  return Math.floor(totalmem() / 4);
}

export class ScaledImageCache {
  private readonly entries = new Map<string, ScaledImage>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxSide: number,
    /** Budget for the pixel data; 0 disables caching. */
    readonly budgetBytes: number = defaultImageCacheBytes(),
  ) {}

  get cachedBytes(): number {
    return this.bytes;
  }

  async load(path: string): Promise<ScaledImage> {
    const cached = this.entries.get(path);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const loaded = await loadScaledImage(path, this.maxSide);
    const size = loaded.image.data.byteLength;
    if (this.bytes + size <= this.budgetBytes) {
      this.entries.set(path, loaded);
      this.bytes += size;
    }
    return loaded;
  }
}
