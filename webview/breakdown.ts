/**
 * "Where the memory goes": one stacked bar that reconciles heap_sys, stacks and the allocator's
 * metadata, part by part (live object bytes, size-class rounding, free slots in in-use spans,
 * span tail waste, large-object waste, stacks, free pages retained and released, mspan/mcache/
 * gcBits metadata). Each part is a button: clicking it highlights on the page map the pages that
 * hold it.
 *
 * Invariant: the bar's widths are the parts' shares of their sum, and the sum is printed next to
 * heap_sys so a mismatch would show.
 */
import type { HeapBreakdown } from '../src/protocol/heapview';
import { bytes, h, replace } from './dom';
import type { Highlight } from './state';

export interface BreakdownPart {
  readonly key: string;
  readonly label: string;
  readonly bytes: number;
  /** What the page map highlights when the part is clicked. */
  readonly holds: Highlight;
}

export function breakdownParts(b: HeapBreakdown): BreakdownPart[] {
  return [
    { key: 'live', label: 'live objects (requested)', bytes: b.live, holds: 'inuse' },
    { key: 'roundingWaste', label: 'size-class rounding', bytes: b.roundingWaste, holds: 'inuse' },
    { key: 'freeSlots', label: 'free slots in in-use spans', bytes: b.freeSlots, holds: 'inuse' },
    { key: 'tailWaste', label: 'span tail waste', bytes: b.tailWaste, holds: 'inuse' },
    { key: 'largeWaste', label: 'large-object waste', bytes: b.largeWaste, holds: 'large' },
    { key: 'stacks', label: 'stacks', bytes: b.stacks, holds: 'manual' },
    { key: 'freeRetained', label: 'free pages retained', bytes: b.freeRetained, holds: 'free' },
    { key: 'released', label: 'released to the OS', bytes: b.released, holds: 'released' },
    { key: 'mspan', label: 'mspan structs', bytes: b.metadata.mspan, holds: null },
    { key: 'mcache', label: 'mcache structs', bytes: b.metadata.mcache, holds: null },
    { key: 'gcbits', label: 'gcBits arenas', bytes: b.metadata.gcbits, holds: null },
  ];
}

export interface BreakdownHost {
  highlight(h: Highlight): void;
}

export class BreakdownView {
  readonly root: HTMLElement;
  constructor(private readonly host: BreakdownHost) {
    this.root = h('div', { class: 'breakdown' });
  }

  render(b: HeapBreakdown, current: Highlight): void {
    const parts = breakdownParts(b);
    const total = parts.reduce((s, p) => s + p.bytes, 0);
    const bar = h('div', { class: 'stack-bar', role: 'group', 'aria-label': 'where the memory goes' });
    const list = h('ul', { class: 'stack-legend' });
    parts.forEach((p, k) => {
      const seg = h('button', { class: `seg seg-${k}${p.holds !== null && p.holds === current ? ' active' : ''}`, 'data-part': p.key, title: `${p.label}: ${bytes(p.bytes)}`, 'aria-label': `${p.label}: ${bytes(p.bytes)}${p.holds ? ', click to highlight on the page map' : ''}` });
      seg.style.flexGrow = String(total > 0 ? p.bytes / total : 0);
      seg.hidden = p.bytes === 0;
      const click = (): void => this.host.highlight(p.holds === current ? null : p.holds);
      seg.addEventListener('click', click);
      bar.append(seg);
      const item = h('button', { class: 'stack-item', 'data-part': p.key, 'aria-pressed': p.holds !== null && p.holds === current ? 'true' : 'false' }, h('span', { class: `swatch seg-${k}` }), `${p.label}: `, h('span', { class: 'num', 'data-bytes': p.bytes }, bytes(p.bytes)), total > 0 ? ` (${((100 * p.bytes) / total).toFixed(1)}%)` : '');
      item.addEventListener('click', click);
      list.append(h('li', {}, item));
    });
    replace(this.root, bar, list, h('p', { class: 'note', 'data-total': total }, `sum ${bytes(total)} = heap_sys ${bytes(b.heap_sys)} + stacks outside it + metadata ${bytes(b.metadata.mspan + b.metadata.mcache + b.metadata.gcbits)}`));
  }
}
