/**
 * mSpanList: the runtime's intrusive doubly-linked list of spans (free lists, busy lists, the
 * mcentral `nonempty`/`empty` lists).
 *
 * Invariants: a span is on at most one list (`s.list` names it); `first.prev` and `last.next` are
 * null; `n` counts the members. Only the list methods change `next`/`prev`/`list`.
 */
import type { mspan } from './mspan';

export class mSpanList {
  first: mspan | null = null;
  last: mspan | null = null;
  n = 0;

  constructor(readonly name: string) {}

  isEmpty(): boolean {
    return this.first === null;
  }

  /** Insert at the front (Go's `insert`). */
  insert(s: mspan): void {
    if (s.next !== null || s.prev !== null || s.list !== null) throw new Error(`mSpanList.insert: span ${hex(s.startAddr)} already in list ${s.list?.name}`);
    s.next = this.first;
    if (this.first !== null) this.first.prev = s;
    else this.last = s;
    this.first = s;
    s.list = this;
    this.n++;
  }

  /** Insert at the back (Go's `insertBack`). */
  insertBack(s: mspan): void {
    if (s.next !== null || s.prev !== null || s.list !== null) throw new Error(`mSpanList.insertBack: span ${hex(s.startAddr)} already in list ${s.list?.name}`);
    s.prev = this.last;
    if (this.last !== null) this.last.next = s;
    else this.first = s;
    this.last = s;
    s.list = this;
    this.n++;
  }

  remove(s: mspan): void {
    if (s.list !== this) throw new Error(`mSpanList.remove: span ${hex(s.startAddr)} not in list ${this.name}`);
    if (s.prev !== null) s.prev.next = s.next;
    else this.first = s.next;
    if (s.next !== null) s.next.prev = s.prev;
    else this.last = s.prev;
    s.next = null;
    s.prev = null;
    s.list = null;
    this.n--;
  }

  *[Symbol.iterator](): IterableIterator<mspan> {
    for (let s = this.first; s !== null; s = s.next) yield s;
  }

  toArray(): mspan[] {
    const out: mspan[] = [];
    for (let s = this.first; s !== null; s = s.next) out.push(s);
    return out;
  }
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
