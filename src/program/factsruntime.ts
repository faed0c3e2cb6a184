/**
 * Heap facts at run time: one getter per fact key of facts.ts, resolved once per expression when
 * the program is compiled (no name lookups while running). `span(x)`, `obj(x)` take an object
 * address or a stack; `class(n)` and `sizeclass(n)` take a size.
 */
import type { Heap, StackHandle } from '../engine/heap';
import type { mspan } from '../engine/mspan';
import { _KindSpecialFinalizer, _KindSpecialProfile } from '../engine/specials';
import { sizeToClass } from '../engine/sizeclasses';

export type FactValue = number | boolean | string;
type HeapGetter = (hp: Heap) => FactValue;
type SpanGetter = (s: mspan, hp: Heap) => FactValue;
type ObjGetter = (addr: number, s: mspan, hp: Heap) => FactValue;

/** Bytes of the profiling bucket hash table, allocated with the first sampled allocation (buckHashSize * 8). */
const buckHashBytes = 179999 * 8;

export function totalSys(hp: Heap): number {
  const st = hp.h.memstats;
  return st.heap_sys + st.stacks_sys + st.mspan_sys + st.mcache_sys + gcSys(hp) + buckHashSys(hp);
}

export function gcSys(hp: Heap): number {
  return hp.h.gcBits !== null ? hp.h.gcBits.stats().sysBytes : 0;
}

export function buckHashSys(hp: Heap): number {
  return hp.h.mProf.size > 0 ? buckHashBytes : 0;
}

export const heapGetters: Record<string, HeapGetter> = {
  alloc: (hp) => hp.h.memstats.heap_alloc,
  sys: (hp) => hp.h.memstats.heap_sys,
  idle: (hp) => hp.h.memstats.heap_idle,
  inuse: (hp) => hp.h.memstats.heap_inuse,
  released: (hp) => hp.h.memstats.heap_released,
  objects: (hp) => hp.h.memstats.heap_objects,
  totalAlloc: (hp) => hp.h.memstats.total_alloc,
  totalSys,
  mallocs: (hp) => hp.h.memstats.nmalloc + hp.h.memstats.tinyallocs,
  frees: (hp) => hp.h.memstats.nfree + hp.h.memstats.tinyallocs,
  stackInuse: (hp) => hp.h.memstats.stacks_inuse,
  stackSys: (hp) => hp.h.memstats.stacks_sys,
  mspanInuse: (hp) => hp.h.memstats.mspan_inuse,
  mspanSys: (hp) => hp.h.memstats.mspan_sys,
  mcacheInuse: (hp) => hp.h.memstats.mcache_inuse,
  mcacheSys: (hp) => hp.h.memstats.mcache_sys,
  buckHashSys,
  gcSys,
  otherSys: () => 0,
  nextGC: (hp) => hp.h.memstats.next_gc,
  lastGC: (hp) => hp.h.memstats.last_gc,
  numGC: (hp) => hp.h.memstats.numgc,
  numForcedGC: (hp) => hp.h.memstats.numforcedgc,
  live: (hp) => hp.h.memstats.heap_live,
  marked: (hp) => hp.h.memstats.heap_marked,
  trigger: (hp) => hp.h.memstats.gc_trigger,
  pagesInUse: (hp) => hp.h.pagesInUse,
  pagesSwept: (hp) => hp.h.memstats.pagesSwept,
  sweepgen: (hp) => hp.h.sweepgen,
  allspans: (hp) => hp.h.spansCreated(),
  largealloc: (hp) => hp.h.memstats.largealloc,
  nlargealloc: (hp) => hp.h.memstats.nlargealloc,
  scavengeGoal: (hp) => hp.h.scavengeGoal,
};

export const spanGetters: Record<string, SpanGetter> = {
  startAddr: (s) => s.startAddr,
  npages: (s) => s.npages,
  nelems: (s) => s.nelems,
  allocCount: (s) => s.allocCount,
  ref: (s) => s.allocCount,
  freeindex: (s) => s.freeindex,
  elemsize: (s) => s.elemsize,
  sizeclass: (s) => s.sizeclass(),
  spanclass: (s) => s.spanclass,
  noscan: (s) => s.noscan(),
  state: (s) => s.state,
  sweepgen: (s) => s.sweepgen,
  limit: (s) => s.limit,
  needzero: (s) => s.needzero,
  specials: (s) => s.specials.length,
  unusedsince: (s) => s.unusedsince,
  npreleased: (s) => s.npreleased,
  scavenged: () => false,
};

const hasSpecial = (addr: number, s: mspan, kind: number): boolean => s.specials.some((x) => x.kind === kind && Math.floor(x.offset / s.elemsize) === s.objIndex(addr));

export const objGetters: Record<string, ObjGetter> = {
  addr: (a) => a,
  size: (a, _s, hp) => hp.requestedSize(a),
  elemsize: (_a, s) => s.elemsize,
  sizeclass: (_a, s) => s.sizeclass(),
  index: (a, s) => s.objIndex(a),
  noscan: (a, _s, hp) => hp.isNoscan(a),
  tiny: (a, s) => s.tinySizes !== null && s.tinySizes.has(a - s.startAddr),
  marked: (a, s) => s.isMarked(s.objIndex(a)),
  hasFinalizer: (a, s) => hasSpecial(a, s, _KindSpecialFinalizer),
  sampled: (a, s) => hasSpecial(a, s, _KindSpecialProfile),
};

/** roundupsize: the bytes an n-byte allocation takes. */
export function classSize(hp: Heap, n: number): number {
  if (n <= 0) return 0;
  if (n <= 32768) return hp.h.sc.class_to_size[sizeToClass(hp.h.sc, n)];
  return Math.ceil(n / 8192) * 8192;
}

export function sizeClassOf(hp: Heap, n: number): number {
  return hp.sizeclass(n);
}

/** The span of an object address or a stack handle (null when not in the heap). */
export function spanOfValue(hp: Heap, v: unknown): mspan | null {
  if (typeof v === 'number') return v === 0 ? null : hp.spanOf(v);
  if (v !== null && typeof v === 'object' && 'span' in v) return (v as StackHandle).span;
  return null;
}
