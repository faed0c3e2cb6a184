/**
 * Spans by size class as a horizontal stacked bar chart: for each class, the bytes of its in-use
 * spans split into requested bytes of live objects, rounding waste (object size minus request),
 * free slots, and tail waste (the span's bytes past its last object). Bars share one byte scale.
 *
 * Pure: rows in, SVG text out. Invariants: one `<g class="bar">` per row, with one `<rect>` per
 * non-zero part; the parts of a row, laid end to end, are as long as the row's span bytes.
 */
import { bytesLabel, esc, niceStep, num, svgDocument } from './xml';

export interface ClassBar {
  readonly label: string;
  readonly requested: number;
  readonly rounding: number;
  readonly freeSlots: number;
  readonly tail: number;
}

export const barParts: readonly { key: keyof Omit<ClassBar, 'label'>; name: string; color: string }[] = [
  { key: 'requested', name: 'requested (live objects)', color: '#0072B2' },
  { key: 'rounding', name: 'rounding waste', color: '#E69F00' },
  { key: 'freeSlots', name: 'free slots', color: '#c8c8c8' },
  { key: 'tail', name: 'tail waste', color: '#D55E00' },
];

export function classBarsSvg(rows: readonly ClassBar[], title: string): string {
  const left = 150;
  const top = 52;
  const barH = 12;
  const rowH = 16;
  const plotW = 560;
  const width = left + plotW + 24;
  const total = (r: ClassBar): number => r.requested + r.rounding + r.freeSlots + r.tail;
  const max = Math.max(0, ...rows.map(total));
  const step = niceStep(max, 6, true);
  const xtop = max <= 0 ? step : Math.ceil(max / step) * step;
  const sx = (v: number): number => (v / xtop) * plotW;
  const plotBottom = top + Math.max(1, rows.length) * rowH;
  const height = plotBottom + 56;
  const body: string[] = [];
  body.push(`<text x="8" y="18" font-size="14" font-weight="bold">${esc(title)}</text>`);
  barParts.forEach((p, i) => {
    const x = 8 + i * 180;
    body.push(`<rect x="${x}" y="28" width="10" height="10" fill="${p.color}"/><text x="${x + 14}" y="37">${esc(p.name)}</text>`);
  });
  for (let v = 0; v <= xtop + step / 1e6; v += step) {
    const x = num(left + sx(v));
    body.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${plotBottom}" stroke="#e6e6e6"/>`);
    body.push(`<text x="${x}" y="${plotBottom + 14}" text-anchor="middle">${esc(bytesLabel(v))}</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    let x = left;
    const parts: string[] = [];
    for (const p of barParts) {
      const v = r[p.key];
      if (v <= 0) continue;
      const w = sx(v);
      parts.push(`<rect class="${p.key}" x="${num(x)}" y="${y}" width="${num(w)}" height="${barH}" fill="${p.color}"/>`);
      x += w;
    }
    const tip = `${r.label}: ${barParts.map((p) => `${p.name} ${r[p.key]} B`).join(', ')}`;
    body.push(`<g class="bar"><title>${esc(tip)}</title><text x="${left - 6}" y="${y + barH - 2}" text-anchor="end">${esc(r.label)}</text>${parts.join('')}</g>`);
  });
  body.push(`<line class="axis" x1="${left}" y1="${plotBottom}" x2="${left + plotW}" y2="${plotBottom}" stroke="#444444"/>`);
  body.push(`<text class="axis-label" x="${left + plotW / 2}" y="${plotBottom + 34}" text-anchor="middle">bytes in in-use spans</text>`);
  body.push(`<text class="axis-label" transform="translate(14 ${num((top + plotBottom) / 2)}) rotate(-90)" text-anchor="middle">size class</text>`);
  return svgDocument(width, height, title, body);
}
