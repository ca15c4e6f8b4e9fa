// The paper's Fig. 8: Threshold-F_beta curves of several settings, one panel per beta, with the
// AF_beta of each setting in the legend. Plain SVG (no plotting dependency).

export interface CurveSeries {
  label: string;
  /** F_beta at each threshold (null where undefined). */
  values: (number | null)[];
  area: number | null;
}

const PALETTE = ['#444444', '#999999', '#c49a00', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);
}

export function fbetaFigureSvg(thresholds: readonly number[], panels: { beta: string; series: CurveSeries[] }[], title: string): string {
  const panelWidth = 300, panelHeight = 240, margin = { left: 45, right: 10, top: 40, bottom: 40 };
  const legendHeight = 16 * Math.max(...panels.map((p) => p.series.length)) + 10;
  const width = panels.length * (panelWidth + margin.left + margin.right);
  const height = margin.top + panelHeight + margin.bottom + legendHeight;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="white"/>`, `<text x="10" y="20" font-size="14" font-family="sans-serif">${escapeXml(title)}</text>`];
  panels.forEach((panel, p) => {
    const x0 = p * (panelWidth + margin.left + margin.right) + margin.left;
    const y0 = margin.top;
    const sx = (t: number) => x0 + t * panelWidth;
    const sy = (v: number) => y0 + (1 - v) * panelHeight;
    parts.push(`<rect x="${x0}" y="${y0}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#000"/>`);
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(`<text x="${sx(tick)}" y="${y0 + panelHeight + 14}" font-size="10" text-anchor="middle" font-family="sans-serif">${tick}</text>`);
      parts.push(`<text x="${x0 - 4}" y="${sy(tick) + 3}" font-size="10" text-anchor="end" font-family="sans-serif">${tick}</text>`);
    }
    parts.push(`<text x="${x0 + panelWidth / 2}" y="${y0 + panelHeight + 30}" font-size="11" text-anchor="middle" font-family="sans-serif">score threshold</text>`);
    parts.push(`<text x="${x0 + 4}" y="${y0 - 6}" font-size="12" font-family="sans-serif">F_beta, beta = ${escapeXml(panel.beta)}</text>`);
    panel.series.forEach((series, i) => {
      const colour = PALETTE[i % PALETTE.length] as string;
      const points = series.values
        .map((v, k) => (v === null ? null : `${sx(thresholds[k] as number).toFixed(1)},${sy(v).toFixed(1)}`))
        .filter((pt): pt is string => pt !== null);
      if (points.length) parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points.join(' ')}"/>`);
      const ly = y0 + panelHeight + margin.bottom + 12 + 16 * i;
      parts.push(`<line x1="${x0}" y1="${ly - 4}" x2="${x0 + 18}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`);
      parts.push(`<text x="${x0 + 24}" y="${ly}" font-size="11" font-family="sans-serif">${escapeXml(series.label)} (AF ${series.area === null ? 'n/a' : series.area.toFixed(3)})</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>\n`;
}
