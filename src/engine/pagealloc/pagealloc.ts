/**
 * pageAlloc: the go1.14 radix-tree page allocator embedded in mheap (`mheap_.pages`).
 *
 * Models `pageAlloc` of `src/runtime/mpagealloc.go` (with `mpagealloc_64bit.go` and the
 * `addrRanges` of `mranges.go`) and its scavenger half in `src/runtime/mgcscavenge.go`, as of
 * Go 1.14 on linux/amd64. Bitmaps live in `pallocbits.ts`, summaries in `pallocsum.ts`, the per-P
 * cache in `pagecache.ts`.
 *
 * The heap's address space is cut into 4 MiB chunks of 512 pages; each grown chunk has an alloc
 * bitmap and a scavenged bitmap. A radix tree of summaries (5 levels, see `pallocsum.ts`) sits
 * on top; allocation is address-ordered first fit:
 *  1. `alloc(npages)`: if `searchAddr` is past the last chunk, fail. If the request can fit in
 *     the rest of the chunk holding `searchAddr` and that chunk's summary has max >= npages,
 *     search that chunk's bitmap from `searchAddr`. Otherwise `find` walks the tree from the
 *     root, at each level scanning one block of entries: a run crossing entry boundaries
 *     (previous ends + next starts) is taken at once; an entry whose max fits is descended into;
 *     at the leaves the chunk bitmap gives the page. Entries below `searchAddr` are skipped.
 *  2. `allocRange` sets the alloc bits, counts and clears the scavenged bits (the `scav` result),
 *     and `update` recomputes the leaf summaries and merges them up the tree, stopping early at
 *     the first level where nothing changed.
 *  3. `searchAddr` moves up to the first free page the search saw (never past it).
 * `free` clears alloc bits (scavenged bits are untouched: freed memory is still backed), moves
 * `searchAddr` down to the freed base when lower, and updates summaries. `grow` adds chunks whose
 * pages are all free and all scavenged (fresh address space is not backed by memory).
 * `allocToCache` hands a whole aligned block of 64 pages (the block of the first free page) to a
 * `pageCache`. `scavenge(nbytes)` walks down from `scavAddr`, releasing the highest free,
 * unscavenged runs first.
 *
 * Fields and invariants (every one is checked by `checkInvariants`):
 *  - chunks: grown chunks by chunk index; [start, end) spans all of them; `inUse` lists the
 *    grown address ranges, sorted, coalesced, chunk aligned, and every chunk inside them exists.
 *  - summary[l]: consistent with the level below / the bitmaps (see `pallocsum.ts`); leaf
 *    entries of never-grown chunks are zero.
 *  - searchAddr: every page below it is in use (it is at most the first free page); it equals
 *    `maxSearchAddr` after a single-page search found nothing.
 *  - a scavenged page is always free.
 * Writers: this class; `pageCache.flush` frees pages, restores scavenged bits, lowers searchAddr
 * and calls `update`. `mheap` calls `grow`, `alloc`, `free`, `allocToCache`, `scavenge`.
 *
 * Go 1.14 specifics kept on purpose (later releases differ):
 *  - Scavenging follows Go 1.14: a single `scavAddr` cursor moving down the heap (top-down,
 *    highest address first), `scavengeOne` releasing one run per call, `resetScavengeAddr` to
 *    restart from the top (call it when the scavenger's pacing changes, i.e. each GC, and before
 *    a forced scavenge of everything). Go 1.15 replaced the cursor with address-range
 *    reservations, Go 1.19 with a scavenge index; `free` takes no `scavenged` flag here.
 *  - `find` returns the base of the first non-empty summary entry it saw as the new searchAddr,
 *    which in a discontiguous heap can lie in never-grown address space (golang/go#40191; later
 *    releases added `findMappedAddr`). Unmapped summaries read as zero here, so this is
 *    harmless and allocation results are unchanged (real Go 1.14 could fault reading such an
 *    unmapped summary). Hence the checker does not require searchAddr to lie inside `inUse`.
 *  - `allocToCache` parks `searchAddr` on the cache block's last page, as the go1.14.x backport
 *    of golang/go#38605 does (go1.14.0 put it one page past the block, possibly in unmapped
 *    memory); allocation results are the same either way.
 * Model choices: `grow` rounds [base, base+size) out to chunks and updates the rounded range
 * (mheap only grows by whole chunks anyway); `alloc`/`free`/`allocRange` throw a RuntimeFault on
 * ranges outside grown memory, and `free` on pages that are already free (real Go would corrupt
 * its state silently).
 */
import { _PageSize, pageCachePages, pallocChunkBytes, pallocChunkPages } from '../constants';
import { RuntimeFault } from '../fault';
import { pageCache } from './pagecache';
import { pallocChunkWords, pallocData } from './pallocbits';
import {
  addrsToSummaryRange,
  arenaBaseOffset,
  chunkBase,
  chunkIndex,
  chunkPageIndex,
  emptySum,
  formatSum,
  freeChunkSum,
  heapAddrBits,
  levelBits,
  levelLogPages,
  levelShift,
  mergeSummaries,
  type pallocSum,
  sumEqual,
  sumIsEmpty,
  summaryLevel,
  summaryLevels,
} from './pallocsum';

/**
 * `maxSearchAddr`: "no free memory". Go uses the top of the linear address space; we use the
 * address one past it (linear 2^48), whose chunk index is past every grown chunk.
 */
export const maxSearchAddr = 2 ** heapAddrBits - arenaBaseOffset;
/** `minScavAddr`: "the scavenger is done" — the address whose linear form is 0. */
export const minScavAddr = -arenaBaseOffset;

/** A half-open address range [base, limit). */
export interface addrRange {
  readonly base: number;
  readonly limit: number;
}

/** `addrRanges`: sorted, non-overlapping, coalesced address ranges (mranges.go). */
export class addrRanges {
  readonly ranges: addrRange[] = [];

  /** Index of the first range whose base is strictly greater than addr (len if none). */
  findSucc(addr: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ranges[mid]!.base > addr) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  contains(addr: number): boolean {
    const i = this.findSucc(addr);
    return i > 0 && addr < this.ranges[i - 1]!.limit;
  }

  /** Adds r, which must not overlap any range present; merges with neighbours it touches. */
  add(r: addrRange): void {
    if (r.limit <= r.base) throw new RuntimeFault('attempted to add zero-sized address range', 'addrRanges.add');
    const i = this.findSucc(r.base);
    const down = i > 0 && this.ranges[i - 1]!.limit === r.base;
    const up = i < this.ranges.length && r.limit === this.ranges[i]!.base;
    if (down && up) {
      this.ranges[i - 1] = { base: this.ranges[i - 1]!.base, limit: this.ranges[i]!.limit };
      this.ranges.splice(i, 1);
    } else if (down) {
      this.ranges[i - 1] = { base: this.ranges[i - 1]!.base, limit: r.limit };
    } else if (up) {
      this.ranges[i] = { base: r.base, limit: this.ranges[i]!.limit };
    } else {
      this.ranges.splice(i, 0, { base: r.base, limit: r.limit });
    }
  }
}

export interface pageAllocOptions {
  /** OS page size in bytes (4096 on linux/amd64). Scavenging releases whole physical pages. */
  physPageSize?: number;
  /** Transparent huge page size in bytes (2 MiB on linux/amd64); 0 disables huge-page care. */
  physHugePageSize?: number;
}

/** Read-only view of one chunk for the UI. */
export interface pallocChunkView {
  readonly ci: number;
  readonly base: number;
  /** Alloc bitmap, 16 words of 32 pages (bit j of word k <=> page 32k+j); a copy. */
  readonly alloc: Uint32Array;
  /** Scavenged bitmap, same layout; a copy. */
  readonly scavenged: Uint32Array;
  readonly summary: pallocSum;
}

/** A non-empty summary entry for the UI. */
export interface summaryEntryView {
  readonly level: number;
  readonly index: number;
  /** Address of the first byte the entry covers (may lie outside grown memory). */
  readonly base: number;
  /** Pages the entry covers (1 << levelLogPages[level]). */
  readonly npages: number;
  readonly start: number;
  readonly max: number;
  readonly end: number;
}

export interface pageCountsView {
  readonly total: number;
  /** Pages with the alloc bit set: spans plus pages held by page caches. */
  readonly inUse: number;
  readonly free: number;
  /** Scavenged pages (all of them free; scavenged pages inside a page cache are in `pageCache.scav`). */
  readonly scavenged: number;
}

export class pageAlloc {
  /** summary[l] for l in 0..4; summary[4] is the leaf level (one entry per chunk). */
  readonly summary: readonly summaryLevel[];
  private readonly chunks = new Map<number, pallocData>();
  /** Where allocation searches begin; every page below it is in use. */
  searchAddr = maxSearchAddr;
  /** Where the next scavenge search begins (inclusive); moves down the heap. */
  scavAddr = minScavAddr;
  /** Chunk indices [start, end) the allocator knows; 0, 0 before the first grow. */
  start = 0;
  end = 0;
  /** Address ranges passed to grow. */
  readonly inUse = new addrRanges();
  /** Bytes released by the scavenger since the last resetScavengeAddr (Go's scavReleased). */
  scavReleased = 0;
  readonly physPageSize: number;
  readonly physHugePageSize: number;

  constructor(opts: pageAllocOptions = {}) {
    this.physPageSize = opts.physPageSize ?? 4096;
    this.physHugePageSize = opts.physHugePageSize ?? 2 << 20;
    const minPages = Math.max(1, Math.floor(this.physPageSize / _PageSize));
    if ((minPages & (minPages - 1)) !== 0 || minPages > 64) {
      throw new RuntimeFault(`unsupported physPageSize ${this.physPageSize}`, 'pageAlloc.init');
    }
    const levels: summaryLevel[] = [];
    for (let l = 0; l < summaryLevels; l++) levels.push(new summaryLevel(l));
    this.summary = levels;
  }

  /** The bitmaps of grown chunk ci. */
  chunkOf(ci: number): pallocData {
    const c = this.chunks.get(ci);
    if (c === undefined) {
      throw new RuntimeFault(`chunk ${ci} (${hex(chunkBase(ci))}) is not part of the heap`, 'pageAlloc.chunkOf');
    }
    return c;
  }

  /** Is chunk ci grown? */
  hasChunk(ci: number): boolean {
    return this.chunks.has(ci);
  }

  /** Compares addr with searchAddr in the linear address space: <0, 0, >0. */
  compareSearchAddrTo(addr: number): number {
    return addr < this.searchAddr ? -1 : addr > this.searchAddr ? 1 : 0;
  }

  /**
   * Adds the address range [base, base+size), rounded out to whole chunks, to the heap. The new
   * pages are free and scavenged. Like a free, it may lower searchAddr.
   */
  grow(base: number, size: number): void {
    const limit = Math.ceil((base + size) / pallocChunkBytes) * pallocChunkBytes;
    base = Math.floor(base / pallocChunkBytes) * pallocChunkBytes;
    if (limit <= base) throw new RuntimeFault('attempted to grow by zero bytes', 'pageAlloc.grow');
    const start = chunkIndex(base);
    const end = chunkIndex(limit);
    for (let c = start; c < end; c++) {
      if (this.chunks.has(c)) {
        throw new RuntimeFault(`grow overlaps chunk ${c} (${hex(chunkBase(c))}) already in the heap`, 'pageAlloc.grow');
      }
    }
    const firstGrowth = this.start === 0;
    if (firstGrowth || start < this.start) this.start = start;
    if (end > this.end) this.end = end;
    this.inUse.add({ base, limit });
    if (this.compareSearchAddrTo(base) < 0) this.searchAddr = base;
    for (let c = start; c < end; c++) {
      const chunk = new pallocData();
      chunk.scavenged.setAll();
      this.chunks.set(c, chunk);
    }
    this.update(base, (limit - base) / _PageSize, true, false);
  }

  /**
   * Recomputes the summaries after the bitmaps of [base, base+npages) changed. contig says the
   * change was one contiguous alloc (alloc=true) or free, so whole chunks inside the range can be
   * set directly.
   */
  update(base: number, npages: number, contig: boolean, alloc: boolean): void {
    const limit = base + npages * _PageSize - 1; // inclusive
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit);
    const leaf = this.summary[summaryLevels - 1]!;
    if (sc === ec) {
      const y = this.chunkOf(sc).summarize();
      if (!leaf.set(sc, y.start, y.max, y.end)) return;
    } else if (contig) {
      const s = this.chunkOf(sc).summarize();
      leaf.set(sc, s.start, s.max, s.end);
      const whole = alloc ? emptySum : freeChunkSum;
      for (let c = sc + 1; c < ec; c++) leaf.set(c, whole.start, whole.max, whole.end);
      const e = this.chunkOf(ec).summarize();
      leaf.set(ec, e.start, e.max, e.end);
    } else {
      for (let c = sc; c <= ec; c++) {
        const s = this.chunkOf(c).summarize();
        leaf.set(c, s.start, s.max, s.end);
      }
    }
    let changed = true;
    for (let l = summaryLevels - 2; l >= 0 && changed; l--) {
      changed = false;
      const below = this.summary[l + 1]!;
      const level = this.summary[l]!;
      const perBlock = 1 << levelBits[l + 1]!;
      const logMaxPages = levelLogPages[l + 1]!;
      const [lo, hi] = addrsToSummaryRange(l, base, limit + 1);
      const children: pallocSum[] = new Array<pallocSum>(perBlock);
      for (let i = lo; i < hi; i++) {
        for (let k = 0; k < perBlock; k++) children[k] = below.get(i * perBlock + k);
        const sum = mergeSummaries(children, logMaxPages);
        if (level.set(i, sum.start, sum.max, sum.end)) changed = true;
      }
    }
  }

  /**
   * Marks [base, base+npages) in use (and no longer scavenged) and updates the summaries.
   * Returns the bytes of the range that were scavenged.
   */
  allocRange(base: number, npages: number): number {
    this.checkRange(base, npages, 'pageAlloc.allocRange');
    const limit = base + npages * _PageSize - 1;
    const sc = chunkIndex(base);
    const ec = chunkIndex(limit);
    const si = chunkPageIndex(base);
    const ei = chunkPageIndex(limit);
    let scav = 0;
    if (sc === ec) {
      const chunk = this.chunkOf(sc);
      scav += chunk.scavenged.popcntRange(si, ei + 1 - si);
      chunk.allocRange(si, ei + 1 - si);
    } else {
      const first = this.chunkOf(sc);
      scav += first.scavenged.popcntRange(si, pallocChunkPages - si);
      first.allocRange(si, pallocChunkPages - si);
      for (let c = sc + 1; c < ec; c++) {
        const chunk = this.chunkOf(c);
        scav += chunk.scavenged.popcntAll();
        chunk.allocAll();
      }
      const last = this.chunkOf(ec);
      scav += last.scavenged.popcntRange(0, ei + 1);
      last.allocRange(0, ei + 1);
    }
    this.update(base, npages, true, true);
    return scav * _PageSize;
  }

  /**
   * The full radix-tree search for the first (address-ordered) run of npages free pages.
   * Returns [addr, candidate searchAddr]; addr is 0 when nothing fits (the candidate is then
   * maxSearchAddr).
   */
  find(npages: number): [number, number] {
    let i = 0;
    // firstFree: linear [base, bound] known to hold the first free page; narrowed while the
    // search descends through the entry holding it.
    let ffBase = 0;
    let ffBound = 2 ** heapAddrBits - 1;
    const foundFree = (addr: number, size: number): void => {
      if (ffBase <= addr && addr + size - 1 <= ffBound) {
        ffBase = addr;
        ffBound = addr + size - 1;
      } else if (!(addr + size - 1 < ffBase || addr > ffBound)) {
        throw new RuntimeFault(
          `range partially overlaps (addr = ${hex(addr)}, size = ${size}, base = ${hex(ffBase)}, bound = ${hex(ffBound)})`,
          'pageAlloc.find',
        );
      }
    };
    const linearSearchAddr = this.searchAddr + arenaBaseOffset;
    nextLevel: for (let l = 0; l < summaryLevels; l++) {
      const level = this.summary[l]!;
      const entriesPerBlock = 2 ** levelBits[l]!;
      const entryPages = 2 ** levelLogPages[l]!;
      const entryBytes = 2 ** levelShift[l]!;
      i *= entriesPerBlock;
      let j0 = 0;
      const searchIdx = Math.floor(linearSearchAddr / entryBytes);
      if (searchIdx - (searchIdx % entriesPerBlock) === i) j0 = searchIdx % entriesPerBlock;
      let base = 0; // page offset of the current run from the block's first page
      let size = 0;
      for (let j = j0; j < entriesPerBlock; j++) {
        if (l === 0) {
          // Skip never-grown stretches of the root level: they read as zero summaries.
          const next = level.nextStoredIndex(i + j);
          if (next !== i + j) {
            size = 0;
            j = next - i - 1;
            continue;
          }
        }
        const sum = level.get(i + j);
        if (sumIsEmpty(sum)) {
          size = 0;
          continue;
        }
        foundFree((i + j) * entryBytes, entryBytes);
        const s = sum.start;
        if (size + s >= npages) {
          if (size === 0) base = j * entryPages;
          size += s;
          break;
        }
        if (sum.max >= npages) {
          i += j;
          continue nextLevel;
        }
        if (size === 0 || s < entryPages) {
          size = sum.end;
          base = (j + 1) * entryPages - size;
          continue;
        }
        size += entryPages;
      }
      if (size >= npages) {
        const addr = i * entryBytes - arenaBaseOffset + base * _PageSize;
        return [addr, ffBase - arenaBaseOffset];
      }
      if (l === 0) return [0, maxSearchAddr];
      throw new RuntimeFault(
        `bad summary data: level ${l} block ${i} has no run of ${npages} pages its parent promised`,
        'pageAlloc.find',
      );
    }
    const ci = i;
    const [j, searchIdx] = this.chunkOf(ci).find(npages, 0);
    if (j < 0) {
      const sum = this.summary[summaryLevels - 1]!.get(ci);
      throw new RuntimeFault(`bad summary data: summary[4][${ci}] = ${formatSum(sum)}, npages = ${npages}`, 'pageAlloc.find');
    }
    const addr = chunkBase(ci) + j * _PageSize;
    const searchAddr = chunkBase(ci) + searchIdx * _PageSize;
    foundFree(searchAddr + arenaBaseOffset, chunkBase(ci + 1) - searchAddr);
    return [addr, ffBase - arenaBaseOffset];
  }

  /**
   * Allocates npages contiguous pages, address-ordered first fit. Returns the base address
   * (0 on failure) and the bytes of the range that were scavenged.
   */
  alloc(npages: number): { addr: number; scav: number } {
    if (!Number.isInteger(npages) || npages < 1) {
      throw new RuntimeFault(`bad npages ${npages}`, 'pageAlloc.alloc');
    }
    if (chunkIndex(this.searchAddr) >= this.end) return { addr: 0, scav: 0 };
    let addr = 0;
    let searchAddr = 0;
    let found = false;
    if (pallocChunkPages - chunkPageIndex(this.searchAddr) >= npages) {
      const i = chunkIndex(this.searchAddr);
      const max = this.summary[summaryLevels - 1]!.max(i);
      if (max >= npages) {
        const [j, searchIdx] = this.chunkOf(i).find(npages, chunkPageIndex(this.searchAddr));
        if (j < 0) {
          throw new RuntimeFault(
            `bad summary data: max = ${max}, npages = ${npages}, searchAddr = ${hex(this.searchAddr)}`,
            'pageAlloc.alloc',
          );
        }
        addr = chunkBase(i) + j * _PageSize;
        searchAddr = chunkBase(i) + searchIdx * _PageSize;
        found = true;
      }
    }
    if (!found) {
      [addr, searchAddr] = this.find(npages);
      if (addr === 0) {
        // Not even one page: the heap is exhausted. (A bigger request may just be fragmented.)
        if (npages === 1) this.searchAddr = maxSearchAddr;
        return { addr: 0, scav: 0 };
      }
    }
    const scav = this.allocRange(addr, npages);
    if (this.compareSearchAddrTo(searchAddr) > 0) this.searchAddr = searchAddr;
    return { addr, scav };
  }

  /** Returns [base, base+npages) to the heap. Scavenged bits are left as they are. */
  free(base: number, npages: number): void {
    this.checkRange(base, npages, 'pageAlloc.free');
    if (this.countInUse(base, npages) !== npages) {
      throw new RuntimeFault(`freeing free pages in [${hex(base)}, ${hex(base + npages * _PageSize)})`, 'pageAlloc.free');
    }
    if (this.compareSearchAddrTo(base) < 0) this.searchAddr = base;
    if (npages === 1) {
      this.chunkOf(chunkIndex(base)).free1(chunkPageIndex(base));
    } else {
      const limit = base + npages * _PageSize - 1;
      const sc = chunkIndex(base);
      const ec = chunkIndex(limit);
      const si = chunkPageIndex(base);
      const ei = chunkPageIndex(limit);
      if (sc === ec) {
        this.chunkOf(sc).free(si, ei + 1 - si);
      } else {
        this.chunkOf(sc).free(si, pallocChunkPages - si);
        for (let c = sc + 1; c < ec; c++) this.chunkOf(c).freeAll();
        this.chunkOf(ec).free(0, ei + 1);
      }
    }
    this.update(base, npages, true, false);
  }

  /**
   * Takes the aligned block of 64 pages holding the first free page: every page of it becomes
   * in use (and unscavenged) here, and the returned cache owns the ones that were free, with
   * their scavenged bits. An empty cache when the heap has no free page.
   */
  allocToCache(): pageCache {
    if (chunkIndex(this.searchAddr) >= this.end) return new pageCache();
    let c: pageCache;
    const ci = chunkIndex(this.searchAddr);
    const leaf = this.summary[summaryLevels - 1]!;
    if (!leaf.isEmpty(ci)) {
      const chunk = this.chunkOf(ci);
      const [j] = chunk.find(1, chunkPageIndex(this.searchAddr));
      if (j < 0) throw new RuntimeFault('bad summary data', 'pageAlloc.allocToCache');
      c = new pageCache(
        chunkBase(ci) + (j - (j % pageCachePages)) * _PageSize,
        ~chunk.pallocBits.block64Lo(j),
        ~chunk.pallocBits.block64Hi(j),
        chunk.scavenged.block64Lo(j),
        chunk.scavenged.block64Hi(j),
      );
    } else {
      const [addr] = this.find(1);
      if (addr === 0) {
        this.searchAddr = maxSearchAddr;
        return new pageCache();
      }
      const chunk = this.chunkOf(chunkIndex(addr));
      const pi = chunkPageIndex(addr);
      const blockBytes = pageCachePages * _PageSize;
      c = new pageCache(
        Math.floor(addr / blockBytes) * blockBytes,
        ~chunk.pallocBits.block64Lo(pi),
        ~chunk.pallocBits.block64Hi(pi),
        chunk.scavenged.block64Lo(pi),
        chunk.scavenged.block64Hi(pi),
      );
    }
    this.allocRange(c.base, pageCachePages);
    this.update(c.base, pageCachePages, false, true);
    this.searchAddr = c.base + _PageSize * (pageCachePages - 1);
    return c;
  }

  /**
   * Releases at least nbytes of free, unscavenged memory (whole physical pages; possibly more to
   * keep huge pages whole), highest addresses first, continuing from scavAddr. Returns the bytes
   * released (less when the heap below scavAddr has no more to give). Pass Infinity for "all".
   */
  scavenge(nbytes: number): number {
    let released = 0;
    while (released < nbytes) {
      const r = this.scavengeOne(nbytes - released);
      if (r === 0) break;
      released += r;
    }
    return released;
  }

  /** Moves the scavenger back to the top of the heap. */
  resetScavengeAddr(): void {
    this.scavReleased = 0;
    this.scavAddr = chunkBase(this.end) - 1;
  }

  /**
   * Finds the highest free, unscavenged run at or below scavAddr, scavenges up to max bytes of
   * it (rounded to physical pages, widened to keep a huge page whole) and returns the bytes
   * scavenged. Returns 0 and parks scavAddr at minScavAddr when the heap below has nothing left.
   */
  scavengeOne(max: number): number {
    const maxPages = Math.ceil(max / _PageSize);
    const minPages = Math.max(1, Math.floor(this.physPageSize / _PageSize));
    const leaf = this.summary[summaryLevels - 1]!;
    const ci = chunkIndex(this.scavAddr);
    if (ci < this.start) return 0;
    if (this.inUse.contains(this.scavAddr) && leaf.max(ci) >= minPages) {
      const [base, npages] = this.chunkOf(ci).findScavengeCandidate(
        chunkPageIndex(this.scavAddr), minPages, maxPages, this.pagesPerHugePage());
      if (npages !== 0) {
        this.scavengeRangeLocked(ci, base, npages);
        return npages * _PageSize;
      }
    }
    newRange: for (;;) {
      // The highest part of inUse at or below scavAddr.
      const top = this.inUse.findSucc(this.scavAddr);
      if (top === 0) break;
      const r0 = this.inUse.ranges[top - 1]!;
      const r: addrRange = { base: r0.base, limit: Math.min(r0.limit, this.scavAddr + 1) };
      if (r.limit <= r.base) break;
      const bot = chunkIndex(r.base);
      for (let i = chunkIndex(r.limit - 1); i >= bot; i--) {
        if (leaf.max(i) < minPages) continue;
        const chunk = this.chunks.get(i);
        if (chunk === undefined || !chunk.hasScavengeCandidate(minPages)) continue;
        const [base, npages] = chunk.findScavengeCandidate(pallocChunkPages - 1, minPages, maxPages, this.pagesPerHugePage());
        if (npages > 0) {
          this.scavengeRangeLocked(i, base, npages);
          return npages * _PageSize;
        }
        // Fooled (only possible with concurrent changes in Go): skip this chunk and retry.
        this.scavAddr = chunkBase(i - 1) + pallocChunkBytes - 1;
        continue newRange;
      }
      this.scavAddr = r.base - 1;
    }
    this.scavAddr = minScavAddr;
    return 0;
  }

  /** Marks [base, base+npages) of chunk ci scavenged and moves scavAddr just below it. */
  scavengeRangeLocked(ci: number, base: number, npages: number): void {
    this.chunkOf(ci).scavenged.setRange(base, npages);
    const addr = chunkBase(ci) + base * _PageSize;
    this.scavAddr = addr - 1;
    this.scavReleased += npages * _PageSize;
  }

  private pagesPerHugePage(): number {
    const h = this.physHugePageSize;
    return h > _PageSize && h > this.physPageSize ? Math.floor(h / _PageSize) : 0;
  }

  // ---- inspection (read-only) ----

  /** Grown chunks in address order, with copies of their bitmaps. */
  chunkList(): pallocChunkView[] {
    const leaf = this.summary[summaryLevels - 1]!;
    return this.sortedChunkIndices().map((ci) => {
      const c = this.chunks.get(ci)!;
      return {
        ci,
        base: chunkBase(ci),
        alloc: c.pallocBits.words.slice(),
        scavenged: c.scavenged.words.slice(),
        summary: leaf.get(ci),
      };
    });
  }

  /** For each level 0..4, its non-empty entries in index order. */
  summaryLevelViews(): summaryEntryView[][] {
    return this.summary.map((level, l) =>
      level.nonEmpty().map(({ index, sum }) => ({
        level: l,
        index,
        base: index * 2 ** levelShift[l]! - arenaBaseOffset,
        npages: 2 ** levelLogPages[l]!,
        start: sum.start,
        max: sum.max,
        end: sum.end,
      })),
    );
  }

  pageCounts(): pageCountsView {
    let inUse = 0;
    let scavenged = 0;
    for (const c of this.chunks.values()) {
      inUse += c.pallocBits.popcntAll();
      scavenged += c.scavenged.popcntAll();
    }
    const total = this.chunks.size * pallocChunkPages;
    return { total, inUse, free: total - inUse, scavenged };
  }

  /** Is page p (an address) in use? Throws for addresses outside the heap. */
  isPageInUse(p: number): boolean {
    return this.chunkOf(chunkIndex(p)).pallocBits.get(chunkPageIndex(p)) === 1;
  }

  /** Is page p (an address) scavenged? */
  isPageScavenged(p: number): boolean {
    return this.chunkOf(chunkIndex(p)).scavenged.get(chunkPageIndex(p)) === 1;
  }

  /** Every violated invariant, as a message; empty when the allocator is consistent. */
  checkInvariants(): string[] {
    const bad: string[] = [];
    const cis = this.sortedChunkIndices();
    // inUse ranges.
    const rs = this.inUse.ranges;
    for (let k = 0; k < rs.length; k++) {
      const r = rs[k]!;
      if (r.limit <= r.base) bad.push(`inUse[${k}] is empty: [${hex(r.base)}, ${hex(r.limit)})`);
      if (r.base % pallocChunkBytes !== 0 || r.limit % pallocChunkBytes !== 0) {
        bad.push(`inUse[${k}] [${hex(r.base)}, ${hex(r.limit)}) is not chunk aligned`);
      }
      if (k > 0 && rs[k - 1]!.limit >= r.base) {
        bad.push(`inUse[${k - 1}] and inUse[${k}] overlap, touch or are out of order`);
      }
      for (let c = chunkIndex(r.base); c < chunkIndex(r.limit); c++) {
        if (!this.chunks.has(c)) bad.push(`chunk ${c} is inside inUse[${k}] but was never grown`);
      }
    }
    for (const ci of cis) {
      if (!this.inUse.contains(chunkBase(ci))) bad.push(`chunk ${ci} is not covered by inUse`);
    }
    if (cis.length > 0) {
      if (this.start !== cis[0]) bad.push(`start = ${this.start}, want ${cis[0]} (lowest chunk)`);
      if (this.end !== cis[cis.length - 1]! + 1) bad.push(`end = ${this.end}, want ${cis[cis.length - 1]! + 1}`);
    }
    // Leaf summaries against the bitmaps.
    const leafLevel = summaryLevels - 1;
    const leaf = this.summary[leafLevel]!;
    for (const ci of cis) {
      const want = this.chunks.get(ci)!.summarize();
      const got = leaf.get(ci);
      if (!sumEqual(got, want)) bad.push(`summary[${leafLevel}][${ci}] = ${formatSum(got)}, bitmap says ${formatSum(want)}`);
    }
    for (const { index, sum } of leaf.nonEmpty()) {
      if (!this.chunks.has(index)) bad.push(`summary[${leafLevel}][${index}] = ${formatSum(sum)} for a chunk never grown`);
    }
    // Inner levels against their children.
    for (let l = summaryLevels - 2; l >= 0; l--) {
      const level = this.summary[l]!;
      const below = this.summary[l + 1]!;
      const perBlock = 2 ** levelBits[l + 1]!;
      const parents = new Set<number>();
      for (const { index } of level.nonEmpty()) parents.add(index);
      for (const { index } of below.nonEmpty()) parents.add(Math.floor(index / perBlock));
      for (const i of [...parents].sort((a, b) => a - b)) {
        const children: pallocSum[] = [];
        for (let k = 0; k < perBlock; k++) children.push(below.get(i * perBlock + k));
        const want = mergeSummaries(children, levelLogPages[l + 1]!);
        const got = level.get(i);
        if (!sumEqual(got, want)) bad.push(`summary[${l}][${i}] = ${formatSum(got)}, children merge to ${formatSum(want)}`);
      }
    }
    // searchAddr: nothing free below it. Scavenged pages are free.
    let firstFree = -1;
    for (const ci of cis) {
      const c = this.chunks.get(ci)!;
      if (firstFree < 0) {
        const [j] = c.find(1, 0);
        if (j >= 0) firstFree = chunkBase(ci) + j * _PageSize;
      }
      for (let k = 0; k < pallocChunkWords; k++) {
        const both = c.pallocBits.words[k]! & c.scavenged.words[k]!;
        if (both !== 0) {
          bad.push(`chunk ${ci} word ${k}: pages both in use and scavenged (mask 0x${(both >>> 0).toString(16)})`);
        }
      }
    }
    if (firstFree >= 0 && this.compareSearchAddrTo(firstFree) < 0) {
      bad.push(`searchAddr ${hex(this.searchAddr)} is above the first free page ${hex(firstFree)}`);
    }
    return bad;
  }

  /** Number of in-use pages in [base, base+npages). */
  private countInUse(base: number, npages: number): number {
    let n = 0;
    let p = base;
    let left = npages;
    while (left > 0) {
      const pi = chunkPageIndex(p);
      const k = Math.min(left, pallocChunkPages - pi);
      n += this.chunkOf(chunkIndex(p)).pallocBits.popcntRange(pi, k);
      left -= k;
      p += k * _PageSize;
    }
    return n;
  }

  private checkRange(base: number, npages: number, where: string): void {
    if (!Number.isInteger(npages) || npages < 1 || base % _PageSize !== 0) {
      throw new RuntimeFault(`bad range: base ${hex(base)}, npages ${npages}`, where);
    }
    const sc = chunkIndex(base);
    const ec = chunkIndex(base + npages * _PageSize - 1);
    for (let c = sc; c <= ec; c++) {
      if (!this.chunks.has(c)) {
        throw new RuntimeFault(`range [${hex(base)}, ${hex(base + npages * _PageSize)}) leaves the heap at chunk ${c}`, where);
      }
    }
  }

  private sortedChunkIndices(): number[] {
    return [...this.chunks.keys()].sort((a, b) => a - b);
  }
}

function hex(x: number): string {
  return x < 0 ? `-0x${(-x).toString(16)}` : `0x${x.toString(16)}`;
}
