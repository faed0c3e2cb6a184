/**
 * Heap: the engine's public face. Builds the mheap of a model (go1.5, go1.10, go1.14) and offers
 * the operations a program performs on the Go runtime — allocate, store a pointer, collect,
 * sweep, scavenge, let time pass, set finalizers, allocate and free stacks — plus inspection and
 * the invariant checker. The CLI, the script interpreter, the debugger and the tests all go
 * through this class; nothing outside src/engine touches mheap internals except read-only views.
 *
 * Determinism: the same configuration and the same sequence of calls give the same heap, byte
 * for byte: time is simulated (`tick`), randomness comes from the seeded fastrand, nothing reads
 * the host's clock or does I/O.
 */
import { _PageSize, defaultMemProfileRate, scavengeLimitNs } from './constants';
import { RuntimeFault } from './fault';
import { gcBitsArenas } from './gcbits';
import { mallocgc, type AllocRecord } from './malloc';
import { gcinit, gcStart, runfinq, type GCCycle } from './mgc';
import { finishsweep, reclaimBusy, sweepN, sweepSpan } from './mgcsweep';
import { mheap } from './mheap';
import { models, type ModelName } from './modelconfig';
import { objNoscan, type mspan } from './mspan';
import { hex } from './mspanlist';
import { freelargeList, listsPageHeap } from './pageheap_lists';
import { radixPageHeap } from './pageheap_radix';
import type { Probe } from './probe';
import { sizeClassTable, sizeToClass } from './sizeclasses';
import { addfinalizer } from './specials';
import { tick } from './sysmon';
import { stackalloc, stackfree, stackpools, type StackHandle } from './stack';
import { checkInvariants } from './invariants';
import { mTreap } from './treap';
import type { HeapEvent } from '../protocol/events';

export interface HeapConfig {
  readonly model: ModelName;
  readonly procs?: number;
  /** GOGC percent; a negative value (or 'off' upstream) turns the collector off. */
  readonly gogc?: number;
  readonly memProfileRate?: number;
  readonly physPageSize?: number;
  readonly seed?: number;
  /** Bytes of address space the heap may use (default: the era's arena reservation). */
  readonly arenaReserve?: number;
}

export class Heap {
  readonly h: mheap;
  readonly config: Required<HeapConfig>;
  readonly stacks = new stackpools();

  constructor(cfg: HeapConfig) {
    const mc = models[cfg.model];
    this.config = {
      model: cfg.model,
      procs: cfg.procs ?? 1,
      gogc: cfg.gogc ?? 100,
      memProfileRate: cfg.memProfileRate ?? defaultMemProfileRate,
      physPageSize: cfg.physPageSize ?? 4096,
      seed: cfg.seed ?? 1,
      arenaReserve: cfg.arenaReserve ?? mc.arenaReserve,
    };
    const c = this.config;
    if (!(c.procs >= 1 && c.procs <= 256 && Number.isInteger(c.procs))) throw new RangeError(`procs must be an integer in 1..256, got ${c.procs}`);
    if (!(c.physPageSize >= 4096 && (c.physPageSize & (c.physPageSize - 1)) === 0)) throw new RangeError(`physpagesize must be a power of two >= 4096, got ${c.physPageSize}`);
    const sc = sizeClassTable(c.model);
    let h!: mheap;
    const rand = () => h.rand.next();
    let pages;
    if (mc.pageHeap === 'radix') pages = new radixPageHeap(mc.arenaStart, c.arenaReserve, c.procs, c.physPageSize);
    else if (mc.pageHeap === 'lists+treap') pages = new listsPageHeap(mc.arenaStart, c.arenaReserve, new mTreap<mspan>(rand), 'go1.10');
    else pages = new listsPageHeap(mc.arenaStart, c.arenaReserve, new freelargeList(), 'go1.5');
    h = new mheap(mc, sc, pages, mc.freeTracking === 'allocBits' ? new gcBitsArenas() : null, {
      procs: c.procs,
      gogc: c.gogc,
      memProfileRate: c.memProfileRate,
      physPageSize: c.physPageSize,
      seed: c.seed,
    });
    this.h = h;
    if (pages instanceof radixPageHeap) {
      h.arenaIndex = pages.arenas;
      h.sweeper = { reclaim: reclaimChunks };
      h.afterGC = () => paceScavenger(h);
    } else {
      const lp = pages;
      h.sweeper = { reclaim: (hh, npage) => reclaimBusy(hh, npage, lp) };
    }
    gcinit(h);
  }

  get model(): ModelName {
    return this.config.model;
  }

  /** The last allocation's details (valid until the next malloc). */
  get last(): AllocRecord {
    return this.h.last;
  }

  /** Allocate `size` bytes on P `p`; returns the address. Throws RuntimeFault on out of memory. */
  malloc(size: number, noscan: boolean, p = 0, site = 0): number {
    return mallocgc(this.h, size, noscan, p, site);
  }

  /** Store pointer `target` (0 for nil) in word `slot` of the object at `obj`. */
  writePointer(obj: number, slot: number, target: number): void {
    const h: mheap = this.h;
    const s = h.spanOf(obj);
    if (s === null || s.state !== 'mSpanInUse') h.throw(`write to ${hex(obj)}: not a heap object`);
    if (this.isNoscan(obj)) h.throw(`write of a pointer into noscan object ${hex(obj)}`);
    const i = s.objIndex(obj);
    let m = s.ptrs;
    if (m === null) m = s.ptrs = new Map();
    let slots = m.get(i);
    if (target === 0) {
      if (slots !== undefined) {
        slots.delete(slot);
        if (slots.size === 0) m.delete(i);
      }
      return;
    }
    if (slots === undefined) m.set(i, (slots = new Map()));
    slots.set(slot, target);
  }

  /** The pointer stored in word `slot` of the object at `obj` (0 for nil). */
  readPointer(obj: number, slot: number): number {
    const s = this.h.spanOf(obj);
    if (s === null || s.ptrs === null) return 0;
    return s.ptrs.get(s.objIndex(obj))?.get(slot) ?? 0;
  }

  /** Whether the object at addr is pointer-free (span class noscan bit; go1.5: the heap bitmap). */
  isNoscan(addr: number): boolean {
    const s = this.h.spanOf(addr);
    if (s === null) return false;
    if (s.objBits !== null) return (s.objBits[s.objIndex(addr)] & objNoscan) !== 0;
    return s.noscan();
  }

  /** Bytes requested for the object at addr, when sizes are tracked (0 if unknown). */
  requestedSize(addr: number): number {
    const s = this.h.spanOf(addr);
    if (s === null) return 0;
    if (s.sizeclass() === 0) return s.limit - s.startAddr;
    if (s.tinySizes !== null) {
      const n = s.tinySizes.get(addr - s.startAddr);
      if (n !== undefined) return n;
    }
    return s.reqsize !== null ? s.reqsize[s.objIndex(addr)] : 0;
  }

  /** Install the root set: a function that visits every live reference of the program. */
  setRoots(visit: (cb: (addr: number) => void) => void): void {
    this.h.roots = visit;
  }

  /** runtime.GC(): a full cycle, then sweep everything (the caller blocks until it is done). */
  gc(): GCCycle {
    const cycle = gcStart(this.h, true, 0);
    finishsweep(this.h);
    return cycle;
  }

  /** The background sweeper sweeps n spans (all remaining when n is omitted); returns spans swept. */
  sweep(n = Infinity): number {
    return sweepN(this.h, n, 'bgsweep');
  }

  /** Run the scavenger once now: go1.5/go1.10 release spans unused for 5 minutes; go1.14 scavenge to the goal. */
  scavenge(): number {
    const h: mheap = this.h;
    const n = h.pages.scavenge(h, h.nanotime, scavengeLimitNs, false);
    h.lastScavenge = h.nanotime;
    h.scavengeRuns++;
    return n;
  }

  /** Release up to `bytes` of free memory now (go1.14: from the highest addresses; go1.5/go1.10: whole free spans). */
  scavengeBytes(bytes: number): number {
    const h = this.h;
    h.scavengeRuns++;
    if (h.pages instanceof radixPageHeap) {
      h.pages.pages.resetScavengeAddr();
      return h.pages.scavengeBytes(h, bytes, 'scavenge');
    }
    return h.pages.scavenge(h, h.nanotime, 0, true, bytes);
  }

  /** debug.FreeOSMemory(): a forced GC, then release every free page. */
  freeOSMemory(): number {
    this.gc();
    const h: mheap = this.h;
    h.scavengeRuns++;
    return h.pages.scavenge(h, h.nanotime, 0, true);
  }

  /** Let `ns` nanoseconds of simulated time pass (sysmon, background sweeper and scavenger run). */
  tick(ns: number): void {
    tick(this.h, ns);
  }

  /** runtime.SetFinalizer(x, f): false when x already has a finalizer. */
  setFinalizer(addr: number): boolean {
    return addfinalizer(this.h, addr);
  }

  /** Run the queued finalizers; returns how many ran. */
  runFinalizers(): number {
    return runfinq(this.h);
  }

  /** stackalloc(n): a goroutine stack of n bytes (a power of two, at least 2 KB). */
  stackAlloc(n: number, p = 0): StackHandle {
    return stackalloc(this.h, this.stacks, n, p);
  }

  /** stackfree: freeing a stack twice is a runtime fault with the runtime's message. */
  stackFree(st: StackHandle): void {
    stackfree(this.h, this.stacks, st);
  }

  spanOf(addr: number): mspan | null {
    return this.h.spanOf(addr);
  }

  /** Size class a size rounds to (0 for large). */
  sizeclass(size: number): number {
    return size > 32768 ? 0 : size === 0 ? 0 : sizeToClass(this.h.sc, size);
  }

  checkInvariants(): string[] {
    return checkInvariants(this.h, this.stacks);
  }

  setListener(fn: ((ev: HeapEvent) => void) | null): void {
    this.h.listener = fn;
  }

  setProbe(p: Probe | null): void {
    this.h.probe = p;
  }

  /** Bytes of the heap's address space in use so far. */
  mappedBytes(): number {
    return this.h.pages.mappedBytes();
  }

  /** Every span that is not dead (in creation order). */
  spans(): Iterable<mspan> {
    return this.h.allspans;
  }

  get nanotime(): number {
    return this.h.nanotime;
  }
}

export { RuntimeFault };

/** go1.14 reclaim: scan chunks of 512 pages for in-use spans with no marked object (pageInUse &^ pageMarks) and sweep them. */
function reclaimChunks(h: mheap, npage: number): void {
  const arenas = h.arenaIndex!;
  const pagesPerReclaimerChunk = 512;
  const sg = h.sweepgen;
  let reclaimed = 0;
  while (npage > 0) {
    const idx = arenas.reclaimIndex;
    const ai = Math.floor(idx / 8192);
    if (ai >= arenas.sweepArenas.length) {
      arenas.reclaimIndex = Number.MAX_SAFE_INTEGER;
      break;
    }
    arenas.reclaimIndex += pagesPerReclaimerChunk;
    const a = arenas.arenaOf(arenas.sweepArenas[ai])!;
    let nfound = 0;
    const first = idx % 8192;
    for (let i = first; i < first + pagesPerReclaimerChunk; i += 8) {
      const inUseUnmarked = a.pageInUse[i >> 3] & ~a.pageMarks[i >> 3];
      if (inUseUnmarked === 0) continue;
      for (let j = 0; j < 8; j++) {
        if ((inUseUnmarked & (1 << j)) === 0) continue;
        const s = a.spans[i + j];
        if (s === null || s.state !== 'mSpanInUse' || s.sweepgen !== sg - 2) continue;
        s.sweepgen = sg - 1;
        const n = s.npages;
        if (sweepSpan(h, s, false, 'reclaim')) nfound += n;
      }
    }
    reclaimed += nfound;
    npage = nfound <= npage ? npage - nfound : 0;
  }
  h.memstats.nreclaimed += reclaimed;
  void _PageSize;
}

/** gcPaceScavenger (go1.14): retain about next_gc/last_next_gc × last heap_inuse, plus 10%. */
function paceScavenger(h: mheap): void {
  const st = h.memstats;
  const lastNext = h.lastNextGC;
  h.lastNextGC = st.next_gc;
  const lastInuse = st.heap_inuse;
  if (lastNext === 0 || h.gogc < 0) {
    h.scavengeGoal = Number.MAX_SAFE_INTEGER;
    return;
  }
  let goal = Math.floor(lastInuse * (st.next_gc / lastNext));
  goal += Math.floor(goal / 10);
  goal = Math.ceil(goal / h.physPageSize) * h.physPageSize;
  const retained = st.heap_sys - st.heap_released;
  if (retained <= goal || retained - goal < h.physPageSize) h.scavengeGoal = Number.MAX_SAFE_INTEGER;
  else {
    h.scavengeGoal = goal;
    (h.pages as radixPageHeap).pages.resetScavengeAddr();
  }
}

export { RuntimeFault as Fault };
export type { GCCycle, AllocRecord, StackHandle };
export const isRuntimeFault = (e: unknown): e is RuntimeFault => e instanceof RuntimeFault;
