/**
 * Sweeping: turning last cycle's mark bits into free objects, lazily, with the sweep-generation
 * protocol of mgcsweep.go (all eras):
 *   s.sweepgen == h.sweepgen - 2: the span needs sweeping;
 *   s.sweepgen == h.sweepgen - 1: it is being swept;
 *   s.sweepgen == h.sweepgen:     it is swept and ready to use.
 * h.sweepgen grows by 2 at every mark termination, making every in-use span "unswept" at once.
 *
 * Who sweeps: `mcentral.cacheSpan` (spans it meets), `mheap.reclaim` before a heap allocation
 * (busy lists in go1.5/go1.10; `pageInUse &^ pageMarks` by chunk in go1.14), proportional sweep
 * (`deductSweepCredit`, paced so sweeping ends before the next trigger), the background sweeper
 * (`sweepone` in a loop: here, the `sweep` statement and simulated time), and `finishsweep_m` at
 * the start of the next cycle. Which spans sweepone visits: go1.5 walks a snapshot of allspans by
 * index; go1.10/go1.14 pop the unswept `sweepSpans` stack.
 *
 * mspan.sweep frees every allocated, unmarked object: a finalizer keeps its object (and, through
 * markrootSpans, what it reaches) alive one more cycle and is queued; profile records of dead
 * objects are freed; an empty small span goes back to the heap through mcentral.freeSpan, a dead
 * large object's span through mheap.freeSpan.
 */
import { _PageSize } from './constants';
import { hex } from './mspanlist';
import { objAllocated, objMarked, type mspan } from './mspan';
import type { mheap } from './mheap';
import { _KindSpecialFinalizer, freespecial } from './specials';
import type { SweepCaller } from '../protocol/events';

const popcount8 = new Uint8Array(256);
for (let i = 0; i < 256; i++) popcount8[i] = (i & 1) + popcount8[i >> 1];

/** mspan.sweep: sweep one span whose sweepgen the caller moved to h.sweepgen-1. True if it went back to the heap. */
export function sweepSpan(h: mheap, s: mspan, preserve: boolean, by: SweepCaller): boolean {
  const pr = h.probe;
  if (pr !== null) pr.enter('mspan.sweep', { s: hex(s.startAddr), preserve, sizeclass: s.sizeclass(), allocCount: s.allocCount });
  const sweepgen = h.sweepgen;
  if (s.state !== 'mSpanInUse' || s.sweepgen !== sweepgen - 1) {
    h.throw(`mspan.sweep: bad span state (span ${hex(s.startAddr)} state ${s.state} sweepgen ${s.sweepgen}/${sweepgen})`, h.fname('mspan.sweep'));
  }
  const st = h.memstats;
  st.nsweep++;
  st.pagesSwept += s.npages;
  const size = s.elemsize;
  const cl = s.sizeclass();
  if (s.specials.length > 0) sweepSpecials(h, s);
  if (s.tinySizes !== null) for (const off of s.tinySizes.keys()) if (!s.isMarked(Math.floor(off / size))) s.tinySizes.delete(off);
  let res = false;
  let nfreed: number;
  let freeToHeap = false;
  if (s.allocBits !== null) {
    // go1.10 / go1.14: the mark bits become the alloc bits.
    const marks = s.gcmarkBits!.bytes;
    const nbytes = (s.nelems + 7) >> 3;
    let nalloc = 0;
    for (let i = 0; i < nbytes; i++) nalloc += popcount8[marks[i]];
    if (cl === 0 && nalloc === 0) {
      s.needzero = true;
      freeToHeap = true;
    }
    nfreed = s.allocCount - nalloc;
    if (nalloc > s.allocCount) h.throw(`sweep increased allocation count (span ${hex(s.startAddr)})`, h.fname('mspan.sweep'));
    if (s.ptrs !== null) for (const i of s.ptrs.keys()) if ((marks[i >> 3] & (1 << (i & 7))) === 0) s.ptrs.delete(i);
    s.allocCount = nalloc;
    const wasempty = !hasFreeFrom(s);
    s.freeindex = 0;
    s.allocBits = s.gcmarkBits;
    s.gcmarkBits = h.gcBits!.newMarkBits(s.nelems);
    if (freeToHeap || nfreed === 0) s.sweepgen = sweepgen;
    if (nfreed > 0 && cl !== 0) {
      accountSmallFree(h, cl, nfreed, size);
      res = h.central[s.spanclass].freeSpan(h, s, preserve, wasempty);
    } else if (freeToHeap) {
      accountLargeFree(h, size);
      h.freeSpan(s, true);
      res = true;
    }
  } else {
    // go1.5: walk the objects; the freed ones go on the span's free list in address order.
    const bits = s.objBits!;
    const n = s.nelems;
    let head = -1;
    let tail = -1;
    nfreed = 0;
    for (let i = 0; i < n; i++) {
      const b = bits[i];
      if ((b & objMarked) !== 0) bits[i] = b & ~objMarked;
      else if ((b & objAllocated) !== 0) {
        bits[i] = 0;
        nfreed++;
        if (s.ptrs !== null) s.ptrs.delete(i);
        if (cl !== 0) {
          if (head === -1) head = i;
          else s.freeNext![tail] = i;
          tail = i;
        }
      }
    }
    if (cl === 0 && nfreed > 0) freeToHeap = true;
    if (freeToHeap || nfreed === 0) s.sweepgen = sweepgen;
    if (nfreed > 0 && cl !== 0) {
      accountSmallFree(h, cl, nfreed, size);
      const wasempty = s.freelist === -1;
      s.freeNext![tail] = s.freelist;
      s.freelist = head;
      s.allocCount -= nfreed;
      res = h.central[s.spanclass].freeSpan(h, s, preserve, wasempty);
      if (res) s.freelist = -1;
    } else if (freeToHeap) {
      accountLargeFree(h, size);
      h.freeSpan(s, true);
      res = true;
    }
  }
  if (!res && h.model.name !== 'go1.5') h.sweepSpans[(sweepgen >> 1) & 1].push(s);
  if (h.listener !== null) h.emit({ type: 'spanSwept', span: h.info(s), freed: nfreed, by, freedToHeap: res });
  if (pr !== null) pr.point(`swept span ${hex(s.startAddr)}: ${nfreed} object(s) freed${res ? ', span returned to the heap' : ''}`, { nfreed, res });
  if (pr !== null) pr.leave();
  return res;
}

function accountSmallFree(h: mheap, cl: number, nfreed: number, size: number): void {
  const st = h.memstats;
  st.nfree += nfreed;
  st.by_size_nfree[cl] += nfreed;
  st.heap_objects -= nfreed;
  st.heap_alloc -= nfreed * size;
}

function accountLargeFree(h: mheap, size: number): void {
  const st = h.memstats;
  st.nfree++;
  st.nlargefree++;
  st.largefree += size;
  st.heap_alloc -= size;
}

/** Whether s has a free slot at or after freeindex (go1.10 `nextFreeIndex() != nelems`) without moving it. */
function hasFreeFrom(s: mspan): boolean {
  const save = s.freeindex;
  const i = s.nextFreeIndex();
  s.freeindex = save;
  return i < s.nelems;
}

function isMarked(s: mspan, i: number): boolean {
  return s.isMarked(i);
}

function setMarked(s: mspan, i: number): void {
  if (s.gcmarkBits !== null) s.gcmarkBits.bytes[i >> 3] |= 1 << (i & 7);
  else s.objBits![i] |= objMarked;
}

/**
 * Specials of objects about to die: queue finalizers (keeping the object marked, so it survives
 * this sweep) and free profile records, as mspan.sweep does before freeing objects.
 */
function sweepSpecials(h: mheap, s: mspan): void {
  const size = s.elemsize;
  const list = s.specials;
  const keep: typeof list = [];
  let k = 0;
  while (k < list.length) {
    const sp = list[k];
    const objIndex = Math.floor(sp.offset / size);
    if (isMarked(s, objIndex) || !s.isAllocated(objIndex)) {
      keep.push(sp);
      k++;
      continue;
    }
    const endOffset = objIndex * size + size;
    let hasFin = false;
    for (let j = k; j < list.length && list[j].offset < endOffset; j++) {
      if (list[j].kind === _KindSpecialFinalizer) {
        setMarked(s, objIndex);
        hasFin = true;
        break;
      }
    }
    while (k < list.length && list[k].offset < endOffset) {
      const x = list[k];
      if (x.kind === _KindSpecialFinalizer || !hasFin) freespecial(h, s, x, s.startAddr + x.offset);
      else keep.push(x);
      k++;
    }
  }
  s.specials = keep;
}

/** sweepone: sweep one unswept span; returns the pages it gave back to the heap, or -1 when none is left. */
export function sweepone(h: mheap, by: SweepCaller): number {
  const pr = h.probe;
  if (pr !== null) pr.enter('sweepone', {});
  const sg = h.sweepgen;
  let npages = -1;
  if (h.model.name === 'go1.5') {
    const work = h.sweepWork;
    for (;;) {
      if (h.sweepIdx >= work.length) {
        h.sweepdone = true;
        break;
      }
      const s = work[h.sweepIdx++];
      if (s.state !== 'mSpanInUse') {
        s.sweepgen = sg;
        continue;
      }
      if (s.sweepgen !== sg - 2) continue;
      s.sweepgen = sg - 1;
      npages = s.npages;
      if (!sweepSpan(h, s, false, by)) npages = 0;
      break;
    }
  } else {
    const unswept = h.sweepSpans[1 - ((sg >> 1) & 1)];
    for (;;) {
      const s = unswept.pop();
      if (s === undefined) {
        h.sweepdone = true;
        break;
      }
      if (s.state !== 'mSpanInUse') continue;
      if (s.sweepgen !== sg - 2) continue;
      s.sweepgen = sg - 1;
      npages = s.npages;
      if (!sweepSpan(h, s, false, by)) npages = 0;
      break;
    }
  }
  if (pr !== null) pr.leave();
  return npages;
}

/** Sweep up to n spans (the background sweeper's work); returns how many were swept. */
export function sweepN(h: mheap, n: number, by: SweepCaller): number {
  let k = 0;
  const before = h.memstats.nsweep;
  while (k < n && sweepone(h, by) !== -1) k = h.memstats.nsweep - before;
  return h.memstats.nsweep - before;
}

/** finishsweep_m: sweep everything left (at the start of a GC cycle). */
export function finishsweep(h: mheap): void {
  const pr = h.probe;
  if (pr !== null) pr.enter('finishsweep_m', {});
  while (sweepone(h, 'finishsweep') !== -1) {
    /* keep sweeping */
  }
  if (pr !== null) pr.leave();
}

/** mheap.reclaim for go1.5/go1.10: sweep large spans on the busy lists, then anything, until npage pages are freed. */
export function reclaimBusy(h: mheap, npage: number, busy: { busy: import('./mspanlist').mSpanList[]; busylarge: import('./mspanlist').mSpanList }): void {
  const list = (l: import('./mspanlist').mSpanList, want: number): number => {
    let n = 0;
    const sg = h.sweepgen;
    retry: for (;;) {
      for (let s = l.first; s !== null; s = s.next) {
        if (s.sweepgen === sg - 2) {
          s.sweepgen = sg - 1;
          l.remove(s);
          l.insertBack(s);
          const snpages = s.npages;
          if (sweepSpan(h, s, false, 'reclaim')) n += snpages;
          if (n >= want) return n;
          continue retry;
        }
        if (s.sweepgen === sg - 1) continue;
        break;
      }
      return n;
    }
  };
  for (let i = npage; i < busy.busy.length; i++) if (list(busy.busy[i], npage) !== 0) return;
  if (list(busy.busylarge, npage) !== 0) return;
  let reclaimed = 0;
  for (let i = 0; i < npage && i < busy.busy.length; i++) {
    reclaimed += list(busy.busy[i], npage - reclaimed);
    if (reclaimed >= npage) return;
  }
  for (;;) {
    const n = sweepone(h, 'reclaim');
    if (n === -1) break;
    reclaimed += n;
    if (reclaimed >= npage) break;
  }
  h.memstats.nreclaimed += reclaimed;
}

/**
 * deductSweepCredit (go1.10 form, used for every era): before allocating spanBytes, sweep
 * enough pages to stay on the line from (sweepHeapLiveBasis, pagesSweptBasis) with slope
 * sweepPagesPerByte, so that all pages are swept by the time heap_live reaches the trigger.
 */
export function deductSweepCredit(h: mheap, spanBytes: number, callerSweepPages: number): void {
  const st = h.memstats;
  if (st.sweepPagesPerByte === 0) return;
  const pr = h.probe;
  if (pr !== null) pr.enter('deductSweepCredit', { spanBytes, callerSweepPages });
  const newHeapLive = st.heap_live - st.sweepHeapLiveBasis + spanBytes;
  const pagesTarget = Math.floor(st.sweepPagesPerByte * newHeapLive) - callerSweepPages;
  while (pagesTarget > st.pagesSwept - st.pagesSweptBasis) {
    if (sweepone(h, 'proportional') === -1) {
      st.sweepPagesPerByte = 0;
      break;
    }
  }
  if (pr !== null) pr.leave();
}

/** Pages per byte for proportional sweep, set when a cycle's sweep begins (gcSetTriggerRatio/gcSweep). */
export function setSweepPacing(h: mheap): void {
  const st = h.memstats;
  const heapLiveBasis = st.heap_live;
  let heapDistance = st.gc_trigger - heapLiveBasis;
  heapDistance -= 1024 * 1024;
  if (heapDistance < _PageSize) heapDistance = _PageSize;
  const sweepDistancePages = h.pagesInUse - st.pagesSwept;
  if (sweepDistancePages <= 0 || h.gogc < 0) st.sweepPagesPerByte = 0;
  else {
    st.sweepPagesPerByte = sweepDistancePages / heapDistance;
    st.sweepHeapLiveBasis = heapLiveBasis;
    st.pagesSweptBasis = st.pagesSwept;
  }
}
