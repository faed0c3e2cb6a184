/**
 * Rasterising the page map: page runs → pixels of an ImageData, from runs and never per page, so
 * a frame costs O(runs visible + pixels) whatever the heap size. The arena is laid out as rows
 * of `cols` cells, in address order; a cell is `cell` device pixels square and holds `ppc` pages
 * (1 when zoomed in; 2, 4, ... when zoomed out far enough that a page is under a pixel).
 *
 * Drawing rules (the legend and the tests rely on them):
 *  - a cell's interior (all but its last column and row of pixels when `cell` >= 4) has exactly
 *    the colour of its run's kind (`runColour`), or that colour dimmed when a highlight excludes it;
 *  - when `cell` >= 4 the last pixel row of every cell is background; the last pixel column is a
 *    darker shade inside a span and background at the end of a run (the span boundary);
 *  - when several runs share a cell (ppc > 1) the run later in address order paints it.
 */
import type { PageKind, PageRun } from '../src/protocol/heapview';
import { runColour, type Colour, type Palette } from './palette';

export interface Layout {
  /** Device pixels per cell side. */
  readonly cell: number;
  /** Pages per cell. */
  readonly ppc: number;
  readonly cols: number;
  /** First row shown. */
  readonly topRow: number;
  /** Rows that fit (the last may be cut). */
  readonly rows: number;
  readonly width: number;
  readonly height: number;
  readonly arenaStart: number;
  readonly pageSize: number;
  /** Pages in the arena. */
  readonly pages: number;
}

/** Zoom (CSS px per page) to a layout for a canvas of width × height device pixels. */
export function layoutFor(zoom: number, dpr: number, width: number, height: number, arenaStart: number, arenaEnd: number, pageSize: number, topPage: number): Layout {
  let cell: number;
  let ppc: number;
  if (zoom >= 1) {
    cell = Math.max(1, Math.round(zoom * dpr));
    ppc = 1;
  } else {
    cell = 1;
    ppc = Math.max(1, 2 ** Math.round(Math.log2(1 / (zoom * dpr))));
  }
  const cols = Math.max(1, Math.floor(width / cell));
  const pages = Math.max(0, Math.round((arenaEnd - arenaStart) / pageSize));
  const rowPages = cols * ppc;
  const totalRows = Math.ceil(pages / rowPages);
  const rows = Math.ceil(height / cell);
  const topRow = Math.max(0, Math.min(Math.floor(topPage / rowPages), Math.max(0, totalRows - rows + 1)));
  return { cell, ppc, cols, topRow, rows, width, height, arenaStart, pageSize, pages };
}

/** The cell (absolute index) holding page `page`, and the page a pixel shows (or -1). */
export function pageAtPixel(l: Layout, x: number, y: number): number {
  const col = Math.floor(x / l.cell);
  const row = Math.floor(y / l.cell) + l.topRow;
  if (col < 0 || col >= l.cols || y < 0) return -1;
  const page = (row * l.cols + col) * l.ppc;
  return page < l.pages ? page : -1;
}

function dim(c: Colour, bg: Colour): number {
  const m = (a: number, b: number): number => Math.round(a * 0.25 + b * 0.75);
  return ((255 << 24) | (m(c.b, bg.b) << 16) | (m(c.g, bg.g) << 8) | m(c.r, bg.r)) >>> 0;
}

function shade(word: number): number {
  const r = word & 255;
  const g = (word >>> 8) & 255;
  const b = (word >>> 16) & 255;
  return ((255 << 24) | (Math.round(b * 0.7) << 16) | (Math.round(g * 0.7) << 8) | Math.round(r * 0.7)) >>> 0;
}

export interface PaintOptions {
  /** Runs not of this kind are dimmed ('large' = in-use spans of size class 0). */
  readonly highlight: PageKind | 'large' | null;
}

function included(h: PaintOptions['highlight'], r: PageRun): boolean {
  if (h === null) return true;
  if (h === 'large') return r.kind === 'inuse' && r.sizeclass === 0;
  return r.kind === h;
}

/** Runs as flat typed arrays with their colours resolved: what a frame reads. */
export interface PreparedRuns {
  readonly count: number;
  /** First page (index from arenaStart) and end page (exclusive) of each run. */
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly word: Uint32Array;
  /** The page-edge shade of `word`. */
  readonly edge: Uint32Array;
  readonly background: number;
}

/** Resolve colours once per change of runs, palette or highlight (not per frame). */
export function prepareRuns(runs: readonly PageRun[], arenaStart: number, pageSize: number, pal: Palette, opts: PaintOptions): PreparedRuns {
  const n = runs.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const word = new Uint32Array(n);
  const edge = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const r = runs[i];
    const p0 = (r.base - arenaStart) / pageSize;
    start[i] = p0;
    end[i] = p0 + r.npages;
    const col: Colour = runColour(pal, r.kind, r.sizeclass);
    const w = included(opts.highlight, r) ? col.word : dim(col, pal.background);
    word[i] = w;
    edge[i] = shade(w);
  }
  return { count: n, start, end, word, edge, background: pal.background.word };
}

/**
 * Paint prepared runs into `buf` (width × height RGBA words). Returns the number of runs that
 * reached the visible window.
 */
export function paintPrepared(buf: Uint32Array, l: Layout, p: PreparedRuns): number {
  const { cell, ppc, cols, width, height } = l;
  const bgWord = p.background;
  buf.fill(bgWord);
  const gap = cell >= 4 ? 1 : 0;
  const inner = cell - gap;
  const firstCell = l.topRow * cols;
  const endCell = (l.topRow + l.rows) * cols;
  const { start, end, word, edge, count } = p;
  let painted = 0;
  // Binary search the first run that may be visible.
  const firstPage = firstCell * ppc;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (end[mid] <= firstPage) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < count; i++) {
    const c0raw = ppc === 1 ? start[i] : Math.floor(start[i] / ppc);
    if (c0raw >= endCell) break;
    const lastCell = ppc === 1 ? end[i] - 1 : Math.ceil(end[i] / ppc) - 1;
    // Zoomed out: a run inside one cell that the next run also reaches is overpainted; skip it.
    if (ppc > 1 && lastCell === c0raw && i + 1 < count && Math.floor(start[i + 1] / ppc) === c0raw) continue;
    const c0 = c0raw > firstCell ? c0raw : firstCell;
    const c1 = lastCell + 1 < endCell ? lastCell + 1 : endCell;
    if (c1 <= c0) continue;
    painted++;
    const w = word[i];
    const row0 = Math.floor(c0 / cols);
    if (cell === 1 && c1 - c0 === 1) {
      // One pixel: the common case of a small span when zoomed out.
      buf[(row0 - l.topRow) * width + (c0 - row0 * cols)] = w;
      continue;
    }
    const e = edge[i];
    for (let row = row0; row * cols < c1; row++) {
      const a = Math.max(c0, row * cols) - row * cols;
      const b = Math.min(c1, (row + 1) * cols) - row * cols;
      const y = (row - l.topRow) * cell;
      if (y >= height) break;
      const x0 = a * cell;
      const x1 = Math.min(b * cell, width);
      const o = y * width;
      // Only the row's first pixel line here; the other lines of the row are copies (below).
      buf.fill(w, o + x0, o + x1);
      if (gap > 0) {
        // Page edges inside the run, and the run's end as background (the span boundary).
        for (let x = x0 + cell - 1; x < x1; x += cell) buf[o + x] = e;
        if (lastCell < row * cols + b) {
          const xe = (lastCell - row * cols + 1) * cell - 1;
          if (xe < width) buf[o + xe] = bgWord;
        }
      }
    }
  }
  if (inner > 1) {
    for (let r = 0; r < l.rows; r++) {
      const y0 = r * cell;
      if (y0 >= height) break;
      const src = y0 * width;
      for (let dy = 1; dy < inner && y0 + dy < height; dy++) buf.copyWithin(src + dy * width, src, src + width);
    }
  }
  return painted;
}

/** Prepare and paint in one call (tests, screenshots). */
export function paintRuns(buf: Uint32Array, l: Layout, runs: readonly PageRun[], pal: Palette, opts: PaintOptions): number {
  return paintPrepared(buf, l, prepareRuns(runs, l.arenaStart, l.pageSize, pal, opts));
}
