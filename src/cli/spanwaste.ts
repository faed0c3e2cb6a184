/**
 * Spans by size class with their waste: where the bytes of in-use spans (heap_inuse less stacks)
 * go. For a small span of class c (elemsize e, nelems n, allocCount a, npages p):
 *
 *   span bytes   = p × 8192
 *   object bytes = a × e                      (what heap_alloc counts for the span)
 *   requested    = Σ bytes the script asked for, over allocated slots (tiny blocks: their pieces)
 *   rounding     = object bytes − requested   (size-class rounding)
 *   free slots   = (n − a) × e
 *   tail waste   = p × 8192 − n × e           (the span's bytes past its last slot)
 *
 * so span bytes = requested + rounding + free slots + tail, exactly. Large spans (class 0) hold
 * one object of p × 8192 bytes; the engine does not keep a large object's request, so their
 * requested and rounding are null. Objects not yet swept count as allocated, as they do in
 * heap_alloc and allocCount.
 */
import type { Heap } from '../engine/heap';

export interface ClassWasteRow {
  /** 0 = large objects. */
  readonly sizeclass: number;
  /** go1.10+: the span class's noscan bit; go1.5 always false. */
  readonly noscan: boolean;
  readonly elemsize: number;
  spans: number;
  pages: number;
  objects: number;
  capacity: number;
  objectBytes: number;
  requested: number | null;
  rounding: number | null;
  freeSlots: number;
  tail: number;
}

export function classWaste(hp: Heap): ClassWasteRow[] {
  const rows = new Map<number, ClassWasteRow>();
  for (const s of hp.spans()) {
    if (s.state !== 'mSpanInUse') continue;
    const c = s.sizeclass();
    const noscan = hp.h.model.noscanSpanClasses ? s.noscan() : false;
    const key = c === 0 ? -1 : c * 2 + Number(noscan);
    let r = rows.get(key);
    if (r === undefined) {
      r = { sizeclass: c, noscan: c === 0 ? false : noscan, elemsize: c === 0 ? 0 : hp.h.sc.class_to_size[c], spans: 0, pages: 0, objects: 0, capacity: 0, objectBytes: 0, requested: c === 0 ? null : 0, rounding: c === 0 ? null : 0, freeSlots: 0, tail: 0 };
      rows.set(key, r);
    }
    r.spans++;
    r.pages += s.npages;
    const spanBytes = s.npages * 8192;
    if (c === 0) {
      r.objects += 1;
      r.capacity += 1;
      r.objectBytes += spanBytes;
      continue;
    }
    const e = s.elemsize;
    r.objects += s.allocCount;
    r.capacity += s.nelems;
    r.objectBytes += s.allocCount * e;
    r.freeSlots += (s.nelems - s.allocCount) * e;
    r.tail += spanBytes - s.nelems * e;
    let req = 0;
    const tinyBySlot = new Map<number, number>();
    if (s.tinySizes !== null) for (const [off, n] of s.tinySizes) tinyBySlot.set(Math.floor(off / e), (tinyBySlot.get(Math.floor(off / e)) ?? 0) + n);
    for (let i = 0; i < s.nelems; i++) {
      if (!s.isAllocated(i)) continue;
      const t = tinyBySlot.get(i);
      req += t !== undefined ? t : s.reqsize !== null ? s.reqsize[i] : e;
    }
    r.requested! += req;
    r.rounding! += s.allocCount * e - req;
  }
  return [...rows.values()].sort((a, b) => (a.sizeclass === 0 ? 1 : 0) - (b.sizeclass === 0 ? 1 : 0) || a.sizeclass - b.sizeclass || Number(a.noscan) - Number(b.noscan));
}
