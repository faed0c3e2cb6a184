/**
 * Heap snapshots: the state of an interpreter's heap as the pictures see it (src/protocol/heapview.ts)
 * — span rows and details (object grid, allocCache, go1.5 free list, references), mcentral lists,
 * mcaches, specials, the model's page-heap structure (free lists + freelarge / treap in
 * go1.5/go1.10, radix chunks + summary levels in go1.14), and the whole HeapSnapshot with the page
 * map (pagemap.ts) and the breakdown of heap_sys (heapbreakdown.ts), re-exported here. Pure: reads
 * the engine, changes nothing; the debug adapter and the CLI can both use it.
 *
 * Invariants (test/program/heapsnapshot.test.ts checks each against the spans and memstats):
 *  - every id in mcentral lists, mcache.alloc, specials and the page-heap view names a live span;
 *    a span row's `cachedBy` is the P whose mcache holds it;
 *  - mcentral lists are in list order; the page-heap lists hold exactly the free spans of their
 *    size (free[n], freelarge / treap for 128 pages and more), radix chunk counts agree with the
 *    page runs inside each chunk;
 *  - lists are capped (LIST_MAX ids, TREAP_DEPTH levels) so no part grows with the heap without
 *    bound; a capped list says how long it really is (`...Total`, `hidden`).
 */
import { _MaxMHeapList, _PageSize, pallocChunkPages } from '../engine/constants';
import type { mheap } from '../engine/mheap';
import type { mspan } from '../engine/mspan';
import { freelargeList, type listsPageHeap } from '../engine/pageheap_lists';
import { radixPageHeap } from '../engine/pageheap_radix';
import { _KindSpecialFinalizer } from '../engine/specials';
import { mTreap, type treapNodeView } from '../engine/treap';
import type {
  HeapSnapshot, StopPoint, TimelinePoint, TransitionRow, McacheView, McentralView, MemStatsView, ObjectState, PageHeapView, SpanDetail, SpanRow, SpecialView, TreapNodeView,
} from '../protocol/heapview';
import type { Interpreter } from './interpreter';
import { gcbitsBytes, heapBreakdown, requestedBytes, tinyBySlot } from './heapbreakdown';
import { arenaBounds, pageRuns } from './pagemap';

export * from './heapbreakdown';
export * from './pagemap';

/** Ids shown per list (mcentral lists, free lists, freelarge); the rest are counted. */
export const LIST_MAX = 256;
/** Treap levels drawn; deeper nodes are counted in `hidden`. */
export const TREAP_DEPTH = 8;
/** Script references listed per span in a SpanDetail. */
const REFS_MAX = 1000;

const popcount32 = (x: number): number => {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Which P's mcache holds each cached span. */
export function cacheOwners(h: mheap): Map<mspan, number> {
  const m = new Map<mspan, number>();
  for (const c of h.caches) for (const s of c.alloc) if (s !== null) m.set(s, c.p);
  return m;
}

/** Every live span, in address order. */
export function spansByAddress(h: mheap): mspan[] {
  return [...h.allspans].sort((a, b) => a.startAddr - b.startAddr);
}

export function findSpan(h: mheap, id: number): mspan | null {
  for (const s of h.allspans) if (s.id === id) return s;
  return null;
}

export function spanRow(s: mspan, owners: Map<mspan, number>): SpanRow {
  return {
    id: s.id,
    base: s.startAddr,
    npages: s.npages,
    state: s.state,
    spanclass: s.state === 'mSpanInUse' ? s.spanclass : 0,
    sizeclass: s.state === 'mSpanInUse' ? s.sizeclass() : 0,
    noscan: s.state === 'mSpanInUse' && s.noscan(),
    elemsize: s.elemsize,
    nelems: s.nelems,
    allocCount: s.allocCount,
    freeindex: s.freeindex,
    sweepgen: s.sweepgen,
    cachedBy: owners.get(s) ?? -1,
    nspecials: s.specials.length,
    requestedBytes: requestedBytes(s),
  };
}

/** All span rows in address order. */
export function spanRows(h: mheap): SpanRow[] {
  const owners = cacheOwners(h);
  return spansByAddress(h).map((s) => spanRow(s, owners));
}

export function memstatsView(h: mheap): MemStatsView {
  const st = h.memstats;
  return {
    heap_sys: st.heap_sys,
    heap_inuse: st.heap_inuse,
    heap_idle: st.heap_idle,
    heap_released: st.heap_released,
    heap_alloc: st.heap_alloc,
    heap_live: st.heap_live,
    heap_objects: st.heap_objects,
    next_gc: st.next_gc,
    stacks_inuse: st.stacks_inuse,
    mspan_inuse: st.mspan_inuse,
    mspan_sys: st.mspan_sys,
    mcache_inuse: st.mcache_inuse,
    mcache_sys: st.mcache_sys,
    gcbits_bytes: gcbitsBytes(h),
    nmalloc: st.nmalloc,
    nfree: st.nfree,
    numgc: st.numgc,
    sweepgen: h.sweepgen,
    nanotime: h.nanotime,
    gcpercent: h.gogc,
  };
}

function classOf(h: mheap, spanclass: number): { sizeclass: number; noscan: boolean } {
  return h.model.noscanSpanClasses ? { sizeclass: spanclass >> 1, noscan: (spanclass & 1) === 1 } : { sizeclass: spanclass >> 1, noscan: false };
}

function cappedIds(list: Iterable<mspan>, max = LIST_MAX): number[] {
  const ids: number[] = [];
  for (const s of list) {
    if (ids.length >= max) break;
    ids.push(s.id);
  }
  return ids;
}

/** mcentral of every span class with a span on either list (list order, capped at LIST_MAX ids). */
export function mcentralViews(h: mheap): McentralView[] {
  const out: McentralView[] = [];
  for (const c of h.central) {
    if (c.nonempty.n === 0 && c.empty.n === 0 && c.nmalloc === 0) continue;
    out.push(mcentralView(h, c.spanclass));
  }
  return out;
}

export function mcentralView(h: mheap, spanclass: number): McentralView {
  const c = h.central[spanclass];
  const { sizeclass, noscan } = classOf(h, spanclass);
  const v: McentralView & { nonemptyTotal?: number; emptyTotal?: number } = {
    spanclass,
    sizeclass,
    noscan,
    nonempty: cappedIds(c.nonempty),
    empty: cappedIds(c.empty),
    nmalloc: c.nmalloc,
    ...(c.nonempty.n > LIST_MAX ? { nonemptyTotal: c.nonempty.n } : {}),
    ...(c.empty.n > LIST_MAX ? { emptyTotal: c.empty.n } : {}),
  };
  return v;
}

export function mcacheViews(h: mheap): McacheView[] {
  const radix = h.pages instanceof radixPageHeap ? h.pages : null;
  return h.caches.map((c) => {
    const alloc: { spanclass: number; span: number }[] = [];
    c.alloc.forEach((s, spc) => {
      if (s !== null) alloc.push({ spanclass: spc, span: s.id });
    });
    const pc = radix?.pcache[c.p];
    return {
      p: c.p,
      alloc,
      tiny: c.tiny,
      tinyoffset: c.tinyoffset,
      pageCache: pc === undefined ? null : { base: pc.base, npages: pc.freePages() },
    };
  });
}

export function specialViews(it: Interpreter): SpecialView[] {
  const h = it.heap.h;
  const out: SpecialView[] = [];
  for (const s of h.allspans) {
    if (s.specials.length === 0) continue;
    for (const sp of s.specials) {
      const stmt = it.program.statements[sp.site];
      out.push({ addr: s.startAddr + sp.offset, span: s.id, kind: sp.kind === _KindSpecialFinalizer ? 'finalizer' : 'profile', line: sp.kind === _KindSpecialFinalizer || stmt === undefined ? -1 : stmt.line });
    }
  }
  return out.sort((a, b) => a.addr - b.addr || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}

export function finalizerQueue(h: mheap): number[] {
  return h.finq.map((f) => f.addr);
}

/** The model's page-heap structure: free lists and freelarge / treap, or the radix allocator. */
export function pageHeapView(h: mheap): PageHeapView {
  const ph = h.pages;
  if (ph instanceof radixPageHeap) {
    const pa = ph.pages;
    const chunks = pa.chunkList().map((c) => {
      let alloc = 0;
      let scavenged = 0;
      for (let k = 0; k < c.alloc.length; k++) {
        alloc += popcount32(c.alloc[k]);
        scavenged += popcount32(c.scavenged[k]);
      }
      return { base: c.base, alloc, scavenged };
    });
    const levels = pa.summaryLevelViews().map((lv) => lv.map((e) => ({ i: e.index, start: e.start, max: e.max, end: e.end })));
    // scavAddr starts at minScavAddr, which the engine keeps as -arenaBaseOffset; Go's uintptr
    // wraps it to 0xffff800000000000, which a double holds exactly. Show Go's value.
    const uintptr = (a: number): number => (a < 0 ? 2 ** 64 + a : a);
    return { kind: 'radix', chunks, levels, searchAddr: uintptr(pa.searchAddr), scavAddr: uintptr(pa.scavAddr) };
  }
  const lp = ph as listsPageHeap;
  const free: { npages: number; spans: number[]; total?: number }[] = [];
  const busy: { npages: number; count: number }[] = [];
  for (let i = 1; i < _MaxMHeapList; i++) {
    const l = lp.free[i];
    if (l.n > 0) free.push({ npages: i, spans: cappedIds(l), ...(l.n > LIST_MAX ? { total: l.n } : {}) });
    if (lp.busy[i].n > 0) busy.push({ npages: i, count: lp.busy[i].n });
  }
  let freelarge: number[] | null = null;
  let treap: TreapNodeView | null = null;
  let freelargeTotal = 0;
  if (lp.freelarge instanceof freelargeList) {
    freelarge = cappedIds(lp.freelarge.list);
    if (lp.freelarge.list.n > LIST_MAX) freelargeTotal = lp.freelarge.list.n;
  } else if (lp.freelarge instanceof mTreap) treap = treapView((lp.freelarge as mTreap<mspan>).treap, 0);
  return { kind: 'lists', free, freelarge, treap, busy, busylarge: lp.busylarge.n, ...(freelargeTotal > 0 ? { freelargeTotal } : {}) };
}

function treapSize(n: treapNodeView<mspan> | null): number {
  return n === null ? 0 : 1 + treapSize(n.left) + treapSize(n.right);
}

function treapView(n: treapNodeView<mspan> | null, depth: number): TreapNodeView | null {
  if (n === null) return null;
  const s = n.spanKey;
  if (depth + 1 >= TREAP_DEPTH) {
    const hidden = treapSize(n.left) + treapSize(n.right);
    return { span: s.id, npages: n.npagesKey, base: s.startAddr, priority: n.priority, left: null, right: null, ...(hidden > 0 ? { hidden } : {}) };
  }
  return { span: s.id, npages: n.npagesKey, base: s.startAddr, priority: n.priority, left: treapView(n.left, depth + 1), right: treapView(n.right, depth + 1) };
}

/** The span inspector's view of one span (null when no live span has this id). */
export function spanDetail(it: Interpreter, id: number): SpanDetail | null {
  const h = it.heap.h;
  const s = findSpan(h, id);
  if (s === null) return null;
  const row = spanRow(s, cacheOwners(h));
  const objects: ObjectState[] = [];
  if (s.state === 'mSpanInUse') {
    const tiny = tinyBySlot(s);
    for (let i = 0; i < s.nelems; i++) {
      if (!s.isAllocated(i)) objects.push('free');
      else if (tiny !== null && tiny[i] > 0) objects.push('tiny');
      else if (s.isMarked(i)) objects.push('marked');
      else objects.push('allocated');
    }
  }
  const specials = s.specials.map((sp) => ({ slot: s.elemsize === 0 ? 0 : Math.floor(sp.offset / s.elemsize), offset: sp.offset, kind: sp.kind === _KindSpecialFinalizer ? ('finalizer' as const) : ('profile' as const) }));
  let allocCache: string | null = null;
  let freelist: number[] | null = null;
  if (s.allocBits !== null) allocCache = s.allocCache().toString(16).padStart(16, '0');
  else if (s.freeNext !== null && s.state === 'mSpanInUse') {
    freelist = [];
    for (let i = s.freelist; i >= 0 && freelist.length < s.nelems; i = s.freeNext[i]) freelist.push(i);
  }
  return { row, objects, specials, allocCache, freelist, heapSweepgen: h.sweepgen, referencedBy: referencesInto(it, s) };
}

/** Script variables (and array elements) that point into the span, with the slot they point at. */
export function referencesInto(it: Interpreter, s: mspan): { name: string; slot: number }[] {
  const out: { name: string; slot: number }[] = [];
  const lo = s.startAddr;
  const hi = s.end();
  const slotOf = (a: number): number => (s.elemsize === 0 ? 0 : Math.floor((a - lo) / s.elemsize));
  const slots = it.program.slots;
  for (let k = 0; k < slots.length && out.length < REFS_MAX; k++) {
    const sl = slots[k];
    const v = it.vals[k];
    if (sl.type === 'ref') {
      const a = v as number;
      if (a >= lo && a < hi) out.push({ name: sl.name, slot: slotOf(a) });
    } else if (sl.type === 'array') {
      const arr = v as Float64Array;
      for (let i = 0; i < arr.length && out.length < REFS_MAX; i++) if (arr[i] >= lo && arr[i] < hi) out.push({ name: `${sl.name}[${i}]`, slot: slotOf(arr[i]) });
    }
  }
  return out;
}

export interface SnapshotMeta {
  readonly sessionId: string;
  readonly generation: number;
  readonly stop: StopPoint;
  readonly timeline: readonly TimelinePoint[];
  readonly transitions: readonly TransitionRow[];
}

/** A whole HeapSnapshot (without the span table, which comes in pages: `spanRows`). */
export function heapSnapshot(it: Interpreter, meta: SnapshotMeta): HeapSnapshot {
  const h = it.heap.h;
  const { start, end } = arenaBounds(h);
  const pages = pageRuns(h);
  return {
    sessionId: meta.sessionId,
    generation: meta.generation,
    model: h.model.name,
    procs: h.caches.length,
    pageSize: _PageSize,
    physPageSize: h.physPageSize,
    arenaStart: start,
    arenaEnd: end,
    nspans: h.allspans.size,
    stop: meta.stop,
    memstats: memstatsView(h),
    pages,
    mcentral: mcentralViews(h),
    mcache: mcacheViews(h),
    specials: specialViews(it),
    finalizerQueue: finalizerQueue(h),
    pageHeap: pageHeapView(h),
    breakdown: heapBreakdown(h, pages),
    timeline: meta.timeline,
    transitions: meta.transitions,
  };
}

/** Chunk size of the go1.14 page allocator, in pages (for views that draw chunks). */
export const CHUNK_PAGES = pallocChunkPages;
