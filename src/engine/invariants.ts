/**
 * The invariant checker: every violated invariant of the heap, as readable sentences. Tests run
 * it after every operation; the debugger runs it on demand (`checkInvariants` launch option).
 *
 * Checks: the page heap's own (span map, free lists / treap / page allocator summaries,
 * coalescing, released-page accounting); accounting identities (heap_sys = heap_inuse +
 * heap_idle, heap_released <= heap_idle, heap_objects = nmalloc - nfree, heap_alloc = bytes of
 * allocated objects); per span (allocCount matches the alloc bits or free list, sweepgen is one of
 * the three legal values, specials sorted and unique); list membership (every in-use small span
 * is on its mcentral's nonempty or empty list, cached spans are marked incache); the mcaches;
 * the gcBits arenas.
 */
import { _MaxMHeapList, _PageSize } from './constants';
import { hex } from './mspanlist';
import type { mheap } from './mheap';
import { objAllocated, type mspan } from './mspan';
import type { listsPageHeap } from './pageheap_lists';
import { _FixedStack, _StackCacheSize, type stackpools } from './stack';

export function checkInvariants(h: mheap, stacks?: stackpools): string[] {
  const out: string[] = [];
  h.pages.checkInvariants(h, out);
  const st = h.memstats;
  if (st.heap_sys !== st.heap_inuse + st.heap_idle) out.push(`heap_sys ${st.heap_sys} != heap_inuse ${st.heap_inuse} + heap_idle ${st.heap_idle}`);
  if (st.heap_released > st.heap_idle) out.push(`heap_released ${st.heap_released} > heap_idle ${st.heap_idle}`);
  if (st.heap_objects !== st.nmalloc - st.nfree) out.push(`heap_objects ${st.heap_objects} != nmalloc ${st.nmalloc} - nfree ${st.nfree}`);
  let allocBytes = 0;
  let inusePages = 0;
  let manualBytes = 0;
  const cached = new Set<mspan>();
  for (const c of h.caches) {
    for (let i = 0; i < c.alloc.length; i++) {
      const s = c.alloc[i];
      if (s === null) continue;
      cached.add(s);
      if (s.spanclass !== i) out.push(`mcache P${c.p}: alloc[${i}] holds span ${hex(s.startAddr)} of span class ${s.spanclass}`);
      if (!s.incache) out.push(`mcache P${c.p}: span ${hex(s.startAddr)} cached but not marked incache`);
      if (s.state !== 'mSpanInUse') out.push(`mcache P${c.p}: cached span ${hex(s.startAddr)} is ${s.state}`);
      if (s.list !== h.central[i].empty) out.push(`mcache P${c.p}: cached span ${hex(s.startAddr)} is not on mcentral's empty list`);
    }
    if (c.tiny !== 0) {
      const s = h.spanOf(c.tiny);
      if (s === null || s.state !== 'mSpanInUse' || s.sizeclass() !== 2) out.push(`mcache P${c.p}: tiny block ${hex(c.tiny)} is not in a live 16-byte span`);
    }
    if (c.tinyoffset < 0 || c.tinyoffset > 16) out.push(`mcache P${c.p}: tinyoffset ${c.tinyoffset} out of range`);
  }
  const sg = h.sweepgen;
  for (const s of h.allspans) {
    if (s.state === 'mSpanManual') manualBytes += s.npages * _PageSize;
    if (s.state !== 'mSpanInUse') continue;
    inusePages += s.npages;
    if (s.sweepgen !== sg && s.sweepgen !== sg - 2) out.push(`span ${hex(s.startAddr)}: sweepgen ${s.sweepgen} with heap sweepgen ${sg}`);
    if (s.allocCount < 0 || s.allocCount > s.nelems) out.push(`span ${hex(s.startAddr)}: allocCount ${s.allocCount} outside 0..${s.nelems}`);
    const cl = s.sizeclass();
    const counted = countAllocated(s);
    if (cl === 0) {
      if (counted === 1) allocBytes += s.elemsize;
      if (s.allocBits !== null && s.allocCount !== counted) out.push(`large span ${hex(s.startAddr)}: allocCount ${s.allocCount} but ${counted} allocated`);
      if (h.model.name !== 'go1.14') {
        const lists = h.pages as unknown as listsPageHeap;
        const want = s.npages < _MaxMHeapList ? lists.busy[s.npages] : lists.busylarge;
        if (s.list !== want) out.push(`large span ${hex(s.startAddr)} not on its busy list`);
      }
    } else {
      allocBytes += s.allocCount * s.elemsize;
      if (counted !== s.allocCount) out.push(`span ${hex(s.startAddr)} (class ${cl}): allocCount ${s.allocCount} but ${counted} objects allocated by its ${s.allocBits !== null ? 'alloc bits' : 'free list'}`);
      const c = h.central[s.spanclass];
      if (s.list !== c.nonempty && s.list !== c.empty) out.push(`span ${hex(s.startAddr)} (class ${cl}) is on no list of its mcentral`);
      if (s.incache && !cached.has(s)) out.push(`span ${hex(s.startAddr)} marked incache but no mcache holds it`);
      if (s.limit !== s.startAddr + s.nelems * s.elemsize) out.push(`span ${hex(s.startAddr)}: limit ${hex(s.limit)} wrong`);
    }
    for (let i = 0; i < s.specials.length; i++) {
      const a = s.specials[i];
      if (i > 0) {
        const b = s.specials[i - 1];
        if (b.offset > a.offset || (b.offset === a.offset && b.kind >= a.kind)) out.push(`span ${hex(s.startAddr)}: specials out of order or duplicated at offset ${a.offset}`);
      }
      if (!s.isAllocated(Math.floor(a.offset / s.elemsize))) out.push(`span ${hex(s.startAddr)}: special at offset ${a.offset} on a free object`);
    }
    if (s.freeindex > s.nelems) out.push(`span ${hex(s.startAddr)}: freeindex ${s.freeindex} > nelems ${s.nelems}`);
  }
  if (allocBytes !== st.heap_alloc) out.push(`heap_alloc ${st.heap_alloc} != bytes of allocated objects ${allocBytes}`);
  if (inusePages !== h.pagesInUse) out.push(`pagesInUse ${h.pagesInUse} != pages of in-use spans ${inusePages}`);
  const structs = h.allspans.size + (h.mspancache === null ? 0 : h.mspancache.reduce((a, b) => a + b, 0));
  if (st.mspan_inuse !== structs * h.model.sizeofMspan) out.push(`mspan_inuse ${st.mspan_inuse} != ${structs} mspan structs (live spans and mspancache) × ${h.model.sizeofMspan}`);
  if (st.mspan_inuse > st.mspan_sys) out.push(`mspan_inuse ${st.mspan_inuse} > mspan_sys ${st.mspan_sys}`);
  if (manualBytes !== st.stacks_inuse) out.push(`stacks_inuse ${st.stacks_inuse} != bytes of manual spans ${manualBytes}`);
  for (const c of h.central) {
    for (const s of c.nonempty) if (s.spanclass !== c.spanclass || s.state !== 'mSpanInUse') out.push(`mcentral ${c.spanclass} nonempty holds ${s.state} span ${hex(s.startAddr)} of class ${s.spanclass}`);
    for (const s of c.empty) if (s.spanclass !== c.spanclass || s.state !== 'mSpanInUse') out.push(`mcentral ${c.spanclass} empty holds ${s.state} span ${hex(s.startAddr)} of class ${s.spanclass}`);
  }
  if (h.gcBits !== null) for (const v of h.gcBits.checkInvariants()) out.push(`gcBits: ${v}`);
  if (stacks !== undefined) {
    stacks.pool.forEach((list, order) => {
      for (const s of list) {
        const ent = stacks.manualFreeList.get(s);
        if (s.state !== 'mSpanManual' || ent === undefined || ent.free.length === 0) out.push(`stackpool[${order}] holds span ${hex(s.startAddr)} with no free stack`);
      }
    });
    for (const [s, { order, free }] of stacks.manualFreeList) {
      const per = _StackCacheSize / (_FixedStack << order);
      if (s.allocCount + free.length !== per) out.push(`stack span ${hex(s.startAddr)}: allocCount ${s.allocCount} + free ${free.length} != ${per} stacks`);
      if ((free.length > 0) !== (s.list === stacks.pool[order])) out.push(`stack span ${hex(s.startAddr)}: on stackpool[${order}] is ${s.list === stacks.pool[order]} with ${free.length} free stacks`);
    }
  }
  return out;
}

/** Objects allocated in a span according to its free tracking. */
export function countAllocated(s: mspan): number {
  let n = 0;
  if (s.allocBits !== null) {
    const b = s.allocBits.bytes;
    for (let i = 0; i < s.nelems; i++) if (i < s.freeindex || (b[i >> 3] & (1 << (i & 7))) !== 0) n++;
  } else if (s.objBits !== null) {
    for (let i = 0; i < s.nelems; i++) if ((s.objBits[i] & objAllocated) !== 0) n++;
  }
  return n;
}

