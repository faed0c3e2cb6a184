/**
 * The page heap of go1.14: no free spans at all. Free pages are bits in the radix-tree page
 * allocator (`pageAlloc`, pagealloc/), handed out address-ordered first fit; each P keeps a
 * 64-page cache (`pageCache`) for spans under 16 pages; span metadata lives in 64 MB heap arenas
 * (heaparena.ts). Models `mheap.allocSpan`, `grow`, `freeSpanLocked`, `sysAlloc` and the
 * scavenger pacing of seed 002 (Go 1.14).
 *
 *  - allocSpan: npages < 16 and a P: take from the P's page cache (refilled from pageAlloc by
 *    `allocToCache`); otherwise `pageAlloc.alloc`, growing the heap when it fails;
 *  - grow: take 512-page chunks from the current arena region (`curArena`), reserving a new
 *    64 MB arena when it runs out (heap_sys, heap_idle and heap_released grow by the whole arena:
 *    fresh address space counts as released); then scavenge if retained memory exceeds the goal;
 *  - freeSpanLocked: clear the pages in pageAlloc; the mspan dies (span states are only dead,
 *    in use and manual);
 *  - scavenging: `pageAlloc.scavenge` releases free pages from the highest address down.
 *
 * Invariants: pageAlloc's own (summaries agree with bitmaps); heap_released equals the bytes of
 * scavenged free pages in pageAlloc plus never-grown parts of curArena; every in-use page of
 * pageAlloc belongs to a span or a page cache.
 */
import { _PageSize, heapArenaBytes, pageCachePages, pallocChunkPages } from './constants';
import { heapArenaIndex } from './heaparena';
import { hex } from './mspanlist';
import type { mspan } from './mspan';
import type { mheap } from './mheap';
import type { PageHeap, PageRangeKind, SysStat } from './pageheap';
import { pageAlloc } from './pagealloc/pagealloc';
import { pageCache } from './pagealloc/pagecache';

export class radixPageHeap implements PageHeap {
  readonly pages: pageAlloc;
  readonly arenas: heapArenaIndex;
  /** Per-P page caches. */
  readonly pcache: pageCache[] = [];
  /** The part of the last reserved arena not yet given to pageAlloc. */
  curArena = { base: 0, end: 0 };
  /** Next address the arena hints hand out. */
  private hint: number;
  private readonly end: number;

  constructor(
    readonly arenaStart: number,
    arenaReserve: number,
    procs: number,
    physPageSize: number,
  ) {
    this.pages = new pageAlloc({ physPageSize });
    this.arenas = new heapArenaIndex(arenaStart);
    this.hint = arenaStart;
    this.end = arenaStart + arenaReserve;
    for (let i = 0; i < procs; i++) this.pcache.push(new pageCache());
  }

  spanOf(addr: number): mspan | null {
    return this.arenas.spanOf(addr);
  }

  mappedBytes(): number {
    return this.hint - this.arenaStart;
  }

  allocSpanLocked(h: mheap, npages: number, stat: SysStat, p: number): mspan | null {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.allocSpanLocked', { npages, manual: stat !== 'heap_inuse' });
    let base = 0;
    let scav = 0;
    if (p >= 0 && npages < pageCachePages / 4) {
      let c = this.pcache[p];
      if (c.empty()) {
        c = this.pages.allocToCache();
        this.pcache[p] = c;
        if (pr !== null) pr.point(`P${p}'s page cache refilled at ${hex(c.base)}`, { 'pcache.base': hex(c.base) });
      }
      if (pr !== null) pr.enter('pageCache.alloc', { npages });
      const r = c.alloc(npages);
      base = r.addr;
      scav = r.scav;
      if (pr !== null) pr.leave();
    }
    if (base === 0) {
      if (pr !== null) pr.enter('pageAlloc.alloc', { npages });
      let r = this.pages.alloc(npages);
      if (r.addr === 0) {
        if (!this.grow(h, npages)) {
          if (pr !== null) pr.leave();
          if (pr !== null) pr.leave();
          return null;
        }
        r = this.pages.alloc(npages);
        if (r.addr === 0) h.throw('grew heap, but no adequate free space found', '(*mheap).allocSpan');
      }
      base = r.addr;
      scav = r.scav;
      if (pr !== null) pr.leave();
    }
    const s = h.newSpan(base, npages);
    s.needzero = this.arenas.allocNeedsZero(base, npages);
    s.state = 'mSpanDead';
    const nbytes = npages * _PageSize;
    if (scav !== 0) {
      h.memstats.heap_released -= scav;
      if (h.listener !== null) h.emit({ type: 'spanReuse', base, bytes: scav });
    }
    h.memstats[stat] += nbytes;
    h.memstats.heap_idle -= nbytes;
    this.arenas.setSpans(base, npages, s);
    if (stat === 'heap_inuse') this.arenas.setPageInUse(base, true);
    if (pr !== null) pr.point(`pages [${hex(base)}, ${hex(base + nbytes)}) taken${scav ? `, ${scav} bytes were released and are reused` : ''}`, { base: hex(base), scav });
    if (pr !== null) pr.leave();
    return s;
  }

  /** mheap.grow: at least one 512-page chunk, from the current arena or a new 64 MB one. */
  grow(h: mheap, npage: number): boolean {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.grow', { npage });
    const ask = Math.ceil(npage / pallocChunkPages) * pallocChunkPages * _PageSize;
    let totalGrowth = 0;
    const phys = h.physPageSize;
    let nBase = Math.ceil((this.curArena.base + ask) / phys) * phys;
    if (nBase > this.curArena.end || this.curArena.end === 0) {
      const asize = Math.ceil(ask / heapArenaBytes) * heapArenaBytes;
      if (this.hint + asize > this.end) {
        h.oomMessage = `runtime: out of memory: cannot allocate ${ask}-byte block (${h.memstats.heap_sys} in use)`;
        if (pr !== null) pr.leave();
        return false;
      }
      const av = this.hint;
      this.hint += asize;
      for (let a = av; a < av + asize; a += heapArenaBytes) this.arenas.add(a);
      if (av === this.curArena.end) this.curArena.end = av + asize;
      else {
        const size = this.curArena.end - this.curArena.base;
        if (size !== 0) {
          this.pages.grow(this.curArena.base, size);
          totalGrowth += size;
        }
        this.curArena = { base: av, end: av + asize };
      }
      h.memstats.heap_sys += asize;
      h.memstats.heap_released += asize;
      h.memstats.heap_idle += asize;
      if (pr !== null) pr.point(`reserved ${Math.floor(asize / 2 ** 20)} MB of heap arenas at ${hex(av)}`, { av: hex(av), asize });
      nBase = Math.ceil((this.curArena.base + ask) / phys) * phys;
    }
    const v = this.curArena.base;
    this.curArena.base = nBase;
    this.pages.grow(v, nBase - v);
    totalGrowth += nBase - v;
    if (h.listener !== null) h.emit({ type: 'heapGrow', base: v, bytes: nBase - v, heap_sys: h.memstats.heap_sys });
    if (pr !== null) pr.point(`pageAlloc grew by ${(nBase - v) / _PageSize} pages at ${hex(v)}`, { v: hex(v), totalGrowth });
    const retained = h.memstats.heap_sys - h.memstats.heap_released;
    if (retained + totalGrowth > h.scavengeGoal) {
      let todo = totalGrowth;
      const overage = retained + totalGrowth - h.scavengeGoal;
      if (todo > overage) todo = overage;
      this.scavengeBytes(h, todo, 'grow');
    }
    if (pr !== null) pr.leave();
    return true;
  }

  freeSpanLocked(h: mheap, s: mspan, acctinuse: boolean, acctidle: boolean, _unusedsince: number): void {
    const pr = h.probe;
    if (pr !== null) pr.enter('mheap.freeSpanLocked', { s: hex(s.startAddr), npages: s.npages, acctinuse, acctidle });
    switch (s.state) {
      case 'mSpanManual':
        if (s.allocCount !== 0) h.throw('mheap.freeSpanLocked - invalid stack free', '(*mheap).freeSpanLocked');
        break;
      case 'mSpanInUse':
        if (s.allocCount !== 0 || s.sweepgen !== h.sweepgen) {
          h.throw(`mheap.freeSpanLocked - invalid free (span ${hex(s.startAddr)} allocCount ${s.allocCount} sweepgen ${s.sweepgen}/${h.sweepgen})`, '(*mheap).freeSpanLocked');
        }
        h.pagesInUse -= s.npages;
        this.arenas.setPageInUse(s.startAddr, false);
        break;
      default:
        h.throw('mheap.freeSpanLocked - invalid span state', '(*mheap).freeSpanLocked');
    }
    if (acctinuse) h.memstats.heap_inuse -= s.npages * _PageSize;
    if (acctidle) h.memstats.heap_idle += s.npages * _PageSize;
    this.pages.free(s.startAddr, s.npages);
    const from = s.state;
    s.state = 'mSpanDead';
    if (s.list !== null) s.list.remove(s);
    h.freeMSpan(s);
    if (h.listener !== null) h.emit({ type: 'spanState', span: h.info(s), from, to: 'mSpanDead' });
    if (pr !== null) pr.point(`pages of ${hex(s.startAddr)} cleared in the page allocator; the mspan is dead`);
    if (pr !== null) pr.leave();
  }

  /** Release up to nbytes (all free memory when nbytes is Infinity); returns bytes released. */
  scavengeBytes(h: mheap, nbytes: number, by: 'scavenge' | 'freeOSMemory' | 'grow' | 'background'): number {
    const pr = h.probe;
    if (pr !== null) pr.enter('pageAlloc.scavenge', { nbytes: Number.isFinite(nbytes) ? nbytes : -1 });
    const released = this.pages.scavenge(nbytes);
    if (released > 0) {
      h.memstats.heap_released += released;
      if (h.listener !== null) h.emit({ type: 'spanRelease', base: 0, bytes: released, by });
    }
    if (pr !== null) pr.leave();
    return released;
  }

  scavenge(h: mheap, _now: number, _limit: number, all: boolean, maxBytes = Infinity): number {
    if (all) {
      this.pages.resetScavengeAddr();
      return this.scavengeBytes(h, maxBytes, 'freeOSMemory');
    }
    const retained = h.memstats.heap_sys - h.memstats.heap_released;
    if (retained <= h.scavengeGoal) return 0;
    return this.scavengeBytes(h, retained - h.scavengeGoal, 'scavenge');
  }

  forEachRange(h: mheap, fn: (base: number, npages: number, kind: PageRangeKind, s: mspan | null) => void): void {
    // Walk the grown chunks page by page, grouping runs: spans from the arena map, free pages from
    // pageAlloc's bitmaps (released when scavenged). In-use pages with no span belong to a P's
    // page cache: they are free memory the P has reserved.
    for (const chunk of this.pages.chunkList()) {
      const inUse = (i: number): number => (chunk.alloc[i >> 5] >>> (i & 31)) & 1;
      const scav = (i: number): number => (chunk.scavenged[i >> 5] >>> (i & 31)) & 1;
      const chunkEnd = chunk.base + pallocChunkPages * _PageSize;
      let i = 0;
      while (i < pallocChunkPages) {
        const addr = chunk.base + i * _PageSize;
        const s = this.arenas.spanOf(addr);
        if (s !== null) {
          const n = (Math.min(s.end(), chunkEnd) - addr) / _PageSize;
          fn(addr, n, 'span', s);
          i += n;
          continue;
        }
        const kind = (k: number): PageRangeKind => (inUse(k) === 1 ? 'cached' : scav(k) === 1 ? 'released' : 'free');
        const here = kind(i);
        let j = i + 1;
        while (j < pallocChunkPages && kind(j) === here && this.arenas.spanOf(chunk.base + j * _PageSize) === null) j++;
        fn(addr, j - i, here, null);
        i = j;
      }
    }
    void h;
  }

  /** Scavenged pages held in the P page caches (still counted in heap_released). */
  cachedScavengedPages(): number {
    let n = 0;
    for (const c of this.pcache) n += popcount32(c.scavLo) + popcount32(c.scavHi);
    return n;
  }

  checkInvariants(h: mheap, out: string[]): void {
    for (const v of this.pages.checkInvariants()) out.push(`pageAlloc: ${v}`);
    for (const s of h.allspans) {
      if (s.state !== 'mSpanInUse' && s.state !== 'mSpanManual') continue;
      if (!this.arenas.mapsTo(s.startAddr, s.npages, s)) {
        let i = 0;
        while (i < s.npages && this.arenas.spanOf(s.startAddr + i * _PageSize) === s) i++;
        out.push(`span map: page ${i} of ${s.state} span ${hex(s.startAddr)} maps elsewhere`);
      }
      const a = this.arenas.arenaOf(s.startAddr)!;
      const pi = (s.startAddr - a.base) / _PageSize;
      const bit = (a.pageInUse[pi >> 3] >> (pi & 7)) & 1;
      if ((s.state === 'mSpanInUse') !== (bit === 1)) out.push(`pageInUse bit of span ${hex(s.startAddr)} is ${bit} but the span is ${s.state}`);
      for (let i = 0; i < s.npages; i++) {
        if (!this.pages.isPageInUse(s.startAddr + i * _PageSize)) {
          out.push(`span ${hex(s.startAddr)} page ${i} is free in pageAlloc`);
          break;
        }
      }
    }
    const scavFree = this.pages.pageCounts().scavenged * _PageSize;
    const cached = this.cachedScavengedPages() * _PageSize;
    const untouched = this.curArena.end - this.curArena.base;
    if (scavFree + cached + untouched !== h.memstats.heap_released) {
      out.push(`heap_released ${h.memstats.heap_released} != scavenged free pages ${scavFree} + scavenged pages in page caches ${cached} + ungrown arena ${untouched}`);
    }
  }
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
