/**
 * The heap as pictures see it: the data the debug adapter sends to the extension (custom DAP
 * requests) and the extension forwards to the Heap View webview and the tree views. Plain data,
 * no behaviour; addresses are numbers (below 2^53), ids are the engine's `mspan.id`.
 *
 * Flow at every stop:
 *   adapter --(event `goheap/stopped` {generation})--> extension
 *   extension --(request `goheap/delta` {since})--> adapter --> HeapDelta (only what changed)
 *   extension --(HostToWebview `delta`)--> webview; tree views apply the same delta.
 * A view that has nothing yet (first open, reload, a new session) asks for `goheap/snapshot`,
 * which is a HeapSnapshot *without* the span table; spans are fetched in pages with
 * `goheap/spans` (so a 100,000-span heap never crosses the boundary in one message), one span's
 * objects with `goheap/span`.
 *
 * Invariants (producers keep them, consumers may rely on them):
 *  - `generation` increases by at least one at every stop of a session and restarts at 1 for a
 *    new session (`sessionId` changes); a delta applies only to a view at `since`;
 *  - `pages` covers [arenaStart, arenaEnd) in address order with no gap and no overlap; a span's
 *    run has `span` set to its id, other runs have `span` = -1;
 *  - every id in `mcentral` lists, `mcache.alloc` and `specials` names a span in the span table;
 *  - `breakdown` parts sum to `memstats.heap_sys + stacks + metadata` exactly (see HeapBreakdown).
 */

import type { HeapEventType, SpanStateName } from './events';

export type ModelName = 'go1.5' | 'go1.10' | 'go1.14';

/** What holds a run of pages, as the page map colours it. */
export type PageKind =
  | 'inuse' // mSpanInUse: heap objects (coloured by size class)
  | 'manual' // mSpanManual / _MSpanStack: stacks
  | 'free' // free and retained (go1.5/go1.10 free span; go1.14 free bits, not scavenged)
  | 'released' // free and released to the OS (npreleased / scavenged bits)
  | 'cached' // go1.14: held in a P's page cache
  | 'unused'; // reserved address space the heap has not grown into

/** A run of pages with one owner. Runs of free pages are merged; spans are one run each. */
export interface PageRun {
  readonly base: number;
  readonly npages: number;
  readonly kind: PageKind;
  /** Span id for 'inuse' and 'manual' (and go1.5/go1.10 free spans), else -1. */
  readonly span: number;
  /** Size class for 'inuse' small spans, 0 for large or other kinds. */
  readonly sizeclass: number;
}

/** One span's row: what the page map, span list and tree views show without asking for more. */
export interface SpanRow {
  readonly id: number;
  readonly base: number;
  readonly npages: number;
  readonly state: SpanStateName;
  /** sizeclass << 1 | noscan (go1.10+); sizeclass << 1 in go1.5; 0 for large and manual spans. */
  readonly spanclass: number;
  readonly sizeclass: number;
  readonly noscan: boolean;
  readonly elemsize: number;
  readonly nelems: number;
  readonly allocCount: number;
  /** go1.10+; 0 in go1.5. */
  readonly freeindex: number;
  readonly sweepgen: number;
  /** The P whose mcache holds it, or -1. */
  readonly cachedBy: number;
  readonly nspecials: number;
  /** Bytes the script asked for in live objects of this span (for rounding waste). */
  readonly requestedBytes: number;
}

/** One object slot in the span inspector's grid. */
export type ObjectState = 'free' | 'allocated' | 'marked' | 'tiny';

export interface SpanDetail {
  readonly row: SpanRow;
  /** One entry per object slot, index = slot. */
  readonly objects: readonly ObjectState[];
  /** Slots with a special record (finalizer/profile), by slot index. */
  readonly specials: readonly { readonly slot: number; readonly offset: number; readonly kind: 'finalizer' | 'profile' }[];
  /** go1.10+: the 64-bit allocCache as 16 hex digits, and the object index it starts at. */
  readonly allocCache: string | null;
  /** go1.5: the free list as slot indices in list order (capped at nelems). */
  readonly freelist: readonly number[] | null;
  /** The heap's sweepgen, to show the span's relative to it ("swept", "needs sweeping", ...). */
  readonly heapSweepgen: number;
  /** Script variables that point into this span: name and slot. */
  readonly referencedBy: readonly { readonly name: string; readonly slot: number }[];
}

export interface MemStatsView {
  readonly heap_sys: number;
  readonly heap_inuse: number;
  readonly heap_idle: number;
  readonly heap_released: number;
  readonly heap_alloc: number;
  readonly heap_live: number;
  readonly heap_objects: number;
  readonly next_gc: number;
  readonly stacks_inuse: number;
  readonly mspan_inuse: number;
  readonly mspan_sys: number;
  readonly mcache_inuse: number;
  readonly mcache_sys: number;
  readonly gcbits_bytes: number;
  readonly nmalloc: number;
  readonly nfree: number;
  readonly numgc: number;
  readonly sweepgen: number;
  /** Simulated clock, ns. */
  readonly nanotime: number;
  readonly gcpercent: number;
}

export interface McentralView {
  readonly spanclass: number;
  readonly sizeclass: number;
  readonly noscan: boolean;
  /** Span ids in list order. */
  readonly nonempty: readonly number[];
  readonly empty: readonly number[];
  readonly nmalloc: number;
  /** Present when a list is longer than the ids shown (producers cap lists at a few hundred ids). */
  readonly nonemptyTotal?: number;
  readonly emptyTotal?: number;
}

export interface McacheView {
  readonly p: number;
  /** The span each span class is cached from (classes with no span omitted). */
  readonly alloc: readonly { readonly spanclass: number; readonly span: number }[];
  readonly tiny: number;
  readonly tinyoffset: number;
  /** go1.14: the P's page cache (base and free-page count), else null. */
  readonly pageCache: { readonly base: number; readonly npages: number } | null;
}

export interface SpecialView {
  readonly addr: number;
  readonly span: number;
  readonly kind: 'finalizer' | 'profile';
  /** For profile specials: the allocation site's statement line. */
  readonly line: number;
}

/** The model's own page-heap structure. */
export type PageHeapView =
  | {
      readonly kind: 'lists';
      /** go1.5: free[1..127] and freelarge list; go1.10: free[1..127] and the treap. */
      readonly free: readonly { readonly npages: number; readonly spans: readonly number[]; readonly total?: number }[];
      readonly freelarge: readonly number[] | null;
      /** Present when freelarge holds more spans than the ids shown. */
      readonly freelargeTotal?: number;
      readonly treap: TreapNodeView | null;
      readonly busy: readonly { readonly npages: number; readonly count: number }[];
      readonly busylarge: number;
    }
  | {
      readonly kind: 'radix';
      /** 512-page chunks in use: base, pages allocated, pages scavenged. */
      readonly chunks: readonly { readonly base: number; readonly alloc: number; readonly scavenged: number }[];
      /** Summary levels from the root (level 0) down: only non-empty entries, each (index, start, max, end). */
      readonly levels: readonly (readonly { readonly i: number; readonly start: number; readonly max: number; readonly end: number }[])[];
      readonly searchAddr: number;
      /** As Go holds it (a uintptr: the initial minScavAddr is 0xffff800000000000, above 2^53 but exact). */
      readonly scavAddr: number;
    };

export interface TreapNodeView {
  readonly span: number;
  readonly npages: number;
  readonly base: number;
  readonly priority: number;
  readonly left: TreapNodeView | null;
  readonly right: TreapNodeView | null;
  /** Nodes below this one not drawn (producers cap the tree's depth). */
  readonly hidden?: number;
}

/**
 * Where heap_sys goes, reconciled: the parts below add up to heap_sys + stacks_inuse (when stacks
 * are outside heap_sys in the era) + metadata. Each part names what holds it so the view can link.
 */
export interface HeapBreakdown {
  /** Bytes the script asked for in live (allocated) objects. */
  readonly live: number;
  /** elemsize - requested, summed over allocated objects. */
  readonly roundingWaste: number;
  /** Free object slots inside in-use spans. */
  readonly freeSlots: number;
  /** npages*8192 - nelems*elemsize over small in-use spans. */
  readonly tailWaste: number;
  /** Large-object spans: npages*8192 - requested, summed. */
  readonly largeWaste: number;
  readonly stacks: number;
  /** Free pages retained (heap_idle - heap_released). */
  readonly freeRetained: number;
  readonly released: number;
  readonly metadata: { readonly mspan: number; readonly mcache: number; readonly gcbits: number };
  readonly heap_sys: number;
}

export interface TimelinePoint {
  /** Statements executed when the point was taken (travel target). */
  readonly executed: number;
  readonly line: number;
  readonly nanotime: number;
  readonly heap_sys: number;
  readonly heap_inuse: number;
  readonly heap_idle: number;
  readonly heap_released: number;
  readonly heap_live: number;
  readonly next_gc: number;
  readonly numgc: number;
}

export interface TransitionRow {
  /** Increasing within a session. */
  readonly seq: number;
  readonly executed: number;
  readonly type: HeapEventType;
  /** The span it concerns, or -1. */
  readonly span: number;
  /** One line in words, e.g. "span 0xc000180000 (class 5, 1 page) freed to the heap by sweep". */
  readonly text: string;
}

/** Where the run is stopped. */
export interface StopPoint {
  /** 0-based script line (as every `line` in this file). */
  readonly line: number;
  readonly executed: number;
  readonly reason: string;
  /** Runtime frames when stopped inside the runtime, innermost first. */
  readonly runtimeFrames: readonly string[];
}

/** Everything but the span table; the span table comes in pages (`goheap/spans`). */
export interface HeapSnapshot {
  readonly sessionId: string;
  readonly generation: number;
  readonly model: ModelName;
  readonly procs: number;
  readonly pageSize: number;
  readonly physPageSize: number;
  readonly arenaStart: number;
  readonly arenaEnd: number;
  readonly nspans: number;
  readonly stop: StopPoint;
  readonly memstats: MemStatsView;
  readonly pages: readonly PageRun[];
  readonly mcentral: readonly McentralView[];
  readonly mcache: readonly McacheView[];
  readonly specials: readonly SpecialView[];
  /** Present when there are more special records than `specials` lists (producers cap it). */
  readonly specialsTotal?: number;
  readonly finalizerQueue: readonly number[];
  readonly pageHeap: PageHeapView;
  readonly breakdown: HeapBreakdown;
  readonly timeline: readonly TimelinePoint[];
  /** The most recent transitions (at most TRANSITIONS_KEPT). */
  readonly transitions: readonly TransitionRow[];
}

/** What changed since `since`. Fields absent did not change. */
export interface HeapDelta {
  readonly sessionId: string;
  readonly since: number;
  readonly generation: number;
  readonly stop: StopPoint;
  readonly memstats: MemStatsView;
  readonly nspans: number;
  /** Rows of spans created or changed (state, counts, sweepgen, cache, specials). */
  readonly spans: readonly SpanRow[];
  /** Ids of spans that no longer exist (coalesced away, or mspan freed). */
  readonly removed: readonly number[];
  /** Page runs replacing the runs that intersect [from, to), in address order. */
  readonly pages?: { readonly from: number; readonly to: number; readonly runs: readonly PageRun[] };
  readonly arenaEnd?: number;
  /** Span classes whose lists changed, whole. */
  readonly mcentral?: readonly McentralView[];
  readonly mcache?: readonly McacheView[];
  readonly specials?: readonly SpecialView[];
  readonly specialsTotal?: number;
  readonly finalizerQueue?: readonly number[];
  readonly pageHeap?: PageHeapView;
  readonly breakdown: HeapBreakdown;
  readonly timeline: readonly TimelinePoint[];
  readonly transitions: readonly TransitionRow[];
  /** When true the consumer must discard its state and ask for a snapshot (time travel backwards, restart). */
  readonly reset: boolean;
}

export const TRANSITIONS_KEPT = 500;
export const SPANS_PAGE_MAX = 2000;

/** Custom DAP requests and events of the `goheap` adapter (names of `customRequest`). */
export const REQ_SNAPSHOT = 'goheap/snapshot';
export const REQ_DELTA = 'goheap/delta';
export const REQ_SPANS = 'goheap/spans';
export const REQ_SPAN = 'goheap/span';
export const REQ_TRAVEL = 'goheap/travel';
export const EVT_STOPPED = 'goheap/stopped';

/**
 * Custom request: break when a span changes (state, allocCount, sweepgen) — one more watch beside
 * the data breakpoints VS Code sends, kept when those are replaced (until the session restarts or
 * ends: a restart begins before the span exists). VS Code
 * 1.80 gives extensions no way to add a data breakpoint, so the tree view and the Heap View ask
 * the adapter directly. Answer: BreakOnSpanResult.
 */
export const REQ_BREAK_ON_SPAN = 'goheap/breakOnSpan';
export interface BreakOnSpanArgs {
  /** The mspan id (as in snapshots and `span:<id>` data ids). */
  readonly span: number;
}
export interface BreakOnSpanResult {
  readonly verified: boolean;
  readonly message?: string;
}

export interface SnapshotArgs {}
export interface DeltaArgs {
  readonly since: number;
}
export interface SpansArgs {
  readonly start: number;
  /** At most SPANS_PAGE_MAX. */
  readonly count: number;
  /** Optional filters. */
  readonly state?: SpanStateName;
  readonly sizeclass?: number;
}
export interface SpansResult {
  readonly generation: number;
  readonly total: number;
  readonly spans: readonly SpanRow[];
}
export interface SpanArgs {
  readonly id: number;
}
/** Travel to the state after `executed` statements (the timeline and transition lists use it). */
export interface TravelArgs {
  readonly executed: number;
}
export interface StoppedEventBody {
  readonly sessionId: string;
  readonly generation: number;
}

/** Messages from the extension to the Heap View webview. */
export type HostToWebview =
  | { readonly type: 'snapshot'; readonly snapshot: HeapSnapshot; readonly spans: readonly SpanRow[] }
  | { readonly type: 'delta'; readonly delta: HeapDelta }
  | { readonly type: 'spans'; readonly result: SpansResult }
  | { readonly type: 'spanDetail'; readonly detail: SpanDetail }
  | { readonly type: 'select'; readonly span: number }
  | { readonly type: 'ended' };

/** Messages from the Heap View webview to the extension. */
export type WebviewToHost =
  | { readonly type: 'ready'; readonly generation: number }
  | { readonly type: 'select'; readonly span: number }
  | { readonly type: 'requestSpans'; readonly args: SpansArgs }
  | { readonly type: 'requestSpan'; readonly id: number }
  | { readonly type: 'travel'; readonly executed: number }
  | { readonly type: 'dataBreakpoint'; readonly span: number }
  | { readonly type: 'error'; readonly message: string };
