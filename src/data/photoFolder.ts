// A folder of photos as a Dataset: every image file below it (recursively), in sorted path order,
// with no faces yet: a clean detector fills them in (the faces the patch is pasted on).
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { FacepatchError } from '../util/errors.js';
import type { Dataset, DatasetImage } from './types.js';

export const PHOTO_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

export interface LoadPhotoFolderOptions {
  dir: string;
  /** Keep only the first N images in sorted path order. */
  maxImages?: number;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Image files below `dir`; hidden files and folders (".name") are left out. */
function listImageFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => {
      const path = join(dir, name);
      if (isDirectory(path)) return listImageFiles(path);
      return PHOTO_EXTENSIONS.includes(extname(name).toLowerCase()) ? [path] : [];
    });
}

export function loadPhotoFolder(options: LoadPhotoFolderOptions): Dataset {
  const root = resolve(options.dir);
  if (!isDirectory(root)) throw new FacepatchError(`photo folder not found: ${root}`);
  if (options.maxImages !== undefined && (!Number.isInteger(options.maxImages) || options.maxImages < 0)) {
    throw new FacepatchError(`maxImages must be a non-negative integer, got ${options.maxImages}`);
  }
  const files = listImageFiles(root).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const kept = options.maxImages === undefined ? files : files.slice(0, options.maxImages);
  const images: DatasetImage[] = kept.map((path) => {
    const parts = relative(root, path).split(sep);
    const file = parts.pop() as string;
    const event = parts.join('/');
    const name = file.slice(0, file.length - extname(file).length);
    return { id: event ? `${event}/${name}` : name, event, path, faces: [] };
  });
  return { images, skipped: 0, source: { kind: 'photo-folder', root } };
}
