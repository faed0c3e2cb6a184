/**
 * Probe: how the debugger looks *inside* a runtime operation.
 *
 * Engine functions announce themselves (`enter`/`leave`) and the notable moments inside them
 * (`point`), always behind `if (h.probe !== null)`, so that with no probe attached the cost is
 * one null check. A probe keeps the stack of runtime frames (Go's function names for the model's
 * era, with arguments and locals) and may stop an operation part-way by throwing `ProbeStop`:
 * the heap is then exactly as it is after that internal step. Because the engine is
 * deterministic, the debugger resumes by restoring a checkpoint taken before the operation and
 * running it again to the next step (see docs/architecture.md).
 */

/** Canonical ids of runtime functions; `funcName` gives the era's spelling. */
export type FuncId =
  | 'mallocgc'
  | 'largeAlloc'
  | 'mcache.nextFree'
  | 'mcache.refill'
  | 'mcache.releaseAll'
  | 'mcentral.cacheSpan'
  | 'mcentral.uncacheSpan'
  | 'mcentral.grow'
  | 'mcentral.freeSpan'
  | 'mheap.alloc'
  | 'mheap.allocManual'
  | 'mheap.allocSpanLocked'
  | 'mheap.grow'
  | 'mheap.freeSpan'
  | 'mheap.freeManual'
  | 'mheap.freeSpanLocked'
  | 'mheap.reclaim'
  | 'mheap.scavenge'
  | 'pageCache.alloc'
  | 'pageAlloc.alloc'
  | 'pageAlloc.scavenge'
  | 'sweepone'
  | 'mspan.sweep'
  | 'deductSweepCredit'
  | 'gcStart'
  | 'gcMark'
  | 'gcMarkTermination'
  | 'gcSweep'
  | 'finishsweep_m'
  | 'stackalloc'
  | 'stackfree'
  | 'SetFinalizer'
  | 'runfinq'
  | 'profilealloc'
  | 'bgscavenge';

export type LocalValue = number | string | boolean;
export type Locals = Record<string, LocalValue>;

export interface RuntimeFrame {
  readonly fn: FuncId;
  readonly locals: Locals;
}

export interface Probe {
  enter(fn: FuncId, args: Locals): void;
  leave(): void;
  /** A notable internal step: the heap is consistent enough to show. */
  point(what: string, locals?: Locals): void;
}

/** Thrown by a probe to stop an operation part-way; never escapes the engine's callers. */
export class ProbeStop extends Error {
  constructor() {
    super('probe stop');
  }
}

/** A probe that records every step: frames and a description, without stopping. */
export class RecordingProbe implements Probe {
  readonly stack: { fn: FuncId; locals: Locals }[] = [];
  readonly steps: { frames: RuntimeFrame[]; what: string }[] = [];
  constructor(private readonly stopAt = -1) {}
  enter(fn: FuncId, args: Locals): void {
    this.stack.push({ fn, locals: { ...args } });
    this.record(`enter ${fn}`);
  }
  leave(): void {
    this.stack.pop();
  }
  point(what: string, locals?: Locals): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && locals !== undefined) Object.assign(top.locals, locals);
    this.record(what);
  }
  private record(what: string): void {
    this.steps.push({ frames: this.stack.map((f) => ({ fn: f.fn, locals: { ...f.locals } })).reverse(), what });
    if (this.steps.length - 1 === this.stopAt) throw new ProbeStop();
  }
}

const go15Names: Partial<Record<FuncId, string>> = {
  'mcache.refill': 'mCache_Refill',
  'mcache.nextFree': 'mCache_Refill',
  'mcache.releaseAll': 'mCache_ReleaseAll',
  'mcentral.cacheSpan': 'mCentral_CacheSpan',
  'mcentral.uncacheSpan': 'mCentral_UncacheSpan',
  'mcentral.grow': 'mCentral_Grow',
  'mcentral.freeSpan': 'mCentral_FreeSpan',
  'mheap.alloc': 'mHeap_Alloc',
  'mheap.allocManual': 'mHeap_AllocStack',
  'mheap.allocSpanLocked': 'mHeap_AllocSpanLocked',
  'mheap.grow': 'mHeap_Grow',
  'mheap.freeSpan': 'mHeap_Free',
  'mheap.freeManual': 'mHeap_FreeStack',
  'mheap.freeSpanLocked': 'mHeap_FreeSpanLocked',
  'mheap.reclaim': 'mHeap_Reclaim',
  'mheap.scavenge': 'mHeap_Scavenge',
  'mspan.sweep': 'mSpan_Sweep',
  gcStart: 'startGC',
};

/** The function's name as the model's era spells it (`(*mheap).alloc`, `mHeap_Alloc`, ...). */
export function funcName(model: string, fn: FuncId): string {
  if (model === 'go1.5') {
    const n = go15Names[fn];
    if (n !== undefined) return n;
  }
  if (model === 'go1.14' && fn === 'mheap.allocSpanLocked') return '(*mheap).allocSpan';
  const dot = fn.indexOf('.');
  if (dot < 0) return fn;
  return `(*${fn.slice(0, dot)}).${fn.slice(dot + 1)}`;
}
