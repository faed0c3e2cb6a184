/**
 * mstats: the runtime's memory statistics under Go's names (`memstats` in malloc.go/mstats.go).
 *
 * Accounting identities (checked in invariants.ts):
 *  - heap_sys = heap_inuse + heap_idle (go1.5 counts stacks inside heap_inuse; go1.10 and go1.14
 *    take manual spans out of heap_sys and count them in stacks_inuse only);
 *  - heap_released <= heap_idle;
 *  - heap_objects = nmalloc - nfree (tiny allocations count once per 16-byte block);
 *  - heap_alloc = sum over live objects of their rounded size.
 * The runtime batches some counters in each mcache (`local_*`) and folds them in on demand; the
 * engine updates them directly, which gives the same numbers at every point a user can observe.
 */
import { _NumSizeClasses } from './constants';

export class mstats {
  /** Bytes of heap obtained from the OS (go1.10+: excluding manual spans). */
  heap_sys = 0;
  heap_inuse = 0;
  heap_idle = 0;
  heap_released = 0;
  /** Bytes of allocated heap objects (live or not yet swept). */
  heap_alloc = 0;
  /** Bytes considered live by the pacer: marked at the last GC plus allocated since (with cached spans counted in full). */
  heap_live = 0;
  heap_marked = 0;
  heap_objects = 0;
  /** Cumulative bytes allocated (MemStats.TotalAlloc). */
  total_alloc = 0;
  nmalloc = 0;
  nfree = 0;
  tinyallocs = 0;
  largealloc = 0;
  nlargealloc = 0;
  largefree = 0;
  nlargefree = 0;
  /** Per size class: objects allocated and freed. */
  readonly by_size_nmalloc = new Float64Array(_NumSizeClasses);
  readonly by_size_nfree = new Float64Array(_NumSizeClasses);
  stacks_inuse = 0;
  stacks_sys = 0;
  mspan_inuse = 0;
  mspan_sys = 0;
  mcache_inuse = 0;
  mcache_sys = 0;
  /** gcBits arenas and other GC metadata. */
  gc_sys = 0;
  next_gc = 0;
  gc_trigger = 0;
  numgc = 0;
  numforcedgc = 0;
  /** Simulated time of the last GC (ns). */
  last_gc = 0;
  /** Spans swept in the current cycle, and by whom (sweep counters). */
  nsweep = 0;
  pagesSwept = 0;
  nreclaimed = 0;
  /** Proportional-sweep pacing: pages to sweep per byte allocated, and the basis. */
  sweepPagesPerByte = 0;
  pagesSweptBasis = 0;
  sweepHeapLiveBasis = 0;
  /** Scavenger totals. */
  nscavenged = 0;
}

export type MemStatsField = Exclude<keyof mstats, 'by_size_nmalloc' | 'by_size_nfree'>;
