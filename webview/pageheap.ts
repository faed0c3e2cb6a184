/**
 * The page heap as the model builds it: go1.5/go1.10 free lists by length (free[1..127]), the
 * large free spans (go1.5 `freelarge` list; go1.10 the treap, drawn as a tree in SVG) and the
 * busy lists; go1.14 the page allocator's 512-page chunks (allocated and scavenged pages) and its
 * summary levels (start, max, end per non-empty entry).
 *
 * Invariant: the treap drawing places nodes by in-order position (x) and depth (y), so a left
 * child is always left of its parent: the binary-search-tree order on (npages, base) is visible.
 */
import type { PageHeapView, TreapNodeView } from '../src/protocol/heapview';
import { h, hex, replace, spanChip } from './dom';
import type { ChipHost } from './mcentral';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export class PageHeapPart {
  readonly root: HTMLElement;

  constructor(private readonly host: ChipHost) {
    this.root = h('div', { class: 'pageheap' });
    this.root.addEventListener('click', (e) => {
      const b = (e.target as Element).closest('[data-span]');
      if (b !== null) this.host.select(Number(b.getAttribute('data-span')));
    });
    this.root.addEventListener('keydown', (e) => {
      const b = (e.target as Element).closest('g[data-span]');
      if (b !== null && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.host.select(Number(b.getAttribute('data-span')));
      }
    });
  }

  render(ph: PageHeapView, selected: number): void {
    if (ph.kind === 'lists') {
      const free = h('div', { class: 'freelists', role: 'list', 'aria-label': 'free lists by span length' });
      for (const f of ph.free.filter((x) => x.spans.length > 0)) free.append(h('div', { class: 'chips', role: 'listitem' }, h('span', { class: 'list-name' }, `free[${f.npages}]:`), ...f.spans.map((id) => spanChip(id, String(id), id === selected)), f.total !== undefined && f.total > f.spans.length ? h('span', { class: 'note' }, `… ${f.total - f.spans.length} more`) : null));
      if (free.childElementCount === 0) free.append(h('p', { class: 'empty' }, 'No free spans under 128 pages.'));
      const busy = ph.busy.filter((b) => b.count > 0).map((b) => `busy[${b.npages}]: ${b.count}`);
      const parts: (Element | null)[] = [h('h4', {}, 'free[1..127]'), free];
      if (ph.freelarge !== null) parts.push(h('h4', {}, 'freelarge'), h('div', { class: 'chips' }, ...ph.freelarge.map((id) => spanChip(id, String(id), id === selected)), ph.freelarge.length === 0 ? h('span', { class: 'empty' }, 'empty') : null, ph.freelargeTotal !== undefined && ph.freelargeTotal > ph.freelarge.length ? h('span', { class: 'note' }, `… ${ph.freelargeTotal - ph.freelarge.length} more`) : null));
      if (ph.treap !== null || ph.freelarge === null) parts.push(h('h4', {}, 'treap of large free spans (npages, base)'), ph.treap === null ? h('p', { class: 'empty' }, 'empty treap') : this.treap(ph.treap, selected));
      parts.push(h('p', { class: 'note' }, `busy lists: ${busy.length === 0 ? 'none' : busy.join(', ')}; busylarge: ${ph.busylarge}`));
      this.root.replaceChildren(...parts.filter((x): x is Element => x !== null));
      return;
    }
    const chunks = h('div', { class: 'chunks', role: 'list', 'aria-label': 'page allocator chunks' });
    for (const c of ph.chunks) {
      const bar = h('div', { class: 'chunk', role: 'listitem', title: `chunk ${hex(c.base)}: ${c.alloc}/512 pages allocated, ${c.scavenged} scavenged`, 'aria-label': `chunk ${hex(c.base)}: ${c.alloc} of 512 pages allocated, ${c.scavenged} scavenged` });
      const a = h('div', { class: 'chunk-alloc' });
      const s = h('div', { class: 'chunk-scav' });
      a.style.width = `${(100 * c.alloc) / 512}%`;
      s.style.width = `${(100 * c.scavenged) / 512}%`;
      bar.append(a, s);
      chunks.append(h('div', { class: 'chunk-row' }, h('span', { class: 'addr' }, hex(c.base)), bar));
    }
    const levels = h('div', { class: 'levels' });
    ph.levels.forEach((lv, k) => {
      levels.append(h('div', { class: 'level' }, h('span', { class: 'list-name' }, `L${k}:`), ...lv.slice(0, 64).map((e) => h('span', { class: 'summary', title: `entry ${e.i}: start ${e.start}, max ${e.max}, end ${e.end}` }, `[${e.i}] ${e.start}/${e.max}/${e.end}`)), lv.length > 64 ? h('span', { class: 'note' }, `… ${lv.length - 64} more`) : null));
    });
    replace(
      this.root,
      h('h4', {}, `chunks (512 pages each): ${ph.chunks.length}`),
      chunks,
      h('h4', {}, 'summary levels (start/max/end, non-empty entries)'),
      levels,
      h('p', { class: 'note' }, `searchAddr ${hex(ph.searchAddr)} · scavAddr ${hex(ph.scavAddr)}`),
    );
  }

  private treap(root: TreapNodeView, selected: number): SVGSVGElement {
    const nodes: { n: TreapNodeView; x: number; depth: number; parent: number }[] = [];
    let order = 0;
    const walk = (n: TreapNodeView | null, depth: number, parent: number): void => {
      if (n === null || nodes.length > 2000) return;
      const me = nodes.length;
      nodes.push({ n, x: 0, depth, parent });
      walk(n.left, depth + 1, me);
      nodes[me].x = order++;
      walk(n.right, depth + 1, me);
    };
    walk(root, 0, -1);
    const dx = 56;
    const dy = 44;
    const maxDepth = Math.max(...nodes.map((n) => n.depth));
    const el = svg('svg', { class: 'treap', width: order * dx + 16, height: (maxDepth + 1) * dy + 30, role: 'tree', 'aria-label': `treap with ${nodes.length} free spans` });
    const pos = (k: number): [number, number] => [nodes[k].x * dx + dx / 2 + 8, nodes[k].depth * dy + 20];
    nodes.forEach((nd, k) => {
      if (nd.parent < 0) return;
      const [x1, y1] = pos(nd.parent);
      const [x2, y2] = pos(k);
      el.append(svg('line', { x1, y1, x2, y2, class: 'edge' }));
    });
    nodes.forEach((nd, k) => {
      const [x, y] = pos(k);
      const g = svg('g', { 'data-span': nd.n.span, tabindex: 0, role: 'treeitem', class: nd.n.span === selected ? 'node selected' : 'node', 'aria-label': `span ${nd.n.span}: ${nd.n.npages} pages at ${hex(nd.n.base)}, priority ${nd.n.priority}` });
      const title = svg('title', {});
      title.textContent = `span ${nd.n.span}: ${nd.n.npages} pages at ${hex(nd.n.base)}, priority ${nd.n.priority}`;
      const t = svg('text', { x, y: y + 4, 'text-anchor': 'middle' });
      t.textContent = String(nd.n.npages);
      g.append(title, svg('circle', { cx: x, cy: y, r: 15 }), t);
      el.append(g);
      if (nd.n.hidden !== undefined && nd.n.hidden > 0) {
        const more = svg('text', { x, y: y + 30, 'text-anchor': 'middle', class: 'hidden-count' });
        more.textContent = `+${nd.n.hidden}`;
        el.append(more);
      }
    });
    return el;
  }
}
