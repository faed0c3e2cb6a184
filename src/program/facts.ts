/**
 * Heap facts: the names a script may read from the simulated runtime in `expect`, `assert`,
 * `print` and any expression. The checker validates names against these tables; the interpreter
 * shares them (one getter per `key`, resolved once per program, not per evaluation).
 *
 * Naming convention (see docs/script-language.md):
 *   heap.<name>   runtime.MemStats fields in lowerCamelCase with the `Heap` prefix dropped for the
 *                 Heap* fields (HeapInuse → heap.inuse, HeapSys → heap.sys, NumGC → heap.numGC;
 *                 MemStats.Sys, which would clash with heap.sys, is heap.totalSys), then runtime
 *                 internals (mstats/mheap_) in the same style (heap_live → heap.live).
 *   span(x).<f>   mspan fields under their Go names (npages, nelems, allocCount, freeindex, ...).
 *   obj(x).<f>    facts about one object (addr, size, elemsize, sizeclass, noscan, marked, ...).
 *   class(n)      bytes an n-byte allocation really takes (roundupsize: the size class's size,
 *                 or n rounded up to whole pages for a large object).
 *   sizeclass(n)  the size class index serving an n-byte allocation (0 for large objects).
 *
 * `models` lists the generations in which a fact exists; a fact used under another model is an
 * error (GH1503) that says where it exists.
 */

import { MODELS, type ModelName } from './settings';

export type FactType = 'int' | 'bool' | 'spanstate';

export interface FactField {
  readonly name: string;
  readonly type: FactType;
  readonly models: readonly ModelName[];
  /** The runtime's own name for it. */
  readonly go: string;
  readonly doc: string;
}

const ALL = MODELS;
const SINCE_1_10: readonly ModelName[] = ['go1.10', 'go1.14'];
const ONLY_1_14: readonly ModelName[] = ['go1.14'];
const UNTIL_1_10: readonly ModelName[] = ['go1.5', 'go1.10'];
const ONLY_1_5: readonly ModelName[] = ['go1.5'];

function f(name: string, go: string, doc: string, type: FactType = 'int', models: readonly ModelName[] = ALL): FactField {
  return { name, type, models, go, doc };
}

/** `heap.<name>`. */
export const HEAP_FACTS: readonly FactField[] = [
  f('alloc', 'MemStats.HeapAlloc', 'bytes of allocated heap objects (reachable or not yet swept)'),
  f('sys', 'MemStats.HeapSys', 'bytes of heap memory obtained from the OS'),
  f('idle', 'MemStats.HeapIdle', 'bytes in idle (unused) spans'),
  f('inuse', 'MemStats.HeapInuse', 'bytes in in-use spans'),
  f('released', 'MemStats.HeapReleased', 'bytes of physical memory returned to the OS'),
  f('objects', 'MemStats.HeapObjects', 'number of allocated heap objects'),
  f('totalAlloc', 'MemStats.TotalAlloc', 'cumulative bytes allocated for heap objects'),
  f('totalSys', 'MemStats.Sys', 'total bytes obtained from the OS (all of MemStats.*Sys)'),
  f('mallocs', 'MemStats.Mallocs', 'cumulative count of heap objects allocated'),
  f('frees', 'MemStats.Frees', 'cumulative count of heap objects freed'),
  f('stackInuse', 'MemStats.StackInuse', 'bytes in stack spans'),
  f('stackSys', 'MemStats.StackSys', 'stack memory obtained from the OS'),
  f('mspanInuse', 'MemStats.MSpanInuse', 'bytes of allocated mspan structures'),
  f('mspanSys', 'MemStats.MSpanSys', 'memory obtained from the OS for mspan structures'),
  f('mcacheInuse', 'MemStats.MCacheInuse', 'bytes of allocated mcache structures'),
  f('mcacheSys', 'MemStats.MCacheSys', 'memory obtained from the OS for mcache structures'),
  f('buckHashSys', 'MemStats.BuckHashSys', 'bytes of memory in profiling bucket hash tables'),
  f('gcSys', 'MemStats.GCSys', 'bytes of memory in garbage collection metadata'),
  f('otherSys', 'MemStats.OtherSys', 'bytes of miscellaneous off-heap runtime allocations'),
  f('nextGC', 'MemStats.NextGC', 'target heap size of the next GC cycle'),
  f('lastGC', 'MemStats.LastGC', 'simulated time of the last GC, in nanoseconds'),
  f('numGC', 'MemStats.NumGC', 'number of completed GC cycles'),
  f('numForcedGC', 'MemStats.NumForcedGC', 'number of GC cycles forced by `gc` (runtime.GC)', 'int', SINCE_1_10),
  f('live', 'memstats.heap_live', 'bytes the GC considers live: marked at the last GC plus allocated since'),
  f('marked', 'memstats.heap_marked', 'bytes marked by the last GC'),
  f('trigger', 'memstats.gc_trigger', 'heap_live at which the next GC starts'),
  f('pagesInUse', 'mheap_.pagesInUse', 'pages of spans in state mSpanInUse'),
  f('pagesSwept', 'mheap_.pagesSwept', 'pages swept this cycle'),
  f('sweepgen', 'mheap_.sweepgen', 'sweep generation (+2 every GC)'),
  f('allspans', 'len(mheap_.allspans)', 'number of mspan structures ever created'),
  f('largealloc', 'mheap_.largealloc', 'bytes allocated for large objects'),
  f('nlargealloc', 'mheap_.nlargealloc', 'number of large object allocations'),
  f('scavengeGoal', 'mheap_.scavengeGoal', 'retained-heap goal of the background scavenger', 'int', ONLY_1_14),
];

/** `span(x).<name>`: the mspan holding object x (or stack s). */
export const SPAN_FACTS: readonly FactField[] = [
  f('startAddr', 'mspan.startAddr', 'address of the first byte of the span (go1.5 keeps it as the page number `start`)'),
  f('npages', 'mspan.npages', 'number of pages in the span'),
  f('nelems', 'mspan.nelems', 'number of object slots in the span'),
  f('allocCount', 'mspan.allocCount', 'number of allocated objects (go1.5 keeps `ref` instead)'),
  f('ref', 'mspan.ref', 'go1.5: capacity minus the number of objects on the free list', 'int', ONLY_1_5),
  f('freeindex', 'mspan.freeindex', 'slot index where the next free-slot scan starts', 'int', SINCE_1_10),
  f('elemsize', 'mspan.elemsize', 'bytes per object slot'),
  f('sizeclass', 'spanClass.sizeclass()', 'size class of the span (0 for large objects)'),
  f('spanclass', 'mspan.spanclass', 'size class << 1 | noscan', 'int', SINCE_1_10),
  f('noscan', 'spanClass.noscan()', 'the span holds pointer-free objects', 'bool', SINCE_1_10),
  f('state', 'mspan.state', 'mSpanInUse, mSpanManual, mSpanFree or mSpanDead', 'spanstate'),
  f('sweepgen', 'mspan.sweepgen', 'sweep generation of the span'),
  f('limit', 'mspan.limit', 'end of the data in the span'),
  f('needzero', 'mspan.needzero', 'the span must be zeroed before use', 'bool'),
  f('specials', 'mspan.specials', 'number of specials (finalizers, profile records) on the span'),
  f('unusedsince', 'mspan.unusedsince', 'simulated time when the span became idle', 'int', UNTIL_1_10),
  f('npreleased', 'mspan.npreleased', 'pages released to the OS', 'int', UNTIL_1_10),
  f('scavenged', 'mspan.scavenged', 'the span\'s pages were returned to the OS', 'bool', ONLY_1_14),
];

/** `obj(x).<name>`: the object x points to. */
export const OBJ_FACTS: readonly FactField[] = [
  f('addr', 'uintptr(unsafe.Pointer(x))', 'address of the object'),
  f('size', 'mallocgc size', 'bytes requested'),
  f('elemsize', 'span.elemsize', 'bytes occupied (the size class size; 16 for a tiny block)'),
  f('sizeclass', 'spanClass.sizeclass()', 'size class serving the object (0 for large)'),
  f('index', 'span.objIndex(x)', 'slot index of the object within its span'),
  f('noscan', 'spanClass.noscan()', 'the object is pointer-free', 'bool'),
  f('tiny', 'mcache.tiny', 'allocated by the tiny allocator (noscan and under 16 bytes)', 'bool'),
  f('marked', 'isMarked()', 'the mark bit is set (marked by the last GC)', 'bool'),
  f('hasFinalizer', 'specialfinalizer', 'a finalizer is set on the object', 'bool'),
  f('sampled', 'specialprofile', 'the allocation was sampled by the memory profiler', 'bool'),
];

/** Span states a script can name; go1.5 calls mSpanManual `_MSpanStack`. */
export const SPAN_STATES: readonly { readonly name: string; readonly models: readonly ModelName[] }[] = [
  { name: 'mSpanInUse', models: ALL },
  { name: 'mSpanManual', models: ALL },
  { name: 'mSpanFree', models: UNTIL_1_10 },
  { name: 'mSpanDead', models: ALL },
];

export interface FactFunction {
  readonly name: string;
  /** Argument type; 'none' for `heap`. */
  readonly arg: 'none' | 'ref' | 'int';
  /** Fields, or null when the function itself is the value (`class(n)`). */
  readonly fields: readonly FactField[] | null;
  /** Result type when `fields` is null. */
  readonly type: FactType;
  readonly doc: string;
  readonly example: string;
}

export const FACT_FUNCTIONS: readonly FactFunction[] = [
  { name: 'heap', arg: 'none', fields: HEAP_FACTS, type: 'int', doc: 'heap-wide statistics', example: 'heap.inuse' },
  { name: 'span', arg: 'ref', fields: SPAN_FACTS, type: 'int', doc: 'the mspan holding an object or stack', example: 'span(x).allocCount' },
  { name: 'obj', arg: 'ref', fields: OBJ_FACTS, type: 'int', doc: 'one heap object', example: 'obj(x).elemsize' },
  { name: 'class', arg: 'int', fields: null, type: 'int', doc: 'bytes an n-byte allocation takes (roundupsize)', example: 'class(33)' },
  { name: 'sizeclass', arg: 'int', fields: null, type: 'int', doc: 'size class index of an n-byte allocation', example: 'sizeclass(33)' },
];

const byName = new Map(FACT_FUNCTIONS.map((fn) => [fn.name, fn]));
const fieldMaps = new Map(
  FACT_FUNCTIONS.filter((fn) => fn.fields !== null).map((fn) => [fn.name, new Map(fn.fields!.map((x) => [x.name, x]))]),
);

export function factFunction(name: string): FactFunction | undefined {
  return byName.get(name);
}

export function factField(fn: string, field: string): FactField | undefined {
  return fieldMaps.get(fn)?.get(field);
}

/** Every valid fact key: 'heap.inuse', 'span.allocCount', ..., 'class', 'sizeclass'. */
export const FACT_KEYS: readonly string[] = FACT_FUNCTIONS.flatMap((fn) =>
  fn.fields === null ? [fn.name] : fn.fields.map((x) => `${fn.name}.${x.name}`),
);
