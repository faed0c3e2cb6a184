/**
 * The "Go Heap" tree view's model, without VS Code: the heap as the debug adapter publishes it
 * (HeapSnapshot, then a HeapDelta at every stop, span rows fetched in pages), and the tree built
 * from it — memstats; spans grouped by state and size class; mcentral per span class with its
 * `nonempty`/`empty` lists; each P's mcache; specials and the finalizer queue; the page heap of
 * the model (free[n] lists with freelarge or the treap, or the radix allocator's chunks and
 * summary levels). `treeview.ts` turns its nodes into vscode.TreeItems.
 *
 * How a 100,000-span heap stays fast: the span groups and their membership come from the page
 * runs (every span is a run with its id, state kind and size class), so expanding a state or a
 * class needs no request; a group of more than BUCKET spans is split into buckets of BUCKET
 * spans in address order, and a bucket's rows (allocCount, nelems, sweepgen, ...) are fetched
 * with one `goheap/spans` request {state, sizeclass, start, count} when it is expanded. The
 * adapter lists spans in address order (heapsnapshot.ts `spansByAddress`), so bucket k is
 * exactly the filtered list's [k*BUCKET, (k+1)*BUCKET).
 *
 * Invariants:
 *  - nodes are small handles with a unique `key` and their parent's key; the same key gives the
 *    same object until the next update (so `reveal` and `getParent` agree);
 *  - children are computed from the current state only; the one side effect is filling the row
 *    cache from `goheap/spans`;
 *  - a delta applies only at its `since` generation of the same session; anything else (or
 *    `reset`) makes `update` fetch a snapshot instead;
 *  - a failing request never throws out of the model: the tree shows what it has.
 */

import {
  REQ_DELTA, REQ_SNAPSHOT, REQ_SPANS, SPANS_PAGE_MAX,
  type HeapDelta, type HeapSnapshot, type McacheView, type McentralView, type MemStatsView, type ModelName, type PageHeapView, type PageRun,
  type SpanRow, type SpansArgs, type SpansResult, type SpecialView, type StopPoint, type TreapNodeView,
} from '../protocol/heapview';
import type { SpanStateName } from '../protocol/events';

/** Spans per bucket when a group is split (one `goheap/spans` request each). */
export const BUCKET = 1000;

export { REQ_BREAK_ON_SPAN, type BreakOnSpanArgs } from '../protocol/heapview';

/** How the model talks to the adapter (a vscode.DebugSession's customRequest). */
export interface HeapSource {
  customRequest(command: string, args?: unknown): PromiseLike<unknown>;
}

export type Section = 'memstats' | 'spans' | 'mcentral' | 'mcache' | 'specials' | 'pageheap';

export type TreeNode =
  | { readonly kind: 'section'; readonly key: string; readonly parent: null; readonly section: Section }
  | { readonly kind: 'stat'; readonly key: string; readonly parent: string; readonly name: keyof MemStatsView }
  | { readonly kind: 'state'; readonly key: string; readonly parent: string; readonly state: SpanStateName }
  | { readonly kind: 'class'; readonly key: string; readonly parent: string; readonly state: SpanStateName; readonly sizeclass: number }
  | { readonly kind: 'bucket'; readonly key: string; readonly parent: string; readonly group: string; readonly index: number }
  | { readonly kind: 'span'; readonly key: string; readonly parent: string; readonly id: number; readonly role: string }
  | { readonly kind: 'mcentral'; readonly key: string; readonly parent: string; readonly spanclass: number }
  | { readonly kind: 'list'; readonly key: string; readonly parent: string; readonly list: ListRef }
  | { readonly kind: 'mcache'; readonly key: string; readonly parent: string; readonly p: number }
  | { readonly kind: 'special'; readonly key: string; readonly parent: string; readonly index: number }
  | { readonly kind: 'treap'; readonly key: string; readonly parent: string; readonly span: number; readonly side: 'root' | 'left' | 'right' }
  | { readonly kind: 'info'; readonly key: string; readonly parent: string; readonly label: string; readonly description: string; readonly tooltip: string; readonly children: readonly string[] };

/** A list of span ids somewhere in the heap: an mcentral list, a free[n] list, freelarge, the finalizer queue. */
export type ListRef =
  | { readonly where: 'mcentral'; readonly spanclass: number; readonly list: 'nonempty' | 'empty' }
  | { readonly where: 'free'; readonly npages: number }
  | { readonly where: 'freelarge' }
  | { readonly where: 'chunks' }
  | { readonly where: 'levels' }
  | { readonly where: 'level'; readonly level: number }
  | { readonly where: 'busy' }
  | { readonly where: 'finq' };

/** What a tree item shows, in plain data (treeview.ts maps it onto vscode.TreeItem). */
export interface ItemView {
  readonly label: string;
  readonly description: string;
  /** Markdown. */
  readonly tooltip: string;
  /** A codicon id (vscode.ThemeIcon). */
  readonly icon: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** For menus: 'span' for anything that names a span. */
  readonly contextValue: string;
  /** The span the item names, or -1. */
  readonly span: number;
}

/** The heap as last published, mutable by deltas. */
interface HeapState {
  sessionId: string;
  generation: number;
  model: ModelName;
  procs: number;
  pageSize: number;
  stop: StopPoint;
  memstats: MemStatsView;
  nspans: number;
  arenaStart: number;
  arenaEnd: number;
  runs: PageRun[];
  mcentral: Map<number, McentralView>;
  mcache: Map<number, McacheView>;
  specials: readonly SpecialView[];
  finalizerQueue: readonly number[];
  pageHeap: PageHeapView;
}

/** Where a span sits, from the page runs. */
interface SpanPlace {
  readonly id: number;
  readonly base: number;
  npages: number;
  readonly state: SpanStateName;
  readonly sizeclass: number;
}

const STATES: readonly SpanStateName[] = ['mSpanInUse', 'mSpanManual', 'mSpanFree'];

const MEMSTATS: readonly { readonly name: keyof MemStatsView; readonly go: string; readonly bytes: boolean }[] = [
  { name: 'heap_sys', go: 'MemStats.HeapSys', bytes: true },
  { name: 'heap_inuse', go: 'MemStats.HeapInuse', bytes: true },
  { name: 'heap_idle', go: 'MemStats.HeapIdle', bytes: true },
  { name: 'heap_released', go: 'MemStats.HeapReleased', bytes: true },
  { name: 'heap_alloc', go: 'MemStats.HeapAlloc', bytes: true },
  { name: 'heap_live', go: 'memstats.heap_live', bytes: true },
  { name: 'heap_objects', go: 'MemStats.HeapObjects', bytes: false },
  { name: 'next_gc', go: 'MemStats.NextGC', bytes: true },
  { name: 'stacks_inuse', go: 'MemStats.StackInuse', bytes: true },
  { name: 'mspan_inuse', go: 'MemStats.MSpanInuse', bytes: true },
  { name: 'mspan_sys', go: 'MemStats.MSpanSys', bytes: true },
  { name: 'mcache_inuse', go: 'MemStats.MCacheInuse', bytes: true },
  { name: 'mcache_sys', go: 'MemStats.MCacheSys', bytes: true },
  { name: 'gcbits_bytes', go: 'gcBits arenas', bytes: true },
  { name: 'nmalloc', go: 'MemStats.Mallocs', bytes: false },
  { name: 'nfree', go: 'MemStats.Frees', bytes: false },
  { name: 'numgc', go: 'MemStats.NumGC', bytes: false },
  { name: 'sweepgen', go: 'mheap_.sweepgen', bytes: false },
  { name: 'gcpercent', go: 'GOGC (gcpercent)', bytes: false },
  { name: 'nanotime', go: 'nanotime() (simulated)', bytes: false },
];

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || v === Math.floor(v) ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

function pagesText(n: number): string {
  return n === 1 ? '1 page' : `${grouped(n)} pages`;
}

function spansText(n: number): string {
  return n === 1 ? '1 span' : `${grouped(n)} spans`;
}

function stateOf(kind: PageRun['kind']): SpanStateName | null {
  switch (kind) {
    case 'inuse':
      return 'mSpanInUse';
    case 'manual':
      return 'mSpanManual';
    case 'free':
    case 'released':
      return 'mSpanFree';
    default:
      return null;
  }
}

/** Index of the first run whose end lies after `addr` (runs sorted by base, no overlap). */
function firstRunEndingAfter(runs: readonly PageRun[], addr: number, pageSize: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid].base + runs[mid].npages * pageSize <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstRunFrom(runs: readonly PageRun[], addr: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid].base < addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Replaces the runs that intersect [from, to) with `runs` (HeapDelta.pages). */
export function splicePageRuns(current: PageRun[], from: number, to: number, runs: readonly PageRun[], pageSize: number): void {
  const i = firstRunEndingAfter(current, from, pageSize);
  const j = Math.max(i, firstRunFrom(current, to));
  current.splice(i, j - i, ...runs);
}

export class HeapTreeModel {
  private state: HeapState | null = null;
  private readonly rows = new Map<number, SpanRow>();
  private nodes = new Map<string, TreeNode>();
  /** Per generation: span places and group membership (address order), built on first use. */
  private places: Map<number, SpanPlace> | null = null;
  private groups: Map<string, number[]> | null = null;
  /** Pages per group (same keys as `groups`). */
  private groupPages = new Map<string, number>();
  private treapNodes: Map<number, TreapNodeView> | null = null;
  private updating: Promise<void> = Promise.resolve();
  /** The last request error (shown in the tree's message by treeview.ts). */
  lastError: string | null = null;

  get generation(): number {
    return this.state?.generation ?? 0;
  }

  get sessionId(): string | null {
    return this.state?.sessionId ?? null;
  }

  get hasHeap(): boolean {
    return this.state !== null;
  }

  get model(): ModelName | null {
    return this.state?.model ?? null;
  }

  /** A cached span row, if any view fetched or a delta brought it. */
  row(id: number): SpanRow | undefined {
    return this.rows.get(id);
  }

  clear(): void {
    this.state = null;
    this.rows.clear();
    this.invalidate();
  }

  setSnapshot(s: HeapSnapshot): void {
    this.rows.clear();
    this.state = {
      sessionId: s.sessionId,
      generation: s.generation,
      model: s.model,
      procs: s.procs,
      pageSize: s.pageSize,
      stop: s.stop,
      memstats: s.memstats,
      nspans: s.nspans,
      arenaStart: s.arenaStart,
      arenaEnd: s.arenaEnd,
      runs: s.pages.slice(),
      mcentral: new Map(s.mcentral.map((c) => [c.spanclass, c])),
      mcache: new Map(s.mcache.map((c) => [c.p, c])),
      specials: s.specials,
      finalizerQueue: s.finalizerQueue,
      pageHeap: s.pageHeap,
    };
    this.invalidate();
  }

  /** Applies a delta; false when it does not apply here (the caller then needs a snapshot). */
  applyDelta(d: HeapDelta): boolean {
    const st = this.state;
    if (st === null || d.reset || d.sessionId !== st.sessionId || d.since !== st.generation) return false;
    st.generation = d.generation;
    st.stop = d.stop;
    st.memstats = d.memstats;
    st.nspans = d.nspans;
    for (const id of d.removed) this.rows.delete(id);
    for (const r of d.spans) this.rows.set(r.id, r);
    if (d.pages !== undefined) splicePageRuns(st.runs, d.pages.from, d.pages.to, d.pages.runs, st.pageSize);
    if (d.arenaEnd !== undefined) st.arenaEnd = d.arenaEnd;
    if (d.mcentral !== undefined) for (const c of d.mcentral) st.mcentral.set(c.spanclass, c);
    if (d.mcache !== undefined) for (const c of d.mcache) st.mcache.set(c.p, c);
    if (d.specials !== undefined) st.specials = d.specials;
    if (d.finalizerQueue !== undefined) st.finalizerQueue = d.finalizerQueue;
    if (d.pageHeap !== undefined) st.pageHeap = d.pageHeap;
    // Span places and groups come from the page runs: rebuilt only when the runs changed.
    this.invalidate(d.pages !== undefined);
    return true;
  }

  /**
   * Brings the model up to the adapter's current state: a delta since our generation, or a
   * snapshot when we have none, the session changed, or the delta does not apply. Updates are
   * serialised; returns true when the heap changed. Never throws.
   */
  update(source: HeapSource, sessionId?: string): Promise<boolean> {
    const run = this.updating.then(() => this.updateNow(source, sessionId));
    this.updating = run.then(() => undefined, () => undefined);
    return run;
  }

  private async updateNow(source: HeapSource, sessionId?: string): Promise<boolean> {
    try {
      const st = this.state;
      if (st !== null && (sessionId === undefined || sessionId === st.sessionId)) {
        const d = (await source.customRequest(REQ_DELTA, { since: st.generation })) as HeapDelta;
        if (d.generation === st.generation && d.sessionId === st.sessionId && !d.reset) return false;
        if (this.applyDelta(d)) {
          this.lastError = null;
          return true;
        }
      }
      const s = (await source.customRequest(REQ_SNAPSHOT, {})) as HeapSnapshot;
      this.setSnapshot(s);
      this.lastError = null;
      return true;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      return false;
    }
  }

  private invalidate(pagesChanged = true): void {
    this.nodes = new Map();
    if (pagesChanged) {
      this.places = null;
      this.groups = null;
    }
    this.treapNodes = null;
  }

  // --- nodes

  private node<N extends TreeNode>(n: N): N {
    const old = this.nodes.get(n.key);
    if (old !== undefined) return old as N;
    this.nodes.set(n.key, n);
    return n;
  }

  private span(parent: string, id: number, role = ''): TreeNode {
    return this.node({ kind: 'span', key: `${parent}/s${id}`, parent, id, role });
  }

  private info(parent: string, name: string, label: string, description: string, tooltip = '', children: readonly string[] = []): TreeNode {
    return this.node({ kind: 'info', key: `${parent}/${name}`, parent, label, description, tooltip, children });
  }

  /** The node's parent, or undefined at the top. */
  parent(n: TreeNode): TreeNode | undefined {
    return n.parent === null ? undefined : this.nodes.get(n.parent);
  }

  private buildPlaces(): void {
    const st = this.state;
    const places = new Map<number, SpanPlace>();
    const groups = new Map<string, number[]>();
    if (st !== null) {
      // Group arrays by state (and size class for in-use spans), looked up by number, not by string.
      const byState = new Map<SpanStateName, number[]>();
      const byClass: number[][] = [];
      for (const r of st.runs) {
        if (r.span < 0) continue;
        const state = stateOf(r.kind);
        if (state === null) continue;
        const known = places.get(r.span);
        if (known !== undefined) {
          // A span that crosses a go1.14 chunk boundary comes as two runs.
          known.npages += r.npages;
          continue;
        }
        const sizeclass = state === 'mSpanInUse' ? r.sizeclass : 0;
        places.set(r.span, { id: r.span, base: r.base, npages: r.npages, state, sizeclass });
        let g = byState.get(state);
        if (g === undefined) byState.set(state, (g = []));
        g.push(r.span);
        if (state === 'mSpanInUse') (byClass[sizeclass] ??= []).push(r.span);
      }
      for (const [state, ids] of byState) groups.set(`spans/${state}`, ids);
      byClass.forEach((ids, c) => groups.set(`spans/mSpanInUse/c${c}`, ids));
    }
    const pages = new Map<string, number>();
    for (const [key, ids] of groups) {
      let n = 0;
      for (const id of ids) n += places.get(id)!.npages;
      pages.set(key, n);
    }
    this.places = places;
    this.groups = groups;
    this.groupPages = pages;
  }

  private place(id: number): SpanPlace | undefined {
    if (this.places === null) this.buildPlaces();
    return this.places!.get(id);
  }

  private group(key: string): readonly number[] {
    if (this.groups === null) this.buildPlaces();
    return this.groups!.get(key) ?? [];
  }

  private groupFilter(key: string): { state: SpanStateName; sizeclass?: number } {
    const [, state, c] = key.split('/');
    return c === undefined ? { state: state as SpanStateName } : { state: state as SpanStateName, sizeclass: Number(c.slice(1)) };
  }

  /** Span nodes of a group (or one of its buckets), filling the row cache with one request when rows are missing. */
  private async spanChildren(source: HeapSource | null, group: string, parent: string, start: number, count: number): Promise<TreeNode[]> {
    const ids = this.group(group).slice(start, start + count);
    if (source !== null && ids.some((id) => !this.rows.has(id))) {
      const generation = this.generation;
      for (let at = 0; at < ids.length; at += SPANS_PAGE_MAX) {
        const args: SpansArgs = { ...this.groupFilter(group), start: start + at, count: Math.min(SPANS_PAGE_MAX, ids.length - at) };
        try {
          const res = (await source.customRequest(REQ_SPANS, args)) as SpansResult;
          if (res.generation === generation) for (const r of res.spans) this.rows.set(r.id, r);
        } catch (e) {
          this.lastError = e instanceof Error ? e.message : String(e);
          break;
        }
      }
    }
    return ids.map((id) => this.span(parent, id));
  }

  private spanGroupChildren(source: HeapSource | null, group: string, parent: string): Promise<TreeNode[]> | TreeNode[] {
    const n = this.group(group).length;
    if (n <= BUCKET) return this.spanChildren(source, group, parent, 0, n);
    const out: TreeNode[] = [];
    for (let k = 0; k * BUCKET < n; k++) out.push(this.node({ kind: 'bucket', key: `${parent}/b${k}`, parent, group, index: k }));
    return out;
  }

  /** Children of a node (the sections at the top). May request span rows; never throws. */
  async children(source: HeapSource | null, n?: TreeNode): Promise<TreeNode[]> {
    const st = this.state;
    if (st === null) return [];
    if (n === undefined) {
      const sections: Section[] = ['memstats', 'spans', 'mcentral', 'mcache', 'specials', 'pageheap'];
      return sections.map((section) => this.node({ kind: 'section', key: section, parent: null, section }));
    }
    switch (n.kind) {
      case 'section':
        return this.sectionChildren(n.section, n.key);
      case 'state':
        if (n.state !== 'mSpanInUse') return this.spanGroupChildren(source, `spans/${n.state}`, n.key);
        if (this.groups === null) this.buildPlaces();
        return [...this.groups!.keys()]
          .filter((k) => k.startsWith('spans/mSpanInUse/c'))
          .map((k) => Number(k.slice('spans/mSpanInUse/c'.length)))
          .sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b))
          .map((sizeclass) => this.node({ kind: 'class', key: `${n.key}/c${sizeclass}`, parent: n.key, state: n.state, sizeclass }));
      case 'class':
        return this.spanGroupChildren(source, `spans/${n.state}/c${n.sizeclass}`, n.key);
      case 'bucket':
        return this.spanChildren(source, n.group, n.key, n.index * BUCKET, BUCKET);
      case 'mcentral': {
        const c = st.mcentral.get(n.spanclass);
        if (c === undefined) return [];
        return (['nonempty', 'empty'] as const).map((list) =>
          this.node({ kind: 'list', key: `${n.key}/${list}`, parent: n.key, list: { where: 'mcentral', spanclass: n.spanclass, list } }));
      }
      case 'list':
        return this.listChildren(n.list, n.key);
      case 'mcache': {
        const c = st.mcache.get(n.p);
        if (c === undefined) return [];
        const out = c.alloc.map((a) => this.span(n.key, a.span, `spanclass ${a.spanclass}`));
        if (c.pageCache !== null) out.push(this.info(n.key, 'pcache', 'page cache', `${hex(c.pageCache.base)} · ${c.pageCache.npages} free pages`, 'go1.14 `pageCache`: up to 64 pages the P allocates from without the heap lock'));
        return out;
      }
      case 'special': {
        const sp = st.specials[n.index];
        return sp === undefined ? [] : [this.span(n.key, sp.span)];
      }
      case 'treap': {
        const t = this.treap(n.span);
        if (t === undefined) return [];
        const out: TreeNode[] = [];
        if (t.left !== null) out.push(this.node({ kind: 'treap', key: `${n.key}/L${t.left.span}`, parent: n.key, span: t.left.span, side: 'left' }));
        if (t.right !== null) out.push(this.node({ kind: 'treap', key: `${n.key}/R${t.right.span}`, parent: n.key, span: t.right.span, side: 'right' }));
        if (t.hidden !== undefined && t.hidden > 0) out.push(this.info(n.key, 'hidden', `${t.hidden} more nodes`, 'below this depth', 'The snapshot draws the treap to a fixed depth.'));
        return out;
      }
      case 'info':
        return n.children.map((k) => this.nodes.get(k)).filter((x): x is TreeNode => x !== undefined);
      default:
        return [];
    }
  }

  private sectionChildren(section: Section, key: string): TreeNode[] {
    const st = this.state!;
    switch (section) {
      case 'memstats':
        return MEMSTATS.map((m) => this.node({ kind: 'stat', key: `${key}/${m.name}`, parent: key, name: m.name }));
      case 'spans':
        return STATES.filter((s) => this.group(`spans/${s}`).length > 0).map((state) => this.node({ kind: 'state', key: `${key}/${state}`, parent: key, state }));
      case 'mcentral':
        return [...st.mcentral.values()]
          .filter((c) => c.nonempty.length + c.empty.length > 0 || (c.nonemptyTotal ?? 0) + (c.emptyTotal ?? 0) > 0)
          .sort((a, b) => a.spanclass - b.spanclass)
          .map((c) => this.node({ kind: 'mcentral', key: `${key}/${c.spanclass}`, parent: key, spanclass: c.spanclass }));
      case 'mcache':
        return [...st.mcache.keys()].sort((a, b) => a - b).map((p) => this.node({ kind: 'mcache', key: `${key}/P${p}`, parent: key, p }));
      case 'specials': {
        const out: TreeNode[] = st.specials.map((_, index) => this.node({ kind: 'special', key: `${key}/${index}`, parent: key, index }));
        if (st.finalizerQueue.length > 0) out.push(this.node({ kind: 'list', key: `${key}/finq`, parent: key, list: { where: 'finq' } }));
        return out;
      }
      case 'pageheap':
        return this.pageHeapChildren(key);
    }
  }

  private pageHeapChildren(key: string): TreeNode[] {
    const ph = this.state!.pageHeap;
    const out: TreeNode[] = [];
    if (ph.kind === 'lists') {
      for (const f of ph.free) out.push(this.node({ kind: 'list', key: `${key}/free${f.npages}`, parent: key, list: { where: 'free', npages: f.npages } }));
      if (ph.freelarge !== null) out.push(this.node({ kind: 'list', key: `${key}/freelarge`, parent: key, list: { where: 'freelarge' } }));
      if (ph.treap !== null) out.push(this.node({ kind: 'treap', key: `${key}/T${ph.treap.span}`, parent: key, span: ph.treap.span, side: 'root' }));
      if (ph.busy.length > 0) out.push(this.node({ kind: 'list', key: `${key}/busy`, parent: key, list: { where: 'busy' } }));
      if (ph.busylarge > 0) out.push(this.info(key, 'busylarge', 'busylarge', spansText(ph.busylarge), 'in-use spans of 128 pages or more (`mheap.busylarge`)'));
    } else {
      out.push(this.node({ kind: 'list', key: `${key}/chunks`, parent: key, list: { where: 'chunks' } }));
      out.push(this.node({ kind: 'list', key: `${key}/levels`, parent: key, list: { where: 'levels' } }));
      out.push(this.info(key, 'searchAddr', 'searchAddr', hex(ph.searchAddr), '`pageAlloc.searchAddr`: no free page below this address'));
      out.push(this.info(key, 'scavAddr', 'scavAddr', hex(ph.scavAddr), '`pageAlloc.scavAddr`: where the scavenger looks next (it walks down)'));
    }
    return out;
  }

  private listChildren(list: ListRef, key: string): TreeNode[] {
    const st = this.state!;
    const ph = st.pageHeap;
    const more = (ids: readonly number[], total: number | undefined): TreeNode[] => {
      const out = ids.map((id) => this.span(key, id));
      if (total !== undefined && total > ids.length) out.push(this.info(key, 'more', `${grouped(total - ids.length)} more`, '', 'The snapshot lists the first spans of long lists.'));
      return out;
    };
    switch (list.where) {
      case 'mcentral': {
        const c = st.mcentral.get(list.spanclass);
        if (c === undefined) return [];
        return list.list === 'nonempty' ? more(c.nonempty, c.nonemptyTotal) : more(c.empty, c.emptyTotal);
      }
      case 'free': {
        if (ph.kind !== 'lists') return [];
        const f = ph.free.find((x) => x.npages === list.npages);
        return f === undefined ? [] : more(f.spans, f.total);
      }
      case 'freelarge':
        return ph.kind === 'lists' && ph.freelarge !== null ? more(ph.freelarge, ph.freelargeTotal) : [];
      case 'busy':
        return ph.kind === 'lists' ? ph.busy.map((b) => this.info(key, `busy${b.npages}`, `busy[${b.npages}]`, spansText(b.count), `in-use spans of ${pagesText(b.npages)} (\`mheap.busy[${b.npages}]\`)`)) : [];
      case 'chunks':
        return ph.kind === 'radix'
          ? ph.chunks.map((c) => this.info(key, `c${c.base}`, hex(c.base), `${c.alloc}/512 allocated · ${c.scavenged} scavenged`, `Chunk of 512 pages at ${hex(c.base)}: ${c.alloc} pages allocated, ${c.scavenged} scavenged (\`pallocData\`)`))
          : [];
      case 'levels':
        return ph.kind === 'radix' ? ph.levels.map((_, level) => this.node({ kind: 'list', key: `${key}/l${level}`, parent: key, list: { where: 'level', level } })) : [];
      case 'level': {
        if (ph.kind !== 'radix') return [];
        const lv = ph.levels[list.level] ?? [];
        return lv.map((e) => this.info(key, `e${e.i}`, `[${e.i}]`, `start ${e.start} · max ${e.max} · end ${e.end}`, `pallocSum at level ${list.level}, index ${e.i}: ${e.start} free pages at the start, ${e.max} in the longest run, ${e.end} at the end`));
      }
      case 'finq':
        return st.finalizerQueue.map((addr, i) => this.info(key, `q${i}`, hex(addr), `queued finalizer ${i + 1}`, 'Object whose finalizer the last GC queued (`finq`); `runfinalizers` runs them.'));
    }
  }

  private treap(span: number): TreapNodeView | undefined {
    if (this.treapNodes === null) {
      this.treapNodes = new Map();
      const ph = this.state?.pageHeap;
      const walk = (t: TreapNodeView | null): void => {
        if (t === null) return;
        this.treapNodes!.set(t.span, t);
        walk(t.left);
        walk(t.right);
      };
      if (ph !== undefined && ph.kind === 'lists') walk(ph.treap);
    }
    return this.treapNodes.get(span);
  }

  /**
   * The node of span `id` in the Spans section (state → class → bucket → span), registered with
   * its ancestors so `reveal` can walk up; undefined when the span holds no pages.
   */
  spanNode(id: number): TreeNode | undefined {
    const p = this.place(id);
    if (p === undefined || this.state === null) return undefined;
    const spans = this.node({ kind: 'section', key: 'spans', parent: null, section: 'spans' });
    const stateKey = `${spans.key}/${p.state}`;
    this.node({ kind: 'state', key: stateKey, parent: spans.key, state: p.state });
    let parent = stateKey;
    let group = `spans/${p.state}`;
    if (p.state === 'mSpanInUse') {
      parent = `${stateKey}/c${p.sizeclass}`;
      this.node({ kind: 'class', key: parent, parent: stateKey, state: p.state, sizeclass: p.sizeclass });
      group += `/c${p.sizeclass}`;
    }
    const members = this.group(group);
    if (members.length > BUCKET) {
      const k = Math.floor(members.indexOf(id) / BUCKET);
      const b = this.node({ kind: 'bucket', key: `${parent}/b${k}`, parent, group, index: k });
      parent = b.key;
    }
    return this.span(parent, id);
  }

  /** The address a node names: the object of a special or queued finalizer, else its span's base; -1 if none. */
  addressOf(n: TreeNode): number {
    const st = this.state;
    if (st === null) return -1;
    if (n.kind === 'special') return st.specials[n.index]?.addr ?? -1;
    if (n.kind === 'treap') return this.treap(n.span)?.base ?? -1;
    if (n.kind === 'span') return this.spanBase(n.id);
    return -1;
  }

  /** A span's base address, or -1 when the model does not know the span. */
  spanBase(id: number): number {
    return this.rows.get(id)?.base ?? this.place(id)?.base ?? -1;
  }

  // --- items

  private sizeclassLabel(sizeclass: number, noscan: boolean | null): string {
    const ns = noscan === true && this.state?.model !== 'go1.5' ? ' noscan' : '';
    return sizeclass === 0 ? `large${ns}` : `class ${sizeclass}${ns}`;
  }

  private spanClassLabel(spanclass: number): string {
    const go15 = this.state?.model === 'go1.5';
    return this.sizeclassLabel(spanclass >> 1, go15 ? false : (spanclass & 1) === 1);
  }

  private spanItem(id: number, role: string): ItemView {
    const r = this.rows.get(id);
    const p = this.place(id);
    const base = r?.base ?? p?.base;
    const npages = r?.npages ?? p?.npages;
    const state = r?.state ?? p?.state;
    const sizeclass = r?.sizeclass ?? p?.sizeclass ?? 0;
    const parts: string[] = [];
    if (role !== '') parts.push(role);
    if (npages !== undefined) parts.push(pagesText(npages));
    if (state === 'mSpanInUse') parts.push(this.sizeclassLabel(sizeclass, r?.noscan ?? null));
    else if (state !== undefined) parts.push(state);
    if (r !== undefined && r.state === 'mSpanInUse') parts.push(`${grouped(r.allocCount)}/${grouped(r.nelems)} objects`);
    if (r !== undefined && r.cachedBy >= 0) parts.push(`cached by P${r.cachedBy}`);
    const tip: string[] = [`**mspan ${base === undefined ? `#${id}` : hex(base)}** (id ${id})`, ''];
    if (r !== undefined) {
      const heapSweepgen = this.state?.memstats.sweepgen ?? 0;
      const sweep = r.sweepgen === heapSweepgen ? 'swept' : r.sweepgen === heapSweepgen - 2 ? 'needs sweeping' : r.sweepgen === heapSweepgen - 1 ? 'being swept' : r.sweepgen === heapSweepgen + 1 ? 'swept, cached' : r.sweepgen === heapSweepgen + 3 ? 'cached, needs sweeping' : '';
      tip.push(
        '| | |', '| --- | --- |',
        `| state | ${r.state} |`,
        `| npages | ${r.npages} (${formatBytes(r.npages * (this.state?.pageSize ?? 8192))}) |`,
        `| spanclass | ${r.spanclass} (${this.sizeclassLabel(r.sizeclass, r.noscan)}) |`,
        `| elemsize | ${grouped(r.elemsize)} |`,
        `| nelems | ${grouped(r.nelems)} |`,
        `| allocCount | ${grouped(r.allocCount)} |`,
        ...(this.state?.model === 'go1.5' ? [] : [`| freeindex | ${r.freeindex} |`]),
        `| sweepgen | ${r.sweepgen} (heap ${heapSweepgen}${sweep === '' ? '' : `: ${sweep}`}) |`,
        `| cached by | ${r.cachedBy >= 0 ? `P${r.cachedBy}` : '—'} |`,
        `| specials | ${r.nspecials} |`,
      );
    } else if (p !== undefined) {
      tip.push(`${p.state}, ${pagesText(p.npages)}${p.state === 'mSpanInUse' ? `, ${this.sizeclassLabel(p.sizeclass, null)}` : ''}. Expand its group to load its counts.`);
    } else tip.push('Not in the page map (the span holds no pages).');
    const icon = state === 'mSpanManual' ? 'debug-stackframe' : state === 'mSpanFree' ? 'circle-outline' : r !== undefined && r.allocCount === r.nelems ? 'circle-filled' : 'circle-large-outline';
    return {
      label: base === undefined ? `span #${id}` : hex(base),
      description: parts.join(' · '),
      tooltip: tip.join('\n'),
      icon,
      collapsible: 'none',
      contextValue: 'span',
      span: id,
    };
  }

  /** What a node shows. */
  item(n: TreeNode): ItemView {
    const st = this.state;
    const plain = (label: string, description: string, tooltip: string, icon: string, collapsible: ItemView['collapsible'] = 'collapsed'): ItemView =>
      ({ label, description, tooltip, icon, collapsible, contextValue: n.kind, span: -1 });
    if (st === null) return plain('(no heap)', '', '', 'info', 'none');
    switch (n.kind) {
      case 'section':
        switch (n.section) {
          case 'memstats':
            return plain('memstats', `heap_sys ${formatBytes(st.memstats.heap_sys)} · heap_inuse ${formatBytes(st.memstats.heap_inuse)}`, `runtime.MemStats and mheap counters at generation ${st.generation} (line ${st.stop.line + 1})`, 'dashboard');
          case 'spans':
            return plain('spans', `${spansText(st.nspans)} · ${st.model}`, 'Every span holding pages, by state and size class', 'layers');
          case 'mcentral':
            return plain('mcentral', `${st.mcentral.size} span class${st.mcentral.size === 1 ? '' : 'es'}`, '`mheap.central`: per span class, the `nonempty` list (spans with a free object) and the `empty` list', 'server');
          case 'mcache':
            return plain('mcache', `${st.mcache.size} P${st.mcache.size === 1 ? '' : 's'}`, 'Each P\'s `mcache`: the span it allocates from for each span class, and its tiny block', 'chip');
          case 'specials':
            return plain('specials', `${grouped(st.specials.length)} record${st.specials.length === 1 ? '' : 's'} · ${st.finalizerQueue.length} queued finalizer${st.finalizerQueue.length === 1 ? '' : 's'}`, 'Finalizer and profile records (`mspan.specials`) and the finalizer queue', 'pin', st.specials.length + st.finalizerQueue.length === 0 ? 'none' : 'collapsed');
          case 'pageheap': {
            const what = st.pageHeap.kind === 'radix' ? 'radix page allocator' : st.pageHeap.treap !== null || st.model === 'go1.10' ? 'free lists + treap' : 'free lists + freelarge';
            return plain('page heap', `${st.model}: ${what}`, 'The page heap as the model has it', 'database');
          }
        }
        break;
      case 'stat': {
        const m = MEMSTATS.find((x) => x.name === n.name)!;
        const v = st.memstats[n.name];
        const text = m.bytes ? `${formatBytes(v)} (${grouped(v)})` : n.name === 'gcpercent' && v < 0 ? 'off' : n.name === 'nanotime' ? `${grouped(v)} ns (${(v / 1e9).toFixed(3)} s)` : grouped(v);
        return plain(n.name, text, `\`${m.go}\``, 'symbol-number', 'none');
      }
      case 'state': {
        const ids = this.group(`spans/${n.state}`);
        const pages = this.groupPages.get(`spans/${n.state}`) ?? 0;
        const label = n.state === 'mSpanManual' && st.model === 'go1.5' ? '_MSpanStack' : n.state;
        const icon = n.state === 'mSpanInUse' ? 'circle-filled' : n.state === 'mSpanManual' ? 'debug-stackframe' : 'circle-outline';
        return plain(label, `${spansText(ids.length)} · ${pagesText(pages)}`, `Spans in state ${label}`, icon);
      }
      case 'class': {
        const ids = this.group(`spans/${n.state}/c${n.sizeclass}`);
        const pages = this.groupPages.get(`spans/${n.state}/c${n.sizeclass}`) ?? 0;
        return plain(this.sizeclassLabel(n.sizeclass, null), `${spansText(ids.length)} · ${pagesText(pages)}`, n.sizeclass === 0 ? 'Large objects: one object per span' : `In-use spans of size class ${n.sizeclass}`, 'symbol-class');
      }
      case 'bucket': {
        const ids = this.group(n.group);
        const from = n.index * BUCKET;
        const to = Math.min(ids.length, from + BUCKET) - 1;
        const a = this.place(ids[from]);
        const b = this.place(ids[to]);
        return plain(`spans ${grouped(from)}–${grouped(to)}`, a !== undefined && b !== undefined ? `${hex(a.base)} – ${hex(b.base)}` : '', `Spans ${from} to ${to} of ${ids.length} in address order`, 'list-flat');
      }
      case 'span':
        return this.spanItem(n.id, n.role);
      case 'mcentral': {
        const c = st.mcentral.get(n.spanclass);
        const ne = c?.nonemptyTotal ?? c?.nonempty.length ?? 0;
        const e = c?.emptyTotal ?? c?.empty.length ?? 0;
        return plain(this.spanClassLabel(n.spanclass), `spanclass ${n.spanclass} · nonempty ${grouped(ne)} · empty ${grouped(e)} · nmalloc ${grouped(c?.nmalloc ?? 0)}`, `\`mheap.central[${n.spanclass}]\``, 'server-process');
      }
      case 'list':
        return this.listItem(n.list);
      case 'mcache': {
        const c = st.mcache.get(n.p);
        const tiny = c !== undefined && c.tiny !== 0 ? ` · tiny ${hex(c.tiny)}+${c.tinyoffset}` : '';
        return plain(`P${n.p}`, `${c?.alloc.length ?? 0} spans cached${tiny}`, `\`allp[${n.p}].mcache\``, 'chip', (c?.alloc.length ?? 0) > 0 || c?.pageCache != null ? 'collapsed' : 'none');
      }
      case 'special': {
        const sp = st.specials[n.index];
        if (sp === undefined) return plain('(gone)', '', '', 'warning', 'none');
        const place = this.place(sp.span);
        const where = place !== undefined ? `span ${hex(place.base)}` : `span #${sp.span}`;
        const desc = sp.kind === 'profile' && sp.line >= 0 ? `${where} · allocated at line ${sp.line + 1}` : where;
        return { ...plain(`${sp.kind} ${hex(sp.addr)}`, desc, sp.kind === 'finalizer' ? '`specialfinalizer`: runtime.SetFinalizer on this object' : '`specialprofile`: the memory profiler sampled this allocation', sp.kind === 'finalizer' ? 'flame' : 'graph'), contextValue: 'span', span: sp.span };
      }
      case 'treap': {
        const t = this.treap(n.span);
        if (t === undefined) return plain('(gone)', '', '', 'warning', 'none');
        const side = n.side === 'root' ? 'treap' : n.side;
        const kids = t.left !== null || t.right !== null || (t.hidden ?? 0) > 0;
        return { ...plain(`${side}: ${hex(t.base)}`, `${pagesText(t.npages)} · priority ${t.priority}`, 'go1.10 `mTreap` node: ordered by npages then address; a heap on priority', 'type-hierarchy', kids ? (n.side === 'root' ? 'expanded' : 'collapsed') : 'none'), contextValue: 'span', span: t.span };
      }
      case 'info':
        return plain(n.label, n.description, n.tooltip, 'info', n.children.length > 0 ? 'collapsed' : 'none');
    }
    return plain('?', '', '', 'question', 'none');
  }

  private listItem(list: ListRef): ItemView {
    const st = this.state!;
    const ph = st.pageHeap;
    const mk = (label: string, count: number, tooltip: string, icon = 'list-ordered'): ItemView =>
      ({ label, description: `${grouped(count)}`, tooltip, icon, collapsible: count > 0 ? 'collapsed' : 'none', contextValue: 'list', span: -1 });
    switch (list.where) {
      case 'mcentral': {
        const c = st.mcentral.get(list.spanclass);
        const n = list.list === 'nonempty' ? c?.nonemptyTotal ?? c?.nonempty.length ?? 0 : c?.emptyTotal ?? c?.empty.length ?? 0;
        return mk(list.list, n, list.list === 'nonempty' ? 'Spans with at least one free object (or not yet swept), in list order' : 'Spans with no free object, or cached in an mcache, in list order');
      }
      case 'free': {
        const f = ph.kind === 'lists' ? ph.free.find((x) => x.npages === list.npages) : undefined;
        return mk(`free[${list.npages}]`, f?.total ?? f?.spans.length ?? 0, `Free spans of exactly ${pagesText(list.npages)} (\`mheap.free[${list.npages}]\`)`);
      }
      case 'freelarge':
        return mk('freelarge', ph.kind === 'lists' ? ph.freelargeTotal ?? ph.freelarge?.length ?? 0 : 0, 'Free spans of 128 pages or more, searched best-fit (`mheap.freelarge`)');
      case 'busy':
        return mk('busy', ph.kind === 'lists' ? ph.busy.length : 0, 'In-use span counts by length (`mheap.busy[n]`)', 'list-flat');
      case 'chunks':
        return mk('chunks', ph.kind === 'radix' ? ph.chunks.length : 0, '512-page chunks the page allocator has grown into', 'symbol-array');
      case 'levels':
        return mk('summary levels', ph.kind === 'radix' ? ph.levels.length : 0, 'The radix tree of `pallocSum` summaries, root first (non-empty entries)', 'type-hierarchy');
      case 'level':
        return mk(`level ${list.level}`, ph.kind === 'radix' ? (ph.levels[list.level]?.length ?? 0) : 0, `Summary level ${list.level}`, 'symbol-array');
      case 'finq':
        return mk('finalizer queue', st.finalizerQueue.length, 'Objects whose finalizers the last GC queued (`finq`)', 'flame');
    }
  }
}
