// Images shrunk so the longer side is at most maxSide (never enlarged), the boxes that go with
// them, and a cache of decoded images for work that reads the same images many times (attack
// epochs, the settings of a comparison). Decoding a WIDER JPEG and shrinking it to 640 px took
// ~30 ms an image on this machine, a third of a RetinaFace attack step. The cache holds the exact
// Float32 pixels loadScaledImage returns, so cached work computes the same results as uncached;
// images past the byte budget are simply decoded again each time.
import { totalmem } from 'node:os';
import type { Box } from '../../util/geometry.js';
import { loadImage } from './loadImage.js';
import { resizeImage } from './resizeImage.js';
import type { RgbImage } from './rgbImage.js';

export interface ScaledImage {
  image: RgbImage;
  /** Multiply original coordinates by this to get coordinates in `image`. */
  scale: number;
}

/** Loads an image, shrunk so its longer side is at most maxSide (never enlarged). */
export async function loadScaledImage(path: string, maxSide: number): Promise<ScaledImage> {
  const image = await loadImage(path);
  const longer = Math.max(image.width, image.height);
  if (!(maxSide > 0) || longer <= maxSide) return { image, scale: 1 };
  const scale = maxSide / longer;
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return { image: await resizeImage(image, width, height), scale: width / image.width };
}

export function scaleBoxes(boxes: readonly Box[], scale: number): Box[] {
  return boxes.map((b) => ({ x: b.x * scale, y: b.y * scale, w: b.w * scale, h: b.h * scale }));
}

/** The inverse of scaleBoxes: boxes in a scaled image back to original pixels (other fields, e.g. score, kept). */
export function toOriginalPixels<T extends Box>(boxes: readonly T[], scale: number): T[] {
  return boxes.map((b) => ({ ...b, x: b.x / scale, y: b.y / scale, w: b.w / scale, h: b.h / scale }));
}

/** A quarter of the machine's memory: 1,069 WIDER images at 640 px take ~3.9 GB. */
export function defaultImageCacheBytes(): number {
  return Math.floor(totalmem() / 4);
}

export class ScaledImageCache {
  private readonly entries = new Map<string, ScaledImage>();
  /** Decodes started by prefetch() and not yet taken by load(). */
  private readonly ahead = new Map<string, Promise<ScaledImage>>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    readonly maxSide: number,
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
    const started = this.ahead.get(path);
    if (started) {
      this.ahead.delete(path);
      return started;
    }
    return this.decode(path);
  }

  /**
   * Starts decoding an image that load() will ask for next. Decoding runs on libuv's threads, so it
   * overlaps the synchronous detector work in between. A failure surfaces from that load().
   */
  prefetch(path: string): void {
    if (this.entries.has(path) || this.ahead.has(path)) return;
    const decoding = this.decode(path);
    decoding.catch(() => undefined); // not unhandled while nobody awaits it yet
    this.ahead.set(path, decoding);
  }

  private async decode(path: string): Promise<ScaledImage> {
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
