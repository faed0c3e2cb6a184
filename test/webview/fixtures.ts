/**
 * Synthetic heaps for the Heap View tests and bench, built from arithmetic: a recipe lists
 * groups of runs ("40 spans of size class 5, 1 page each", "a free run of 12 pages", ...) laid
 * out in address order from ARENA; the expected page counts per kind are computed from the
 * recipe itself (`expectedPages`), independently of how the builder or the view merge runs.
 */
import type { HeapSnapshot, ObjectState, PageKind, PageRun, SpanRow, SpanDetail, TimelinePoint, TransitionRow } from '../../src/protocol/heapview';

export const ARENA = 0xc000000000;
export const PAGE = 8192;

export interface Group {
  readonly kind: PageKind;
  /** Runs in the group, each `npages` long. Spans (inuse/manual) are one run each. */
  readonly count: number;
  readonly npages: number;
  readonly sizeclass?: number;
}

/** Size classes of Go 1.10 used by the fixtures: class → elemsize. */
export const ELEMSIZE: Record<number, number> = { 1: 8, 2: 16, 3: 32, 5: 64, 10: 144, 20: 640, 30: 2688 };

export function expectedPages(recipe: readonly Group[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const g of recipe) {
    const key = g.kind === 'inuse' ? `inuse/${g.sizeclass ?? 0}` : g.kind;
    m.set(key, (m.get(key) ?? 0) + g.count * g.npages);
  }
  return m;
}

const zeroStats = {
  heap_sys: 0, heap_inuse: 0, heap_idle: 0, heap_released: 0, heap_alloc: 0, heap_live: 0, heap_objects: 0, next_gc: 4 << 20,
  stacks_inuse: 0, mspan_inuse: 0, mspan_sys: 0, mcache_inuse: 0, mcache_sys: 0, gcbits_bytes: 0, nmalloc: 0, nfree: 0, numgc: 0, sweepgen: 4, nanotime: 0, gcpercent: 100,
};

export interface Built {
  readonly snapshot: HeapSnapshot;
  readonly spans: SpanRow[];
  /** The spans' runs in address order (for picking a span to click). */
  readonly spanRuns: PageRun[];
}

/** Build a snapshot from a recipe; span ids count from 1 in address order. */
export function buildSnapshot(recipe: readonly Group[], opts: { sessionId?: string; generation?: number; model?: HeapSnapshot['model'] } = {}): Built {
  const runs: PageRun[] = [];
  const spans: SpanRow[] = [];
  let at = ARENA;
  let id = 1;
  for (const g of recipe) {
    for (let k = 0; k < g.count; k++) {
      const isSpan = g.kind === 'inuse' || g.kind === 'manual';
      const sc = g.kind === 'inuse' ? (g.sizeclass ?? 0) : 0;
      const run: PageRun = { base: at, npages: g.npages, kind: g.kind, span: isSpan ? id : -1, sizeclass: sc };
      const prev = runs.at(-1);
      if (!isSpan && prev !== undefined && prev.span === -1 && prev.kind === g.kind) runs[runs.length - 1] = { ...prev, npages: prev.npages + g.npages };
      else runs.push(run);
      if (isSpan) {
        const elemsize = sc === 0 ? g.npages * PAGE : ELEMSIZE[sc];
        const nelems = Math.floor((g.npages * PAGE) / elemsize);
        spans.push({
          id, base: at, npages: g.npages, state: g.kind === 'inuse' ? 'mSpanInUse' : 'mSpanManual', spanclass: sc << 1, sizeclass: sc, noscan: false,
          elemsize, nelems, allocCount: Math.min(nelems, id % 7), freeindex: Math.min(nelems, id % 7), sweepgen: 4, cachedBy: -1, nspecials: 0, requestedBytes: 0,
        });
        id++;
      }
      at += g.npages * PAGE;
    }
  }
  const timeline: TimelinePoint[] = [0, 1, 2, 3, 4].map((k) => ({ executed: k * 10, line: k, nanotime: k * 1000, heap_sys: (k + 1) << 20, heap_inuse: k << 19, heap_idle: 1 << 19, heap_released: 0, heap_live: k << 18, next_gc: 4 << 20, numgc: k >= 3 ? 1 : 0 }));
  const transitions: TransitionRow[] = spans.slice(0, 6).map((s, k) => ({ seq: k + 1, executed: k * 10, type: k % 2 === 0 ? 'spanAlloc' : 'spanCache', span: s.id, text: `span 0x${s.base.toString(16)} (class ${s.sizeclass}) ${k % 2 === 0 ? 'allocated' : 'cached'}` }));
  const snapshot: HeapSnapshot = {
    sessionId: opts.sessionId ?? 's1',
    generation: opts.generation ?? 1,
    model: opts.model ?? 'go1.10',
    procs: 2,
    pageSize: PAGE,
    physPageSize: 4096,
    arenaStart: ARENA,
    arenaEnd: at,
    nspans: spans.length,
    stop: { line: 3, executed: 40, reason: 'step', runtimeFrames: [] },
    memstats: { ...zeroStats, heap_sys: at - ARENA },
    pages: runs,
    mcentral: [{ spanclass: 10, sizeclass: 5, noscan: false, nonempty: spans.filter((s) => s.sizeclass === 5).slice(0, 3).map((s) => s.id), empty: spans.filter((s) => s.sizeclass === 5).slice(3, 5).map((s) => s.id), nmalloc: 17 }],
    mcache: [{ p: 0, alloc: spans.length > 0 ? [{ spanclass: spans[0].spanclass, span: spans[0].id }] : [], tiny: 0, tinyoffset: 0, pageCache: null }],
    specials: spans.length > 1 ? [{ addr: spans[1].base, span: spans[1].id, kind: 'finalizer', line: 2 }] : [],
    finalizerQueue: [],
    pageHeap: { kind: 'lists', free: [{ npages: 4, spans: [] }], freelarge: null, treap: null, busy: [], busylarge: 0 },
    breakdown: { live: 1000, roundingWaste: 200, freeSlots: 3000, tailWaste: 100, largeWaste: 0, stacks: 8192, freeRetained: 16384, released: 8192, metadata: { mspan: 1600, mcache: 800, gcbits: 64 }, heap_sys: at - ARENA },
    timeline,
    transitions,
  };
  return { snapshot, spans, spanRuns: runs.filter((r) => r.span >= 0) };
}

/** A span's detail with a known object pattern: slot i is allocated when i % 3 === 0, marked when i % 3 === 1. */
export function detailFor(row: SpanRow): SpanDetail {
  const objects: ObjectState[] = Array.from({ length: row.nelems }, (_, i): ObjectState => (i % 3 === 0 ? 'allocated' : i % 3 === 1 ? 'marked' : 'free'));
  return { row, objects, specials: row.nelems > 2 ? [{ slot: 2, offset: 2 * row.elemsize, kind: 'finalizer' }] : [], allocCache: 'fffffffffffffff0', freelist: null, heapSweepgen: 4, referencedBy: [{ name: 'x', slot: 0 }] };
}
