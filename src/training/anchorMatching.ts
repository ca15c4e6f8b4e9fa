// Anchor matching of the SLN (paper section 3.1, after Ming et al. [27]): an anchor is positive
// when its best IoU with a face exceeds 0.6, negative when every IoU is below 0.4, ignored in
// between; a positive regresses to the face of its best IoU.
//
// Anchors are square, tiled on a regular grid (row, col, scale order, as slnAnchors), so instead
// of the full anchors x faces matrix (102,400 anchors at 640 x 640) each face visits only the
// grid cells whose anchors can overlap it, and only the scales whose area ratio to the face can
// reach the negative threshold (IoU <= min(area) / max(area)). Pairs skipped that way have an IoU
// below the negative threshold, so they cannot change any label.
import { SLN_ANCHOR_SCALES, SLN_STRIDE } from '../detectors/sln/network.js';
import type { Box } from '../util/geometry.js';

/** The layout of a network's anchors: square anchors of `scales` centred on every stride cell. */
export interface AnchorGrid {
  featureHeight: number;
  featureWidth: number;
  stride: number;
  /** Anchor sides in input pixels; anchor index = (row * featureWidth + col) * scales.length + k. */
  scales: readonly number[];
}

export function slnAnchorGrid(featureHeight: number, featureWidth: number): AnchorGrid {
  return { featureHeight, featureWidth, stride: SLN_STRIDE, scales: SLN_ANCHOR_SCALES };
}

export function anchorCount(grid: AnchorGrid): number {
  return grid.featureHeight * grid.featureWidth * grid.scales.length;
}

export interface MatchOptions {
  /** An anchor is positive when its best IoU exceeds this (the paper: 0.6). */
  positiveIoU: number;
  /** An anchor is negative when its best IoU is below this (the paper: 0.4). */
  negativeIoU: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = { positiveIoU: 0.6, negativeIoU: 0.4 };

export const NEGATIVE = 0;
export const POSITIVE = 1;
export const IGNORED = -1;

export interface AnchorMatch {
  /** Per anchor: POSITIVE (1), NEGATIVE (0) or IGNORED (-1). */
  labels: Int8Array;
  /** Per anchor: the face of its best IoU (-1 when no face reaches the negative threshold). */
  matchedFace: Int32Array;
  /** Per anchor: its best IoU with a face; exact where >= negativeIoU, else a lower bound (0). */
  maxIoU: Float64Array;
  positives: number;
  negatives: number;
  ignored: number;
  faces: number;
  /** Faces with at least one positive anchor (an anchor with IoU above positiveIoU with it). */
  facesCovered: number;
}

/**
 * Labels every anchor of `grid` against `faces` (input pixels). Anchors overlapping an
 * `ignoredFaces` box (faces cut by a crop, or too small to train on) by at least the negative
 * threshold are ignored rather than negative, so the network is not taught that a half-visible
 * face is background.
 */
export function matchAnchors(grid: AnchorGrid, faces: readonly Box[], options: MatchOptions = DEFAULT_MATCH_OPTIONS, ignoredFaces: readonly Box[] = []): AnchorMatch {
  const { positiveIoU, negativeIoU } = options;
  if (!(negativeIoU > 0 && negativeIoU <= positiveIoU && positiveIoU <= 1)) {
    throw new RangeError(`matchAnchors: need 0 < negativeIoU <= positiveIoU <= 1, got ${negativeIoU} and ${positiveIoU}`);
  }
  const count = anchorCount(grid);
  const k = grid.scales.length;
  const maxIoU = new Float64Array(count);
  const matchedFace = new Int32Array(count).fill(-1);
  const nearIgnored = new Uint8Array(count);
  let facesCovered = 0;

  const visit = (face: Box, onPair: (anchor: number, iou: number) => void) => {
    const x1 = face.x, y1 = face.y, x2 = face.x + face.w, y2 = face.y + face.h;
    const faceArea = face.w * face.h;
    if (!(faceArea > 0)) return;
    grid.scales.forEach((s, scaleIndex) => {
      const anchorArea = s * s;
      if (Math.min(anchorArea, faceArea) / Math.max(anchorArea, faceArea) < negativeIoU) return;
      const half = s / 2;
      // Cells whose anchor centre (c + 0.5) * stride lies within (x1 - s/2, x2 + s/2).
      const colStart = Math.max(0, Math.ceil((x1 - half) / grid.stride - 0.5));
      const colEnd = Math.min(grid.featureWidth - 1, Math.floor((x2 + half) / grid.stride - 0.5));
      const rowStart = Math.max(0, Math.ceil((y1 - half) / grid.stride - 0.5));
      const rowEnd = Math.min(grid.featureHeight - 1, Math.floor((y2 + half) / grid.stride - 0.5));
      for (let row = rowStart; row <= rowEnd; row++) {
        const cy = (row + 0.5) * grid.stride;
        const ih = Math.min(cy + half, y2) - Math.max(cy - half, y1);
        if (ih <= 0) continue;
        for (let col = colStart; col <= colEnd; col++) {
          const cx = (col + 0.5) * grid.stride;
          const iw = Math.min(cx + half, x2) - Math.max(cx - half, x1);
          if (iw <= 0) continue;
          const intersection = iw * ih;
          const iou = intersection / (anchorArea + faceArea - intersection);
          if (iou >= negativeIoU) onPair((row * grid.featureWidth + col) * k + scaleIndex, iou);
        }
      }
    });
  };

  faces.forEach((face, f) => {
    let covered = false;
    visit(face, (anchor, iou) => {
      if (iou > (maxIoU[anchor] as number)) {
        maxIoU[anchor] = iou;
        matchedFace[anchor] = f;
      }
      if (iou > positiveIoU) covered = true;
    });
    if (covered) facesCovered++;
  });
  for (const face of ignoredFaces) visit(face, (anchor) => (nearIgnored[anchor] = 1));

  const labels = new Int8Array(count);
  let positives = 0, negatives = 0, ignored = 0;
  for (let i = 0; i < count; i++) {
    const iou = maxIoU[i] as number;
    if (iou > positiveIoU && matchedFace[i]! >= 0) {
      labels[i] = POSITIVE;
      positives++;
    } else if (iou < negativeIoU && nearIgnored[i] === 0) {
      labels[i] = NEGATIVE;
      negatives++;
    } else {
      labels[i] = IGNORED;
      ignored++;
    }
  }
  return { labels, matchedFace, maxIoU, positives, negatives, ignored, faces: faces.length, facesCovered };
}
