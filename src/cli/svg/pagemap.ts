/**
 * The page map as an SVG image: the heap's pages from the arena start in address order, left to
 * right and top to bottom, `pagesPerRow` pages a row, each run of pages coloured by what holds it
 * (in-use spans by size class, large spans, stacks, free, released, go1.14 page caches).
 *
 * Pure: page runs in, SVG text out. Invariants: runs are drawn in the order given (address order),
 * a run that crosses a row end is split into one rect per row; each drawn run is one `<g
 * class="run KIND">` so tests and readers can count them; a map larger than `maxRows` rows is
 * scaled so one cell stands for several pages (said in the caption), never truncated.
 */
import type { PageKind, PageRun } from '../../protocol/heapview';
import { classColor, esc, kindColors, num, svgDocument } from './xml';

export interface PageMapOptions {
  readonly title: string;
  readonly arenaStart: number;
  /** One past the last page to show (default: the end of the last run). */
  readonly arenaEnd?: number;
  readonly pagesPerRow?: number;
  readonly cell?: number;
  readonly maxRows?: number;
  /** Bytes per page (8192 in every era). */
  readonly pageSize?: number;
}

export function runColor(r: Pick<PageRun, 'kind' | 'sizeclass'>): string {
  switch (r.kind) {
    case 'inuse':
      return r.sizeclass === 0 ? kindColors.large : classColor(r.sizeclass);
    case 'manual':
      return kindColors.manual;
    case 'free':
      return kindColors.free;
    case 'released':
      return kindColors.released;
    case 'cached':
      return kindColors.cached;
    case 'unused':
      return kindColors.unused;
  }
}

const legend: [string, string][] = [
  ['small objects (hue = size class)', classColor(5)],
  ['large object', kindColors.large],
  ['stack (manual)', kindColors.manual],
  ['free, retained', kindColors.free],
  ['free, released to the OS', kindColors.released],
  ['P page cache (go1.14)', kindColors.cached],
];

export function pageMapSvg(runs: readonly PageRun[], o: PageMapOptions): string {
  const pageSize = o.pageSize ?? 8192;
  let endAddr = o.arenaEnd ?? o.arenaStart;
  for (const r of runs) endAddr = Math.max(endAddr, r.base + r.npages * pageSize);
  const totalPages = Math.max(1, Math.ceil((endAddr - o.arenaStart) / pageSize));
  // Small heaps get bigger cells; the defaults keep any map within about 700 × 1000 pixels.
  const small = totalPages <= 2048;
  const perRow = o.pagesPerRow ?? (small ? 64 : 128);
  const cell = o.cell ?? (small ? 10 : 5);
  const maxRows = o.maxRows ?? 200;
  const perCell = Math.max(1, Math.ceil(totalPages / (perRow * maxRows)));
  const cells = Math.ceil(totalPages / perCell);
  const rows = Math.max(1, Math.ceil(cells / perRow));
  const left = 96;
  const top = 54;
  const width = Math.max(left + perRow * cell + 16, left + 540);
  const legendTop = top + rows * cell + 16;
  const height = legendTop + Math.ceil(legend.length / 2) * 16 + 8;
  const body: string[] = [];
  body.push(`<text x="8" y="18" font-size="14" font-weight="bold">${esc(o.title)}</text>`);
  body.push(
    `<text x="8" y="36" fill="#444444">${esc(`${totalPages} pages from 0x${o.arenaStart.toString(16)}; ${perRow} cells a row; 1 cell = ${perCell} page${perCell === 1 ? '' : 's'} (${perCell * pageSize} bytes)`)}</text>`,
  );
  body.push(`<rect x="${left}" y="${top}" width="${perRow * cell}" height="${rows * cell}" fill="#ffffff" stroke="#bbbbbb" stroke-width="0.5"/>`);
  const labelEvery = Math.max(1, Math.ceil(rows / 16));
  for (let row = 0; row < rows; row += labelEvery) {
    body.push(`<text x="${left - 4}" y="${num(top + row * cell + cell)}" text-anchor="end" font-size="9" font-family="monospace">0x${(o.arenaStart + row * perRow * perCell * pageSize).toString(16)}</text>`);
  }
  for (const r of runs) {
    if (r.kind === 'unused' || r.npages <= 0) continue;
    const p0 = Math.floor((r.base - o.arenaStart) / pageSize);
    let c0 = Math.floor(p0 / perCell);
    const c1 = Math.max(c0 + 1, Math.ceil((p0 + r.npages) / perCell));
    const fill = runColor(r);
    const what = r.kind === 'inuse' ? (r.sizeclass === 0 ? 'large span' : `span, class ${r.sizeclass}`) : r.kind;
    const rects: string[] = [];
    while (c0 < c1) {
      const row = Math.floor(c0 / perRow);
      const col = c0 % perRow;
      const n = Math.min(c1 - c0, perRow - col);
      rects.push(`<rect x="${num(left + col * cell)}" y="${num(top + row * cell)}" width="${num(n * cell)}" height="${num(cell)}" fill="${fill}"${r.kind === 'released' ? ' stroke="#dddddd" stroke-width="0.3"' : ''}/>`);
      c0 += n;
    }
    body.push(`<g class="run ${r.kind satisfies PageKind}"><title>${esc(`0x${r.base.toString(16)}: ${r.npages} page${r.npages === 1 ? '' : 's'}, ${what}`)}</title>${rects.join('')}</g>`);
  }
  legend.forEach(([label, color], i) => {
    const x = left + (i % 2) * 260;
    const y = legendTop + Math.floor(i / 2) * 16;
    body.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${color}" stroke="#999999" stroke-width="0.5"/><text x="${x + 16}" y="${y}">${esc(label)}</text>`);
  });
  return svgDocument(width, height, o.title, body);
}
