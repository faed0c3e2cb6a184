/**
 * pageCache: the per-P page cache of the go1.14 page allocator.
 *
 * Models `pageCache` of `src/runtime/mpagecache.go` as of Go 1.14. A P takes a whole aligned
 * block of `pageCachePages` (64) pages from `pageAlloc.allocToCache` and then serves small span
 * allocations (mheap.allocSpan uses it for npages < pageCachePages/4 = 16) without the heap lock.
 *
 * Fields (Go's uint64 bitmaps kept as two uint32 halves: `...Lo` holds pages 0..31 of the block,
 * `...Hi` pages 32..63; bit i <=> page base + i*pageSize):
 *  - base: address of the block, 64-page aligned; 0 when the cache holds no block (new or flushed);
 *  - cache: 1 = free page owned by this cache, 0 = given out (or in use before the cache took it);
 *  - scav: 1 = that page is still scavenged.
 *
 * Invariants:
 *  - scav is a subset of cache (handing a page out clears both bits);
 *  - in the page allocator's bitmaps every page of the block is marked in use for as long as the
 *    cache holds it, and none of them is marked scavenged; `flush` gives the remaining pages back
 *    (alloc bit cleared, scavenged bit restored) and empties the cache.
 * Only this class changes its fields; `pageAlloc.allocToCache` creates it.
 */
import { _PageSize, pageCachePages } from '../constants';
import { RuntimeFault } from '../fault';
import type { pageAlloc } from './pagealloc';
import { ctz32, findBitRange64, popcnt32 } from './pallocbits';
import { chunkIndex, chunkPageIndex } from './pallocsum';

export class pageCache {
  constructor(
    public base = 0,
    public cacheLo = 0,
    public cacheHi = 0,
    public scavLo = 0,
    public scavHi = 0,
  ) {
    this.cacheLo >>>= 0;
    this.cacheHi >>>= 0;
    this.scavLo >>>= 0;
    this.scavHi >>>= 0;
  }

  /** True when the cache owns no free page. */
  empty(): boolean {
    return this.cacheLo === 0 && this.cacheHi === 0;
  }

  /** Free pages the cache still owns. */
  freePages(): number {
    return popcnt32(this.cacheLo) + popcnt32(this.cacheHi);
  }

  /**
   * Allocates npages contiguous pages from the block: a single page is the lowest free one,
   * more pages need a run inside the 64. Returns addr 0 when the cache cannot serve the request,
   * and scav = bytes of the returned pages that were scavenged.
   */
  alloc(npages: number): { addr: number; scav: number } {
    if (this.empty()) return { addr: 0, scav: 0 };
    if (npages === 1) {
      const i = this.cacheLo !== 0 ? ctz32(this.cacheLo) : 32 + ctz32(this.cacheHi);
      let scav: number;
      if (i < 32) {
        scav = (this.scavLo >>> i) & 1;
        this.cacheLo = (this.cacheLo & ~(1 << i)) >>> 0;
        this.scavLo = (this.scavLo & ~(1 << i)) >>> 0;
      } else {
        scav = (this.scavHi >>> (i - 32)) & 1;
        this.cacheHi = (this.cacheHi & ~(1 << (i - 32))) >>> 0;
        this.scavHi = (this.scavHi & ~(1 << (i - 32))) >>> 0;
      }
      return { addr: this.base + i * _PageSize, scav: scav * _PageSize };
    }
    return this.allocN(npages);
  }

  /** The general case of `alloc`: the lowest run of npages free pages in the block. */
  allocN(npages: number): { addr: number; scav: number } {
    if (npages < 1 || npages > pageCachePages) {
      throw new RuntimeFault(`bad npages ${npages} for a page cache of ${pageCachePages}`, 'pageCache.allocN');
    }
    const i = findBitRange64(this.cacheLo, this.cacheHi, npages);
    if (i >= 64) return { addr: 0, scav: 0 };
    const [maskLo, maskHi] = mask64(i, npages);
    const scav = popcnt32(this.scavLo & maskLo) + popcnt32(this.scavHi & maskHi);
    this.cacheLo = (this.cacheLo & ~maskLo) >>> 0;
    this.cacheHi = (this.cacheHi & ~maskHi) >>> 0;
    this.scavLo = (this.scavLo & ~maskLo) >>> 0;
    this.scavHi = (this.scavHi & ~maskHi) >>> 0;
    return { addr: this.base + i * _PageSize, scav: scav * _PageSize };
  }

  /**
   * Gives every page the cache still owns back to p: clears its alloc bit, restores its
   * scavenged bit, lowers p.searchAddr like a free would, refreshes the summaries, and empties
   * the cache.
   */
  flush(p: pageAlloc): void {
    if (this.empty()) return;
    const ci = chunkIndex(this.base);
    const pi = chunkPageIndex(this.base);
    const chunk = p.chunkOf(ci);
    for (let i = 0; i < pageCachePages; i++) {
      const half = i < 32;
      const bit = 1 << (i & 31);
      if (((half ? this.cacheLo : this.cacheHi) & bit) !== 0) chunk.free1(pi + i);
      if (((half ? this.scavLo : this.scavHi) & bit) !== 0) chunk.scavenged.set(pi + i);
    }
    if (p.compareSearchAddrTo(this.base) < 0) p.searchAddr = this.base;
    p.update(this.base, pageCachePages, false, false);
    this.base = 0;
    this.cacheLo = this.cacheHi = this.scavLo = this.scavHi = 0;
  }
}

/** The two 32-bit halves of a mask of n bits starting at bit i of a 64-bit word. */
function mask64(i: number, n: number): [number, number] {
  let lo = 0;
  let hi = 0;
  const end = i + n;
  if (i < 32) lo = rangeBits(i, Math.min(end, 32));
  if (end > 32) hi = rangeBits(Math.max(i, 32) - 32, end - 32);
  return [lo, hi];
}

/** Bits [a, b) of a 32-bit word, 0 <= a < b <= 32. */
function rangeBits(a: number, b: number): number {
  return ((0xffffffff >>> (32 - (b - a))) << a) >>> 0;
}
