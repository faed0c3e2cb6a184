/**
 * PageHeap: the part of mheap that owns address space and pages, which is where the three eras
 * differ most. `pageheap_lists.ts` implements go1.5/go1.10 (free lists of free *spans*, with a
 * freelarge list or treap, and coalescing); `pageheap_radix.ts` implements go1.14 (a bitmap page
 * allocator with no free spans at all).
 *
 * Contract shared by both (mheap.ts relies on it):
 *  - `allocSpanLocked` returns a span whose pages all map to it in the span map, whose state the
 *    caller sets, with heap_idle already reduced and `stat` increased by its bytes;
 *  - `freeSpanLocked` takes an in-use or manual span back, updates heap_inuse/heap_idle as asked;
 *  - `spanOf` answers for any address (null outside the heap or for free pages in go1.14);
 *  - `checkInvariants` appends every violation it finds.
 */
import type { mspan } from './mspan';
import type { mheap } from './mheap';

export type PageRangeKind = 'span' | 'free' | 'released' | 'cached';

export type SysStat = 'heap_inuse' | 'stacks_inuse';

export interface PageHeap {
  allocSpanLocked(h: mheap, npage: number, stat: SysStat, p: number): mspan | null;
  freeSpanLocked(h: mheap, s: mspan, acctinuse: boolean, acctidle: boolean, unusedsince: number): void;
  spanOf(addr: number): mspan | null;
  /**
   * Periodic/forced scavenging: release memory to the OS (spans idle for more than `limit` ns, or
   * every free page when `all`), stopping once `maxBytes` are released. Returns bytes released.
   */
  scavenge(h: mheap, now: number, limit: number, all: boolean, maxBytes?: number): number;
  /** Bytes of the reserved address space handed to the heap so far. */
  mappedBytes(): number;
  /**
   * Every page range of the heap in address order: owned by a span, free (retained), free and
   * released to the OS, or (go1.14) reserved in a P's page cache.
   */
  forEachRange(h: mheap, fn: (base: number, npages: number, kind: PageRangeKind, s: mspan | null) => void): void;
  checkInvariants(h: mheap, out: string[]): void;
}
