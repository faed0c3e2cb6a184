/**
 * The span inspector: the selected span's fields, its objects as a grid (free, allocated,
 * marked, tiny-packed; specials flagged), freeindex and allocCache (go1.10+) or the free list
 * (go1.5), sweepgen relative to the heap's, its specials and the script variables into it, and
 * the "break on this span's changes" action.
 *
 * Invariant: shows only what it was told: the row from the span table at once, the objects when
 * the host's SpanDetail for that very span arrives (`detail.row.id === selected`).
 */
import type { SpanDetail, SpanRow } from '../src/protocol/heapview';
import { bytes, h, hex, replace } from './dom';

export interface InspectorHost {
  breakOn(span: number): void;
}

/**
 * Go's meaning of sweepgen relative to mheap_.sweepgen (mheap.go, go1.10+; go1.5 has the first
 * three): h-2 needs sweeping, h-1 being swept, h swept, h+1 cached before sweep began (still
 * needs sweeping), h+3 swept and then cached.
 */
export function sweepState(span: number, heap: number): string {
  switch (span - heap) {
    case -2:
      return 'needs sweeping (sweepgen = h−2)';
    case -1:
      return 'being swept (sweepgen = h−1)';
    case 0:
      return 'swept, ready to use (sweepgen = h)';
    case 1:
      return 'cached before sweep began, needs sweeping (sweepgen = h+1)';
    case 3:
      return 'swept, then cached (sweepgen = h+3)';
    default:
      return `unexpected: sweepgen − h = ${span - heap}`;
  }
}

export class Inspector {
  readonly root: HTMLElement;

  constructor(private readonly host: InspectorHost) {
    this.root = h('div', { class: 'inspector' });
  }

  render(selected: number, row: SpanRow | undefined, detail: SpanDetail | null, heapSweepgen: number): void {
    if (selected < 0) {
      replace(this.root, h('p', { class: 'empty' }, 'No span selected. Click a page in the page map, a chip or a transition.'));
      return;
    }
    if (row === undefined) {
      replace(this.root, h('p', { class: 'empty' }, `Span ${selected}: loading…`));
      return;
    }
    const d = detail !== null && detail.row.id === selected ? detail : null;
    const r = d?.row ?? row;
    const fields: [string, string][] = [
      ['id', String(r.id)],
      ['base', hex(r.base)],
      ['limit', hex(r.base + r.npages * 8192)],
      ['npages', `${r.npages} (${bytes(r.npages * 8192)})`],
      ['state', r.state],
      ['spanclass', `${r.spanclass} (size class ${r.sizeclass}${r.noscan ? ', noscan' : ''})`],
      ['elemsize', `${r.elemsize} B`],
      ['nelems', String(r.nelems)],
      ['allocCount', String(r.allocCount)],
      ['freeindex', d !== null && d.allocCache === null && d.freelist !== null ? '— (go1.5: free list)' : String(r.freeindex)],
      ['sweepgen', `${r.sweepgen}: ${sweepState(r.sweepgen, d?.heapSweepgen ?? heapSweepgen)}`],
      ['mcache', r.cachedBy >= 0 ? `P${r.cachedBy}` : 'none'],
      ['specials', String(r.nspecials)],
    ];
    if (d?.allocCache != null) fields.push(['allocCache', `0x${d.allocCache}`]);
    const dl = h('dl', { class: 'fields' });
    for (const [k, v] of fields) dl.append(h('dt', {}, k), h('dd', { 'data-field': k }, v));
    const brk = h('button', { class: 'action', 'data-action': 'break' }, "Break on this span's changes");
    brk.addEventListener('click', () => this.host.breakOn(r.id));
    replace(this.root, h('h3', {}, `Span ${r.id} at ${hex(r.base)}`), dl, brk, d === null ? h('p', { class: 'empty' }, 'Objects: loading…') : this.objects(d));
  }

  private objects(d: SpanDetail): HTMLElement {
    const special = new Map(d.specials.map((s) => [s.slot, s.kind]));
    const refs = new Map<number, string[]>();
    for (const r of d.referencedBy) refs.set(r.slot, [...(refs.get(r.slot) ?? []), r.name]);
    const counts = { free: 0, allocated: 0, marked: 0, tiny: 0 };
    const grid = h('div', { class: 'objgrid', role: 'list' });
    const nextFree = d.allocCache !== null ? d.row.freeindex : -1;
    d.objects.forEach((st, i) => {
      counts[st]++;
      const sp = special.get(i);
      const names = refs.get(i);
      const label = `object ${i} at ${hex(d.row.base + i * d.row.elemsize)}: ${st}${sp ? `, ${sp} special` : ''}${names ? `, referenced by ${names.join(', ')}` : ''}${i === nextFree ? ', freeindex' : ''}`;
      grid.append(h('div', { class: `obj ${st}${sp ? ' special' : ''}${i === nextFree ? ' freeindex' : ''}${names ? ' ref' : ''}`, role: 'listitem', 'data-slot': i, 'data-state': st, title: label, 'aria-label': label }));
    });
    const parts: HTMLElement[] = [
      h('h4', {}, 'Objects'),
      h('p', { class: 'counts', 'data-counts': `${counts.free},${counts.allocated},${counts.marked},${counts.tiny}` }, `${counts.allocated} allocated, ${counts.marked} marked, ${counts.tiny} tiny-packed, ${counts.free} free`),
      grid,
    ];
    if (d.freelist !== null) parts.push(h('p', { class: 'freelist' }, `freelist (in list order): ${d.freelist.length === 0 ? 'empty' : d.freelist.slice(0, 64).join(' → ')}${d.freelist.length > 64 ? ' …' : ''}`));
    if (d.specials.length > 0) {
      const ul = h('ul', { class: 'specials-list' });
      for (const s of d.specials) ul.append(h('li', {}, `${s.kind} on object ${s.slot} (offset ${s.offset})`));
      parts.push(h('h4', {}, 'Specials'), ul);
    }
    if (d.referencedBy.length > 0) parts.push(h('p', {}, `Referenced by: ${d.referencedBy.map((r) => `${r.name} → object ${r.slot}`).join(', ')}`));
    return h('div', { class: 'objects' }, ...parts);
  }
}
