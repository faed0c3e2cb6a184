/**
 * The "source" of a runtime frame. The simulated runtime has no Go files to open, so a runtime
 * frame's source is a `sourceReference` whose content is a readable page: the function as the
 * era names it, what it does, which Go file it models, its arguments and locals at this step and
 * what the step did. Never a path that does not exist.
 */
import { funcName, type FuncId } from '../engine/probe';
import type { ProbeFrame } from './watchprobe';

const ABOUT: Partial<Record<FuncId, [string, string]>> = {
  mallocgc: ['malloc.go', 'allocates an object: tiny allocator, small size class from the mcache, or a large span from the heap'],
  largeAlloc: ['malloc.go', 'allocates a large object (over 32 KB) as a span of its own'],
  'mcache.nextFree': ['malloc.go', 'finds the next free slot in the cached span, refilling the cache when the span is full'],
  'mcache.refill': ['mcache.go', 'replaces a full cached span with one that has free slots, from mcentral'],
  'mcache.releaseAll': ['mcache.go', 'returns every cached span to its mcentral (at GC)'],
  'mcentral.cacheSpan': ['mcentral.go', 'finds a span with free objects: sweeps one, takes one from the lists, or grows'],
  'mcentral.uncacheSpan': ['mcentral.go', 'takes a span back from an mcache'],
  'mcentral.grow': ['mcentral.go', 'allocates a new span for this span class from the heap'],
  'mcentral.freeSpan': ['mcentral.go', 'called by sweep for a span of this class; an empty span goes back to the heap'],
  'mheap.alloc': ['mheap.go', 'allocates a span of npage pages (reclaiming first while sweeping is unfinished)'],
  'mheap.allocManual': ['mheap.go', 'allocates a span for a stack (mSpanManual)'],
  'mheap.allocSpanLocked': ['mheap.go', 'finds free pages for a span in the page heap, growing the heap when none fit'],
  'mheap.grow': ['mheap.go', 'maps more of the arena: the heap asks the OS for memory'],
  'mheap.freeSpan': ['mheap.go', 'returns a span to the heap'],
  'mheap.freeManual': ['mheap.go', 'returns a stack span to the heap'],
  'mheap.freeSpanLocked': ['mheap.go', 'puts free pages back in the page heap, coalescing with free neighbours'],
  'mheap.reclaim': ['mheap.go', 'sweeps spans to free pages before allocating'],
  'mheap.scavenge': ['mheap.go', 'returns free pages to the OS'],
  'pageCache.alloc': ['mpagecache.go', 'allocates pages from the P\'s 64-page cache'],
  'pageAlloc.alloc': ['mpagealloc.go', 'finds free pages with the radix tree of summaries'],
  'pageAlloc.scavenge': ['mgcscavenge.go', 'releases free pages to the OS, highest addresses first'],
  sweepone: ['mgcsweep.go', 'sweeps one span'],
  'mspan.sweep': ['mgcsweep.go', 'frees the unmarked objects of a span; an empty span goes back to the heap'],
  deductSweepCredit: ['mgcsweep.go', 'proportional sweep: sweeps pages before allocating'],
  gcStart: ['mgc.go', 'starts a GC cycle: finishes sweeping, then mark'],
  gcMark: ['mgcmark.go', 'marks every object reachable from the roots'],
  gcMarkTermination: ['mgc.go', 'ends marking, flips the sweep generation'],
  gcSweep: ['mgcsweep.go', 'prepares sweeping of every span'],
  finishsweep_m: ['mgcsweep.go', 'sweeps every span still unswept'],
  stackalloc: ['stack.go', 'allocates a goroutine stack'],
  stackfree: ['stack.go', 'frees a goroutine stack'],
  SetFinalizer: ['mfinal.go', 'attaches a finalizer special to an object'],
  runfinq: ['mfinal.go', 'runs queued finalizers'],
  profilealloc: ['malloc.go', 'records a memory-profile sample'],
  bgscavenge: ['mgcscavenge.go', 'the background scavenger'],
};

export function runtimeSourceText(model: string, frames: readonly ProbeFrame[], index: number, what: string): string {
  const f = frames[index];
  const name = funcName(model, f.fn);
  const [file, doc] = ABOUT[f.fn] ?? ['runtime', ''];
  const lines = [
    `// ${name} — Go runtime (${model}), simulated; models runtime/${file}`,
    `// ${doc}`,
    '//',
    '// This frame is part of the simulated runtime; it has no source file. Its arguments and',
    '// locals at this step are below (also in the Variables view, scope "Runtime frame").',
    '',
    `func ${name}(...) {`,
    ...Object.entries(f.locals).map(([k, v]) => `    ${k} = ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`),
    '}',
    '',
    index === 0 ? `// this step: ${what}` : `// calls ${funcName(model, frames[index - 1].fn)}`,
    '',
    `// call stack: ${frames.map((x) => funcName(model, x.fn)).reverse().join(' -> ')}`,
  ];
  return lines.join('\n') + '\n';
}
