/**
 * The session's breakpoints, all positions 0-based:
 *   - line breakpoints, moved to the first statement at or after their line (every statement on
 *     that line stops), with conditions (script expressions, compiled by expressions.ts), hit
 *     counts and logpoints (`{expr}` parts evaluated when the line is reached);
 *   - function breakpoints on runtime functions, by canonical id (`mheap.grow`), by the era's
 *     spelling (`(*mheap).grow`, `mHeap_Grow`) or by the bare method name when it is unique;
 *   - exception filters: span transitions (each with an optional condition over the event's
 *     fields, transitions.ts) and runtime faults.
 * A breakpoint that cannot work says why (unverified, with a message); nothing is dropped silently.
 */
import type { Program, Stmt } from '../program/ast';
import type { SettingOverrides } from '../program/index';
import type { Interpreter } from '../program/interpreter';
import { funcName, type FuncId } from '../engine/probe';
import type { HeapEvent } from '../protocol/events';
import { FAULT_FILTER, TRANSITION_FILTERS, type TransitionFilterId } from '../protocol/dap';
import { compileExpression, evaluate, type CompiledExpr } from './expressions';
import { compileEventCondition, eventFields, filterOf, type EventCondition } from './transitions';
import { showValue } from './values';

export interface LineRequest {
  readonly line: number;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
}

export interface LineResult {
  readonly id: number;
  readonly verified: boolean;
  readonly line: number;
  readonly message?: string;
}

export type HitTest = (hits: number) => boolean;
type LogPart = string | CompiledExpr;

interface LineBreakpoint {
  readonly id: number;
  readonly line: number;
  readonly condition: CompiledExpr | null;
  readonly hit: HitTest | null;
  readonly log: LogPart[] | null;
  hits: number;
}

/** Every runtime function the probe can report. */
export const FUNC_IDS: readonly FuncId[] = [
  'mallocgc', 'largeAlloc', 'mcache.nextFree', 'mcache.refill', 'mcache.releaseAll', 'mcentral.cacheSpan', 'mcentral.uncacheSpan',
  'mcentral.grow', 'mcentral.freeSpan', 'mheap.alloc', 'mheap.allocManual', 'mheap.allocSpanLocked', 'mheap.grow', 'mheap.freeSpan',
  'mheap.freeManual', 'mheap.freeSpanLocked', 'mheap.reclaim', 'mheap.scavenge', 'pageCache.alloc', 'pageAlloc.alloc', 'pageAlloc.scavenge',
  'sweepone', 'mspan.sweep', 'deductSweepCredit', 'gcStart', 'gcMark', 'gcMarkTermination', 'gcSweep', 'finishsweep_m', 'stackalloc',
  'stackfree', 'SetFinalizer', 'runfinq', 'profilealloc', 'bgscavenge',
];

/** The runtime functions a name means: canonical id, any era's spelling, or a unique bare name. */
export function resolveFunction(name: string): FuncId[] {
  const n = name.trim();
  const exact = FUNC_IDS.filter((id) => id === n || ['go1.5', 'go1.10', 'go1.14'].some((m) => funcName(m, id) === n));
  if (exact.length > 0) return exact;
  const plain = n.replace(/^\(\*([A-Za-z]+)\)\./, '$1.');
  const byPlain = FUNC_IDS.filter((id) => id.toLowerCase() === plain.toLowerCase());
  if (byPlain.length > 0) return byPlain;
  const bare = FUNC_IDS.filter((id) => id.slice(id.indexOf('.') + 1) === n);
  return bare.length === 1 ? bare : [];
}

export class Breakpoints {
  private nextId = 1;
  private readonly byStmt = new Map<number, LineBreakpoint[]>();
  functions: ReadonlySet<FuncId> = new Set();
  /** Conditions of conditional function breakpoints (a function with an unconditional one has none). */
  functionConditions: ReadonlyMap<FuncId, readonly EventCondition[]> = new Map();
  private filters = new Map<TransitionFilterId, EventCondition>();
  breakOnFault = true;

  constructor(
    private readonly text: string,
    private readonly overrides: SettingOverrides,
    private readonly program: Program,
  ) {}

  /** Replaces all line breakpoints (one source file). */
  setLines(reqs: readonly LineRequest[]): LineResult[] {
    this.byStmt.clear();
    const stmts = [...this.program.statements].sort((a, b) => a.start - b.start);
    return reqs.map((r) => {
      const id = this.nextId++;
      const first = stmts.find((s) => s.line >= r.line);
      if (first === undefined) return { id, verified: false, line: r.line, message: 'no statement at or after this line' };
      const at = first.start;
      let condition: CompiledExpr | null = null;
      if (r.condition !== undefined && r.condition.trim() !== '') {
        condition = compileExpression(this.text, this.overrides, this.program, at, r.condition);
        if (!condition.ok) return { id, verified: false, line: first.line, message: `condition: ${condition.message}` };
        if (condition.type !== 'bool') return { id, verified: false, line: first.line, message: `condition must be a boolean (\`${r.condition.trim()}\` is ${condition.type})` };
      }
      let hit: HitTest | null = null;
      if (r.hitCondition !== undefined && r.hitCondition.trim() !== '') {
        hit = parseHitCondition(r.hitCondition);
        if (hit === null) return { id, verified: false, line: first.line, message: `hit count \`${r.hitCondition}\`: write N, >= N, > N, == N or % N` };
      }
      let log: LogPart[] | null = null;
      if (r.logMessage !== undefined) {
        log = [];
        for (const part of r.logMessage.split(/(\{[^{}]*\})/)) {
          if (part === '') continue;
          if (part.startsWith('{') && part.endsWith('}')) {
            const e = compileExpression(this.text, this.overrides, this.program, at, part.slice(1, -1));
            if (!e.ok) return { id, verified: false, line: first.line, message: `log message ${part}: ${e.message}` };
            log.push(e);
          } else log.push(part);
        }
      }
      const bp: LineBreakpoint = { id, line: first.line, condition, hit, log, hits: 0 };
      for (const s of stmts) {
        if (s.line !== first.line) continue;
        let list = this.byStmt.get(s.id);
        if (list === undefined) this.byStmt.set(s.id, (list = []));
        list.push(bp);
      }
      return { id, verified: true, line: first.line };
    });
  }

  hasLineBreakpoints(): boolean {
    return this.byStmt.size > 0;
  }

  /**
   * Whether to stop before `s`. Forward: conditions, hit counts and logpoints apply (`log` gets
   * logpoint text). Reverse (scanning for reverse-continue): conditions only, no hit counting.
   */
  shouldStop(it: Interpreter, s: Stmt, reverse: boolean, log: (text: string) => void): boolean {
    const list = this.byStmt.get(s.id);
    if (list === undefined) return false;
    let stop = false;
    for (const bp of list) {
      if (bp.condition !== null && bp.condition.ok) {
        const v = evaluate(it, bp.condition.expr);
        if (!v.ok) {
          if (!reverse) log(`breakpoint condition at line ${bp.line + 1} failed: ${v.message}`);
          continue;
        }
        if (v.value !== true) continue;
      }
      if (reverse) {
        if (bp.log === null) stop = true;
        continue;
      }
      bp.hits++;
      if (bp.hit !== null && !bp.hit(bp.hits)) continue;
      if (bp.log !== null) {
        log(bp.log.map((p) => (typeof p === 'string' ? p : p.ok ? formatLogValue(it, p) : '?')).join(''));
        continue;
      }
      stop = true;
    }
    return stop;
  }

  resetHits(): void {
    for (const list of this.byStmt.values()) for (const bp of list) bp.hits = 0;
  }

  /**
   * Function breakpoints; unknown names are unverified with a message. A condition is over the
   * function's arguments as the Runtime frame scope shows them (`npage >= 128`, `spanclass == 11`,
   * same little language as the transition filters); a malformed one is unverified.
   */
  setFunctions(names: readonly { name: string; condition?: string; hitCondition?: string }[], model: string): { verified: boolean; message?: string }[] {
    const set = new Set<FuncId>();
    const conds = new Map<FuncId, EventCondition[]>();
    const unconditional = new Set<FuncId>();
    const res = names.map(({ name, condition, hitCondition }) => {
      const ids = resolveFunction(name);
      if (ids.length === 0) {
        const sample = ['mheap.grow', 'mcentral.grow', 'sweepone', 'mallocgc'].map((id) => `${id} (${funcName(model, id as FuncId)})`).join(', ');
        return { verified: false, message: `\`${name}\` is not a runtime function the simulation steps through; try ${sample}` };
      }
      if (hitCondition !== undefined && hitCondition.trim() !== '') return { verified: false, message: 'hit counts are not supported on function breakpoints; use a condition over the arguments' };
      let cond: EventCondition | null = null;
      if (condition !== undefined && condition.trim() !== '') {
        try {
          cond = compileEventCondition(condition, null);
        } catch (e) {
          return { verified: false, message: `condition: ${(e as Error).message}` };
        }
      }
      for (const id of ids) {
        set.add(id);
        if (cond === null) unconditional.add(id);
        else {
          let list = conds.get(id);
          if (list === undefined) conds.set(id, (list = []));
          list.push(cond);
        }
      }
      return { verified: true };
    });
    for (const id of unconditional) conds.delete(id);
    this.functions = set;
    this.functionConditions = conds;
    return res;
  }

  /** Exception filters; a malformed condition is reported, and that filter stays off. */
  setFilters(filters: readonly { filterId: string; condition?: string }[]): { verified: boolean; message?: string }[] {
    this.filters = new Map();
    this.breakOnFault = false;
    const known = new Set<string>(TRANSITION_FILTERS.map((f) => f.id));
    return filters.map(({ filterId, condition }) => {
      if (filterId === FAULT_FILTER) {
        this.breakOnFault = true;
        return { verified: true };
      }
      if (!known.has(filterId)) return { verified: false, message: `unknown exception filter \`${filterId}\`` };
      try {
        this.filters.set(filterId as TransitionFilterId, compileEventCondition(condition ?? ''));
        return { verified: true };
      } catch (e) {
        return { verified: false, message: (e as Error).message };
      }
    });
  }

  hasTransitionFilters(): boolean {
    return this.filters.size > 0;
  }

  /** Whether an event trips an enabled filter. */
  matches(ev: HeapEvent): boolean {
    const id = filterOf(ev);
    if (id === null) return false;
    const cond = this.filters.get(id);
    return cond !== undefined && cond(eventFields(ev));
  }
}

function formatLogValue(it: Interpreter, e: CompiledExpr & { ok: true }): string {
  const v = evaluate(it, e.expr);
  return v.ok ? showValue(v.value, e.type) : `<${v.message}>`;
}

/** A DAP hit condition: `N` or `>= N` (from the Nth hit on), `> N`, `== N`, `% N`; null when malformed. */
export function parseHitCondition(text: string): HitTest | null {
  const m = /^\s*(>=|>|==|=|%)?\s*([0-9]+)\s*$/.exec(text);
  if (m === null) return null;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>':
      return (h) => h > n;
    case '==':
    case '=':
      return (h) => h === n;
    case '%':
      return n === 0 ? null : (h) => h % n === 0;
    default:
      return (h) => h >= n;
  }
}
