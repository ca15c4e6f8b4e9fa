// The training curve of a detector run: the loss and its three parts against the optimiser step,
// smoothed by a trailing moving average (window ~2% of the steps), as plain SVG (and a PNG of it).
import sharp from 'sharp';
import { writeFileAtomic } from '../util/atomicWrite.js';
import type { StepRecord } from './history.js';

const SERIES: { key: keyof StepRecord; label: string; colour: string }[] = [
  { key: 'loss', label: 'L (total)', colour: '#222222' },
  { key: 'positiveClassification', label: 'L_pcls', colour: '#1f77b4' },
  { key: 'negativeClassification', label: 'L_ncls', colour: '#d62728' },
  { key: 'regression', label: 'L_reg', colour: '#2ca02c' },
];

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

/** Trailing moving average over `window` values. */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window] as number;
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}

function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9 * max; t += step) ticks.push(Number(t.toPrecision(6)));
  return ticks;
}

export function trainingCurveSvg(records: readonly StepRecord[], title: string): string {
  const width = 720, height = 400, margin = { left: 60, right: 150, top: 40, bottom: 45 };
  const plotW = width - margin.left - margin.right, plotH = height - margin.top - margin.bottom;
  const steps = records.map((r) => r.step);
  const window = Math.max(1, Math.round(records.length / 50));
  const smoothed = SERIES.map((s) => movingAverage(records.map((r) => r[s.key] as number), window));
  const yMax = Math.max(1e-6, ...smoothed.flat().filter(Number.isFinite)) * 1.05;
  const xMax = Math.max(1, steps[steps.length - 1] ?? 1);
  const sx = (x: number) => margin.left + (x / xMax) * plotW;
  const sy = (y: number) => margin.top + (1 - Math.min(y, yMax) / yMax) * plotH;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-family="sans-serif">${escapeXml(title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#000"/>`,
  ];
  for (const t of niceTicks(xMax)) {
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${margin.top + plotH + 14}" font-size="10" text-anchor="middle" font-family="sans-serif">${t}</text>`);
  }
  for (const t of niceTicks(yMax)) {
    if (t > yMax) continue;
    parts.push(`<text x="${margin.left - 4}" y="${(sy(t) + 3).toFixed(1)}" font-size="10" text-anchor="end" font-family="sans-serif">${t}</text>`);
    parts.push(`<line x1="${margin.left}" y1="${sy(t).toFixed(1)}" x2="${margin.left + plotW}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
  }
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" font-size="11" text-anchor="middle" font-family="sans-serif">optimiser step (moving average over ${window})</text>`);
  const stride = Math.max(1, Math.ceil(records.length / 1000));
  SERIES.forEach((s, i) => {
    const values = smoothed[i] as number[];
    const points: string[] = [];
    for (let k = 0; k < values.length; k += stride) {
      const v = values[k] as number;
      if (Number.isFinite(v)) points.push(`${sx(steps[k] as number).toFixed(1)},${sy(v).toFixed(1)}`);
    }
    const lastIndex = values.length - 1;
    if (lastIndex >= 0 && lastIndex % stride !== 0 && Number.isFinite(values[lastIndex])) points.push(`${sx(steps[lastIndex] as number).toFixed(1)},${sy(values[lastIndex] as number).toFixed(1)}`);
    if (points.length) parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${points.join(' ')}"/>`);
    const ly = margin.top + 14 + 18 * i;
    const lx = margin.left + plotW + 12;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"/>`);
    const last = values[lastIndex];
    parts.push(`<text x="${lx + 24}" y="${ly}" font-size="11" font-family="sans-serif">${s.label}${last !== undefined ? ` ${last.toFixed(3)}` : ''}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>\n`;
}

/** Writes `<base>.svg` and `<base>.png` atomically. */
export async function writeTrainingCurve(base: string, records: readonly StepRecord[], title: string): Promise<void> {
  const svg = trainingCurveSvg(records, title);
  writeFileAtomic(`${base}.svg`, svg);
  writeFileAtomic(`${base}.png`, await sharp(Buffer.from(svg)).png().toBuffer());
}
