/**
 * mcache: a P's private cache of spans, one per span class, plus the tiny-allocator block.
 *
 * Models `mcache.go` (go1.5 `mCache_Refill`/`mCache_ReleaseAll`; go1.10/go1.14
 * `(*mcache).refill`/`releaseAll`, `nextFree` in malloc.go). No locks are needed in the runtime
 * because only the owning P touches it; here Ps run one at a time in the caller's order.
 * Invariants: `alloc[spc]` is null (Go's `emptymspan`) or an in-use span of class spc marked
 * `incache` and on its mcentral's `empty` list; `tiny` is 0 or an address inside a live 16-byte
 * block; 0 <= tinyoffset <= 16.
 */
import { numSpanClasses } from './constants';
import { hex } from './mspanlist';
import type { mheap } from './mheap';
import type { mspan } from './mspan';

export class mcache {
  /** Spans cached per span class; null stands for the runtime's `emptymspan`. */
  readonly alloc: (mspan | null)[] = new Array<mspan | null>(numSpanClasses).fill(null);
  /** Current tiny block and how much of it is used. */
  tiny = 0;
  tinyoffset = 0;
  local_tinyallocs = 0;
  /** Bytes until the next memory-profile sample. */
  next_sample = 0;

  constructor(readonly p: number, h: mheap) {
    this.next_sample = nextSample(h);
  }

  /** refill: the cached span of class spc is full; get another from mcentral. */
  refill(h: mheap, spc: number): mspan {
    const pr = h.probe;
    if (pr !== null) pr.enter('mcache.refill', { spc, p: this.p });
    const old = this.alloc[spc];
    if (old !== null) {
      if (old.allocCount !== old.nelems) h.throw('refill of span with free space remaining', h.fname('mcache.refill'));
      old.incache = false;
      if (h.listener !== null) h.emit({ type: 'spanUncache', span: h.info(old), p: this.p, spanclass: spc });
    }
    const s = h.central[spc].cacheSpan(h, this.p);
    if (s === null) h.throw('out of memory', h.fname('mcache.refill'));
    if (s.allocCount === s.nelems) h.throw('span has no free space', h.fname('mcache.refill'));
    this.alloc[spc] = s;
    if (h.listener !== null) h.emit({ type: 'spanCache', span: h.info(s), p: this.p, spanclass: spc });
    if (pr !== null) pr.point(`P${this.p}'s mcache now allocates class ${spc >> 1} from span ${hex(s.startAddr)}`, { s: hex(s.startAddr) });
    if (pr !== null) pr.leave();
    return s;
  }

  /** releaseAll: give every cached span back to its mcentral and drop the tiny block (at GC). */
  releaseAll(h: mheap): void {
    const pr = h.probe;
    if (pr !== null) pr.enter('mcache.releaseAll', { p: this.p });
    for (let i = 0; i < numSpanClasses; i++) {
      const s = this.alloc[i];
      if (s !== null) {
        h.central[i].uncacheSpan(h, s);
        this.alloc[i] = null;
        if (h.listener !== null) h.emit({ type: 'spanUncache', span: h.info(s), p: this.p, spanclass: i });
      }
    }
    this.tiny = 0;
    this.tinyoffset = 0;
    if (pr !== null) pr.leave();
  }
}

/**
 * nextSample: bytes until the next profiled allocation — exponentially distributed with mean
 * MemProfileRate (as `fastexprand` in later runtimes; go1.5 used `fastrand % (2*rate)`).
 */
export function nextSample(h: mheap): number {
  const rate = h.memProfileRate;
  if (rate <= 0) return Number.MAX_SAFE_INTEGER;
  if (rate === 1) return 0;
  if (h.model.name === 'go1.5') return h.rand.next() % (2 * rate);
  // fastexprand: -log(U) * mean, with U drawn from 26 random bits.
  const q = (h.rand.next() % (1 << 26)) + 1;
  return Math.floor((Math.log2(1 << 26) - Math.log2(q)) * (-Math.log(0.5) * rate));
}
