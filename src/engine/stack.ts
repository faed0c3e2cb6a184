/**
 * Goroutine stacks: `stackalloc`/`stackfree` of stack.go, on manual spans (mSpanManual;
 * `_MSpanStack` in go1.5).
 *
 *  - Small stacks (2, 4, 8, 16 KB: `_FixedStack << order`, `_NumStackOrders` = 4) come from the
 *    global `stackpool[order]`: 32 KB manual spans (`_StackCacheSize`) carved into stacks and
 *    linked into the span's `manualFreeList` (pushed in address order, so the highest stack is
 *    handed out first); a span leaves the pool when it has no free stack and is returned to the
 *    heap when its last stack is freed outside a GC.
 *  - Large stacks (32 KB and up) get a manual span of their own: allocManual(size / 8 KB).
 * The per-P stack caches (`mcache.stackcache`) are not modelled: every small stack goes straight to
 * the global pool.
 * Invariants: a pool span is manual, has allocCount = stacks handed out, and is on
 * stackpool[order] exactly when it has a free stack.
 */
import { _PageShift, _PageSize } from './constants';
import type { mheap } from './mheap';
import type { mspan } from './mspan';
import { hex, mSpanList } from './mspanlist';

export const _FixedStack = 2048;
export const _NumStackOrders = 4;
export const _StackCacheSize = 32 * 1024;

/** A stack handed to the program. */
export interface StackHandle {
  readonly span: mspan;
  readonly base: number;
  /** Bytes. */
  readonly size: number;
  /** Pages of its span when the stack has a span of its own; 0 for pool stacks. */
  readonly npages: number;
  freed: boolean;
}

export class stackpools {
  readonly pool: mSpanList[] = [];
  /** Per pool span: its order and its free stack offsets (the span's `manualFreeList`, top last). */
  readonly manualFreeList = new Map<mspan, { readonly order: number; readonly free: number[] }>();
  constructor() {
    for (let o = 0; o < _NumStackOrders; o++) this.pool.push(new mSpanList(`stackpool[${o}]`));
  }
}

export function stackalloc(h: mheap, pools: stackpools, n: number, p: number): StackHandle {
  const pr = h.probe;
  if (pr !== null) pr.enter('stackalloc', { n });
  if ((n & (n - 1)) !== 0 || n < _FixedStack) h.throw(`stack size not a power of 2 (n=${n})`, 'stackalloc');
  h.curP = p;
  let handle: StackHandle;
  if (n < _FixedStack << _NumStackOrders) {
    let order = 0;
    for (let n2 = n; n2 > _FixedStack; n2 >>= 1) order++;
    const list = pools.pool[order];
    let s = list.first;
    if (s === null) {
      s = h.allocManual(_StackCacheSize >> _PageShift, p);
      if (s === null) h.throw(`out of memory (stackpoolalloc)${h.oomMessage ? `: ${h.oomMessage}` : ''}`, 'stackalloc');
      s.allocCount = 0;
      const free: number[] = [];
      for (let i = 0; i < _StackCacheSize; i += _FixedStack << order) free.push(i);
      pools.manualFreeList.set(s, { order, free });
      list.insert(s);
      if (pr !== null) pr.point(`new 32 KB stack span ${hex(s.startAddr)} for stackpool[${order}]`, { s: hex(s.startAddr) });
    }
    const free = pools.manualFreeList.get(s)!.free;
    const off = free.pop()!;
    s.allocCount++;
    if (free.length === 0) list.remove(s);
    handle = { span: s, base: s.startAddr + off, size: n, npages: 0, freed: false };
  } else {
    const npage = n / _PageSize;
    const s = h.allocManual(npage, p);
    if (s === null) h.throw(`out of memory allocating stack of ${n} bytes${h.oomMessage ? ` (${h.oomMessage})` : ''}`, 'stackalloc');
    handle = { span: s, base: s.startAddr, size: n, npages: npage, freed: false };
  }
  if (pr !== null) pr.point(`stack [${hex(handle.base)}, ${hex(handle.base + n)})`, { stack: hex(handle.base) });
  if (pr !== null) pr.leave();
  return handle;
}

/** stackfree; freeing a stack twice is a fault with the runtime's message. */
export function stackfree(h: mheap, pools: stackpools, st: StackHandle): void {
  const pr = h.probe;
  if (pr !== null) pr.enter('stackfree', { stk: hex(st.base), n: st.size });
  const s = st.span;
  const invalid = `${h.model.name === 'go1.14' ? 'mheap.freeSpanLocked' : 'MHeap_FreeSpanLocked'} - invalid span state`;
  if (st.freed || s.state !== 'mSpanManual') h.throw(`${invalid} (stack ${hex(st.base)} already freed)`, 'stackfree');
  if (st.npages > 0) {
    if (s.startAddr !== st.base) h.throw(`${invalid} (stack ${hex(st.base)} already freed)`, 'stackfree');
    h.freeManual(s);
  } else {
    const ent = pools.manualFreeList.get(s);
    if (ent === undefined) h.throw(`${invalid} (stack ${hex(st.base)} already freed)`, 'stackfree');
    const { order, free } = ent;
    if (free.length === 0) pools.pool[order].insert(s);
    free.push(st.base - s.startAddr);
    s.allocCount--;
    if (h.gcPhase === '_GCoff' && s.allocCount === 0) {
      pools.pool[order].remove(s);
      pools.manualFreeList.delete(s);
      h.freeManual(s);
    }
  }
  st.freed = true;
  if (pr !== null) pr.leave();
}
