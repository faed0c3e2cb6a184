/**
 * The legend: one swatch per page kind and per size class present, in the exact colours the page
 * map paints (palette.ts). Clicking an entry highlights that kind on the page map.
 *
 * Invariant: every swatch's background is the Colour.css of the same palette entry the canvas
 * uses (`data-kind` / `data-sizeclass` say which), so a reader can classify pixels by it.
 */
import type { PageKind, PageRun } from '../src/protocol/heapview';
import { h, replace } from './dom';
import { KIND_LABEL, KIND_ORDER, type Palette } from './palette';
import type { Highlight } from './state';

export interface LegendHost {
  highlight(h: Highlight): void;
}

export class Legend {
  readonly root: HTMLElement;
  constructor(private readonly host: LegendHost) {
    this.root = h('div', { class: 'legend', role: 'list', 'aria-label': 'page map legend' });
  }

  render(pal: Palette, runs: readonly PageRun[], current: Highlight): void {
    const classes = new Set<number>();
    let large = false;
    for (const r of runs) {
      if (r.kind !== 'inuse') continue;
      if (r.sizeclass === 0) large = true;
      else classes.add(r.sizeclass);
    }
    const items: HTMLElement[] = [];
    const item = (label: string, css: string, attrs: Record<string, string | number>, hl: Highlight): void => {
      const sw = h('span', { class: 'swatch', ...attrs });
      sw.style.backgroundColor = css;
      const b = h('button', { class: `legend-item${hl !== null && hl === current ? ' active' : ''}`, role: 'listitem', 'aria-pressed': hl !== null && hl === current ? 'true' : 'false', title: hl ? 'Highlight on the page map' : '' }, sw, label);
      if (hl !== null) b.addEventListener('click', () => this.host.highlight(hl === current ? null : hl));
      items.push(b);
    };
    for (const k of KIND_ORDER) {
      if (k === 'inuse') continue;
      item(KIND_LABEL[k], pal.kind[k].css, { 'data-kind': k }, k as PageKind);
    }
    if (large) item('in use: large object (class 0)', pal.large.css, { 'data-kind': 'inuse', 'data-sizeclass': 0 }, 'large');
    for (const c of [...classes].sort((a, b) => a - b)) item(`in use: size class ${c}`, pal.sizeclass(c).css, { 'data-kind': 'inuse', 'data-sizeclass': c }, 'inuse');
    replace(this.root, ...items);
  }
}
