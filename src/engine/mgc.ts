/**
 * The garbage collector's cycle, as mgc.go/mgcmark.go run it, made atomic: the simulated world
 * has no concurrent mutator, so a cycle runs from sweep termination to mark termination in one
 * step (the debugger can still step through its phases).
 *
 *   gcStart: finish the previous cycle's sweep (finishsweep_m) and advance the gcBits epoch;
 *   _GCmark: flush every mcache (spans back to mcentral, tiny blocks dropped), clear go1.14's
 *            pageMarks, mark from the roots — the script's live references, the object being
 *            allocated, objects on the finalizer queue — and from objects with finalizers
 *            (markrootSpans: what they reach, not themselves); follow pointers stored in objects;
 *   _GCmarktermination: heap_marked, heap_live = heap_marked, the next goal and trigger
 *            (GOGC), sweepgen += 2 so every span needs sweeping, proportional-sweep pacing;
 *   _GCoff: sweeping happens lazily afterwards (mgcsweep.ts).
 *
 * Pacer: goal = heap_marked × (1 + GOGC/100); trigger = heap_marked × (1 + 7/8 × GOGC/100), both
 * at least heapminimum = 4 MB × GOGC/100. The runtime adjusts the 7/8 trigger ratio with feedback
 * from concurrent mark (assists, scan work), which has no meaning here; the initial ratio is kept.
 */
import { defaultHeapMinimum } from './constants';
import type { mheap } from './mheap';
import { objMarked, type mspan } from './mspan';
import { _KindSpecialFinalizer } from './specials';
import { finishsweep, setSweepPacing } from './mgcsweep';
import type { heapArenaIndex } from './heaparena';

/** What one GC cycle did, for gctrace lines and the timeline. */
export interface GCCycle {
  readonly n: number;
  readonly forced: boolean;
  /** Simulated time at start (ns). */
  readonly start: number;
  readonly heapLiveBefore: number;
  readonly heapMarked: number;
  readonly nextGC: number;
  readonly goalBefore: number;
  readonly markedObjects: number;
  readonly procs: number;
  readonly sweepgen: number;
  readonly freedSpansBefore: number;
}

/** Marking state for one cycle. */
class marker {
  readonly stack: number[] = [];
  bytesMarked = 0;
  objects = 0;
  constructor(
    readonly h: mheap,
    readonly arenas: heapArenaIndex | null,
  ) {}

  /** greyobject: mark the object holding address a, and queue what it points to. */
  mark(a: number): void {
    const h = this.h;
    const s = h.spanOf(a);
    if (s === null || s.state !== 'mSpanInUse') return;
    const i = s.objIndex(a);
    if (i >= s.nelems || !s.isAllocated(i)) return;
    const mb = s.gcmarkBits;
    if (mb !== null) {
      const bit = 1 << (i & 7);
      if ((mb.bytes[i >> 3] & bit) !== 0) return;
      mb.bytes[i >> 3] |= bit;
    } else {
      const ob = s.objBits!;
      if ((ob[i] & objMarked) !== 0) return;
      ob[i] |= objMarked;
    }
    this.bytesMarked += s.elemsize;
    this.objects++;
    if (this.arenas !== null) this.arenas.setPageMark(s.startAddr);
    this.scan(s, i);
  }

  /** scanobject: queue the pointers stored in object i of s. */
  scan(s: mspan, i: number): void {
    const ptrs = s.ptrs;
    if (ptrs === null) return;
    const m = ptrs.get(i);
    if (m === undefined) return;
    for (const t of m.values()) this.stack.push(t);
  }

  drain(): void {
    const st = this.stack;
    while (st.length > 0) this.mark(st.pop()!);
  }
}

/** gcShouldStart: heap_live has reached the trigger (and GC is on). */
export function gcShouldStart(h: mheap): boolean {
  return h.gogc >= 0 && h.gcPhase === '_GCoff' && h.memstats.heap_live >= h.memstats.gc_trigger;
}

export function heapminimum(h: mheap): number {
  return h.gogc < 0 ? Number.MAX_SAFE_INTEGER : Math.floor((defaultHeapMinimum * h.gogc) / 100);
}

/** Set the first cycle's goal and trigger (gcinit). */
export function gcinit(h: mheap): void {
  const min = heapminimum(h);
  h.memstats.next_gc = min;
  h.memstats.gc_trigger = min;
}

/** Run one full GC cycle. `extraRoot` is an object being allocated (kept live), 0 for none. */
export function gcStart(h: mheap, forced: boolean, extraRoot: number): GCCycle {
  const pr = h.probe;
  const st = h.memstats;
  if (pr !== null) pr.enter('gcStart', { forced, heap_live: st.heap_live, trigger: st.gc_trigger });
  const freedBefore = st.nsweep;
  const p0 = h.curP;
  finishsweep(h);
  if (h.gcBits !== null) h.gcBits.nextMarkBitArenaEpoch();
  const heapLiveBefore = st.heap_live;
  const goalBefore = st.next_gc;
  const n = st.numgc + 1;
  const start = h.nanotime;

  // Mark.
  h.gcPhase = '_GCmark';
  if (h.listener !== null) h.emit({ type: 'gcPhase', phase: '_GCmark', cycle: n, sweepgen: h.sweepgen });
  if (pr !== null) pr.enter('gcMark', { cycle: n });
  for (const c of h.caches) c.releaseAll(h);
  const arenas = h.arenaIndex;
  if (arenas !== null) arenas.clearPageMarks();
  const m = new marker(h, arenas);
  h.roots((a) => {
    m.mark(a);
    m.drain();
  });
  if (extraRoot !== 0) m.mark(extraRoot);
  for (const f of h.finq) m.mark(f.addr);
  m.drain();
  // markrootSpans: objects with finalizers keep what they reach (but not themselves) alive.
  for (const s of h.allspans) {
    if (s.state !== 'mSpanInUse' || s.specials.length === 0) continue;
    for (const sp of s.specials) {
      if (sp.kind !== _KindSpecialFinalizer) continue;
      const i = s.objIndex(s.startAddr + sp.offset);
      m.scan(s, i);
    }
  }
  m.drain();
  if (pr !== null) pr.point(`marked ${m.objects} objects (${m.bytesMarked} bytes)`, { objects: m.objects, bytesMarked: m.bytesMarked });
  if (pr !== null) pr.leave();

  // Mark termination.
  h.gcPhase = '_GCmarktermination';
  if (pr !== null) pr.enter('gcMarkTermination', { cycle: n });
  if (h.listener !== null) h.emit({ type: 'gcPhase', phase: '_GCmarktermination', cycle: n, sweepgen: h.sweepgen });
  st.heap_marked = m.bytesMarked;
  st.heap_live = m.bytesMarked;
  setGoal(h);
  st.numgc = n;
  if (forced) st.numforcedgc++;
  st.last_gc = h.nanotime;
  h.sweepgen += 2;
  h.sweepdone = false;
  if (h.model.name === 'go1.5') {
    h.sweepWork = Array.from(h.allspans);
    h.sweepIdx = 0;
  }
  st.nsweep = 0;
  st.pagesSwept = 0;
  st.pagesSweptBasis = 0;
  if (arenas !== null) arenas.startReclaim();
  setSweepPacing(h);
  if (pr !== null) pr.point(`sweepgen is now ${h.sweepgen}: every in-use span needs sweeping`, { sweepgen: h.sweepgen, next_gc: st.next_gc });
  if (pr !== null) pr.leave();
  h.gcPhase = '_GCoff';
  if (h.listener !== null) {
    h.emit({ type: 'gcPhase', phase: '_GCoff', cycle: n, sweepgen: h.sweepgen });
    h.emit({ type: 'gcCycle', cycle: n, heapLiveBefore, heapMarked: m.bytesMarked, nextGC: st.next_gc, forced, markedObjects: m.objects, spans: h.allspans.size });
  }
  const cycle: GCCycle = { n, forced, start, heapLiveBefore, heapMarked: m.bytesMarked, nextGC: st.next_gc, goalBefore, markedObjects: m.objects, procs: h.caches.length, sweepgen: h.sweepgen, freedSpansBefore: freedBefore };
  h.cycles.push(cycle);
  // Keep the most recent cycles; trim in batches so the cost is amortised.
  if (h.cycles.length > 20000) {
    h.cycles.splice(0, 10000);
    h.cyclesDropped += 10000;
  }
  h.afterGC();
  h.curP = p0;
  if (pr !== null) pr.leave();
  return cycle;
}

/** Goal and trigger from heap_marked and GOGC (gcSetTriggerRatio with the initial 7/8 ratio). */
export function setGoal(h: mheap): void {
  const st = h.memstats;
  if (h.gogc < 0) {
    st.next_gc = Number.MAX_SAFE_INTEGER;
    st.gc_trigger = Number.MAX_SAFE_INTEGER;
    return;
  }
  const min = heapminimum(h);
  const growth = h.gogc / 100;
  st.next_gc = Math.max(Math.floor(st.heap_marked * (1 + growth)), min);
  st.gc_trigger = Math.max(Math.floor(st.heap_marked * (1 + (7 / 8) * growth)), min);
  if (st.gc_trigger > st.next_gc) st.gc_trigger = st.next_gc;
}

/** runfinq: run every queued finalizer; the objects become ordinary garbage again. */
export function runfinq(h: mheap): number {
  const pr = h.probe;
  if (pr !== null) pr.enter('runfinq', { queued: h.finq.length });
  const n = h.finq.length;
  for (const f of h.finq) if (h.listener !== null) h.emit({ type: 'finalizerRun', addr: f.addr });
  h.finq.length = 0;
  if (pr !== null) pr.leave();
  return n;
}
