/**
 * Data breakpoints on spans and objects (DAP `dataBreakpointInfo` / `setDataBreakpoints`). A
 * watch names a span by its mspan id (`span:<id>`; ids are stable within a session and the same
 * after a replay, because the engine is deterministic) or an object by its address and span
 * (`object:<addr>:<id>`). It breaks, at the next statement boundary, when the span's state,
 * allocCount or sweepgen changes — for an object also when its slot is freed or allocated again —
 * and says what changed in words ("span 0xc000180000 (class 5, 1 page): state mSpanInUse →
 * mSpanDead").
 *
 * A watch may have a condition (a script expression over variables and heap facts, evaluated when
 * the watched values change, at the statement boundary where the change is seen) and a hit count
 * (`N`, `>= N`, `> N`, `== N`, `% N`: which changes stop), as line breakpoints have. Reverse
 * continue applies conditions, not hit counts (as for line breakpoints).
 *
 * Invariants: `arm(it)` binds every watch to the mspan of `it` with its id (or none: the span is
 * dead, or not created yet — then it is looked up once the engine has created that many spans)
 * and records the values that later changes are measured against; `check` compares, and on a
 * change reports it and records the new values, so each change stops once. Reverse continue
 * scans with copies (`scanner`), never with these watches.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { mspan } from '../engine/mspan';
import type { Interpreter } from '../program/interpreter';
import { findSpan } from '../program/heapsnapshot';
import { parseHitCondition, type HitTest } from './breakpoints';
import { evaluate, type CompiledExpr } from './expressions';
import { hex } from './values';
import type { Variables } from './variables';

export interface DataTarget {
  readonly dataId: string;
  readonly description: string;
}

interface Values {
  state: string;
  allocCount: number;
  sweepgen: number;
  /** Object watches: whether the slot is allocated. */
  allocated: boolean;
}

interface Watch {
  readonly bp: number;
  readonly spanId: number;
  /** The watched object's address, or 0 for a span watch. */
  readonly addr: number;
  readonly label: string;
  span: mspan | null;
  /** Whether `span` has been looked up for the bound interpreter (a span not created yet is not). */
  bound: boolean;
  values: Values;
  readonly condition: (CompiledExpr & { ok: true }) | null;
  readonly hit: HitTest | null;
  /** Changes that passed the condition, going forward. */
  hits: number;
}

const DEAD: Values = { state: 'mSpanDead', allocCount: 0, sweepgen: 0, allocated: false };

function spanLabel(s: mspan): string {
  const cls = s.state === 'mSpanInUse' && s.sizeclass() > 0 ? `class ${s.sizeclass()}, ` : '';
  return `span ${hex(s.startAddr)} (${cls}${s.npages} page${s.npages === 1 ? '' : 's'})`;
}

/** The data id and description of a span or of the object at addr. */
export function spanTarget(s: mspan): DataTarget {
  return { dataId: `span:${s.id}`, description: `${spanLabel(s)}: state, allocCount, sweepgen` };
}

export function objectTarget(s: mspan, addr: number): DataTarget {
  return { dataId: `object:${addr}:${s.id}`, description: `object ${hex(addr)} in ${spanLabel(s)}: freed or reused, span state, allocCount, sweepgen` };
}

/**
 * What `dataBreakpointInfo` names: a child of a Variables container that is a span or an object
 * (an indexed child `[i]` is fetched alone, so a 100,000-span list costs one row), or the
 * expression `span 0xADDR` (`lookup`/`object 0xADDR`, or a bare address, watch the object there).
 */
export function dataTarget(args: DebugProtocol.DataBreakpointInfoArguments, vars: Variables, it: Interpreter): DataTarget | null {
  const hp = it.heap;
  if (args.variablesReference !== undefined && args.variablesReference !== 0) {
    const idx = /^\[(\d+)\]$/.exec(args.name);
    const kids = idx !== null ? vars.variables(args.variablesReference, Number(idx[1]), 1) : vars.variables(args.variablesReference);
    const kid = kids.find((k) => k.name === args.name);
    const ref = kid === undefined || kid.variablesReference === 0 ? undefined : vars.get(kid.variablesReference);
    if (ref?.kind === 'span') {
      const s = hp.spanOf(ref.base);
      return s === null ? null : spanTarget(s);
    }
    if (ref?.kind === 'object') {
      const s = hp.spanOf(ref.addr);
      return s === null ? null : objectTarget(s, ref.addr);
    }
    return null;
  }
  const m = /^\s*(span|lookup|object)?\s*(0x[0-9a-fA-F]+)\s*$/.exec(args.name);
  if (m === null) return null;
  const addr = Number(m[2]);
  const s = hp.spanOf(addr);
  if (s === null) return null;
  return m[1] === 'span' || s.state !== 'mSpanInUse' ? spanTarget(s) : objectTarget(s, s.startAddr + s.objIndex(addr) * s.elemsize);
}

function read(s: mspan | null, addr: number): Values {
  if (s === null || s.state === 'mSpanDead') return DEAD;
  const allocated = addr !== 0 && s.state === 'mSpanInUse' && s.isAllocated(s.objIndex(addr));
  return { state: s.state, allocCount: s.allocCount, sweepgen: s.sweepgen, allocated };
}

/**
 * Compare each watch with its recorded values; record what changed and report the changes that
 * pass the watch's condition and (going forward) its hit count.
 */
function changes(ws: readonly Watch[], it: Interpreter, reverse: boolean): { ids: number[]; description: string } | null {
  let ids: number[] | null = null;
  const parts: string[] = [];
  for (const w of ws) {
    if (!w.bound && w.spanId <= it.heap.h.spansCreated()) {
      // Created since the last look (after a travel to before its birth): find it once.
      w.span = findSpan(it.heap.h, w.spanId);
      w.bound = true;
    }
    const now = read(w.span, w.addr);
    const was = w.values;
    if (now.state === was.state && now.allocCount === was.allocCount && now.sweepgen === was.sweepgen && now.allocated === was.allocated) continue;
    const what: string[] = [];
    if (now.state !== was.state) what.push(`state ${was.state} → ${now.state}`);
    if (w.addr !== 0 && now.allocated !== was.allocated) what.push(now.allocated ? 'object allocated again' : 'object freed');
    if (now.state !== 'mSpanDead' && now.allocCount !== was.allocCount) what.push(`allocCount ${was.allocCount} → ${now.allocCount}`);
    if (now.state !== 'mSpanDead' && now.sweepgen !== was.sweepgen) what.push(`sweepgen ${was.sweepgen} → ${now.sweepgen}`);
    w.values = now;
    if (w.condition !== null) {
      const v = evaluate(it, w.condition.expr);
      if (!v.ok || v.value !== true) continue;
    }
    if (!reverse) {
      w.hits++;
      if (w.hit !== null && !w.hit(w.hits)) continue;
    }
    (ids ??= []).push(w.bp);
    parts.push(`${w.label}: ${what.join(', ')}`);
  }
  if (ids === null) return null;
  const line = it.current()?.line;
  return { ids, description: `data breakpoint: ${parts.join('; ')}${line === undefined ? '' : ` (before line ${line + 1})`}` };
}

/** A copy of a watch for another run, bound lazily as that run creates the span (so its creation is a change). */
function unbound(w: Watch): Watch {
  return { ...w, span: null, bound: false, values: DEAD, hits: 0 };
}

export class DataBreakpoints {
  /** From setDataBreakpoints (replaced as a whole each time). */
  private watches: Watch[] = [];
  /** From goheap/breakOnSpan (the views): kept when setDataBreakpoints replaces the others. */
  private readonly spanWatches: Watch[] = [];
  /** Ids apart from line breakpoints' (hitBreakpointIds name one or the other). */
  private nextId = 100_001;
  private boundTo: Interpreter | null = null;

  get active(): boolean {
    return this.watches.length > 0 || this.spanWatches.length > 0;
  }

  private all(): Watch[] {
    return this.spanWatches.length === 0 ? this.watches : this.watches.concat(this.spanWatches);
  }

  /**
   * After a restart of the same script with the same settings: the views' span watches of the
   * session before (span ids mean the same spans in a deterministic replay). They bind as the
   * new run creates their spans, so a span's creation is their first stop.
   */
  adoptSpanWatches(before: DataBreakpoints): void {
    for (const w of before.spanWatches) this.spanWatches.push(unbound(w));
    this.nextId = Math.max(this.nextId, before.nextId);
  }

  /** goheap/breakOnSpan: one more span watch, beside the data breakpoints VS Code set. */
  addSpanWatch(spanId: number, it: Interpreter): { id: number; verified: boolean; message?: string } {
    const existing = this.spanWatches.find((w) => w.spanId === spanId);
    if (existing !== undefined) return { id: existing.bp, verified: true, message: `already watching ${existing.label}` };
    const id = this.nextId++;
    const s = findSpan(it.heap.h, spanId);
    if (s === null) return { id, verified: false, message: `no live span has id ${spanId} now` };
    if (this.boundTo !== null && this.boundTo !== it) this.arm(it);
    this.spanWatches.push({ bp: id, spanId, addr: 0, label: spanLabel(s), span: s, bound: true, values: read(s, 0), condition: null, hit: null, hits: 0 });
    this.boundTo = it;
    return { id, verified: true };
  }

  /**
   * Replaces every data breakpoint; each result says whether it is set and, if not, why.
   * `compile` compiles a condition as a script expression at the end of the script.
   */
  set(reqs: readonly { dataId: string; condition?: string; hitCondition?: string }[], it: Interpreter, compile: (condition: string) => CompiledExpr): { id: number; verified: boolean; message?: string }[] {
    this.watches = [];
    if (this.spanWatches.length > 0) this.arm(it);
    else this.boundTo = null;
    return reqs.map((r) => {
      const id = this.nextId++;
      const m = /^(?:span:(\d+)|object:(\d+):(\d+))$/.exec(r.dataId);
      if (m === null) return { id, verified: false, message: `\`${r.dataId}\` is not a span or object of this debugger` };
      const spanId = Number(m[1] ?? m[3]);
      const addr = m[2] === undefined ? 0 : Number(m[2]);
      const s = findSpan(it.heap.h, spanId);
      if (s === null) return { id, verified: false, message: `no live span has id ${spanId} now` };
      let condition: (CompiledExpr & { ok: true }) | null = null;
      if ((r.condition ?? '').trim() !== '') {
        const c = compile(r.condition!);
        if (!c.ok) return { id, verified: false, message: `condition: ${c.message}` };
        if (c.type !== 'bool') return { id, verified: false, message: `condition must be a boolean (\`${r.condition!.trim()}\` is ${c.type})` };
        condition = c;
      }
      let hit: HitTest | null = null;
      if ((r.hitCondition ?? '').trim() !== '') {
        hit = parseHitCondition(r.hitCondition!);
        if (hit === null) return { id, verified: false, message: `hit count \`${r.hitCondition}\`: write N, >= N, > N, == N or % N` };
      }
      const label = addr === 0 ? spanLabel(s) : `object ${hex(addr)} in ${spanLabel(s)}`;
      this.watches.push({ bp: id, spanId, addr, label, span: s, bound: true, values: read(s, addr), condition, hit, hits: 0 });
      this.boundTo = it;
      return { id, verified: true };
    });
  }

  /** Bind the watches to this interpreter's spans and take the current values as the reference. */
  arm(it: Interpreter): void {
    const all = this.all();
    if (all.length === 0) return;
    if (this.boundTo !== it) {
      const byId = new Map<number, mspan>();
      const want = new Set(all.map((w) => w.spanId));
      for (const s of it.heap.h.allspans) if (want.has(s.id)) byId.set(s.id, s);
      const created = it.heap.h.spansCreated();
      for (const w of all) {
        w.span = byId.get(w.spanId) ?? null;
        w.bound = w.spanId <= created;
      }
      this.boundTo = it;
    }
    for (const w of all) w.values = read(w.span, w.addr);
  }

  /** The watches whose values changed since the last arm/check, in words; null when none. */
  check(it: Interpreter): { ids: number[]; description: string } | null {
    if (this.boundTo !== it) this.arm(it);
    return changes(this.all(), it, false);
  }

  /**
   * For reverse continue: the same watches on a fresh interpreter replayed from the start. Every
   * watch binds lazily (here and going forward after a travel to before the span existed): a
   * watched span is looked up once the engine has created that many spans (ids are handed out in
   * order, and replays are deterministic), so its birth is a change too (`state mSpanDead →
   * mSpanInUse`). This object's own watches are not touched.
   */
  scanner(): { check(it: Interpreter): { ids: number[]; description: string } | null } {
    const ws: Watch[] = this.all().map(unbound);
    return { check: (it: Interpreter) => changes(ws, it, true) };
  }
}
