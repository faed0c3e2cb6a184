/**
 * mheap: the heap. Owns the page heap of the model's era, the span map, every mspan, the
 * mcentrals, the mcaches (one per P), memstats, the sweep generation and the GC state.
 *
 * Models `type mheap` and its methods in `mheap.go` (seeds 001, 000, 002). The allocation path,
 * as numbered steps (see also docs/architecture.md):
 *   1. mallocgc (malloc.go) picks tiny / small / large;
 *   2. small: the P's mcache has a span for the span class, or `refill` asks
 *      mcentral.cacheSpan, which sweeps or takes a span from its lists or calls mcentral.grow;
 *   3. mcentral.grow and large allocations call mheap.alloc: reclaim (sweep) first if sweeping
 *      is unfinished, then the page heap's allocSpanLocked/allocSpan, which may call grow;
 *   4. grow maps more of the arena (1 MB at least in go1.5/go1.10, 512-page chunks in go1.14).
 * Freeing runs backwards: sweep finds dead objects; an empty small span goes back through
 * mcentral.freeSpan to mheap.freeSpan, a dead large span straight to mheap.freeSpan; the page
 * heap coalesces (go1.5/go1.10) or clears bitmap bits (go1.14).
 *
 * Invariants: see invariants.ts (span map, list membership, accounting identities). Only the
 * engine files change mheap fields; callers use the Heap facade (heap.ts).
 */
import { _PageSize, numSpanClasses } from './constants';
import { RuntimeFault } from './fault';
import { fastrand } from './fastrand';
import type { gcBitsArenas } from './gcbits';
import { mcache } from './mcache';
import { mcentral } from './mcentral';
import { hex } from './mspanlist';
import { mspan } from './mspan';
import { mstats } from './mstats';
import type { ModelConfig } from './modelconfig';
import type { PageHeap, SysStat } from './pageheap';
import { funcName, type Probe } from './probe';
import type { SizeClassTable } from './sizeclasses';
import type { special } from './specials';
import { newAllocRecord, type AllocRecord } from './malloc';
import { gcShouldStart, gcStart, type GCCycle } from './mgc';
import { deductSweepCredit } from './mgcsweep';
import type { heapArenaIndex } from './heaparena';
import type { HeapEvent, SpanInfo } from '../protocol/events';

/** fixalloc hands out mspan/mcache structs from 16 KB chunks (`_FixAllocChunk`). */
const fixAllocChunk = 16 << 10;
/** go1.14 per-P mspancache: 128 entries, refilled with half of that. */
const mspancacheSize = 128;
const mspancacheRefill = mspancacheSize / 2;

export interface HeapOptions {
  readonly procs: number;
  /** GOGC percent; negative means off. */
  readonly gogc: number;
  readonly memProfileRate: number;
  readonly physPageSize: number;
  readonly seed: number;
}

export class mheap {
  readonly memstats = new mstats();
  readonly central: mcentral[] = [];
  readonly caches: mcache[] = [];
  /** Every mspan struct that is not dead, in creation order (the runtime's `allspans`). */
  readonly allspans = new Set<mspan>();
  readonly rand: fastrand;

  sweepgen = 0;
  /** All spans of this cycle are swept. */
  sweepdone = true;
  pagesInUse = 0;
  /** go1.10/go1.14 sweepSpans: [sweepgen/2%2] holds swept in-use spans, the other unswept ones (stacks: pop from the end). */
  readonly sweepSpans: [mspan[], mspan[]] = [[], []];
  /** go1.5: snapshot of allspans taken at mark termination, swept by index. */
  sweepWork: mspan[] = [];
  sweepIdx = 0;
  /** Simulated clock in nanoseconds. */
  nanotime = 0;
  /** Last periodic scavenge (ns) and count of scavenger runs (the `k` of scvg lines). */
  lastScavenge = 0;
  scavengeRuns = 0;
  /** go1.14: retained-memory goal (heapRetained) for the scavenger. */
  scavengeGoal = Number.MAX_SAFE_INTEGER;
  /** go1.14 pacing: next_gc of the previous cycle (`last_next_gc`). */
  lastNextGC = 0;
  /** Finalizers queued by sweep, waiting for runfinalizers (`finq`). */
  readonly finq: { addr: number; span: mspan; sp: special }[] = [];
  /** Memory-profile buckets by allocation site (mprof.go's `bucket`): sampled allocs and frees. */
  readonly mProf = new Map<number, { allocs: number; allocBytes: number; frees: number; freeBytes: number }>();
  /** Proportional sweep credit basis. */
  gcPhase: '_GCoff' | '_GCmark' | '_GCmarktermination' = '_GCoff';
  gogc: number;
  memProfileRate: number;
  readonly physPageSize: number;
  oomMessage = '';
  /** Address of zerobase: where every zero-size allocation points. */
  readonly zerobase: number;

  /** Keep requested sizes per object for inspection (`obj(x).size`); off for benchmarks. */
  trackSizes = false;
  /** go1.14: mspan structs cached per P (`p.mspancache.len`); null in earlier eras. */
  readonly mspancache: number[] | null;
  /** The P of the operation in progress (mallocgc, stacks); -1 when none (e.g. the GC). */
  curP = -1;
  listener: ((ev: HeapEvent) => void) | null = null;
  probe: Probe | null = null;
  private nextSpanId = 1;
  private mspanChunks = 0;
  /**
   * go1.5: free-list arrays of spans returned to the page heap, by object count, for the next
   * span of that count (what the runtime gets from reusing the span's own memory: creating small
   * typed arrays per span costs more, and more so the more of them are alive). Bounded by the
   * spans the heap has had in use at once.
   */
  private readonly freeListPool = new Map<number, { next: Int32Array; bits: Uint8Array }[]>();

  constructor(
    readonly model: ModelConfig,
    readonly sc: SizeClassTable,
    readonly pages: PageHeap,
    readonly gcBits: gcBitsArenas | null,
    opts: HeapOptions,
  ) {
    this.rand = new fastrand(opts.seed);
    this.gogc = opts.gogc;
    this.memProfileRate = opts.memProfileRate;
    this.physPageSize = opts.physPageSize;
    // zerobase lives in the binary's data segment, below the heap.
    this.zerobase = model.name === 'go1.14' ? 0x5a7d40 : model.name === 'go1.10' ? 0x4f6a20 : 0x4e9b80;
    for (let i = 0; i < numSpanClasses; i++) this.central.push(new mcentral(i));
    for (let p = 0; p < opts.procs; p++) this.caches.push(new mcache(p, this));
    this.mspancache = model.name === 'go1.14' ? new Array<number>(opts.procs).fill(0) : null;
    this.memstats.mcache_inuse = opts.procs * model.sizeofMcache;
    this.memstats.mcache_sys = Math.ceil(this.memstats.mcache_inuse / fixAllocChunk) * fixAllocChunk;
  }

  /**
   * A new mspan struct. fixalloc hands them out of 16 KB chunks (mspan_sys); go1.14 first tries
   * the current P's `mspancache` (refilled 64 structs at a time: `allocMSpanLocked`), so
   * mspan_inuse there grows in steps of 64 structs.
   */
  newSpan(base: number, npages: number): mspan {
    const s = new mspan(this.nextSpanId++, base, npages);
    this.allspans.add(s);
    if (this.mspancache !== null && this.curP >= 0) {
      if (this.mspancache[this.curP] === 0) {
        this.fixallocSpans(mspancacheRefill);
        this.mspancache[this.curP] = mspancacheRefill;
      }
      this.mspancache[this.curP]--;
    } else this.fixallocSpans(1);
    return s;
  }

  private fixallocSpans(n: number): void {
    const st = this.memstats;
    st.mspan_inuse += n * this.model.sizeofMspan;
    while (st.mspan_inuse > this.mspanChunks * fixAllocChunk) {
      this.mspanChunks++;
      st.mspan_sys += fixAllocChunk;
    }
  }

  /** Return an mspan struct (it is dead now): to the P's mspancache when it has room (go1.14), else to fixalloc. */
  freeMSpan(s: mspan): void {
    this.allspans.delete(s);
    if (this.mspancache !== null && this.curP >= 0 && this.mspancache[this.curP] < mspancacheSize) this.mspancache[this.curP]++;
    else this.memstats.mspan_inuse -= this.model.sizeofMspan;
  }

  /** mspan structs created so far (`len(allspans)` in the runtime, which never frees them). */
  spansCreated(): number {
    return this.nextSpanId - 1;
  }

  emit(ev: HeapEvent): void {
    if (this.listener !== null) this.listener(ev);
  }

  info(s: mspan): SpanInfo {
    return { id: s.id, base: s.startAddr, npages: s.npages, state: s.state, sizeclass: s.sizeclass(), noscan: s.noscan(), allocCount: s.allocCount, nelems: s.nelems, sweepgen: s.sweepgen };
  }

  /** The runtime's throw: report and stop the operation. */
  throw(msg: string, where = ''): never {
    if (this.listener !== null) this.emit({ type: 'fault', message: msg });
    throw new RuntimeFault(msg, where);
  }

  fname(fn: Parameters<typeof funcName>[1]): string {
    return funcName(this.model.name, fn);
  }

  spanOf(addr: number): mspan | null {
    return this.pages.spanOf(addr);
  }

  /**
   * mheap.alloc: a span of npage pages for span class `spanclass` (0 = large object). Sweeps
   * (reclaims) first while the previous cycle's sweep is unfinished.
   */
  alloc(npage: number, spanclass: number, large: boolean, p: number): mspan | null {
    const pr = this.probe;
    if (pr !== null) pr.enter('mheap.alloc', { npage, spanclass, large });
    if (!this.sweepdone) this.reclaim(npage);
    const s = this.pages.allocSpanLocked(this, npage, 'heap_inuse', p);
    if (s !== null) {
      s.sweepgen = this.sweepgen;
      if (this.model.name !== 'go1.5') this.sweepSpans[(this.sweepgen >> 1) & 1].push(s);
      const from = s.state;
      s.state = 'mSpanInUse';
      s.allocCount = 0;
      s.spanclass = spanclass;
      s.incache = false;
      const sizeclass = spanclass >> 1;
      if (sizeclass === 0) {
        s.elemsize = s.npages * _PageSize;
        s.nelems = 1;
      } else {
        s.elemsize = this.sc.class_to_size[sizeclass];
        s.nelems = Math.floor((s.npages * _PageSize) / s.elemsize);
      }
      s.limit = s.startAddr + s.nelems * s.elemsize;
      s.freeindex = 0;
      s.specials = [];
      s.ptrs = null;
      s.reqsize = null;
      s.tinySizes = null;
      this.initFreeTracking(s);
      this.pagesInUse += npage;
      if (large) {
        const st = this.memstats;
        st.heap_objects++;
        st.largealloc += s.elemsize;
        st.nlargealloc++;
        st.heap_live += npage * _PageSize;
        if (this.model.name !== 'go1.14') {
          (this.pages as unknown as { busyList(n: number): { insertBack(s: mspan): void } }).busyList(s.npages).insertBack(s);
        }
      }
      if (this.listener !== null) {
        this.emit({ type: 'spanAlloc', span: this.info(s), manual: false, large, scavenged: 0 });
        this.emit({ type: 'spanState', span: this.info(s), from, to: 'mSpanInUse' });
      }
      if (pr !== null) pr.point(`span ${hex(s.startAddr)} is in use (${s.npages} page${s.npages === 1 ? '' : 's'}, ${s.nelems} × ${s.elemsize} B)`, { s: hex(s.startAddr) });
    }
    if (pr !== null) pr.leave();
    return s;
  }

  /** Set up the per-object free tracking of a fresh in-use span: alloc/mark bits or a free list. */
  private initFreeTracking(s: mspan): void {
    if (this.gcBits !== null) {
      s.allocBits = this.gcBits.newAllocBits(s.nelems);
      s.gcmarkBits = this.gcBits.newMarkBits(s.nelems);
      s.freeNext = null;
      s.objBits = null;
    } else {
      // go1.5: mCentral_Grow links every object into s.freelist in address order.
      const n = s.nelems;
      const pooled = this.freeListPool.get(n)?.pop();
      const next = pooled !== undefined ? pooled.next : new Int32Array(n);
      for (let i = 0; i < n - 1; i++) next[i] = i + 1;
      next[n - 1] = -1;
      s.freeNext = next;
      s.freelist = 0;
      if (pooled !== undefined) pooled.bits.fill(0);
      s.objBits = pooled !== undefined ? pooled.bits : new Uint8Array(n);
      s.allocBits = null;
      s.gcmarkBits = null;
    }
  }

  /** mheap.allocManual (go1.5: mHeap_AllocStack): a span the runtime manages itself, e.g. a stack. */
  allocManual(npage: number, p: number): mspan | null {
    const pr = this.probe;
    if (pr !== null) pr.enter('mheap.allocManual', { npage });
    const stat: SysStat = this.model.name === 'go1.5' ? 'heap_inuse' : 'stacks_inuse';
    const s = this.pages.allocSpanLocked(this, npage, stat, p);
    if (s !== null) {
      const from = s.state;
      s.state = 'mSpanManual';
      s.allocCount = 0;
      s.spanclass = 0;
      s.nelems = 0;
      s.elemsize = 0;
      s.freelist = -1;
      s.limit = s.end();
      s.specials = [];
      const bytes = npage * _PageSize;
      if (this.model.name === 'go1.5') this.memstats.stacks_inuse += bytes;
      else this.memstats.heap_sys -= bytes;
      this.memstats.stacks_sys = this.memstats.stacks_inuse;
      if (this.listener !== null) {
        this.emit({ type: 'spanAlloc', span: this.info(s), manual: true, large: false, scavenged: 0 });
        this.emit({ type: 'spanState', span: this.info(s), from, to: 'mSpanManual' });
      }
    }
    if (pr !== null) pr.leave();
    return s;
  }

  /** mheap.freeManual (go1.5: mHeap_FreeStack). Freeing anything but a live manual span is a fault. */
  freeManual(s: mspan): void {
    const pr = this.probe;
    if (pr !== null) pr.enter('mheap.freeManual', { s: hex(s.startAddr), npages: s.npages });
    if (s.state !== 'mSpanManual') this.throw(this.model.name === 'go1.5' ? 'MHeap_FreeSpanLocked - invalid span state' : 'MHeap_FreeSpanLocked - invalid span state', this.fname('mheap.freeManual'));
    s.needzero = true;
    const bytes = s.npages * _PageSize;
    this.memstats.stacks_inuse -= bytes;
    this.memstats.stacks_sys = this.memstats.stacks_inuse;
    if (this.model.name === 'go1.5') this.pages.freeSpanLocked(this, s, true, true, 0);
    else {
      this.memstats.heap_sys += bytes;
      this.pages.freeSpanLocked(this, s, false, true, 0);
    }
    if (this.listener !== null) this.emit({ type: 'spanFree', span: this.info(s), by: 'stackfree' });
    if (pr !== null) pr.leave();
  }

  /** mheap.freeSpan: return an in-use span (empty small span or dead large object) to the page heap. */
  freeSpan(s: mspan, acct: boolean): void {
    const pr = this.probe;
    if (pr !== null) pr.enter('mheap.freeSpan', { s: hex(s.startAddr), npages: s.npages });
    if (acct) this.memstats.heap_objects--;
    this.releaseBits(s);
    const info = this.listener !== null ? this.info(s) : null;
    this.pages.freeSpanLocked(this, s, true, true, 0);
    if (info !== null) this.emit({ type: 'spanFree', span: info, by: 'sweep' });
    if (pr !== null) pr.leave();
  }

  private releaseBits(s: mspan): void {
    if (s.freeNext !== null && s.objBits !== null) {
      const n = s.freeNext.length;
      let list = this.freeListPool.get(n);
      if (list === undefined) this.freeListPool.set(n, (list = []));
      list.push({ next: s.freeNext, bits: s.objBits });
    }
    s.allocBits = null;
    s.gcmarkBits = null;
    s.freeNext = null;
    s.objBits = null;
    s.ptrs = null;
  }

  /** mheap.reclaim: sweep spans until npage pages are freed (or everything is swept). */
  reclaim(npage: number): void {
    const pr = this.probe;
    if (pr !== null) pr.enter('mheap.reclaim', { npage });
    this.sweeper.reclaim(this, npage);
    if (pr !== null) pr.leave();
  }

  mProf_Malloc(site: number, size: number): void {
    let b = this.mProf.get(site);
    if (b === undefined) this.mProf.set(site, (b = { allocs: 0, allocBytes: 0, frees: 0, freeBytes: 0 }));
    b.allocs++;
    b.allocBytes += size;
  }

  mProf_Free(site: number, size: number): void {
    const b = this.mProf.get(site);
    if (b !== undefined) {
      b.frees++;
      b.freeBytes += size;
    }
  }

  /** The last allocation's details (malloc.ts writes it; one record reused). */
  readonly last: AllocRecord = newAllocRecord();
  /** GC cycles run so far (most recent last; bounded). */
  readonly cycles: GCCycle[] = [];
  /** Cycles dropped from the front of `cycles` (cycle n is at cycles[n - 1 - cyclesDropped]). */
  cyclesDropped = 0;
  /** go1.14: the heap arenas (span map, pageInUse, pageMarks); null in earlier eras. */
  arenaIndex: heapArenaIndex | null = null;
  /** Visits every root: the script's live references. Installed by the caller. */
  roots: (visit: (addr: number) => void) => void = () => {};
  /** The era's reclaim and post-GC hooks, installed by heap.ts (avoids import cycles). */
  sweeper!: { reclaim(h: mheap, npage: number): void };
  afterGC: () => void = () => {};

  gcShouldStart(): boolean {
    return gcShouldStart(this);
  }

  startGC(forced: boolean, extraRoot: number): void {
    gcStart(this, forced, extraRoot);
  }

  sweeperCredit(spanBytes: number, callerSweepPages: number): void {
    deductSweepCredit(this, spanBytes, callerSweepPages);
  }
}
