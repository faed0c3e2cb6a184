/**
 * mcentral lists and mcache ownership: per span class, the `nonempty` and `empty` lists as chips
 * in list order, and per P the spans its mcache holds. A chip is a button; clicking selects.
 *
 * Invariant: chip order is list order as sent (mcentral lists are ordered: cacheSpan takes from
 * the front).
 */
import type { McacheView, McentralView } from '../src/protocol/heapview';
import { h, replace, spanChip } from './dom';

export interface ChipHost {
  select(span: number): void;
}

function className(spanclass: number, sizeclass: number, noscan: boolean): string {
  return `spanclass ${spanclass} (size class ${sizeclass}, ${noscan ? 'noscan' : 'scan'})`;
}

export class McentralPart {
  readonly root: HTMLElement;

  constructor(private readonly host: ChipHost) {
    this.root = h('div', { class: 'mcentral' });
    this.root.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest('[data-span]');
      if (b !== null) this.host.select(Number(b.getAttribute('data-span')));
    });
  }

  render(central: readonly McentralView[], caches: readonly McacheView[], selected: number): void {
    const owner = new Map<number, number>();
    for (const c of caches) for (const a of c.alloc) owner.set(a.span, c.p);
    const rows = central.filter((c) => c.nonempty.length + c.empty.length > 0);
    const table = h('div', { class: 'mcentral-lists', role: 'list', 'aria-label': 'mcentral lists by span class' });
    for (const c of rows) {
      const list = (name: string, ids: readonly number[], total = ids.length): HTMLElement =>
        h(
          'div',
          { class: `chips ${name}`, 'aria-label': `${name} list, ${total} spans` },
          h('span', { class: 'list-name' }, `${name}:`),
          ...ids.map((id) => spanChip(id, owner.has(id) ? `${id} · P${owner.get(id)}` : String(id), id === selected, owner.has(id) ? 'owned' : '')),
          ids.length === 0 ? h('span', { class: 'empty' }, '—') : null,
          total > ids.length ? h('span', { class: 'note' }, `… ${total - ids.length} more`) : null,
        );
      table.append(h('div', { class: 'mcentral-row', role: 'listitem', 'data-spanclass': c.spanclass }, h('div', { class: 'row-title' }, `${className(c.spanclass, c.sizeclass, c.noscan)} · nmalloc ${c.nmalloc}`), list('nonempty', c.nonempty, c.nonemptyTotal), list('empty', c.empty, c.emptyTotal)));
    }
    const mc = h('div', { class: 'mcache-list', role: 'list', 'aria-label': 'mcache per P' });
    for (const c of caches) {
      mc.append(
        h(
          'div',
          { class: 'mcache-row', role: 'listitem' },
          h('span', { class: 'row-title' }, `P${c.p} mcache`),
          ...c.alloc.map((a) => spanChip(a.span, `${a.span} (sc ${a.spanclass})`, a.span === selected)),
          c.alloc.length === 0 ? h('span', { class: 'empty' }, 'no cached spans') : null,
          c.tiny !== 0 ? h('span', { class: 'note' }, `tiny block at 0x${c.tiny.toString(16)} + ${c.tinyoffset}`) : null,
          c.pageCache !== null ? h('span', { class: 'note' }, `page cache: 0x${c.pageCache.base.toString(16)}, ${c.pageCache.npages} free pages`) : null,
        ),
      );
    }
    replace(this.root, rows.length === 0 ? h('p', { class: 'empty' }, 'All mcentral lists are empty.') : table, h('h4', {}, 'mcache per P'), mc);
  }
}
