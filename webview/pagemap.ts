/**
 * The page map: every page of the arena as a cell on a canvas, coloured by what holds it, with
 * an address ruler, zoom (wheel with Ctrl, +/-, 0 to fit), pan (wheel, drag, arrows, PageUp/PageDown),
 * a hover tooltip naming the span, click to select, and a context menu to break on a span.
 * Painting is pagepaint.ts; this file is the interaction and the canvas bookkeeping.
 *
 * Invariants: the canvas is repainted only in an animation frame and only when something it
 * shows changed; the layout of the last paint is mirrored on the canvas element's data-*
 * attributes (cols, cell, ppc, top-row, pages) so that a reader of pixels can map them back to
 * pages.
 */
import type { PageRun } from '../src/protocol/heapview';
import { bytes, h, hex } from './dom';
import { KIND_LABEL, type Palette } from './palette';
import { layoutFor, pageAtPixel, paintPrepared, prepareRuns, type Layout, type PreparedRuns } from './pagepaint';
import type { HeapModel, ViewState } from './state';

export interface PageMapHost {
  readonly model: HeapModel;
  readonly view: ViewState;
  palette(): Palette;
  select(span: number): void;
  breakOn(span: number): void;
  saveState(): void;
}

const ZOOMS = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32];
/**
 * The page map's backing store is at CSS resolution: on a HiDPI screen the browser scales it up
 * pixelated (crisp, integer factor), so a frame's putImageData does not grow with the screen's
 * density. (The ruler's text is drawn at device resolution.)
 */
const MAP_SCALE = 1;

export class PageMap {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ruler: HTMLCanvasElement;
  private readonly tip: HTMLElement;
  private readonly status: HTMLElement;
  private readonly menu: HTMLElement;
  private layout: Layout | null = null;
  private image: ImageData | null = null;
  private frame = 0;
  private hoverPage = -1;
  /** Runs with colours resolved, and what they were resolved from. */
  private prepared: { runs: readonly PageRun[]; pal: Palette; highlight: string | null; arenaStart: number; p: PreparedRuns } | null = null;
  /** A press on the canvas: dragging it more than a few pixels pans instead of selecting. */
  private drag: { y: number; top: number; moved: boolean } | null = null;
  /** Milliseconds spent in the last paint (read by the bench). */
  lastPaintMs = 0;

  constructor(private readonly host: PageMapHost) {
    this.canvas = h('canvas', {
      class: 'pagemap-canvas',
      tabindex: 0,
      role: 'img',
      'aria-label': 'Page map: every page of the arena, coloured by what holds it. Left and right arrows select the previous or next span, up and down scroll, plus and minus zoom, 0 fits the arena, B breaks on the selected span.',
    });
    this.ruler = h('canvas', { class: 'pagemap-ruler', 'aria-hidden': 'true' });
    this.tip = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });
    this.status = h('div', { class: 'pagemap-status', 'aria-live': 'polite' });
    this.menu = h('div', { class: 'context-menu', role: 'menu', hidden: true });
    const zoomIn = h('button', { class: 'icon', 'aria-label': 'Zoom in', title: 'Zoom in (+)' }, '+');
    const zoomOut = h('button', { class: 'icon', 'aria-label': 'Zoom out', title: 'Zoom out (-)' }, '−');
    const fit = h('button', { class: 'icon', 'aria-label': 'Fit the arena', title: 'Fit the whole arena (0)' }, 'fit');
    fit.addEventListener('click', () => this.fit());
    zoomIn.addEventListener('click', () => this.zoomBy(1, -1));
    zoomOut.addEventListener('click', () => this.zoomBy(-1, -1));
    const bar = h('div', { class: 'pagemap-bar' }, zoomOut, zoomIn, fit, this.status);
    const frame = h('div', { class: 'pagemap-frame' }, this.ruler, this.canvas, this.tip, this.menu);
    this.root = h('div', { class: 'pagemap' }, bar, frame);
    this.wire();
    new ResizeObserver(() => this.invalidate()).observe(frame);
  }

  private wire(): void {
    const c = this.canvas;
    c.addEventListener('mousemove', (e) => {
      if (this.drag !== null && this.layout !== null && (e.buttons & 1) !== 0) {
        if (!this.drag.moved && Math.abs(e.offsetY - this.drag.y) < 4) return;
        this.drag.moved = true;
        this.tip.hidden = true;
        const dy = Math.round((this.drag.y - e.offsetY) / this.layout.cell);
        this.setTop(this.drag.top + dy * this.layout.cols * this.layout.ppc);
        return;
      }
      this.hover(e.offsetX, e.offsetY);
    });
    c.addEventListener('mouseleave', () => {
      this.tip.hidden = true;
      this.hoverPage = -1;
      this.drag = null;
    });
    c.addEventListener('mousedown', (e) => {
      if (e.button === 0) this.drag = { y: e.offsetY, top: this.host.view.topPage, moved: false };
    });
    c.addEventListener('click', (e) => {
      const dragged = this.drag?.moved === true;
      this.drag = null;
      if (dragged) return;
      const r = this.runAtOffset(e.offsetX, e.offsetY);
      this.menu.hidden = true;
      if (r !== null) this.host.select(r.span);
    });
    c.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      const r = this.runAtOffset(e.offsetX, e.offsetY);
      if (r === null || r.span < 0) return;
      this.openMenu(r.span, e.offsetX, e.offsetY);
    });
    c.addEventListener(
      'wheel',
      (e) => {
        if (this.layout === null) return;
        e.preventDefault();
        if (e.ctrlKey || e.metaKey) this.zoomBy(e.deltaY < 0 ? 1 : -1, this.pageAtOffset(e.offsetX, e.offsetY));
        else {
          const rows = Math.sign(e.deltaY) * Math.max(1, Math.round(Math.abs(e.deltaY) / 20));
          this.setTop(this.host.view.topPage + rows * this.layout.cols * this.layout.ppc);
        }
      },
      { passive: false },
    );
    c.addEventListener('keydown', (e) => this.key(e));
  }

  private key(e: KeyboardEvent): void {
    const l = this.layout;
    if (l === null) return;
    const rowPages = l.cols * l.ppc;
    const v = this.host.view;
    let handled = true;
    switch (e.key) {
      case '+':
      case '=':
        this.zoomBy(1, -1);
        break;
      case '-':
        this.zoomBy(-1, -1);
        break;
      case 'ArrowDown':
        this.setTop(v.topPage + rowPages);
        break;
      case 'ArrowUp':
        this.setTop(v.topPage - rowPages);
        break;
      case 'PageDown':
        this.setTop(v.topPage + rowPages * Math.max(1, l.rows - 1));
        break;
      case 'PageUp':
        this.setTop(v.topPage - rowPages * Math.max(1, l.rows - 1));
        break;
      case 'Home':
        this.setTop(0);
        break;
      case 'End':
        this.setTop(l.pages);
        break;
      case 'ArrowRight':
      case 'ArrowLeft':
        this.stepSpan(e.key === 'ArrowRight' ? 1 : -1);
        break;
      case 'b':
      case 'B':
        if (v.selected >= 0) this.host.breakOn(v.selected);
        break;
      case '0':
        this.fit();
        break;
      case 'Escape':
        this.menu.hidden = true;
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  /** Select the next/previous span (run with a span id) after the selected one. */
  private stepSpan(dir: 1 | -1): void {
    const runs = this.host.model.runs;
    const sel = this.host.view.selected;
    let i = runs.findIndex((r) => r.span === sel && sel >= 0);
    if (i < 0) i = dir > 0 ? -1 : runs.length;
    for (let k = i + dir; k >= 0 && k < runs.length; k += dir) {
      if (runs[k].span >= 0) {
        this.host.select(runs[k].span);
        this.reveal(runs[k].span);
        return;
      }
    }
  }

  private openMenu(span: number, x: number, y: number): void {
    const sel = h('button', { role: 'menuitem' }, `Select span ${span}`);
    const brk = h('button', { role: 'menuitem' }, "Break on this span's changes");
    sel.addEventListener('click', () => {
      this.menu.hidden = true;
      this.host.select(span);
    });
    brk.addEventListener('click', () => {
      this.menu.hidden = true;
      this.host.breakOn(span);
    });
    this.menu.replaceChildren(sel, brk);
    this.menu.style.left = `${x + this.ruler.clientWidth}px`;
    this.menu.style.top = `${y}px`;
    this.menu.hidden = false;
    sel.focus();
  }

  private pageAtOffset(x: number, y: number): number {
    if (this.layout === null) return -1;
    return pageAtPixel(this.layout, x, y);
  }

  private runAtOffset(x: number, y: number): PageRun | null {
    const p = this.pageAtOffset(x, y);
    return p < 0 ? null : this.host.model.runAt(p);
  }

  private hover(x: number, y: number): void {
    const p = this.pageAtOffset(x, y);
    this.hoverPage = p;
    const r = p < 0 ? null : this.host.model.runAt(p);
    const s = this.host.model.snapshot;
    if (r === null || s === null) {
      this.tip.hidden = true;
      return;
    }
    const addr = s.arenaStart + p * s.pageSize;
    const row = r.span >= 0 ? this.host.model.spans.get(r.span) : undefined;
    const lines = [`page ${hex(addr)}`, `${KIND_LABEL[r.kind]}: ${hex(r.base)}, ${r.npages} page${r.npages === 1 ? '' : 's'} (${bytes(r.npages * s.pageSize)})`];
    if (r.span >= 0) lines.push(`span ${r.span}${r.sizeclass > 0 ? `, size class ${r.sizeclass}` : r.kind === 'inuse' ? ', large object' : ''}`);
    if (row !== undefined) lines.push(`${row.state}, ${row.allocCount}/${row.nelems} objects of ${row.elemsize} B${row.cachedBy >= 0 ? `, cached by P${row.cachedBy}` : ''}`);
    this.tip.replaceChildren(...lines.map((t) => h('div', {}, t)));
    this.tip.style.left = `${x + this.ruler.clientWidth + 14}px`;
    this.tip.style.top = `${y + 14}px`;
    this.tip.hidden = false;
  }

  private zoomBy(dir: 1 | -1, anchorPage: number): void {
    const v = this.host.view;
    let k = ZOOMS.findIndex((z) => z >= v.zoom);
    if (k < 0) k = ZOOMS.length - 1;
    k = Math.max(0, Math.min(ZOOMS.length - 1, k + dir));
    if (ZOOMS[k] === v.zoom) return;
    v.zoom = ZOOMS[k];
    if (anchorPage >= 0) v.topPage = anchorPage;
    else if (v.selected >= 0) this.reveal(v.selected);
    this.host.saveState();
    this.invalidate();
  }

  private setTop(page: number): void {
    const l = this.layout;
    const max = l === null ? 0 : Math.max(0, l.pages - 1);
    const v = this.host.view;
    const next = Math.max(0, Math.min(max, page));
    if (next === v.topPage) return;
    v.topPage = next;
    this.host.saveState();
    this.invalidate();
  }

  /** The largest zoom at which the whole arena fits the frame; scrolls to the top. */
  fit(): void {
    const s = this.host.model.snapshot;
    const frame = this.canvas.parentElement;
    if (s === null || frame === null) return;
    const dpr = MAP_SCALE;
    const w = Math.floor(Math.max(40, frame.clientWidth - 96 - 2) * dpr);
    const hgt = Math.floor(Math.max(40, frame.clientHeight) * dpr);
    let best = ZOOMS[0];
    for (const z of ZOOMS) {
      const l = layoutFor(z, dpr, w, hgt, s.arenaStart, s.arenaEnd, s.pageSize, 0);
      if (Math.ceil(l.pages / (l.cols * l.ppc)) * l.cell <= hgt) best = z;
    }
    this.host.view.zoom = best;
    this.host.view.topPage = 0;
    this.host.saveState();
    this.invalidate();
  }

  /** Scroll so that span `id` is visible. */
  reveal(id: number): void {
    const s = this.host.model.snapshot;
    const r = this.host.model.runOfSpan(id);
    const l = this.layout;
    if (s === null || r === null || l === null) return;
    const p = (r.base - s.arenaStart) / s.pageSize;
    const rowPages = l.cols * l.ppc;
    const first = l.topRow * rowPages;
    const last = first + Math.max(1, l.rows - 1) * rowPages;
    if (p < first || p >= last) this.setTop(Math.max(0, p - rowPages * 2));
  }

  /** Ask for a repaint at the next animation frame. */
  invalidate(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  /** Paint now (tests and the bench call this through `paintNow`). */
  paint(): void {
    const s = this.host.model.snapshot;
    const dpr = MAP_SCALE;
    const cssW = Math.max(40, this.canvas.parentElement!.clientWidth - this.ruler.clientWidth - 2);
    const cssH = Math.max(40, this.canvas.parentElement!.clientHeight);
    const w = Math.floor(cssW * dpr);
    const hgt = Math.floor(cssH * dpr);
    if (this.canvas.width !== w || this.canvas.height !== hgt) {
      this.canvas.width = w;
      this.canvas.height = hgt;
      this.canvas.style.width = `${cssW}px`;
      this.canvas.style.height = `${cssH}px`;
      this.image = null;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    if (s === null) {
      ctx.clearRect(0, 0, w, hgt);
      this.status.textContent = 'No heap yet: start a goheap debug session.';
      this.layout = null;
      return;
    }
    const t0 = performance.now();
    const pal = this.host.palette();
    const v = this.host.view;
    const l = layoutFor(v.zoom, dpr, w, hgt, s.arenaStart, s.arenaEnd, s.pageSize, v.topPage);
    this.layout = l;
    if (this.image === null) this.image = ctx.createImageData(w, hgt);
    const buf = new Uint32Array(this.image.data.buffer);
    const runs = this.host.model.runs;
    const pr = this.prepared;
    if (pr === null || pr.runs !== runs || pr.pal !== pal || pr.highlight !== v.highlight || pr.arenaStart !== s.arenaStart) {
      this.prepared = { runs, pal, highlight: v.highlight, arenaStart: s.arenaStart, p: prepareRuns(runs, s.arenaStart, s.pageSize, pal, { highlight: v.highlight }) };
    }
    paintPrepared(buf, l, this.prepared!.p);
    ctx.putImageData(this.image, 0, 0);
    this.outlineSelection(ctx, l, pal);
    this.lastPaintMs = performance.now() - t0;
    const d = this.canvas.dataset;
    d.cols = String(l.cols);
    d.cell = String(l.cell);
    d.ppc = String(l.ppc);
    d.topRow = String(l.topRow);
    d.pages = String(l.pages);
    d.generation = String(s.generation);
    this.paintRuler(l, devicePixelRatio || 1, cssH);
    const rowBytes = l.cols * l.ppc * s.pageSize;
    this.status.textContent = `${l.pages.toLocaleString('en-US')} pages (${bytes(l.pages * s.pageSize)}), ${l.ppc > 1 ? `${l.ppc} pages per pixel` : `${l.cell / dpr} px per page`}, ${bytes(rowBytes)} per row`;
  }

  private outlineSelection(ctx: CanvasRenderingContext2D, l: Layout, pal: Palette): void {
    const sel = this.host.view.selected;
    const r = this.host.model.runOfSpan(sel);
    if (r === null) return;
    const p0 = (r.base - l.arenaStart) / l.pageSize;
    const c0 = Math.floor(p0 / l.ppc);
    const c1 = Math.ceil((p0 + r.npages) / l.ppc);
    ctx.strokeStyle = pal.selection.css;
    ctx.lineWidth = Math.max(1, Math.min(2, l.cell / 3));
    for (let row = Math.floor(c0 / l.cols); row * l.cols < c1; row++) {
      if (row < l.topRow || row >= l.topRow + l.rows) continue;
      const a = Math.max(c0, row * l.cols) - row * l.cols;
      const b = Math.min(c1, (row + 1) * l.cols) - row * l.cols;
      ctx.strokeRect(a * l.cell + 0.5, (row - l.topRow) * l.cell + 0.5, Math.max(1, (b - a) * l.cell - 1), Math.max(1, l.cell - 1));
    }
  }

  private paintRuler(l: Layout, dpr: number, cssH: number): void {
    const r = this.ruler;
    const cssW = 96;
    if (r.width !== Math.floor(cssW * dpr) || r.height !== Math.floor(cssH * dpr)) {
      r.width = Math.floor(cssW * dpr);
      r.height = Math.floor(cssH * dpr);
      r.style.width = `${cssW}px`;
      r.style.height = `${cssH}px`;
    }
    const ctx = r.getContext('2d');
    if (ctx === null) return;
    ctx.clearRect(0, 0, r.width, r.height);
    ctx.fillStyle = getComputedStyle(r).color;
    ctx.font = `${10 * dpr}px ${getComputedStyle(r).fontFamily || 'monospace'}`;
    ctx.textBaseline = 'top';
    const step = Math.max(1, Math.ceil(14 / l.cell));
    const rowBytes = l.cols * l.ppc * l.pageSize;
    for (let row = Math.ceil(l.topRow / step) * step; row < l.topRow + l.rows; row += step) {
      const addr = l.arenaStart + row * rowBytes;
      if (row * l.cols * l.ppc >= l.pages) break;
      ctx.fillText(hex(addr), 2 * dpr, (row - l.topRow) * l.cell * dpr);
    }
  }

  get hoveredPage(): number {
    return this.hoverPage;
  }
}
