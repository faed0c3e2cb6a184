/**
 * Transitions: the recent span transitions (at most TRANSITIONS_KEPT), newest first, filterable
 * by text and by event type. Clicking a row selects its span; the clock button travels to the
 * state right after it.
 *
 * Invariant: the filter is part of the persisted view state (it survives a reload).
 */
import type { TransitionRow } from '../src/protocol/heapview';
import { h, replace } from './dom';

export interface TransitionsHost {
  select(span: number): void;
  travel(executed: number): void;
  filterChanged(text: string, type: string): void;
}

export class Transitions {
  readonly root: HTMLElement;
  readonly filter: HTMLInputElement;
  readonly type: HTMLSelectElement;
  private readonly list: HTMLElement;
  private rows: readonly TransitionRow[] = [];
  private selected = -1;

  constructor(private readonly host: TransitionsHost) {
    this.filter = h('input', { type: 'search', class: 'filter', placeholder: 'Filter transitions', 'aria-label': 'Filter transitions by text' });
    this.type = h('select', { 'aria-label': 'Filter transitions by event type' });
    this.list = h('ol', { class: 'rows transitions-list', 'aria-label': 'span transitions, newest first' });
    this.root = h('div', { class: 'transitions' }, h('div', { class: 'toolbar' }, this.filter, this.type), this.list);
    const changed = (): void => {
      this.host.filterChanged(this.filter.value, this.type.value);
      this.draw();
    };
    this.filter.addEventListener('input', changed);
    this.type.addEventListener('change', changed);
    this.list.addEventListener('click', (e) => {
      const t = e.target as HTMLElement;
      const travel = t.closest('[data-travel]');
      if (travel !== null) return this.host.travel(Number(travel.getAttribute('data-travel')));
      const b = t.closest('[data-span]');
      if (b !== null) this.host.select(Number(b.getAttribute('data-span')));
    });
  }

  setFilter(text: string, type: string): void {
    this.filter.value = text;
    this.type.value = type;
  }

  render(rows: readonly TransitionRow[], selected: number): void {
    this.rows = rows;
    this.selected = selected;
    const types = [...new Set(rows.map((r) => r.type))].sort();
    const keep = this.type.value;
    replace(this.type, h('option', { value: '' }, 'all types'), ...types.map((t) => h('option', { value: t }, t)));
    if (keep !== '' && !types.includes(keep as TransitionRow['type'])) this.type.append(h('option', { value: keep }, keep));
    this.type.value = keep;
    this.draw();
  }

  private draw(): void {
    const text = this.filter.value.trim().toLowerCase();
    const type = this.type.value;
    const shown = this.rows.filter((r) => (type === '' || r.type === type) && (text === '' || r.text.toLowerCase().includes(text) || String(r.span) === text));
    const items: HTMLElement[] = [];
    for (let i = shown.length - 1; i >= 0; i--) {
      const r = shown[i];
      items.push(
        h(
          'li',
          { 'data-seq': r.seq },
          h('button', { class: `row${r.span >= 0 && r.span === this.selected ? ' selected' : ''}`, 'data-span': r.span, disabled: r.span < 0 }, h('span', { class: 'type' }, r.type), ` ${r.text}`),
          h('button', { class: 'icon', 'data-travel': r.executed, title: `Travel to after statement ${r.executed}`, 'aria-label': `Travel to after statement ${r.executed}` }, 'travel'),
        ),
      );
    }
    replace(this.list, ...items, items.length === 0 ? h('li', { class: 'empty' }, 'No transitions match.') : null);
  }
}
