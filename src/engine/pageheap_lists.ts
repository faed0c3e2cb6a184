/**
 * The page heap of go1.5 and go1.10: free *spans* on size-indexed lists.
 *
 * Models `mheap.go` of Go 1.4/1.5 (seed 001) and Go 1.10 (seed 000):
 *  - `free[1..127]`: free spans of exactly that many pages, newest first;
 *  - `freelarge`: free spans of 128 pages or more — a list searched by `bestFit` (go1.5: fewest
 *    pages, then lowest address) or the `mTreap` of mgclarge.go (go1.10);
 *  - `busy[1..127]`/`busylarge`: in-use large-object spans (go1.5 keeps small spans there too
 *    through mcentral? no: small spans live on mcentral lists; busy holds what mheap.alloc was
 *    told is `large`), searched by `reclaim`;
 *  - `h_spans`: the span map, one entry per page of the arena used so far.
 *
 * Invariants (checkInvariants):
 *  - every page of an in-use or manual span maps to that span;
 *  - a free span's first and last page map to it (inner pages may be stale);
 *  - no two free spans are adjacent (freeSpanLocked coalesces);
 *  - a free span of n < 128 pages is on free[n], a larger one in freelarge; every list member is free;
 *  - npreleased <= npages; heap_released equals the sum of npreleased over free spans (in bytes).
 */
import { _HeapAllocChunk, _MaxMHeapList, _PageShift, _PageSize } from './constants';
import { mSpanList, hex } from './mspanlist';
import type { mspan } from './mspan';
import type { mheap } from './mheap';
import type { PageHeap, PageRangeKind, SysStat } from './pageheap';

/** Where free spans of 128+ pages live: a list with best fit (go1.5) or a treap (go1.10). */
export interface LargeFreeSet {
  insert(s: mspan): void;
  /** Take the span the era's search picks for npages, or null. */
  remove(npages: number): mspan | null;
  removeSpan(s: mspan): void;
  forEach(fn: (s: mspan) => void): void;
  size(): number;
  checkInvariants(out: string[]): void;
}

/** go1.5: `freelarge` is a plain list and `bestFit` picks the smallest span, then the lowest address. */
export class freelargeList implements LargeFreeSet {
  readonly list = new mSpanList('freelarge');
  insert(s: mspan): void {
    this.list.insert(s);
  }
  remove(npages: number): mspan | null {
    let best: mspan | null = null;
    for (let s = this.list.first; s !== null; s = s.next) {
      if (s.npages < npages) continue;
      if (best === null || s.npages < best.npages || (s.npages === best.npages && s.startAddr < best.startAddr)) best = s;
    }
    if (best !== null) this.list.remove(best);
    return best;
  }
  removeSpan(s: mspan): void {
    this.list.remove(s);
  }
  forEach(fn: (s: mspan) => void): void {
    for (let s = this.list.first; s !== null; s = s.next) fn(s);
  }
  size(): number {
    return this.list.n;
  }
  checkInvariants(): void {}
}

export class listsPageHeap implements PageHeap {
  readonly free: mSpanList[] = [];
  readonly busy: mSpanList[] = [];
  readonly busylarge = new mSpanList('busylarge');
  /** Span map: page index from arena_start -> span. */
  readonly spans: (mspan | null)[] = [];
  readonly arena_start: number;
  arena_used: number;
  readonly arena_end: number;

  constructor(
    arenaStart: number,
    arenaReserve: number,
    readonly freelarge: LargeFreeSet,
    /** go1.10 passes the caller's unusedsince through trimming; go1.5 always stamps the clock. */
    private readonly era: 'go1.5' | 'go1.10',
  ) {
    for (let i = 0; i < _MaxMHeapList; i++) {
      this.free.push(new mSpanList(`free[${i}]`));
      this.busy.push(new mSpanList(`busy[${i}]`));
    }
    this.arena_start = arenaStart;
    this.arena_used = arenaStart;
    this.arena_end = arenaStart + arenaReserve;
  }

  private page(addr: number): number {
    return (addr - this.arena_start) / _PageSize;
  }

  spanOf(addr: number): mspan | null {
    if (addr < this.arena_start || addr >= this.arena_used) return null;
    const s = this.spans[Math.floor((addr - this.arena_start) / _PageSize)];
    if (s === undefined || s === null || addr < s.startAddr || addr >= s.end() || s.state === 'mSpanDead' || s.state === 'mSpanFree') return null;
    return s;
  }

  mappedBytes(): number {
    return this.arena_used - this.arena_start;
  }

  busyList(npages: number): mSpanList {
    return npages < _MaxMHeapList ? this.busy[npages] : this.busylarge;
  }

  allocSpanLocked(h: mheap, npage: number, stat: SysStat, p: number): mspan | null {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.allocSpanLocked', { npage });
    let s: mspan | null = null;
    for (let i = npage; i < _MaxMHeapList; i++) {
      const list = this.free[i];
      if (list.first !== null) {
        s = list.first;
        list.remove(s);
        break;
      }
    }
    if (s === null) {
      s = this.freelarge.remove(npage);
      if (s === null) {
        if (!this.grow(h, npage)) {
          if (pr !== null) pr.leave();
          return null;
        }
        s = this.freelarge.remove(npage);
        if (s === null) {
          if (pr !== null) pr.leave();
          return null;
        }
      }
    }
    if (s.state !== 'mSpanFree') h.throw('MHeap_AllocLocked - MSpan not free');
    if (s.npages < npage) h.throw('MHeap_AllocLocked - bad npages');
    if (pr !== null) pr.point(`took free span ${hex(s.startAddr)} (${s.npages} pages)`, { s: hex(s.startAddr), 's.npages': s.npages });
    if (s.npreleased > 0) {
      // sysUsed: the pages come back from the OS.
      const bytes = s.npreleased * _PageSize;
      h.memstats.heap_released -= bytes;
      if (h.listener !== null) h.emit({ type: 'spanReuse', base: s.startAddr, bytes });
      s.npreleased = 0;
    }
    if (s.npages > npage) {
      // Trim: the tail becomes a new free span.
      const t = h.newSpan(s.startAddr + npage * _PageSize, s.npages - npage);
      s.npages = npage;
      const tp = this.page(t.startAddr);
      if (tp > 0) this.spans[tp - 1] = s;
      this.spans[tp] = t;
      this.spans[tp + t.npages - 1] = t;
      t.needzero = s.needzero;
      s.state = 'mSpanManual'; // keep s out of the coalescing below
      t.state = 'mSpanManual';
      if (h.listener !== null) h.emit({ type: 'spanTrim', span: h.info(s), rest: { base: t.startAddr, npages: t.npages } });
      this.freeSpanLocked(h, t, false, false, this.era === 'go1.10' ? s.unusedsince : 0);
      if (this.era === 'go1.5') t.unusedsince = s.unusedsince;
      s.state = 'mSpanFree';
      if (pr !== null) pr.point(`trimmed to ${npage} page${npage === 1 ? '' : 's'}; the rest went back to the free lists`, { s: hex(s.startAddr), t: hex(t.startAddr) });
    }
    s.unusedsince = 0;
    const sp = this.page(s.startAddr);
    for (let n = 0; n < npage; n++) this.spans[sp + n] = s;
    h.memstats[stat] += npage * _PageSize;
    h.memstats.heap_idle -= npage * _PageSize;
    if (s.list !== null) h.throw('still in list');
    if (pr !== null) pr.leave();
    void p;
    return s;
  }

  /** mheap.grow: map at least 1 MB (64 KB-rounded) more of the arena and free it into the heap. */
  grow(h: mheap, npage: number): boolean {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.grow', { npage });
    npage = Math.ceil(npage / ((64 << 10) / _PageSize)) * ((64 << 10) / _PageSize);
    let ask = npage * _PageSize;
    if (ask < _HeapAllocChunk) ask = _HeapAllocChunk;
    let v = this.sysAlloc(ask);
    if (v === 0 && ask > npage * _PageSize) {
      ask = npage * _PageSize;
      v = this.sysAlloc(ask);
    }
    if (v === 0) {
      h.oomMessage = `runtime: out of memory: cannot allocate ${ask}-byte block (${h.memstats.heap_sys} in use)`;
      if (pr !== null) pr.leave();
      return false;
    }
    h.memstats.heap_sys += ask;
    const s = h.newSpan(v, ask / _PageSize);
    const sp = this.page(v);
    if (this.era === 'go1.10') for (let i = sp; i < sp + s.npages; i++) this.spans[i] = s;
    else {
      this.spans[sp] = s;
      this.spans[sp + s.npages - 1] = s;
    }
    s.sweepgen = h.sweepgen;
    s.state = 'mSpanInUse';
    h.pagesInUse += s.npages;
    if (h.listener !== null) h.emit({ type: 'heapGrow', base: v, bytes: ask, heap_sys: h.memstats.heap_sys });
    if (pr !== null) pr.point(`mapped ${ask >> 10} KB at ${hex(v)}`, { v: hex(v), ask });
    this.freeSpanLocked(h, s, false, true, 0);
    if (pr !== null) pr.leave();
    return true;
  }

  /** sysAlloc within the reserved arena: a bump of arena_used, or 0 when the reservation is exhausted. */
  private sysAlloc(n: number): number {
    if (this.arena_used + n > this.arena_end) return 0;
    const v = this.arena_used;
    this.arena_used += n;
    const pages = (this.arena_used - this.arena_start) / _PageSize;
    while (this.spans.length < pages) this.spans.push(null);
    return v;
  }

  freeSpanLocked(h: mheap, s: mspan, acctinuse: boolean, acctidle: boolean, unusedsince: number): void {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.freeSpanLocked', { s: hex(s.startAddr), 's.npages': s.npages, acctinuse, acctidle });
    switch (s.state) {
      case 'mSpanManual':
        if (s.allocCount !== 0) h.throw('MHeap_FreeSpanLocked - invalid stack free');
        break;
      case 'mSpanInUse':
        if (s.allocCount !== 0 || s.sweepgen !== h.sweepgen) {
          h.throw(`MHeap_FreeSpanLocked - invalid free (span ${hex(s.startAddr)} allocCount ${s.allocCount} sweepgen ${s.sweepgen}/${h.sweepgen})`);
        }
        h.pagesInUse -= s.npages;
        break;
      default:
        h.throw('MHeap_FreeSpanLocked - invalid span state');
    }
    if (acctinuse) h.memstats.heap_inuse -= s.npages * _PageSize;
    if (acctidle) h.memstats.heap_idle += s.npages * _PageSize;
    const from = s.state;
    s.state = 'mSpanFree';
    if (s.list !== null) s.list.remove(s);
    s.unusedsince = this.era === 'go1.10' && unusedsince !== 0 ? unusedsince : h.nanotime;
    s.npreleased = 0;
    let p = this.page(s.startAddr);
    if (p > 0) {
      const before = this.spans[p - 1];
      if (before !== null && before !== undefined && before.state === 'mSpanFree') {
        s.startAddr = before.startAddr;
        s.npages += before.npages;
        s.npreleased = before.npreleased;
        s.needzero = s.needzero || before.needzero;
        p -= before.npages;
        this.spans[p] = s;
        this.unlinkFree(before);
        before.state = 'mSpanDead';
        h.freeMSpan(before);
        if (h.listener !== null) h.emit({ type: 'spanCoalesce', span: h.info(s), absorbed: { base: before.startAddr, npages: before.npages } });
        if (pr !== null) pr.point(`coalesced with the free span before it (${before.npages} pages)`, { before: hex(before.startAddr) });
      }
    }
    if (p + s.npages < this.spans.length) {
      const after = this.spans[p + s.npages];
      if (after !== null && after !== undefined && after.state === 'mSpanFree') {
        s.npages += after.npages;
        s.npreleased += after.npreleased;
        s.needzero = s.needzero || after.needzero;
        this.spans[p + s.npages - 1] = s;
        this.unlinkFree(after);
        after.state = 'mSpanDead';
        h.freeMSpan(after);
        if (h.listener !== null) h.emit({ type: 'spanCoalesce', span: h.info(s), absorbed: { base: after.startAddr, npages: after.npages } });
        if (pr !== null) pr.point(`coalesced with the free span after it (${after.npages} pages)`, { after: hex(after.startAddr) });
      }
    }
    if (s.npages < _MaxMHeapList) this.free[s.npages].insert(s);
    else this.freelarge.insert(s);
    if (h.listener !== null) h.emit({ type: 'spanState', span: h.info(s), from, to: 'mSpanFree' });
    if (pr !== null) pr.leave();
  }

  private unlinkFree(t: mspan): void {
    if (t.npages < _MaxMHeapList) this.free[t.npages].remove(t);
    else this.freelarge.removeSpan(t);
  }

  scavenge(h: mheap, now: number, limit: number, all: boolean, maxBytes = Infinity): number {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.scavenge', { now, limit });
    let sum = 0;
    const phys = h.physPageSize;
    const one = (s: mspan): void => {
      if (sum >= maxBytes) return;
      if (!all && (now - s.unusedsince <= limit || s.npreleased === s.npages)) return;
      if (s.npreleased === s.npages) return;
      let start = s.startAddr;
      let end = s.end();
      if (phys > _PageSize) {
        start = Math.ceil(start / phys) * phys;
        end = Math.floor(end / phys) * phys;
        if (end <= start) return;
      }
      const len = end - start;
      const released = len - s.npreleased * _PageSize;
      if (phys > _PageSize && released === 0) return;
      h.memstats.heap_released += released;
      sum += released;
      s.npreleased = len / _PageSize;
      if (h.listener !== null) h.emit({ type: 'spanRelease', base: start, bytes: released, by: all ? 'freeOSMemory' : 'scavenge' });
    };
    for (let i = 0; i < _MaxMHeapList; i++) for (let s = this.free[i].first; s !== null; s = s.next) one(s);
    this.freelarge.forEach(one);
    if (pr !== null) pr.leave();
    return sum;
  }

  forEachRange(h: mheap, fn: (base: number, npages: number, kind: PageRangeKind, s: mspan | null) => void): void {
    let p = 0;
    const n = this.spans.length;
    while (p < n) {
      const s = this.spans[p];
      if (s === null || s === undefined || s.state === 'mSpanDead') {
        p++;
        continue;
      }
      const sp = this.page(s.startAddr);
      if (p < sp || p >= sp + s.npages) {
        // A stale inner entry (free spans keep only their end pages current): step over it.
        p++;
        continue;
      }
      if (s.state === 'mSpanFree') {
        const keep = s.npages - s.npreleased;
        if (keep > 0) fn(s.startAddr, keep, 'free', s);
        if (s.npreleased > 0) fn(s.startAddr + keep * _PageSize, s.npreleased, 'released', s);
      } else fn(s.startAddr, s.npages, 'span', s);
      p = sp + s.npages;
    }
    void h;
  }

  checkInvariants(h: mheap, out: string[]): void {
    let released = 0;
    let prevFree: mspan | null = null;
    let prevEnd = -1;
    this.forEachRange(h, (base, npages, kind, s) => {
      if (s === null) return;
      if (kind === 'span') {
        const p0 = this.page(s.startAddr);
        for (let i = 0; i < s.npages; i++) if (this.spans[p0 + i] !== s) out.push(`span map: page ${i} of ${s.state} span ${hex(s.startAddr)} maps elsewhere`);
        prevFree = null;
      } else if (base === s.startAddr) {
        if (prevFree !== null && prevEnd === s.startAddr) out.push(`adjacent free spans ${hex(prevFree.startAddr)} and ${hex(s.startAddr)} not coalesced`);
        const p0 = this.page(s.startAddr);
        if (this.spans[p0] !== s || this.spans[p0 + s.npages - 1] !== s) out.push(`span map: ends of free span ${hex(s.startAddr)} do not map to it`);
        const onItsList = s.npages < _MaxMHeapList ? s.list === this.free[s.npages] : s.list === null || s.list.name === 'freelarge';
        if (!onItsList) out.push(`free span ${hex(s.startAddr)} (${s.npages} pages) on the wrong list`);
        if (s.npreleased > s.npages) out.push(`free span ${hex(s.startAddr)}: npreleased ${s.npreleased} > npages ${s.npages}`);
        released += s.npreleased * _PageSize;
        prevFree = s;
        prevEnd = s.end();
      }
      void npages;
    });
    for (let i = 1; i < _MaxMHeapList; i++) for (const s of this.free[i]) if (s.state !== 'mSpanFree' || s.npages !== i) out.push(`free[${i}] holds ${s.state} span ${hex(s.startAddr)} of ${s.npages} pages`);
    this.freelarge.forEach((s) => {
      if (s.state !== 'mSpanFree' || s.npages < _MaxMHeapList) out.push(`freelarge holds ${s.state} span ${hex(s.startAddr)} of ${s.npages} pages`);
    });
    this.freelarge.checkInvariants(out);
    if (released !== h.memstats.heap_released) out.push(`heap_released ${h.memstats.heap_released} != released pages of free spans ${released}`);
  }
}
