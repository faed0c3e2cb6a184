/**
 * Heap generations and deltas for the custom requests of src/protocol/heapview.ts. A generation
 * is one stop of a session; the tracker remembers what it last told the client (the *baseline*:
 * span table, page runs, lists) and answers `goheap/delta {since}` with only what changed
 * since then, so a step on a 100,000-span heap sends a few rows, not the heap.
 *
 * Rules (the protocol's invariants, kept here):
 *  - `generation` grows by one at each stop; a new session (launch, restart) is a new tracker with
 *    a new `sessionId`, generations from 1;
 *  - a delta answers only a consumer that is at the baseline (`since` = the generation of the last
 *    snapshot or delta served); anything else, and any stop that is not a continuation of the
 *    baseline (step back, reverse continue, travel backwards, restart) answers `reset: true`, and
 *    the consumer asks for a snapshot;
 *  - a delta that would carry more than SPANS_PAGE_MAX span rows is a reset too (after a long
 *    `continue` the snapshot plus paged spans is cheaper than one huge message);
 *  - the span table (SpanTable, spantable.ts) holds, per live span, every SpanRow field but requestedBytes and
 *    what that depends on (tiny objects, specials), updated in place; rows are built only for the
 *    spans whose entry changed, and the breakdown's per-span parts are summed incrementally;
 *  - the page runs of the baseline are kept in typed columns (RunColumns, spantable.ts); a delta sends the
 *    changed middle between the common prefix and the common suffix;
 *  - while `base` is set, the table and the columns describe exactly the baseline's state.
 * The timeline (one point per stop and per GC cycle) and the transition log live here too, so
 * that travelling backwards can cut them at the new position; heap events are fed in (by the
 * runner) only once a view has asked for a snapshot.
 */
import { randomUUID } from 'node:crypto';
import type { mheap } from '../engine/mheap';
import type { mspan } from '../engine/mspan';
import type { Interpreter } from '../program/interpreter';
import {
  breakdownFrom, cacheOwners, finalizerQueue, heapSnapshot, mcacheViews, mcentralViews, memstatsView, pageHeapView, spanDetail, spanRow, spansByAddress, specialViews,
} from '../program/heapsnapshot';
import type { HeapEvent } from '../protocol/events';
import {
  SPANS_PAGE_MAX, TRANSITIONS_KEPT, type HeapDelta, type HeapSnapshot, type PageRun, type SpanDetail, type SpanRow, type SpansArgs, type SpansResult, type StopPoint, type TimelinePoint, type TransitionRow,
} from '../protocol/heapview';
import { RunColumns, SpanTable } from './spantable';
import { describeEvent } from './transitions';

/** Transition rows sent in one delta (the newest); a snapshot carries up to TRANSITIONS_KEPT. */
export const TRANSITIONS_PER_DELTA = 100;
/** Special records sent in a snapshot or delta; the rest are counted (`specialsTotal`). */
export const SPECIALS_MAX = 256;
/** Timeline points kept; older ones are thinned (every other one dropped) when full. */
const TIMELINE_MAX = 4000;

const KEPT_EVENTS = new Set<HeapEvent['type']>([
  'spanAlloc', 'spanTrim', 'spanCoalesce', 'spanFree', 'spanCache', 'spanUncache', 'spanSwept', 'spanRelease', 'spanReuse', 'heapGrow', 'finalizerQueued', 'gcCycle', 'fault',
]);

interface Baseline {
  readonly generation: number;
  readonly mcentral: Map<number, string>;
  readonly mcache: string;
  readonly specials: string;
  readonly finq: string;
  readonly pageHeap: string;
  readonly timelineLength: number;
  readonly transitionSeq: number;
}

interface LoggedEvent {
  readonly seq: number;
  readonly executed: number;
  /** Runtime step of the statement it happened in (the probe's count), -1 if no probe was watching. */
  readonly step: number;
  readonly ev: HeapEvent;
}

export class HeapTracker {
  readonly sessionId = randomUUID();
  generation = 0;
  private base: Baseline | null = null;
  /** The state at `generation` does not continue the baseline (travel backwards). */
  private broken = false;
  private readonly timeline: TimelinePoint[] = [];
  private log: LoggedEvent[] = [];
  private seq = 0;
  private sorted: { generation: number; spans: mspan[] } | null = null;
  /** Spans and page runs as of the baseline (valid only while `base` is set). */
  private readonly table = new SpanTable();
  private viewed = false;
  private runs = new RunColumns();
  private spare = new RunColumns();

  /** A view has asked for a snapshot: from now on forward runs feed the transition log. */
  get viewing(): boolean {
    return this.viewed;
  }

  /** A heap event during a forward run (the runner's hook); cheap: no text is built here. */
  event(ev: HeapEvent, it: Interpreter, step = -1): void {
    if (!KEPT_EVENTS.has(ev.type)) return;
    this.log.push({ seq: ++this.seq, executed: it.executed, step, ev });
    if (this.log.length > 2 * TRANSITIONS_KEPT) this.log = this.log.slice(-TRANSITIONS_KEPT);
    if (ev.type === 'gcCycle') this.point(it.heap.h, it.executed, it.current()?.line ?? -1);
  }

  /**
   * A stop. `continues` is false when the new state is not the old one run forward (step back,
   * reverse continue, travel to an earlier statement): the timeline and log are cut at
   * `executed` and the next delta is a reset.
   */
  stopped(it: Interpreter, line: number, continues: boolean, inside: { readonly statement: number; readonly step: number } | null = null): number {
    this.generation++;
    if (!continues) {
      this.broken = true;
      const n = it.executed;
      while (this.timeline.length > 0 && this.timeline[this.timeline.length - 1].executed > n) this.timeline.pop();
      // Stopped inside statement k at runtime step s: of statement k's events only those of
      // steps <= s have happened (an event logged outside the probe has step -1: all of k).
      this.log = this.log.filter((e) => e.executed < n || (e.executed === n && (inside === null || (inside.statement === n && e.step >= 0 && e.step <= inside.step))));
    }
    this.point(it.heap.h, it.executed, line);
    return this.generation;
  }

  private point(h: mheap, executed: number, line: number): void {
    const st = h.memstats;
    const last = this.timeline[this.timeline.length - 1];
    if (last !== undefined && last.executed === executed && last.numgc === st.numgc && last.heap_sys === st.heap_sys && last.heap_inuse === st.heap_inuse) return;
    this.timeline.push({ executed, line, nanotime: h.nanotime, heap_sys: st.heap_sys, heap_inuse: st.heap_inuse, heap_idle: st.heap_idle, heap_released: st.heap_released, heap_live: st.heap_live, next_gc: st.next_gc, numgc: st.numgc });
    if (this.timeline.length > TIMELINE_MAX) {
      // Thin the older half; the baseline's length no longer names a position in it.
      const keep = this.timeline.filter((_, i) => i % 2 === 0 || i >= TIMELINE_MAX / 2);
      this.timeline.length = 0;
      this.timeline.push(...keep);
      this.broken = true;
    }
  }

  private transitionRows(max: number, afterSeq = 0): TransitionRow[] {
    const out: TransitionRow[] = [];
    for (let i = this.log.length - 1; i >= 0 && out.length < max; i--) {
      const e = this.log[i];
      if (e.seq <= afterSeq) break;
      const ev = e.ev;
      const span = 'span' in ev && typeof ev.span === 'object' ? ev.span.id : -1;
      out.push({ seq: e.seq, executed: e.executed, type: ev.type, span, text: describeEvent(ev) });
    }
    return out.reverse();
  }

  /** Spans in address order, built once per generation. */
  private spansSorted(h: mheap): mspan[] {
    if (this.sorted === null || this.sorted.generation !== this.generation) this.sorted = { generation: this.generation, spans: spansByAddress(h) };
    return this.sorted.spans;
  }

  /** `goheap/snapshot`: everything but the span table; the baseline becomes this generation. */
  snapshot(it: Interpreter, stop: StopPoint): HeapSnapshot {
    const h = it.heap.h;
    this.viewed = true;
    this.table.refresh(h);
    this.runs.fill(h);
    const snap = heapSnapshot(it, { sessionId: this.sessionId, generation: this.generation, stop, timeline: this.timeline.slice(), transitions: this.transitionRows(TRANSITIONS_KEPT) });
    const specials = snap.specials;
    this.base = this.baseline(h, specials);
    this.broken = false;
    return specials.length > SPECIALS_MAX ? { ...snap, specials: specials.slice(0, SPECIALS_MAX), specialsTotal: specials.length } : snap;
  }

  /** `goheap/delta`: what changed since `since`, or a reset (after which only a snapshot re-establishes the baseline). */
  delta(it: Interpreter, since: number, stop: StopPoint): HeapDelta {
    const h = it.heap.h;
    const b = this.base;
    if (b === null || this.broken || since !== b.generation) {
      this.base = null;
      this.table.refresh(h);
      this.runs.fill(h);
      return {
        sessionId: this.sessionId,
        since,
        generation: this.generation,
        stop,
        memstats: memstatsView(h),
        nspans: h.allspans.size,
        spans: [],
        removed: [],
        breakdown: breakdownFrom(h, this.table.sum, this.runs.idle),
        timeline: [],
        transitions: [],
        reset: true,
      };
    }
    const { changed, removed, specialsChanged } = this.table.refresh(h);
    // Page runs: the changed middle between the common prefix and the common suffix.
    const old = this.runs;
    const cur = this.spare;
    cur.fill(h);
    this.runs = cur;
    this.spare = old;
    if (changed.length > SPANS_PAGE_MAX) {
      // Cheaper for the view to start over with a snapshot and paged spans than to take this.
      this.base = null;
      return { ...this.delta(it, -1, stop), since };
    }
    const owners = cacheOwners(h);
    const rows: SpanRow[] = changed.map((e) => spanRow(e.span, owners)).sort((x, y) => x.base - y.base);
    let i = 0;
    while (i < old.n && i < cur.n && cur.same(i, old, i)) i++;
    let k = 0;
    while (k < old.n - i && k < cur.n - i && cur.same(cur.n - 1 - k, old, old.n - 1 - k)) k++;
    let pages: HeapDelta['pages'];
    if (i < cur.n - k || i < old.n - k) {
      const mid: PageRun[] = [];
      for (let j = i; j < cur.n - k; j++) mid.push(cur.run(j));
      const from = i < cur.n ? cur.base[i] : old.end;
      const to = k > 0 ? cur.base[cur.n - k] : cur.end;
      pages = { from, to, runs: mid };
    }
    const specials = specialsChanged ? specialViews(it) : null;
    const d: { -readonly [K in keyof HeapDelta]?: HeapDelta[K] } = {
      sessionId: this.sessionId,
      since,
      generation: this.generation,
      stop,
      memstats: memstatsView(h),
      nspans: h.allspans.size,
      spans: rows,
      removed,
      breakdown: breakdownFrom(h, this.table.sum, cur.idle),
      timeline: this.timeline.slice(b.timelineLength),
      transitions: this.transitionRows(TRANSITIONS_PER_DELTA, b.transitionSeq),
      reset: false,
    };
    if (pages !== undefined) d.pages = pages;
    if (cur.end !== old.end) d.arenaEnd = cur.end;
    const next = this.baseline(h, specials ?? b.specials);
    const mc = mcentralViews(h).filter((c) => b.mcentral.get(c.spanclass) !== next.mcentral.get(c.spanclass));
    if (mc.length > 0) d.mcentral = mc;
    if (next.mcache !== b.mcache) d.mcache = mcacheViews(h);
    if (specials !== null && next.specials !== b.specials) {
      d.specials = specials.slice(0, SPECIALS_MAX);
      if (specials.length > SPECIALS_MAX) d.specialsTotal = specials.length;
    }
    if (next.finq !== b.finq) d.finalizerQueue = finalizerQueue(h);
    if (next.pageHeap !== b.pageHeap) d.pageHeap = pageHeapView(h);
    this.base = next;
    return d as HeapDelta;
  }

  /** The baseline's lists as text; `specials` is the list, or the previous baseline's text when unchanged. */
  private baseline(h: mheap, specials: readonly { addr: number; kind: string }[] | string): Baseline {
    const mcentral = new Map<number, string>();
    for (const c of mcentralViews(h)) mcentral.set(c.spanclass, JSON.stringify(c));
    return {
      generation: this.generation,
      mcentral,
      mcache: JSON.stringify(mcacheViews(h)),
      specials: typeof specials === 'string' ? specials : JSON.stringify(specials.slice(0, SPECIALS_MAX)) + specials.length,
      finq: JSON.stringify(finalizerQueue(h)),
      pageHeap: JSON.stringify(pageHeapView(h)),
      timelineLength: this.timeline.length,
      transitionSeq: this.seq,
    };
  }

  /** `goheap/spans`: a page of span rows in address order, optionally filtered. */
  spans(it: Interpreter, args: SpansArgs): SpansResult {
    const h = it.heap.h;
    const all = this.spansSorted(h);
    const start = Math.max(0, Math.floor(Number(args.start) || 0));
    const count = Math.min(SPANS_PAGE_MAX, Math.max(0, Math.floor(Number(args.count) || 0)));
    const filtered = args.state === undefined && args.sizeclass === undefined ? all : all.filter((s) => (args.state === undefined || s.state === args.state) && (args.sizeclass === undefined || (s.state === 'mSpanInUse' && s.sizeclass() === args.sizeclass)));
    const owners = cacheOwners(h);
    return { generation: this.generation, total: filtered.length, spans: filtered.slice(start, start + count).map((s) => spanRow(s, owners)) };
  }

  /** `goheap/span`: one span's detail, or null when no live span has the id. */
  span(it: Interpreter, id: number): SpanDetail | null {
    return spanDetail(it, id);
  }
}
