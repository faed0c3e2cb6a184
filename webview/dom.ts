/**
 * Small DOM helpers for the Heap View. Every text goes through `textContent` (never innerHTML
 * with data), every style through the CSSOM (the CSP forbids inline style attributes).
 */

export type Attrs = Record<string, string | number | boolean | undefined>;
export type Child = Node | string | null | undefined | false;

/** Create an element with attributes (`class`, `aria-*`, `data-*`, `title`, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** Replace all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** 0x-prefixed hex address (numbers below 2^53). */
export function hex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

/** Bytes with a binary unit. */
export function bytes(n: number): string {
  const a = Math.abs(n);
  if (a < 1024) return `${n} B`;
  if (a < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (a < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** A section with a heading, used for each panel of the view. */
export function section(id: string, title: string): { root: HTMLElement; body: HTMLElement } {
  const headingId = `${id}-h`;
  const body = h('div', { class: 'body', id: `${id}-body` });
  const root = h('section', { id, class: 'part', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), body);
  return { root, body };
}

/** A button that selects span `id` when clicked (a "chip"). */
export function spanChip(id: number, label: string, selected: boolean, extraClass = ''): HTMLButtonElement {
  const b = h('button', { class: `chip${selected ? ' selected' : ''}${extraClass ? ` ${extraClass}` : ''}`, 'data-span': id, 'aria-pressed': selected ? 'true' : 'false', title: `span ${id}` }, label);
  return b;
}
