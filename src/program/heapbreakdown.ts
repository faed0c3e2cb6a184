/**
 * Where heap_sys goes (HeapBreakdown in src/protocol/heapview.ts): per span, the bytes the script
 * asked for in allocated objects, size-class rounding, free slots, the tail a span's objects do
 * not fill, large-object waste, stacks; plus free memory retained or released, and the
 * allocator's own metadata (mspan and mcache structs, gcBits arenas).
 *
 * Invariant: live + roundingWaste + freeSlots + tailWaste + largeWaste + stacks + freeRetained +
 * released + metadata = heap_sys + (stacks_inuse when the era keeps stacks outside heap_sys,
 * go1.10+) + metadata, exactly. Per-span parts (`spanParts`) let the debug adapter keep the sum
 * up to date incrementally.
 */
import { _PageSize } from '../engine/constants';
import type { mheap } from '../engine/mheap';
import type { mspan } from '../engine/mspan';
import type { HeapBreakdown, ModelName, PageRun } from '../protocol/heapview';
import { pageRuns } from './pagemap';

/** Bytes requested for slot i: the object's size (reqsize), or the sum of the tiny objects packed in it. */
export function slotRequested(s: mspan, i: number, tiny: Float64Array | null): number {
  let r = s.reqsize !== null ? s.reqsize[i] : 0;
  if (tiny !== null) r += tiny[i];
  return r;
}

/** Per slot: bytes of tiny objects packed into it (null when the span holds none). */
export function tinyBySlot(s: mspan): Float64Array | null {
  if (s.tinySizes === null || s.tinySizes.size === 0 || s.elemsize === 0) return null;
  const out = new Float64Array(s.nelems);
  for (const [off, n] of s.tinySizes) {
    const i = Math.floor(off / s.elemsize);
    if (i < s.nelems) out[i] += n;
  }
  return out;
}

/** Bytes the script asked for in allocated objects of the span. */
export function requestedBytes(s: mspan): number {
  if (s.state !== 'mSpanInUse') return 0;
  if (s.sizeclass() === 0) return s.limit - s.startAddr;
  const tiny = tinyBySlot(s);
  if (s.reqsize === null && tiny === null) return 0;
  let n = 0;
  for (let i = 0; i < s.nelems; i++) if (s.isAllocated(i)) n += slotRequested(s, i, tiny);
  return n;
}

/** Bytes of gcBits arenas obtained from the OS (go1.10+). */
export function gcbitsBytes(h: mheap): number {
  return h.gcBits === null ? 0 : h.gcBits.stats().sysBytes;
}

/** One span's share of the breakdown (bytes). */
export interface SpanParts {
  live: number;
  roundingWaste: number;
  freeSlots: number;
  tailWaste: number;
  largeWaste: number;
  stacks: number;
}

export const noParts = (): SpanParts => ({ live: 0, roundingWaste: 0, freeSlots: 0, tailWaste: 0, largeWaste: 0, stacks: 0 });

export function addParts(into: SpanParts, p: SpanParts, sign = 1): void {
  into.live += sign * p.live;
  into.roundingWaste += sign * p.roundingWaste;
  into.freeSlots += sign * p.freeSlots;
  into.tailWaste += sign * p.tailWaste;
  into.largeWaste += sign * p.largeWaste;
  into.stacks += sign * p.stacks;
}

/** What a span's pages hold: requested bytes, rounding, free slots, tail, large-object waste, stack. */
export function spanParts(s: mspan): SpanParts {
  const p = noParts();
  if (s.state === 'mSpanManual') {
    p.stacks = s.npages * _PageSize;
    return p;
  }
  if (s.state !== 'mSpanInUse') return p;
  const bytes = s.npages * _PageSize;
  if (s.sizeclass() === 0) {
    const req = s.limit - s.startAddr;
    p.live = req;
    p.largeWaste = bytes - req;
    return p;
  }
  p.tailWaste = bytes - s.nelems * s.elemsize;
  const tiny = tinyBySlot(s);
  let allocated = 0;
  for (let i = 0; i < s.nelems; i++) {
    if (!s.isAllocated(i)) continue;
    allocated++;
    p.live += slotRequested(s, i, tiny);
  }
  p.roundingWaste = allocated * s.elemsize - p.live;
  p.freeSlots = (s.nelems - allocated) * s.elemsize;
  return p;
}

/** Bytes of idle pages (free, released, cached) in the page runs. */
export function idleBytes(runs: readonly PageRun[]): number {
  let idle = 0;
  for (const r of runs) if (r.kind === 'free' || r.kind === 'released' || r.kind === 'cached') idle += r.npages * _PageSize;
  return idle;
}

/** The breakdown from span parts summed over every span and the idle bytes of the page runs. */
export function breakdownFrom(h: mheap, sum: SpanParts, idle: number): HeapBreakdown {
  const st = h.memstats;
  return {
    live: sum.live,
    roundingWaste: sum.roundingWaste,
    freeSlots: sum.freeSlots,
    tailWaste: sum.tailWaste,
    largeWaste: sum.largeWaste,
    stacks: sum.stacks,
    freeRetained: idle - st.heap_released,
    released: st.heap_released,
    metadata: { mspan: st.mspan_inuse, mcache: st.mcache_inuse, gcbits: gcbitsBytes(h) },
    heap_sys: st.heap_sys,
  };
}

/** Where heap_sys goes (see HeapBreakdown); `runs` are this heap's page runs when already built. */
export function heapBreakdown(h: mheap, runs: readonly PageRun[] = pageRuns(h)): HeapBreakdown {
  const sum = noParts();
  for (const s of h.allspans) addParts(sum, spanParts(s));
  return breakdownFrom(h, sum, idleBytes(runs));
}

/** Whether the era counts stacks (manual spans) inside heap_sys (go1.5) or beside it. */
export function stacksInHeapSys(model: ModelName): boolean {
  return model === 'go1.5';
}

