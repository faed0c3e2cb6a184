/**
 * The interpreter: runs a checked allocation script over the heap engine, to completion at full
 * speed or one statement at a time.
 *
 * Execution is a machine of frames: the top frame's next statement is "the current statement"
 * (where the debugger stops). A simple statement runs and advances its frame; `repeat`, `if` and
 * `on` push a frame for their body (the head counts as a statement of its own, so stepping shows
 * the loop being entered and each iteration starting again at the first body statement).
 * Expressions are closures compiled once (exprcompile.ts).
 *
 * Roots for the GC are the script's variables: every ref slot and every element of every array.
 * Faults: a RuntimeFault (the simulated runtime's throw) or a ScriptFault (nil dereference, index
 * out of range, ...) stops the run with status 'faulted' and the heap as it was at that moment;
 * a failed `assert` stops with 'failed'; a failed `expect` is recorded and the run goes on.
 *
 * Invariants: `frames` is never empty while status is 'ready' or 'paused'; `executed` counts
 * statements run, so (program, settings, executed) identifies a state exactly (deterministic
 * replay for time travel).
 */
import type { CheckStmt, Expr, Program, RepeatStmt, Stmt } from './ast';
import { compileExpr, describe, formatValue, FIELD_SLOT_BASE, ScriptFault, type ExecState, type Thunk, type Value } from './exprcompile';
import { gctraceLine, scavengerLines } from './gctrace';
import type { Settings } from './settings';
import { fastrand } from '../engine/fastrand';
import { Heap, isRuntimeFault, type StackHandle } from '../engine/heap';
import { ProbeStop } from '../engine/probe';

/**
 * 'inside': a probe stopped the current statement part-way through a runtime operation; the heap
 * shows that internal step and this interpreter cannot continue (replay to go on: stepinto.ts).
 */
export type RunStatus = 'ready' | 'paused' | 'done' | 'faulted' | 'failed' | 'inside';

export interface ExpectFailure {
  readonly stmt: number;
  readonly message: string;
}

export interface FaultInfo {
  readonly stmt: number;
  readonly kind: 'runtime' | 'script';
  readonly message: string;
  /** Runtime function that threw (runtime faults). */
  readonly where: string;
}

export interface AllocationRecord {
  readonly stmt: number;
  readonly addr: number;
  readonly size: number;
  readonly elemsize: number;
  readonly sizeclass: number;
  readonly noscan: boolean;
  readonly tiny: boolean;
  readonly span: number;
  readonly npages: number;
}

export interface StackRecord {
  readonly stmt: number;
  readonly addr: number;
  readonly size: number;
  readonly span: number;
  readonly npages: number;
}

export interface InterpreterOptions {
  /** Keep one record per allocation (for --json). */
  readonly recordAllocations?: boolean;
  /** Keep requested object sizes for `obj(x).size` (on by default; benchmarks turn it off). */
  readonly trackSizes?: boolean;
}

interface Frame {
  readonly stmts: Stmt[];
  pc: number;
  /** P this frame's statements run on. */
  readonly p: number;
  /** For a repeat body: the loop, its count and the counter. */
  readonly loop: RepeatStmt | null;
  n: number;
  i: number;
}

type Exec = () => void;

/**
 * Most output lines, expect failures and allocation records one interpreter keeps; past it they
 * are counted in `dropped`, not kept, so a 10^7-iteration loop that prints or fails an `expect`
 * each time still runs in bounded memory. `onOutput` still sees every line.
 */
export const MAX_KEPT = 100_000;

export class Interpreter {
  readonly heap: Heap;
  readonly state: ExecState;
  readonly output: string[] = [];
  readonly expectFailures: ExpectFailure[] = [];
  readonly allocations: AllocationRecord[] = [];
  readonly stacks: StackRecord[] = [];
  /** What was counted but not kept past MAX_KEPT. */
  readonly dropped = { output: 0, expectFailures: 0, allocations: 0 };
  status: RunStatus = 'ready';
  fault: FaultInfo | null = null;
  /** Statements executed so far. */
  executed = 0;
  /** New output lines go here too (the debugger's Debug Console). */
  onOutput: ((line: string) => void) | null = null;

  private readonly frames: Frame[] = [];
  private readonly execs: (Exec | null)[] = [];
  private readonly conds = new Map<number, Thunk>();
  /** Per repeat statement: its body's executors when every body statement is simple, else null. */
  private readonly simpleBodies: (Exec[] | null | undefined)[] = [];
  private readonly refSlots: number[] = [];
  private readonly arraySlots: number[] = [];
  private gcSeen = 0;
  private scvgSeen = 0;

  constructor(
    readonly program: Program,
    readonly settings: Settings,
    opts: InterpreterOptions = {},
  ) {
    this.heap = new Heap({
      model: settings.model,
      procs: settings.procs,
      gogc: settings.gogc === 'off' ? -1 : settings.gogc,
      memProfileRate: settings.memprofilerate,
      physPageSize: settings.physpagesize,
      seed: settings.seed,
    });
    this.heap.h.trackSizes = opts.trackSizes ?? true;
    const vals: Value[] = program.slots.map((s) => (s.type === 'array' ? new Float64Array(s.length) : s.type === 'bool' ? false : s.type === 'stack' ? null : 0));
    program.slots.forEach((s, i) => {
      if (s.type === 'ref') this.refSlots.push(i);
      else if (s.type === 'array') this.arraySlots.push(i);
    });
    this.state = { heap: this.heap, program, vals, rand: new fastrand(settings.seed ^ 0x5eed), p: 0, stmt: -1, onAlloc: null };
    if (opts.recordAllocations) this.state.onAlloc = (stmt, addr, size, noscan) => this.recordAllocation(stmt, addr, size, noscan);
    const refSlots = this.refSlots;
    const arraySlots = this.arraySlots;
    this.heap.setRoots((visit) => {
      for (let k = 0; k < refSlots.length; k++) {
        const a = vals[refSlots[k]] as number;
        if (a !== 0) visit(a);
      }
      for (let k = 0; k < arraySlots.length; k++) {
        const arr = vals[arraySlots[k]] as Float64Array;
        for (let i = 0; i < arr.length; i++) if (arr[i] !== 0) visit(arr[i]);
      }
    });
    for (const s of program.statements) this.execs[s.id] = this.compileStmt(s);
    for (const s of program.statements) {
      if (s.kind !== 'repeat') continue;
      const ex = s.body.map((b) => this.execs[b.id]);
      this.simpleBodies[s.id] = ex.every((e) => e !== null) ? (ex as Exec[]) : null;
    }
    this.frames.push({ stmts: program.body, pc: 0, p: 0, loop: null, n: 0, i: 0 });
    this.normalize();
  }

  /** The statement that runs next (null when finished). */
  current(): Stmt | null {
    const f = this.frames[this.frames.length - 1];
    return f === undefined ? null : f.stmts[f.pc];
  }

  /** Depth of nested blocks at the current statement (1 at top level). */
  depth(): number {
    return this.frames.length;
  }

  /** The enclosing loops of the current statement, innermost last, with their iteration. */
  loops(): { stmt: RepeatStmt; i: number; n: number }[] {
    return this.frames.filter((f) => f.loop !== null).map((f) => ({ stmt: f.loop!, i: f.i, n: f.n }));
  }

  /** Values of the script's variables, by slot. */
  get vals(): readonly Value[] {
    return this.state.vals;
  }

  /** Run one statement. */
  step(): RunStatus {
    if (this.status !== 'ready' && this.status !== 'paused') return this.status;
    this.execOne();
    const now = this.status as RunStatus;
    if (now === 'ready' || now === 'paused') this.status = this.frames.length === 0 ? 'done' : 'paused';
    return this.status;
  }

  /**
   * Run until the script ends, faults, or `stopBefore(stmtId)` says to stop before a statement,
   * or `budget` statements have run (then status is 'paused', ready to continue).
   */
  run(budget = Infinity, stopBefore: ((s: Stmt) => boolean) | null = null): RunStatus {
    if (this.status !== 'ready' && this.status !== 'paused') return this.status;
    const frames = this.frames;
    const execs = this.execs;
    const st = this.state;
    const h = this.heap.h;
    let first = true;
    let s: Stmt | null = null;
    try {
      while (budget > 0) {
        const f = frames[frames.length - 1];
        if (f === undefined) {
          this.status = 'done';
          return this.status;
        }
        const fastBody = f.pc === 0 && stopBefore === null && f.loop !== null ? this.simpleBodies[f.loop.id] : undefined;
        if (fastBody !== undefined && fastBody !== null && budget >= fastBody.length) {
          // A loop body of simple statements with nothing to stop at: run whole iterations.
          const body = f.stmts;
          const nb = fastBody.length;
          const counter = f.loop!.counter === null ? -1 : f.loop!.counter.slot;
          st.p = f.p;
          for (;;) {
            for (let k = 0; k < nb; k++) {
              s = body[k];
              st.stmt = s.id;
              fastBody[k]();
            }
            this.executed += nb;
            budget -= nb;
            if (h.memstats.numgc !== this.gcSeen || h.scavengeRuns !== this.scvgSeen) this.traceRuntime(0);
            if (f.i + 1 >= f.n) {
              f.pc = nb;
              this.normalize();
              break;
            }
            f.i++;
            if (counter >= 0) st.vals[counter] = f.i;
            if (budget < nb) break;
          }
          first = false;
          continue;
        }
        s = f.stmts[f.pc];
        if (stopBefore !== null && !first && stopBefore(s)) {
          this.status = 'paused';
          return this.status;
        }
        first = false;
        budget--;
        st.stmt = s.id;
        st.p = f.p;
        this.executed++;
        const ex = execs[s.id];
        if (ex !== null) {
          ex();
          if (++f.pc >= f.stmts.length) this.normalize();
        } else {
          this.enter(f, s);
          this.normalize();
        }
        if (h.memstats.numgc !== this.gcSeen || h.scavengeRuns !== this.scvgSeen) this.traceRuntime(0);
      }
    } catch (e) {
      this.onFault(s!, e);
      return this.status;
    }
    this.status = frames.length === 0 ? 'done' : 'paused';
    return this.status;
  }

  private execOne(): void {
    const f = this.frames[this.frames.length - 1];
    const s = f.stmts[f.pc];
    const st = this.state;
    st.stmt = s.id;
    st.p = f.p;
    this.executed++;
    try {
      const ex = this.execs[s.id];
      if (ex !== null) {
        ex();
        f.pc++;
      } else this.enter(f, s);
    } catch (e) {
      this.onFault(s, e);
      return;
    }
    this.normalize();
    const h = this.heap.h;
    if (h.memstats.numgc !== this.gcSeen || h.scavengeRuns !== this.scvgSeen) this.traceRuntime(0);
  }

  /** Enter a compound statement: evaluate its head and push its body. */
  private enter(f: Frame, s: Stmt): void {
    switch (s.kind) {
      case 'repeat': {
        const n = this.conds.get(s.id)!() as number;
        f.pc++;
        if (n > 0 && s.body.length > 0) {
          this.frames.push({ stmts: s.body, pc: 0, p: f.p, loop: s, n, i: 0 });
          if (s.counter !== null) this.state.vals[s.counter.slot] = 0;
        }
        return;
      }
      case 'if': {
        const c = this.conds.get(s.id)!() as boolean;
        f.pc++;
        const body = c ? s.then : s.else;
        if (body !== null && body.length > 0) this.frames.push({ stmts: body, pc: 0, p: f.p, loop: null, n: 0, i: 0 });
        return;
      }
      case 'on':
        f.pc++;
        if (s.body.length > 0) this.frames.push({ stmts: s.body, pc: 0, p: s.p, loop: null, n: 0, i: 0 });
        return;
      default:
        throw new Error(`interpreter: no executor for ${s.kind}`);
    }
  }

  /** Pop finished frames; a loop frame starts its next iteration. */
  private normalize(): void {
    for (;;) {
      const f = this.frames[this.frames.length - 1];
      if (f === undefined) return;
      if (f.pc < f.stmts.length) return;
      if (f.loop !== null && f.i + 1 < f.n) {
        f.i++;
        f.pc = 0;
        if (f.loop.counter !== null) this.state.vals[f.loop.counter.slot] = f.i;
        return;
      }
      this.frames.pop();
    }
  }

  private onFault(s: Stmt, e: unknown): void {
    if (e instanceof ProbeStop) {
      this.status = 'inside';
      return;
    }
    if (e instanceof AssertStop) {
      this.traceRuntime(0);
      return;
    }
    if (isRuntimeFault(e)) {
      this.fault = { stmt: s.id, kind: 'runtime', message: e.message, where: e.where };
    } else if (e instanceof ScriptFault) {
      this.fault = { stmt: s.id, kind: 'script', message: e.message, where: '' };
    } else throw e;
    this.status = 'faulted';
    this.traceRuntime(0);
  }

  private emit(line: string): void {
    if (this.output.length < MAX_KEPT) this.output.push(line);
    else this.dropped.output++;
    if (this.onOutput !== null) this.onOutput(line);
  }

  /** gctrace lines for new GC cycles, scavenger lines for new scavenger runs. */
  private traceRuntime(released: number): void {
    const h = this.heap.h;
    // gcSeen counts cycles reported; cycle n is h.cycles[n - 1 - cyclesDropped].
    if (this.gcSeen < h.cyclesDropped) this.gcSeen = h.cyclesDropped;
    while (this.gcSeen < h.memstats.numgc) this.emit(gctraceLine(this.settings.model, h.cycles[this.gcSeen++ - h.cyclesDropped]));
    if (this.scvgSeen !== h.scavengeRuns) {
      this.scvgSeen = h.scavengeRuns;
      for (const l of scavengerLines(this.settings.model, h.scavengeRuns - 1, released, h.memstats)) this.emit(l);
    }
  }

  private recordAllocation(stmt: number, addr: number, size: number, noscan: boolean): void {
    if (this.allocations.length >= MAX_KEPT) {
      this.dropped.allocations++;
      return;
    }
    const r = this.heap.last;
    const s = r.span;
    this.allocations.push({ stmt, addr, size, elemsize: r.elemsize, sizeclass: r.sizeclass, noscan, tiny: r.tiny, span: s === null ? 0 : s.startAddr, npages: s === null ? 0 : s.npages });
  }

  private compileStmt(s: Stmt): Exec | null {
    const st = this.state;
    const vals = st.vals;
    const hp = this.heap;
    switch (s.kind) {
      case 'assign': {
        const value = compileExpr(st, s.value);
        const t = s.target;
        if (t.kind === 'var') {
          const slot = t.slot;
          if (s.value.kind === 'stackalloc') {
            return () => {
              const v = value() as StackHandle;
              vals[slot] = v;
              this.stacks.push({ stmt: s.id, addr: v.base, size: v.size, span: v.span.startAddr, npages: v.span.npages });
            };
          }
          return () => {
            vals[slot] = value();
          };
        }
        if (t.kind === 'index' && t.on === 'array') {
          const slot = (t.target as { slot: number }).slot;
          const fused = this.compileRingStore(slot, t.index, s.value);
          if (fused !== null) return fused;
          const idx = compileExpr(st, t.index) as () => number;
          return () => {
            const arr = vals[slot] as Float64Array;
            const i = idx();
            if (i < 0 || i >= arr.length) throw new ScriptFault(`index ${i} out of range [0, ${arr.length})`);
            arr[i] = value() as number;
          };
        }
        // A pointer store into a heap object: x.next = y, x[3] = y.
        const obj = compileExpr(st, t.target) as () => number;
        const what = describe(t.target);
        const word: () => number = t.kind === 'field' ? ((w) => () => w)(FIELD_SLOT_BASE + t.fieldId) : (compileExpr(st, t.index) as () => number);
        return () => {
          const o = obj();
          if (o === 0) throw new ScriptFault(`nil pointer dereference: ${what} is nil`);
          if (hp.isNoscan(o)) throw new ScriptFault(`${what} is noscan and cannot hold pointers; allocate it without \`noscan\``);
          const w = word();
          if (w < 0) throw new ScriptFault(`index ${w} out of range`);
          hp.writePointer(o, w, value() as number);
        };
      }
      case 'array':
        return () => {};
      case 'drop': {
        const slot = s.target.slot;
        return () => {
          const v = vals[slot];
          if (v instanceof Float64Array) v.fill(0);
          else vals[slot] = typeof v === 'object' ? null : 0;
        };
      }
      case 'gc':
        return () => {
          hp.gc();
        };
      case 'sweep': {
        const n = s.count === null ? null : (compileExpr(st, s.count) as () => number);
        return () => {
          hp.sweep(n === null ? 1 : n());
        };
      }
      case 'scavenge': {
        const n = s.bytes === null ? null : (compileExpr(st, s.bytes) as () => number);
        return () => {
          const released = n === null ? hp.scavenge() : hp.scavengeBytes(n());
          this.traceRuntime(released);
        };
      }
      case 'freeosmemory':
        return () => {
          const gcs = hp.h.cycles.length;
          void gcs;
          const released = hp.freeOSMemory();
          this.traceRuntime(released);
        };
      case 'tick': {
        const d = compileExpr(st, s.duration) as () => number;
        return () => hp.tick(d());
      }
      case 'setfinalizer': {
        const x = compileExpr(st, s.target) as () => number;
        const what = describe(s.target);
        return () => {
          const a = x();
          if (a === 0) throw new ScriptFault(`runtime.SetFinalizer: ${what} is nil`);
          if (!hp.setFinalizer(a)) throw new ScriptFault(`runtime.SetFinalizer: finalizer already set on ${what}`);
        };
      }
      case 'runfinalizers':
        return () => {
          hp.runFinalizers();
        };
      case 'stackfree': {
        const slot = s.target.slot;
        const what = describe(s.target);
        return () => {
          const v = vals[slot] as StackHandle | null;
          if (v === null) throw new ScriptFault(`stackfree: ${what} holds no stack`);
          hp.stackFree(v);
        };
      }
      case 'assert':
      case 'expect':
        return this.compileCheck(s);
      case 'print': {
        const parts = s.args.map((a) => {
          const t = compileExpr(st, a);
          return a.type === 'ref' ? () => hexOrNil(t() as number) : () => formatValue(t());
        });
        return () => this.emit(parts.map((p) => p()).join(' '));
      }
      case 'repeat':
        this.conds.set(s.id, compileExpr(st, s.count));
        return null;
      case 'if':
        this.conds.set(s.id, compileExpr(st, s.cond));
        return null;
      case 'on':
        return null;
    }
  }

  /**
   * `ring[i % C] = new N [noscan]`: the benchmark shape, fused into one closure (no nested calls
   * for the index, the size or the allocation). Semantics as the general path.
   */
  private compileRingStore(arrSlot: number, index: Expr, value: Expr): Exec | null {
    if (value.kind !== 'new' || value.constSize === null) return null;
    if (index.kind !== 'binary' || index.op !== '%' || index.left.kind !== 'var' || index.left.type !== 'int' || typeof index.right.constValue !== 'number' || index.right.constValue === 0) return null;
    const st = this.state;
    const vals = st.vals;
    const hp = this.heap;
    const islot = index.left.slot;
    const c = index.right.constValue;
    const size = value.constSize;
    const noscan = value.noscan;
    return () => {
      const arr = vals[arrSlot] as Float64Array;
      let i = (vals[islot] as number) % c;
      if (i === 0) i = 0;
      if (i < 0 || i >= arr.length) throw new ScriptFault(`index ${i} out of range [0, ${arr.length})`);
      const a = hp.malloc(size, noscan, st.p, st.stmt);
      if (st.onAlloc !== null) st.onAlloc(st.stmt, a, size, noscan);
      arr[i] = a;
    };
  }

  private compileCheck(s: CheckStmt): Exec {
    const c = compileExpr(this.state, s.cond);
    const explain = explainer(this.state, s);
    return () => {
      if (c() === true) return;
      const message = s.message ?? `${s.kind} failed: ${explain()}`;
      if (s.kind === 'expect') {
        if (this.expectFailures.length < MAX_KEPT) this.expectFailures.push({ stmt: s.id, message });
        else this.dropped.expectFailures++;
        return;
      }
      this.fault = { stmt: s.id, kind: 'script', message, where: '' };
      this.status = 'failed';
      throw new AssertStop();
    };
  }
}

/** Thrown out of a failed assert; caught as a stop, not a fault. */
class AssertStop extends Error {}

/** For `expect a == b`: "heap.inuse is 8192, want 16384". */
function explainer(st: ExecState, s: CheckStmt): () => string {
  const c = s.cond;
  if (c.kind === 'binary' && ['==', '!=', '<', '<=', '>', '>='].includes(c.op)) {
    const l = compileExpr(st, c.left);
    const r = compileExpr(st, c.right);
    const lt = c.left.type === 'ref' ? (v: Value) => hexOrNil(v as number) : formatValue;
    const rt = c.right.type === 'ref' ? (v: Value) => hexOrNil(v as number) : formatValue;
    return () => `${srcOf(c.left)} is ${lt(l())}, want ${c.op === '==' ? '' : c.op + ' '}${rt(r())}`;
  }
  return () => 'condition is false';
}

function srcOf(e: { kind: string }): string {
  const x = e as { kind: string; name?: string; fn?: string; field?: string | null };
  if (x.kind === 'var') return x.name!;
  if (x.kind === 'fact') return x.field !== null && x.field !== undefined ? `${x.fn}${x.fn === 'heap' ? '' : '(…)'}.${x.field}` : `${x.fn}(…)`;
  return 'the left side';
}

function hexOrNil(a: number): string {
  return a === 0 ? 'nil' : '0x' + a.toString(16);
}

export { AssertStop };
