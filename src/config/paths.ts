// Where facepatch finds its inputs. Nothing from ../shared is ever copied into the repository:
// code reads it by path, from a flag, an environment variable, or the default beside the checkout.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding facepatch's package.json (works from src/ and from dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'facepatch') return dir;
      } catch {
        /* not ours: keep walking up */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('facepatch: cannot locate the package root (package.json named "facepatch")');
    dir = parent;
  }
}

/** The shared data folder: $FACEPATCH_SHARED, else ../shared beside the package root. */
export function sharedDir(): string {
  return resolve(process.env.FACEPATCH_SHARED || join(packageRoot(), '..', 'shared'));
}

/** A path inside the shared folder. */
export function sharedPath(...parts: string[]): string {
  return join(sharedDir(), ...parts);
}

/** The default WIDER FACE root: $FACEPATCH_WIDER_ROOT, else <shared>/data/widerface. */
export function defaultWiderRoot(): string {
  return resolve(process.env.FACEPATCH_WIDER_ROOT || sharedPath('data', 'widerface'));
}

/** A file shipped by an npm dependency, e.g. nodeModulePath('@vladmandic/face-api', 'model'). */
export function nodeModulePath(pkg: string, ...parts: string[]): string {
  let dir = packageRoot();
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(candidate)) return join(candidate, ...parts);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`facepatch: npm package ${pkg} is not installed (run the README's setup command)`);
    dir = parent;
  }
}
