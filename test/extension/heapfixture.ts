/**
 * Fixtures for the tree view tests: a heap produced by running a real script (snapshot built by
 * src/program/heapsnapshot.ts), a fake debug session that answers `goheap/snapshot`,
 * `goheap/delta` and `goheap/spans` from it and counts requests, and a synthetic snapshot of
 * N one-page spans built by arithmetic.
 */
import assert from 'node:assert/strict';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { heapSnapshot, spanRows } from '../../src/program/heapsnapshot';
import {
  REQ_DELTA, REQ_SNAPSHOT, REQ_SPANS, SPANS_PAGE_MAX,
  type HeapDelta, type HeapSnapshot, type MemStatsView, type PageRun, type SpanRow, type SpansArgs, type SpansResult,
} from '../../src/protocol/heapview';
import type { HeapSource, TreeNode } from '../../src/extension/treemodel';
import type { HeapTreeModel } from '../../src/extension/treemodel';

export interface HeapState {
  readonly snapshot: HeapSnapshot;
  readonly rows: readonly SpanRow[];
}

/** Runs `text` for `budget` statements (all when omitted) and takes the state. */
export function runScript(text: string, generation: number, budget = Infinity, sessionId = 'S1'): HeapState & { it: Interpreter } {
  const c = compile(text);
  assert.ok(c.ok, JSON.stringify(c.diagnostics.map((d) => d.message)));
  const it = new Interpreter(c.program, c.settings);
  it.run(budget);
  return { it, ...stateOf(it, generation, sessionId) };
}

export function stateOf(it: Interpreter, generation: number, sessionId = 'S1'): HeapState {
  const snapshot = heapSnapshot(it, { sessionId, generation, stop: { line: 0, executed: it.executed, reason: 'step', runtimeFrames: [] }, timeline: [], transitions: [] });
  return { snapshot, rows: spanRows(it.heap.h) };
}

/** A delta that replaces everything: what a producer may always send. */
export function fullDelta(from: HeapState, to: HeapState): HeapDelta {
  const now = new Set(to.rows.map((r) => r.id));
  const s = to.snapshot;
  return {
    sessionId: s.sessionId, since: from.snapshot.generation, generation: s.generation, stop: s.stop, memstats: s.memstats, nspans: s.nspans,
    spans: to.rows, removed: from.rows.filter((r) => !now.has(r.id)).map((r) => r.id),
    pages: { from: Math.min(from.snapshot.arenaStart, s.arenaStart), to: Math.max(from.snapshot.arenaEnd, s.arenaEnd), runs: s.pages },
    arenaEnd: s.arenaEnd, mcentral: s.mcentral, mcache: s.mcache, specials: s.specials, finalizerQueue: s.finalizerQueue, pageHeap: s.pageHeap,
    breakdown: s.breakdown, timeline: [], transitions: [], reset: false,
  };
}

/** Answers the custom requests from a current HeapState; records every request. */
export class FakeSession implements HeapSource {
  readonly requests: { command: string; args: unknown }[] = [];
  readonly type = 'goheap';
  id = 'session-1';
  /** Deltas to answer with, by `since`; a missing one is answered with a reset delta. */
  readonly deltas = new Map<number, HeapDelta>();
  /** Commands that fail (as an adapter without them would). */
  readonly failing = new Set<string>();
  custom: ((command: string, args: unknown) => unknown) | null = null;

  constructor(public state: HeapState) {}

  count(command: string): number {
    return this.requests.filter((r) => r.command === command).length;
  }

  async customRequest(command: string, args?: unknown): Promise<unknown> {
    this.requests.push({ command, args });
    if (this.failing.has(command)) throw new Error(`unrecognized request ${command}`);
    if (this.custom !== null) {
      const r = this.custom(command, args);
      if (r !== undefined) return r;
    }
    switch (command) {
      case REQ_SNAPSHOT:
        return this.state.snapshot;
      case REQ_DELTA: {
        const since = (args as { since: number }).since;
        const d = this.deltas.get(since);
        if (d !== undefined) return d;
        const s = this.state.snapshot;
        return { ...fullDelta(this.state, this.state), since, reset: since !== s.generation } satisfies HeapDelta;
      }
      case REQ_SPANS: {
        const a = args as SpansArgs;
        assert.ok(a.count <= SPANS_PAGE_MAX, `count ${a.count} over SPANS_PAGE_MAX`);
        const rows = this.state.rows.filter((r) => (a.state === undefined || r.state === a.state) && (a.sizeclass === undefined || r.sizeclass === a.sizeclass));
        return { generation: this.state.snapshot.generation, total: rows.length, spans: rows.slice(a.start, a.start + a.count) } satisfies SpansResult;
      }
      default:
        throw new Error(`unrecognized request ${command}`);
    }
  }
}

/** The tree as text, every node expanded (depth-first), two spaces per level. */
export async function dump(model: HeapTreeModel, source: HeapSource | null, maxNodes = 100_000): Promise<string[]> {
  const out: string[] = [];
  const walk = async (n: TreeNode | undefined, depth: number): Promise<void> => {
    for (const c of await model.children(source, n)) {
      if (out.length >= maxNodes) return;
      const v = model.item(c);
      out.push(`${'  '.repeat(depth)}${v.label} — ${v.description}`);
      await walk(c, depth + 1);
    }
  };
  await walk(undefined, 0);
  return out;
}

const PAGE = 8192;
export const ARENA = 0xc000000000;

const zeroStats: MemStatsView = {
  heap_sys: 0, heap_inuse: 0, heap_idle: 0, heap_released: 0, heap_alloc: 0, heap_live: 0, heap_objects: 0, next_gc: 0, stacks_inuse: 0,
  mspan_inuse: 0, mspan_sys: 0, mcache_inuse: 0, mcache_sys: 0, gcbits_bytes: 0, nmalloc: 0, nfree: 0, numgc: 0, sweepgen: 0, nanotime: 0, gcpercent: 100,
};

/** `n` in-use one-page spans of size class 1 (8 B, 1024 objects), ids 1..n, at ARENA + i*8192. */
export function syntheticHeap(n: number, generation = 1): HeapState {
  const pages: PageRun[] = [];
  const rows: SpanRow[] = [];
  for (let i = 0; i < n; i++) {
    pages.push({ base: ARENA + i * PAGE, npages: 1, kind: 'inuse', span: i + 1, sizeclass: 1 });
    rows.push({
      id: i + 1, base: ARENA + i * PAGE, npages: 1, state: 'mSpanInUse', spanclass: 2, sizeclass: 1, noscan: false, elemsize: 8, nelems: 1024,
      allocCount: i % 1025, freeindex: 0, sweepgen: 2, cachedBy: -1, nspecials: 0, requestedBytes: 8 * (i % 1025),
    });
  }
  const snapshot: HeapSnapshot = {
    sessionId: 'S1', generation, model: 'go1.14', procs: 1, pageSize: PAGE, physPageSize: 4096, arenaStart: ARENA, arenaEnd: ARENA + n * PAGE, nspans: n,
    stop: { line: 0, executed: 0, reason: 'step', runtimeFrames: [] },
    memstats: { ...zeroStats, heap_sys: n * PAGE, heap_inuse: n * PAGE, sweepgen: 2 },
    pages, mcentral: [], mcache: [{ p: 0, alloc: [], tiny: 0, tinyoffset: 0, pageCache: null }], specials: [], finalizerQueue: [],
    pageHeap: { kind: 'radix', chunks: [], levels: [], searchAddr: ARENA + n * PAGE, scavAddr: ARENA },
    breakdown: { live: 0, roundingWaste: 0, freeSlots: 0, tailWaste: 0, largeWaste: 0, stacks: 0, freeRetained: 0, released: 0, metadata: { mspan: 0, mcache: 0, gcbits: 0 }, heap_sys: n * PAGE },
    timeline: [], transitions: [],
  };
  return { snapshot, rows };
}
