/**
 * Specials: every finalizer and profile record (object address, span, kind, allocation line),
 * and the finalizer queue (objects whose finalizers the GC queued and that have not run yet).
 * Rows are buttons that select the span.
 */
import type { SpecialView } from '../src/protocol/heapview';
import { h, hex, replace } from './dom';
import type { ChipHost } from './mcentral';

export class SpecialsPart {
  readonly root: HTMLElement;
  constructor(private readonly host: ChipHost) {
    this.root = h('div', { class: 'specials' });
    this.root.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest('[data-span]');
      if (b !== null) this.host.select(Number(b.getAttribute('data-span')));
    });
  }

  render(specials: readonly SpecialView[], queue: readonly number[], selected: number): void {
    const ul = h('ul', { class: 'rows', 'aria-label': 'special records' });
    for (const s of specials.slice(0, 1000)) {
      ul.append(h('li', {}, h('button', { class: `row${s.span === selected ? ' selected' : ''}`, 'data-span': s.span }, `${s.kind} · object ${hex(s.addr)} · span ${s.span}${s.kind === 'profile' ? ` · allocated at line ${s.line + 1}` : ''}`)));
    }
    const q = h('p', { class: 'note' }, `finalizer queue: ${queue.length === 0 ? 'empty' : queue.map(hex).join(', ')}`);
    replace(this.root, specials.length === 0 ? h('p', { class: 'empty' }, 'No specials.') : ul, specials.length > 1000 ? h('p', { class: 'note' }, `… ${specials.length - 1000} more`) : null, q);
  }
}
