// Where the patch goes on each face (paper section 3.2): resized to alpha*sqrt(w*h) and centred at
// a placement relative to the face box: top (w/2, s/2) by default, center (w/2, h/2), bottom
// (w/2, h - s/2), or explicit fractions of the face box.
import type { Box } from '../util/geometry.js';
import { FacepatchError } from '../util/errors.js';

export type NamedLocation = 'top' | 'center' | 'bottom';
export const NAMED_LOCATIONS: readonly NamedLocation[] = ['top', 'center', 'bottom'];

/** A placement: a named one, or the patch centre as fractions (fx, fy) of the face's width and height. */
export type PatchLocation = NamedLocation | { fx: number; fy: number };

/** Which part of the patch is removed (paper Table 4): that part shows the original image. */
export type PartMask =
  | 'none'
  | 'top-half' | 'bottom-half' | 'left-half' | 'right-half'
  | 'top-third' | 'bottom-third' | 'left-third' | 'right-third';
export const PART_MASKS: readonly PartMask[] = [
  'none', 'top-half', 'bottom-half', 'left-half', 'right-half', 'top-third', 'bottom-third', 'left-third', 'right-third',
];

export interface PlacementOptions {
  /** Patch side relative to sqrt(w*h) of the face (paper default 0.5). */
  alpha?: number;
  location?: PatchLocation;
  /** Extra scale of the patch side (paper Table 5 shrinks it to 0.9 ... 0.6); default 1. */
  scale?: number;
  /** Faces whose patch would be smaller than this many pixels get none (default 2). */
  minPatchSize?: number;
}

/** One pasted patch: the square it covers in image pixels (may extend past the image borders). */
export interface PatchPlacement {
  /** Index of the face in the image's face list. */
  faceIndex: number;
  /** Centre of the patch in image pixels. */
  cx: number;
  cy: number;
  /** Side of the pasted square in pixels. */
  size: number;
}

export const DEFAULT_ALPHA = 0.5;

/** Parse a --location value: top, center, bottom, or "fx,fy" fractions of the face box. */
export function parseLocation(value: string): PatchLocation {
  if ((NAMED_LOCATIONS as readonly string[]).includes(value)) return value as NamedLocation;
  const parts = value.split(',').map(Number);
  if (parts.length === 2 && parts.every((n) => Number.isFinite(n))) return { fx: parts[0] as number, fy: parts[1] as number };
  throw new FacepatchError(`unknown location "${value}"; valid choices: ${NAMED_LOCATIONS.join(', ')}, or "fx,fy" fractions of the face box`);
}

/** The patch placements for a list of faces; faces too small to carry a patch are left out. */
export function placePatches(faces: readonly Box[], options: PlacementOptions = {}): PatchPlacement[] {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const scale = options.scale ?? 1;
  const location = options.location ?? 'top';
  const minSize = options.minPatchSize ?? 2;
  if (!(alpha > 0)) throw new FacepatchError(`alpha must be positive, got ${alpha}`);
  if (!(scale > 0)) throw new FacepatchError(`scale must be positive, got ${scale}`);
  const placements: PatchPlacement[] = [];
  faces.forEach((face, faceIndex) => {
    if (face.w <= 0 || face.h <= 0) return;
    const size = alpha * Math.sqrt(face.w * face.h) * scale;
    if (size < minSize) return;
    let cx: number;
    let cy: number;
    if (location === 'top') {
      cx = face.x + face.w / 2;
      cy = face.y + size / 2;
    } else if (location === 'center') {
      cx = face.x + face.w / 2;
      cy = face.y + face.h / 2;
    } else if (location === 'bottom') {
      cx = face.x + face.w / 2;
      cy = face.y + face.h - size / 2;
    } else {
      cx = face.x + location.fx * face.w;
      cy = face.y + location.fy * face.h;
    }
    placements.push({ faceIndex, cx, cy, size });
  });
  return placements;
}

/** The box a placement covers (for criterion 2 and Patch-Combination's IoU(anchor, patch)). */
export function placementBox(p: PatchPlacement): Box {
  return { x: p.cx - p.size / 2, y: p.cy - p.size / 2, w: p.size, h: p.size };
}

/** Whether patch-relative coordinates (u, v in [0, 1)) fall in the part that a mask removes. */
export function isMaskedOut(mask: PartMask, u: number, v: number): boolean {
  switch (mask) {
    case 'none': return false;
    case 'top-half': return v < 1 / 2;
    case 'bottom-half': return v >= 1 / 2;
    case 'left-half': return u < 1 / 2;
    case 'right-half': return u >= 1 / 2;
    case 'top-third': return v < 1 / 3;
    case 'bottom-third': return v >= 2 / 3;
    case 'left-third': return u < 1 / 3;
    case 'right-third': return u >= 2 / 3;
  }
}
