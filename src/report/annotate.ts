// Images with boxes drawn on them, as in the paper's Fig. 1: true positives solid blue, false
// positives red, missed faces dashed blue, pasted patches outlined in yellow. Drawn as an SVG
// overlay composited by sharp, written atomically as PNG.
import sharp from 'sharp';
import type { RgbImage } from '../data/images/rgbImage.js';
import { unitToBytes } from '../data/images/saveImagePng.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { Box, ScoredBox } from '../util/geometry.js';
import { boxIoU } from '../util/geometry.js';

export interface BoxLayer {
  boxes: readonly (Box | ScoredBox)[];
  colour: string;
  dashed?: boolean;
  /** Print each box's score above it. */
  labelScores?: boolean;
}

export const COLOURS = { truePositive: '#1f5fff', falsePositive: '#ff2020', missed: '#1f5fff', patch: '#ffd000' } as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

export function overlaySvg(width: number, height: number, layers: readonly BoxLayer[], caption?: string): string {
  const stroke = Math.max(1.5, Math.min(width, height) / 300);
  const font = Math.max(9, Math.min(width, height) / 45);
  const parts: string[] = [];
  for (const layer of layers) {
    for (const b of layer.boxes) {
      parts.push(
        `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.w.toFixed(1)}" height="${b.h.toFixed(1)}" fill="none" stroke="${layer.colour}" stroke-width="${stroke.toFixed(1)}"${layer.dashed ? ` stroke-dasharray="${(3 * stroke).toFixed(1)},${(2 * stroke).toFixed(1)}"` : ''}/>`,
      );
      if (layer.labelScores && 'score' in b) {
        parts.push(`<text x="${b.x.toFixed(1)}" y="${Math.max(font, b.y - 2).toFixed(1)}" font-family="sans-serif" font-size="${font.toFixed(0)}" fill="${layer.colour}">${b.score.toFixed(3)}</text>`);
      }
    }
  }
  if (caption) {
    parts.push(`<rect x="0" y="0" width="${width}" height="${(font * 1.6).toFixed(0)}" fill="black" fill-opacity="0.6"/>`);
    parts.push(`<text x="4" y="${(font * 1.2).toFixed(0)}" font-family="sans-serif" font-size="${font.toFixed(0)}" fill="white">${escapeXml(caption)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Encodes the image with the boxes drawn on it as PNG bytes. */
export async function annotatedPng(image: RgbImage, layers: readonly BoxLayer[], caption?: string): Promise<Buffer> {
  const svg = Buffer.from(overlaySvg(image.width, image.height, layers, caption));
  return sharp(Buffer.from(unitToBytes(image.data)), { raw: { width: image.width, height: image.height, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toBuffer();
}

export async function saveAnnotatedPng(path: string, image: RgbImage, layers: readonly BoxLayer[], caption?: string): Promise<void> {
  writeFileAtomic(path, await annotatedPng(image, layers, caption));
}

export interface DetectionOutcomes {
  truePositives: ScoredBox[];
  falsePositives: ScoredBox[];
  missed: Box[];
}

/**
 * Splits detections scoring at least delta into true and false positives (IoU >= 0.5 with a
 * not-yet-matched face, highest score first) and lists the faces left undetected.
 */
export function classifyDetections(detections: readonly ScoredBox[], faces: readonly Box[], delta: number, iouThreshold = 0.5): DetectionOutcomes {
  const matched = new Array<boolean>(faces.length).fill(false);
  const truePositives: ScoredBox[] = [];
  const falsePositives: ScoredBox[] = [];
  for (const d of [...detections].filter((d) => d.score >= delta).sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIoU = iouThreshold;
    faces.forEach((f, i) => {
      if (matched[i]) return;
      const overlap = boxIoU(d, f);
      if (overlap >= bestIoU) {
        bestIoU = overlap;
        best = i;
      }
    });
    if (best >= 0) {
      matched[best] = true;
      truePositives.push(d);
    } else {
      falsePositives.push(d);
    }
  }
  return { truePositives, falsePositives, missed: faces.filter((_, i) => !matched[i]) };
}

export function outcomeLayers(outcomes: DetectionOutcomes, patches: readonly Box[] = []): BoxLayer[] {
  return [
    { boxes: patches, colour: COLOURS.patch },
    { boxes: outcomes.missed, colour: COLOURS.missed, dashed: true },
    { boxes: outcomes.truePositives, colour: COLOURS.truePositive, labelScores: true },
    { boxes: outcomes.falsePositives, colour: COLOURS.falsePositive, labelScores: true },
  ];
}
