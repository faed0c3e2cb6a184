/**
 * Line plots over statements executed: one or more stacked panels sharing the x axis, each with
 * its own y axis (bytes or counts) and one `<path class="series">` per series, plus optional
 * vertical markers (GC cycles). Used for the peak-memory curves of `goheap compare` (a heap_sys
 * panel and a heap_inuse panel, one path per variant in each) and the timeline of `goheap report`.
 *
 * Pure: data in, SVG text out. Invariants: the y axis starts at 0 and its top tick is at or above
 * every plotted value; x runs from 0 to the largest x of any series (or 1 when all are empty);
 * every panel has axis labels (x: `xLabel`, y: the panel's `yLabel`) and tick labels.
 */
import { bytesLabel, countLabel, esc, niceStep, num, seriesColor, svgDocument } from './xml';

export interface Series {
  readonly name: string;
  readonly color?: string;
  readonly dashed?: boolean;
  /** (x, y) in increasing x. */
  readonly points: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly yLabel: string;
  /** Format y ticks as bytes (KiB/MiB/GiB) rather than counts. */
  readonly bytes?: boolean;
  readonly series: readonly Series[];
}

export interface Marker {
  readonly x: number;
  readonly label?: string;
}

export interface LinePlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly panels: readonly Panel[];
  readonly markers?: readonly Marker[];
  /** Text under the title (settings, definitions). */
  readonly subtitle?: string;
  readonly width?: number;
  readonly panelHeight?: number;
}

const M = { left: 78, right: 16, top: 40, legend: 18, gap: 46, bottom: 44 };

export function linePlot(o: LinePlotOptions): string {
  const width = o.width ?? 760;
  const ph = o.panelHeight ?? 200;
  const names = [...new Set(o.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const legendRows = Math.ceil(names.length / 3);
  const top = M.top + (o.subtitle ? 14 : 0) + legendRows * M.legend + 12;
  const height = top + o.panels.length * ph + (o.panels.length - 1) * M.gap + M.bottom;
  const plotW = width - M.left - M.right;
  let xmax = 0;
  for (const p of o.panels) for (const s of p.series) for (const [x] of s.points) if (x > xmax) xmax = x;
  for (const m of o.markers ?? []) if (m.x > xmax) xmax = m.x;
  if (xmax <= 0) xmax = 1;
  const xstep = niceStep(xmax, 8);
  const sx = (x: number): number => M.left + (x / xmax) * plotW;
  const body: string[] = [];
  body.push(`<text x="${M.left}" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`);
  if (o.subtitle) body.push(`<text x="${M.left}" y="34" fill="#444444">${esc(o.subtitle)}</text>`);
  const colorOf = new Map<string, string>();
  names.forEach((n, i) => colorOf.set(n, seriesColor(i)));
  // Legend: three entries a row.
  names.forEach((n, i) => {
    const lx = M.left + (i % 3) * (plotW / 3);
    const ly = M.top + (o.subtitle ? 14 : 0) + Math.floor(i / 3) * M.legend;
    const c = o.panels.flatMap((p) => p.series).find((s) => s.name === n)?.color ?? colorOf.get(n)!;
    body.push(`<g class="legend"><line x1="${num(lx)}" y1="${ly - 4}" x2="${num(lx + 22)}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/><text x="${num(lx + 28)}" y="${ly}">${esc(n)}</text></g>`);
  });
  o.panels.forEach((p, k) => {
    const y0 = top + k * (ph + M.gap);
    const ybot = y0 + ph;
    let ymax = 0;
    for (const s of p.series) for (const [, y] of s.points) if (y > ymax) ymax = y;
    const ystep = niceStep(ymax, 5, p.bytes === true);
    const ytop = ymax <= 0 ? ystep : Math.ceil(ymax / ystep) * ystep;
    const sy = (y: number): number => ybot - (y / ytop) * ph;
    const lab = (v: number): string => (p.bytes ? bytesLabel(v) : countLabel(v));
    body.push(`<g class="panel" data-title="${esc(p.title)}">`);
    body.push(`<text x="${M.left}" y="${y0 - 8}" font-weight="bold">${esc(p.title)}</text>`);
    for (let v = 0; v <= ytop + ystep / 1e6; v += ystep) {
      const y = num(sy(v));
      body.push(`<line x1="${M.left}" y1="${y}" x2="${num(M.left + plotW)}" y2="${y}" stroke="#e6e6e6"/>`);
      body.push(`<text x="${M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(lab(v))}</text>`);
    }
    for (let v = 0; v <= xmax + xstep / 1e6; v += xstep) {
      const x = num(sx(v));
      body.push(`<line x1="${x}" y1="${ybot}" x2="${x}" y2="${ybot + 4}" stroke="#444444"/>`);
      body.push(`<text x="${x}" y="${ybot + 15}" text-anchor="middle">${esc(countLabel(v))}</text>`);
    }
    for (const m of o.markers ?? []) {
      const x = num(sx(m.x));
      body.push(`<line class="marker" x1="${x}" y1="${y0}" x2="${x}" y2="${ybot}" stroke="#999999" stroke-width="0.5" stroke-dasharray="2,2">${m.label ? `<title>${esc(m.label)}</title>` : ''}</line>`);
    }
    body.push(`<line class="axis" x1="${M.left}" y1="${ybot}" x2="${num(M.left + plotW)}" y2="${ybot}" stroke="#444444"/>`);
    body.push(`<line class="axis" x1="${M.left}" y1="${y0}" x2="${M.left}" y2="${ybot}" stroke="#444444"/>`);
    body.push(`<text class="axis-label" x="${num(M.left + plotW / 2)}" y="${ybot + 30}" text-anchor="middle">${esc(o.xLabel)}</text>`);
    body.push(`<text class="axis-label" transform="translate(14 ${num(y0 + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`);
    for (const s of p.series) {
      if (s.points.length === 0) continue;
      const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))} ${num(sy(y))}`).join(' ');
      const c = s.color ?? colorOf.get(s.name)!;
      body.push(`<path class="series" data-series="${esc(s.name)}" d="${d}" fill="none" stroke="${c}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>`);
    }
    body.push('</g>');
  });
  return svgDocument(width, height, o.title, body);
}
