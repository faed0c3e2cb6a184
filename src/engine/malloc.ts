/**
 * mallocgc: allocate an object — zero-size, tiny, small or large — as malloc.go does.
 *
 * Models `mallocgc`, `largeAlloc`, `nextFree` (go1.10+), the go1.5 free-list fast path and
 * `profilealloc` (seeds 003 and the malloc.go of go1.10/go1.14):
 *   1. size 0: every zero-size allocation returns &zerobase;
 *   2. tiny (noscan, < 16 B): pack into the P's current 16-byte block, aligning the offset to 8,
 *      4 or 2 by the size's low bits; if it does not fit, take a new 16-byte object and keep
 *      whichever block (old or new) has more room left;
 *   3. small (<= 32 KiB): round to the size class, take the next free object of the P's cached
 *      span for the span class (refill from mcentral when full);
 *   4. large: a span of its own, ceil(size/8192) pages, straight from mheap.alloc;
 *   5. sample for the memory profile every ~MemProfileRate bytes;
 *   6. if a refill or large allocation happened and heap_live reached the trigger, start a GC.
 * The result is written to `h.last` (one reusable record: no allocation per call).
 */
import { _MaxSmallSize, _PageSize, _TinySize, tinySizeClass } from './constants';
import type { mheap } from './mheap';
import { objAllocated, objNoscan, type mspan } from './mspan';
import { nextSample, type mcache } from './mcache';
import { hex } from './mspanlist';
import { sizeToClass } from './sizeclasses';
import { setprofilebucket } from './specials';

export interface AllocRecord {
  addr: number;
  /** Bytes requested. */
  size: number;
  /** Bytes actually taken (class size, 16 for a new tiny block, 0 inside an existing tiny block, pages for large). */
  elemsize: number;
  sizeclass: number;
  noscan: boolean;
  tiny: boolean;
  large: boolean;
  span: mspan | null;
}

export function newAllocRecord(): AllocRecord {
  return { addr: 0, size: 0, elemsize: 0, sizeclass: 0, noscan: false, tiny: false, large: false, span: null };
}

/**
 * mallocgc(size, noscan) on P p. `site` identifies the allocation site (a script line) for the
 * profile; `gcHook` starts a GC when the trigger is reached (mgc.ts), given the new object so it
 * stays reachable while the cycle runs.
 */
export function mallocgc(h: mheap, size: number, noscan: boolean, p: number, site: number): number {
  const rec = h.last;
  rec.size = size;
  rec.noscan = noscan;
  rec.tiny = false;
  rec.large = false;
  rec.span = null;
  rec.sizeclass = 0;
  if (h.gcPhase === '_GCmarktermination') h.throw('mallocgc called with gcphase == _GCmarktermination', 'mallocgc');
  if (size === 0) {
    rec.addr = h.zerobase;
    rec.elemsize = 0;
    return h.zerobase;
  }
  const pr = h.probe;
  if (pr !== null) pr.enter('mallocgc', { size, noscan, p });
  const c = h.caches[p];
  const st = h.memstats;
  h.curP = p;
  let shouldhelpgc = false;
  let x: number;
  let s: mspan;
  let elem: number;
  if (size <= _MaxSmallSize) {
    if (noscan && size < _TinySize) {
      // Tiny allocator.
      let off = c.tinyoffset;
      if ((size & 7) === 0) off = (off + 7) & ~7;
      else if ((size & 3) === 0) off = (off + 3) & ~3;
      else if ((size & 1) === 0) off = (off + 1) & ~1;
      if (off + size <= _TinySize && c.tiny !== 0) {
        x = c.tiny + off;
        c.tinyoffset = off + size;
        c.local_tinyallocs++;
        st.tinyallocs++;
        rec.addr = x;
        rec.elemsize = 0;
        rec.tiny = true;
        rec.sizeclass = tinySizeClass;
        rec.span = h.spanOf(c.tiny);
        if (h.trackSizes) (rec.span!.tinySizes ??= new Map()).set(x - rec.span!.startAddr, size);
        if (pr !== null) pr.point(`fits in the current tiny block at offset ${off}`, { off, x: hex(x) });
        if (h.listener !== null) h.emit({ type: 'malloc', addr: x, size, sizeclass: tinySizeClass, elemsize: 0, noscan, tiny: true, large: false, span: rec.span!.startAddr, p });
        if (pr !== null) pr.leave();
        return x;
      }
      const spc = h.model.noscanSpanClasses ? (tinySizeClass << 1) | 1 : tinySizeClass << 1;
      const v = nextFree(h, c, spc);
      s = got.s;
      shouldhelpgc = got.refilled;
      x = s.startAddr + v * s.elemsize;
      // Keep the block with more free space left: the new one if size < tinyoffset (or none yet).
      if (size < c.tinyoffset || c.tiny === 0) {
        c.tiny = x;
        c.tinyoffset = size;
      }
      elem = _TinySize;
      rec.tiny = true;
      if (h.trackSizes) (s.tinySizes ??= new Map()).set(x - s.startAddr, size);
      rec.sizeclass = tinySizeClass;
      st.by_size_nmalloc[tinySizeClass]++;
      if (pr !== null) pr.point(`new 16-byte tiny block at ${hex(x)}`, { x: hex(x) });
    } else {
      const sizeclass = sizeToClass(h.sc, size);
      elem = h.sc.class_to_size[sizeclass];
      const spc = h.model.noscanSpanClasses ? (sizeclass << 1) | (noscan ? 1 : 0) : sizeclass << 1;
      if (pr !== null) pr.point(`size ${size} rounds to class ${sizeclass} (${elem} B)`, { sizeclass, spc });
      const v = nextFree(h, c, spc);
      s = got.s;
      shouldhelpgc = got.refilled;
      x = s.startAddr + v * elem;
      rec.sizeclass = sizeclass;
      if (h.trackSizes) (s.reqsize ??= new Uint32Array(s.nelems))[v] = size;
      if (s.objBits !== null && noscan) s.objBits[v] |= objNoscan;
      st.by_size_nmalloc[sizeclass]++;
      if (pr !== null) pr.point(`object ${v} of span ${hex(s.startAddr)} at ${hex(x)}`, { x: hex(x) });
    }
    st.nmalloc++;
    st.heap_objects++;
    st.heap_alloc += elem;
    st.total_alloc += elem;
  } else {
    shouldhelpgc = true;
    s = largeAlloc(h, size, noscan, p);
    x = s.startAddr;
    elem = s.elemsize;
    rec.large = true;
    st.nmalloc++;
    st.heap_alloc += elem;
    st.total_alloc += elem;
  }
  rec.addr = x;
  rec.elemsize = elem;
  rec.span = s;
  if (h.listener !== null) h.emit({ type: 'malloc', addr: x, size, sizeclass: rec.sizeclass, elemsize: elem, noscan, tiny: rec.tiny, large: rec.large, span: s.startAddr, p });
  // Memory profiling.
  const rate = h.memProfileRate;
  if (rate > 0) {
    if (elem < rate && elem < c.next_sample) c.next_sample -= elem;
    else profilealloc(h, c, x, elem, site);
  }
  if (shouldhelpgc && h.gcShouldStart()) {
    if (pr !== null) pr.point(`heap_live ${h.memstats.heap_live} reached the trigger ${h.memstats.gc_trigger}: start GC`);
    h.startGC(false, x);
  }
  if (pr !== null) pr.leave();
  return x;
}

/** Out-parameters of nextFree (one module-level record: no allocation per call). */
const got: { s: mspan; refilled: boolean } = { s: null as unknown as mspan, refilled: false };

/**
 * nextFree: the index of the next free object in the P's span for spc, refilling the mcache when
 * that span is full (or is the empty placeholder). Sets `got.s` and `got.refilled`.
 */
function nextFree(h: mheap, c: mcache, spc: number): number {
  const pr = h.probe;
  const bitmaps = h.gcBits !== null;
  if (pr !== null && bitmaps) pr.enter('mcache.nextFree', { spc });
  let s = c.alloc[spc];
  let v = s === null ? -1 : takeObject(h, s);
  got.refilled = false;
  if (v < 0) {
    s = c.refill(h, spc);
    got.refilled = true;
    v = takeObject(h, s);
    if (v < 0) h.throw('freeIndex is not valid', h.fname('mcache.nextFree'));
  }
  got.s = s!;
  if (pr !== null && bitmaps) pr.leave();
  return v;
}

/** Take the next free object of s (nextFreeIndex or the go1.5 free list); -1 when s is full. */
function takeObject(h: mheap, s: mspan): number {
  if (s.allocBits !== null) {
    const i = s.nextFreeIndex();
    if (i === s.nelems) {
      if (s.allocCount !== s.nelems) h.throw('s.allocCount != s.nelems && freeIndex == s.nelems', h.fname('mcache.nextFree'));
      return -1;
    }
    s.allocCount++;
    if (s.allocCount > s.nelems) h.throw('s.allocCount > s.nelems', h.fname('mcache.nextFree'));
    return i;
  }
  const v = s.freelist;
  if (v === -1) return -1;
  s.freelist = s.freeNext![v];
  s.objBits![v] = objAllocated;
  s.allocCount++;
  return v;
}

/** largeAlloc: a span of its own for an object over 32 KiB. */
function largeAlloc(h: mheap, size: number, noscan: boolean, p: number): mspan {
  const pr = h.probe;
  // Sizes may exceed 2^32: no 32-bit shifts or masks here.
  const npages = Math.ceil(size / _PageSize);
  if (pr !== null) pr.enter('largeAlloc', { size, npages, noscan });
  // Pay sweep debt down to npages (mheap.alloc reclaims npages itself).
  h.sweeperCredit(npages * _PageSize, npages);
  const spc = h.model.noscanSpanClasses && noscan ? 1 : 0;
  const s = h.alloc(npages, spc, true, p);
  if (s === null) h.throw(h.oomMessage !== '' ? `out of memory (${h.oomMessage})` : 'out of memory', 'largeAlloc');
  s.limit = s.startAddr + size;
  if (s.allocBits !== null) {
    s.freeindex = 1;
    s.allocCount = 1;
  } else {
    // go1.5 keeps ref == 0 for large spans; the object's state lives in the heap bitmap.
    s.freelist = -1;
    s.objBits![0] = objAllocated | (noscan ? objNoscan : 0);
  }
  if (pr !== null) pr.leave();
  return s;
}

/** profilealloc: record a sampled allocation as a profile special and draw the next sample point. */
function profilealloc(h: mheap, c: { next_sample: number }, x: number, size: number, site: number): void {
  const pr = h.probe;
  if (pr !== null) pr.enter('profilealloc', { x: hex(x), size });
  c.next_sample = nextSample(h);
  h.mProf_Malloc(site, size);
  setprofilebucket(h, x, size, site);
  if (pr !== null) pr.leave();
}
