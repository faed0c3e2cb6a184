/**
 * mcentral: the central free list of one span class — spans with free objects (`nonempty`) and
 * spans with none or cached in an mcache (`empty`).
 *
 * Models `mcentral.go` of go1.5 (`mCentral_*`, one mcentral per size class) and go1.10/go1.14
 * (one per span class: size class + noscan bit). Same algorithm in all three:
 *  - cacheSpan: take the first nonempty span (sweeping it if it still has the old sweepgen), else
 *    sweep unswept empty spans hoping to free something, else grow; the span goes to the back of
 *    `empty` and is marked `incache`; heap_live is charged for all its free slots;
 *  - uncacheSpan: an mcache gives a span back; if it has free slots it moves to the front of
 *    `nonempty` and heap_live is refunded for them;
 *  - freeSpan: sweep freed objects in a span; it moves to `nonempty` if it was full; a span with
 *    no objects left goes back to the heap.
 * Invariants: every span on either list is in use with this span class; a span on `nonempty`
 * has a free object (once swept); a cached span is on `empty`.
 */
import { _PageSize } from './constants';
import { mSpanList, hex } from './mspanlist';
import type { mheap } from './mheap';
import type { mspan } from './mspan';
import { sweepSpan } from './mgcsweep';

export class mcentral {
  readonly nonempty: mSpanList;
  readonly empty: mSpanList;
  /** Spans this mcentral has allocated from the heap (`nmalloc` of the era's `mcentral`). */
  nmalloc = 0;

  constructor(readonly spanclass: number) {
    this.nonempty = new mSpanList(`central[${spanclass}].nonempty`);
    this.empty = new mSpanList(`central[${spanclass}].empty`);
  }

  cacheSpan(h: mheap, p: number): mspan | null {
    const pr = h.probe;
    if (pr !== null) pr.enter('mcentral.cacheSpan', { spanclass: this.spanclass });
    const sizeclass = this.spanclass >> 1;
    // Pay proportional sweep debt for one object's worth of allocation.
    h.sweeperCredit(h.sc.class_to_size[sizeclass], 0);
    const sg = h.sweepgen;
    let s: mspan | null = null;
    retry: for (;;) {
      for (let t = this.nonempty.first; t !== null; t = t.next) {
        if (t.sweepgen === sg - 2) {
          t.sweepgen = sg - 1;
          this.nonempty.remove(t);
          this.empty.insertBack(t);
          if (pr !== null) pr.point(`sweeping unswept nonempty span ${hex(t.startAddr)}`, { s: hex(t.startAddr) });
          sweepSpan(h, t, true, 'cacheSpan');
          s = t;
          break retry;
        }
        if (t.sweepgen === sg - 1) continue;
        this.nonempty.remove(t);
        this.empty.insertBack(t);
        s = t;
        break retry;
      }
      for (let t = this.empty.first; t !== null; t = t.next) {
        if (t.sweepgen === sg - 2) {
          t.sweepgen = sg - 1;
          this.empty.remove(t);
          this.empty.insertBack(t);
          if (pr !== null) pr.point(`sweeping unswept empty span ${hex(t.startAddr)}`, { s: hex(t.startAddr) });
          sweepSpan(h, t, true, 'cacheSpan');
          if (hasFree(t)) {
            s = t;
            break retry;
          }
          continue retry;
        }
        if (t.sweepgen === sg - 1) continue;
        break; // swept empty spans sit at the back: nothing more to find
      }
      break;
    }
    if (s === null) {
      s = this.grow(h, p);
      if (s === null) {
        if (pr !== null) pr.leave();
        return null;
      }
      this.empty.insertBack(s);
    }
    // havespan
    const n = s.nelems - s.allocCount;
    if (n === 0 || !hasFree(s)) h.throw('span has no free objects', h.fname('mcentral.cacheSpan'));
    h.memstats.heap_live += n * s.elemsize;
    s.incache = true;
    if (pr !== null) pr.point(`span ${hex(s.startAddr)} handed to the mcache (${n} free objects)`, { s: hex(s.startAddr), n });
    if (pr !== null) pr.leave();
    return s;
  }

  uncacheSpan(h: mheap, s: mspan): void {
    const pr = h.probe;
    if (pr !== null) pr.enter('mcentral.uncacheSpan', { s: hex(s.startAddr) });
    s.incache = false;
    if (s.allocCount === 0) h.throw('uncaching span but s.allocCount == 0', h.fname('mcentral.uncacheSpan'));
    const n = s.nelems - s.allocCount;
    if (n > 0) {
      this.empty.remove(s);
      this.nonempty.insert(s);
      h.memstats.heap_live -= n * s.elemsize;
    }
    if (pr !== null) pr.leave();
  }

  /**
   * Called by sweep after it freed `nfreed` objects of s (go1.5: already linked onto s.freelist).
   * Returns true when s went back to the heap.
   */
  freeSpan(h: mheap, s: mspan, preserve: boolean, wasempty: boolean): boolean {
    const pr = h.probe;
    if (pr !== null) pr.enter('mcentral.freeSpan', { s: hex(s.startAddr), preserve, wasempty });
    if (s.incache) h.throw('freeSpan given cached span', h.fname('mcentral.freeSpan'));
    s.needzero = true;
    if (preserve) {
      if (s.list === null) h.throw("can't preserve unlinked span", h.fname('mcentral.freeSpan'));
      s.sweepgen = h.sweepgen;
      if (pr !== null) pr.leave();
      return false;
    }
    if (wasempty) {
      this.empty.remove(s);
      this.nonempty.insert(s);
    }
    s.sweepgen = h.sweepgen;
    if (s.allocCount !== 0) {
      if (pr !== null) pr.leave();
      return false;
    }
    this.nonempty.remove(s);
    if (pr !== null) pr.point(`span ${hex(s.startAddr)} has no objects left: back to the heap`, { s: hex(s.startAddr) });
    h.freeSpan(s, false);
    if (pr !== null) pr.leave();
    return true;
  }

  /** mcentral.grow: a fresh span of this class from the heap. */
  grow(h: mheap, p: number): mspan | null {
    const pr = h.probe;
    const sizeclass = this.spanclass >> 1;
    const npages = h.sc.class_to_allocnpages[sizeclass];
    if (pr !== null) pr.enter('mcentral.grow', { spanclass: this.spanclass, npages, size: h.sc.class_to_size[sizeclass] });
    const s = h.alloc(npages, this.spanclass, false, p);
    if (s !== null) this.nmalloc++;
    if (pr !== null) pr.leave();
    void _PageSize;
    return s;
  }
}

/** Whether a span has a free object to hand out. */
export function hasFree(s: mspan): boolean {
  if (s.allocBits !== null) {
    // Look from freeindex without moving it.
    const save = s.freeindex;
    const i = s.nextFreeIndex();
    s.freeindex = save;
    return i < s.nelems;
  }
  return s.freelist !== -1;
}
