/**
 * The timeline: heap_sys, heap_inuse, heap_idle, heap_released, heap_live and next_gc over the
 * statements executed, GC cycles marked (a vertical rule where numgc grows), the current stop
 * marked. Clicking a point, or Enter on the keyboard cursor, asks the host to travel there.
 *
 * Invariant: x is the point's index in the timeline (one column per recorded stop), so points
 * recorded at the same `executed` stay distinct; travel always uses the point's `executed`.
 */
import type { TimelinePoint } from '../src/protocol/heapview';
import { bytes, h } from './dom';

export const SERIES = ['heap_sys', 'heap_inuse', 'heap_idle', 'heap_released', 'heap_live', 'next_gc'] as const;

export interface TimelineHost {
  travel(executed: number): void;
}

export class Timeline {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private points: readonly TimelinePoint[] = [];
  private current = -1;
  private cursor = -1;

  constructor(private readonly host: TimelineHost) {
    this.canvas = h('canvas', { class: 'timeline-canvas', tabindex: 0, role: 'img', 'aria-label': 'Timeline of heap statistics. Left and right move the cursor, Enter travels to it.' });
    this.readout = h('div', { class: 'timeline-readout', 'aria-live': 'polite' });
    const key = h('div', { class: 'timeline-key' }, ...SERIES.map((s, k) => h('span', { class: `key series-${k}` }, s)), h('span', { class: 'key gcmark' }, 'GC'));
    this.root = h('div', { class: 'timeline' }, key, this.canvas, this.readout);
    this.canvas.addEventListener('click', (e) => {
      const i = this.indexAt(e.offsetX);
      if (i >= 0) this.host.travel(this.points[i].executed);
    });
    this.canvas.addEventListener('mousemove', (e) => this.setCursor(this.indexAt(e.offsetX)));
    this.canvas.addEventListener('keydown', (e) => {
      if (this.points.length === 0) return;
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        const from = this.cursor >= 0 ? this.cursor : this.current >= 0 ? this.current : this.points.length - 1;
        this.setCursor(Math.max(0, Math.min(this.points.length - 1, from + (e.key === 'ArrowRight' ? 1 : -1))));
        e.preventDefault();
      } else if (e.key === 'Enter' && this.cursor >= 0) {
        this.host.travel(this.points[this.cursor].executed);
        e.preventDefault();
      }
    });
    new ResizeObserver(() => this.paint()).observe(this.canvas);
  }

  private indexAt(x: number): number {
    const n = this.points.length;
    if (n === 0) return -1;
    const w = this.canvas.clientWidth;
    return Math.max(0, Math.min(n - 1, Math.round((x / Math.max(1, w)) * (n - 1))));
  }

  private setCursor(i: number): void {
    this.cursor = i;
    const p = this.points[i];
    this.readout.textContent = p === undefined ? '' : `after ${p.executed} statements (line ${p.line + 1}, gc ${p.numgc}): ${SERIES.map((s) => `${s} ${bytes(p[s])}`).join(' · ')}`;
    this.paint();
  }

  render(points: readonly TimelinePoint[], executed: number): void {
    this.points = points;
    this.canvas.hidden = points.length === 0;
    if (points.length === 0) this.readout.textContent = 'No points yet: the timeline grows at every stop.';
    else if (this.cursor < 0) this.readout.textContent = '';
    this.current = points.findIndex((p) => p.executed === executed);
    if (this.cursor >= points.length) this.cursor = -1;
    this.paint();
  }

  paint(): void {
    const c = this.canvas;
    const dpr = devicePixelRatio || 1;
    const w = Math.max(1, Math.floor(c.clientWidth * dpr));
    const hh = Math.max(1, Math.floor(c.clientHeight * dpr));
    if (c.width !== w || c.height !== hh) {
      c.width = w;
      c.height = hh;
    }
    const ctx = c.getContext('2d');
    if (ctx === null) return;
    ctx.clearRect(0, 0, w, hh);
    const pts = this.points;
    if (pts.length === 0) return;
    const cs = getComputedStyle(c);
    let max = 1;
    for (const p of pts) for (const s of SERIES) max = Math.max(max, p[s]);
    const X = (i: number): number => (pts.length === 1 ? w / 2 : (i / (pts.length - 1)) * (w - 2 * dpr) + dpr);
    const Y = (v: number): number => hh - 2 * dpr - (v / max) * (hh - 4 * dpr);
    ctx.strokeStyle = cs.getPropertyValue('--gh-gcmark').trim() || '#888';
    ctx.lineWidth = dpr;
    for (let i = 1; i < pts.length; i++) {
      if (pts[i].numgc > pts[i - 1].numgc) {
        ctx.beginPath();
        ctx.moveTo(X(i), 0);
        ctx.lineTo(X(i), hh);
        ctx.stroke();
      }
    }
    SERIES.forEach((s, k) => {
      ctx.strokeStyle = cs.getPropertyValue(`--gh-series-${k}`).trim() || '#888';
      ctx.lineWidth = 1.5 * dpr;
      ctx.setLineDash(s === 'next_gc' ? [4 * dpr, 3 * dpr] : []);
      ctx.beginPath();
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo(X(i), Y(p[s])) : ctx.lineTo(X(i), Y(p[s]))));
      ctx.stroke();
    });
    ctx.setLineDash([]);
    for (const [i, col] of [
      [this.current, cs.getPropertyValue('--gh-selection').trim() || '#fff'],
      [this.cursor, cs.color],
    ] as const) {
      if (i < 0) continue;
      ctx.fillStyle = col;
      ctx.fillRect(X(i) - dpr, 0, 2 * dpr, hh);
    }
  }
}
