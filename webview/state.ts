/**
 * The Heap View's model of the heap: the last snapshot with every delta applied, the span table
 * as far as it has been fetched, and the selected span's detail. Also the view state that must
 * survive a reload or a hide/show (zoom, scroll, selection, filters), kept through the webview
 * API's getState/setState.
 *
 * Invariants:
 *  - `runs` covers [arenaStart, arenaEnd) in address order with no gap and no overlap (a delta's
 *    runs replace exactly the addresses they cover; a run cut by them keeps its other part);
 *  - a delta applies only when `since` equals `generation` and the session is the same; otherwise
 *    `applyDelta` says the view must ask for a snapshot again;
 *  - `spans` holds rows of existing spans only (removed ids are deleted).
 */
import type { HeapDelta, HeapSnapshot, PageKind, PageRun, SpanDetail, SpanRow, SpansResult } from '../src/protocol/heapview';

export type Highlight = PageKind | 'large' | null;

/** What survives a reload (plain JSON). */
export interface ViewState {
  readonly version: 1;
  /** Page map: CSS pixels per page (>= 1), or, below 1, 1/pages-per-pixel. */
  zoom: number;
  /** Page map: index (from arenaStart) of the first page shown. */
  topPage: number;
  selected: number;
  highlight: Highlight;
  transitionFilter: string;
  transitionType: string;
  collapsed: string[];
  sessionId: string;
  generation: number;
}

export function defaultViewState(): ViewState {
  return { version: 1, zoom: 4, topPage: 0, selected: -1, highlight: null, transitionFilter: '', transitionType: '', collapsed: [], sessionId: '', generation: 0 };
}

const HIGHLIGHTS: readonly string[] = ['inuse', 'manual', 'free', 'released', 'cached', 'unused', 'large'];

/** Accept a stored state only field by field (an old or damaged state must not break the view). */
export function restoreViewState(v: unknown): ViewState {
  const d = defaultViewState();
  if (typeof v !== 'object' || v === null) return d;
  const o = v as Record<string, unknown>;
  const n = (k: string, ok: (x: number) => boolean): number | undefined => (typeof o[k] === 'number' && ok(o[k] as number) ? (o[k] as number) : undefined);
  const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  return {
    version: 1,
    zoom: n('zoom', (x) => x > 0 && x <= 64) ?? d.zoom,
    topPage: n('topPage', (x) => Number.isInteger(x) && x >= 0) ?? d.topPage,
    selected: n('selected', Number.isInteger) ?? d.selected,
    highlight: typeof o.highlight === 'string' && HIGHLIGHTS.includes(o.highlight) ? (o.highlight as Highlight) : null,
    transitionFilter: s('transitionFilter') ?? '',
    transitionType: s('transitionType') ?? '',
    collapsed: Array.isArray(o.collapsed) ? o.collapsed.filter((x): x is string => typeof x === 'string') : [],
    sessionId: s('sessionId') ?? '',
    generation: n('generation', Number.isInteger) ?? 0,
  };
}

export type DeltaOutcome = 'applied' | 'stale' | 'resync';

/** The heap as last told by the host. Mutable fields are replaced, never edited in place by views. */
export class HeapModel {
  snapshot: HeapSnapshot | null = null;
  runs: PageRun[] = [];
  readonly spans = new Map<number, SpanRow>();
  detail: SpanDetail | null = null;
  ended = false;

  get generation(): number {
    return this.snapshot?.generation ?? 0;
  }

  applySnapshot(s: HeapSnapshot, spans: readonly SpanRow[]): void {
    this.snapshot = s;
    this.runs = s.pages.slice();
    this.spans.clear();
    for (const r of spans) this.spans.set(r.id, r);
    this.detail = null;
    this.ended = false;
  }

  /** Span rows fetched in pages; a page of an older generation is ignored. */
  applySpans(r: SpansResult): boolean {
    if (this.snapshot === null || r.generation !== this.snapshot.generation) return false;
    for (const row of r.spans) this.spans.set(row.id, row);
    return true;
  }

  applyDelta(d: HeapDelta): DeltaOutcome {
    const s = this.snapshot;
    if (s === null || d.reset || d.sessionId !== s.sessionId) return 'resync';
    if (d.generation <= s.generation) return 'stale';
    if (d.since !== s.generation) return 'resync';
    for (const id of d.removed) this.spans.delete(id);
    for (const row of d.spans) this.spans.set(row.id, row);
    const arenaEnd = d.arenaEnd ?? s.arenaEnd;
    if (d.arenaEnd !== undefined && d.arenaEnd > s.arenaEnd) {
      // Grown: the new addresses are unused until the page runs say otherwise.
      this.runs = [...this.runs, { base: s.arenaEnd, npages: (d.arenaEnd - s.arenaEnd) / s.pageSize, kind: 'unused', span: -1, sizeclass: 0 }];
    }
    if (d.pages !== undefined) this.runs = replaceRuns(this.runs, d.pages.runs, d.pages.from, d.pages.to, s.pageSize);
    const transitions = [...s.transitions, ...d.transitions.filter((t) => t.seq > (s.transitions.at(-1)?.seq ?? -1))];
    const timeline = [...s.timeline, ...d.timeline.filter((p) => p.executed > (s.timeline.at(-1)?.executed ?? -1))];
    this.snapshot = {
      ...s,
      generation: d.generation,
      stop: d.stop,
      memstats: d.memstats,
      nspans: d.nspans,
      arenaEnd,
      pages: this.runs,
      mcentral: d.mcentral === undefined ? s.mcentral : mergeMcentral(s.mcentral, d.mcentral),
      mcache: d.mcache ?? s.mcache,
      specials: d.specials ?? s.specials,
      finalizerQueue: d.finalizerQueue ?? s.finalizerQueue,
      pageHeap: d.pageHeap ?? s.pageHeap,
      breakdown: d.breakdown,
      timeline,
      transitions: transitions.slice(-500),
    };
    if (this.detail !== null && (d.removed.includes(this.detail.row.id) || d.spans.some((r) => r.id === this.detail?.row.id))) this.detail = null;
    return 'applied';
  }

  /** The run holding page index `page` (0 = arenaStart), by binary search. */
  runAt(page: number): PageRun | null {
    const s = this.snapshot;
    if (s === null) return null;
    const addr = s.arenaStart + page * s.pageSize;
    const rs = this.runs;
    let lo = 0;
    let hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.base + r.npages * s.pageSize) lo = mid + 1;
      else return r;
    }
    return null;
  }

  /** The run of span `id` (a linear scan; called on selection, not per frame). */
  runOfSpan(id: number): PageRun | null {
    if (id < 0) return null;
    for (const r of this.runs) if (r.span === id) return r;
    return null;
  }
}

/** mcentral entries of a delta replace those of the same spanclass; order by spanclass. */
function mergeMcentral<T extends { readonly spanclass: number }>(old: readonly T[], changed: readonly T[]): T[] {
  const m = new Map(old.map((c) => [c.spanclass, c]));
  for (const c of changed) m.set(c.spanclass, c);
  return [...m.values()].sort((a, b) => a.spanclass - b.spanclass);
}

/**
 * Replace the addresses covered by `fresh` (and [from, to)) with `fresh`: runs wholly inside go,
 * runs cut at either edge keep their outside part.
 */
export function replaceRuns(runs: readonly PageRun[], fresh: readonly PageRun[], from: number, to: number, pageSize: number): PageRun[] {
  const lo = Math.min(from, fresh[0]?.base ?? from);
  const last = fresh.at(-1);
  const hi = Math.max(to, last === undefined ? to : last.base + last.npages * pageSize);
  const out: PageRun[] = [];
  let inserted = false;
  for (const r of runs) {
    const end = r.base + r.npages * pageSize;
    if (end <= lo) {
      out.push(r);
      continue;
    }
    if (r.base >= hi) {
      if (!inserted) {
        out.push(...fresh);
        inserted = true;
      }
      out.push(r);
      continue;
    }
    if (r.base < lo) out.push({ ...r, npages: (lo - r.base) / pageSize });
    if (!inserted) {
      out.push(...fresh);
      inserted = true;
    }
    if (end > hi) out.push({ ...r, base: hi, npages: (end - hi) / pageSize });
  }
  if (!inserted) out.push(...fresh);
  return out;
}
