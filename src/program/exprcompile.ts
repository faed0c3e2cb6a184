/**
 * Expression compiler: turns a checked expression into a closure over the interpreter's state,
 * so evaluating `ring[i % 4096]` or `new 32` costs a few function calls and no allocation.
 * Run-time errors of the script (nil dereference, index out of range, arithmetic faults, pointer
 * stores into noscan objects) raise a ScriptFault naming what went wrong.
 */
import type { Expr, FactExpr, Program } from './ast';
import { applyIntOp, isFault, type IntOp } from './arith';
import { classSize, heapGetters, objGetters, sizeClassOf, spanGetters, spanOfValue, type FactValue } from './factsruntime';
import type { Heap, StackHandle } from '../engine/heap';
import { isRuntimeFault } from '../engine/heap';
import type { fastrand } from '../engine/fastrand';

/** A fault caused by the script itself at run time (not by the simulated runtime). */
export class ScriptFault extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptFault';
  }
}

export type Value = number | boolean | string | StackHandle | Float64Array | null;
export type Thunk = () => Value;

/** Word slots for named fields start here; `x[i]` uses slot i. */
export const FIELD_SLOT_BASE = 1 << 24;

/** What compiled code reads and writes. */
export interface ExecState {
  readonly heap: Heap;
  readonly program: Program;
  readonly vals: Value[];
  readonly rand: fastrand;
  /** P the current statement runs on. */
  p: number;
  /** Statement being executed (allocation site). */
  stmt: number;
  /** Called after every allocation made by a statement (for --json and the debugger). */
  onAlloc: ((stmt: number, addr: number, size: number, noscan: boolean) => void) | null;
}

export function describe(e: Expr): string {
  switch (e.kind) {
    case 'var':
      return `\`${e.name}\``;
    case 'field':
      return `${describe(e.target).slice(0, -1)}.${e.field}\``;
    case 'index':
      return `${describe(e.target).slice(0, -1)}[…]\``;
    default:
      return 'the value';
  }
}

export function compileExpr(st: ExecState, e: Expr): Thunk {
  const hp = st.heap;
  const vals = st.vals;
  switch (e.kind) {
    case 'int':
    case 'bool': {
      const v = e.value;
      return () => v;
    }
    case 'nil':
      return () => 0;
    case 'string': {
      const v = e.value;
      return () => v;
    }
    case 'spanstate': {
      const v = e.name;
      return () => v;
    }
    case 'var': {
      const slot = e.slot;
      return () => vals[slot];
    }
    case 'index': {
      const idx = compileExpr(st, e.index) as () => number;
      if (e.on === 'array') {
        const slot = (e.target as { slot: number }).slot;
        return () => {
          const arr = vals[slot] as Float64Array;
          const i = idx();
          if (i < 0 || i >= arr.length) throw new ScriptFault(`index ${i} out of range [0, ${arr.length})`);
          return arr[i];
        };
      }
      const target = compileExpr(st, e.target) as () => number;
      const what = describe(e.target);
      return () => {
        const obj = target();
        if (obj === 0) throw new ScriptFault(`nil pointer dereference: ${what} is nil`);
        return hp.readPointer(obj, idx());
      };
    }
    case 'field': {
      const target = compileExpr(st, e.target) as () => number;
      const slot = FIELD_SLOT_BASE + e.fieldId;
      const what = describe(e.target);
      return () => {
        const obj = target();
        if (obj === 0) throw new ScriptFault(`nil pointer dereference: ${what} is nil`);
        return hp.readPointer(obj, slot);
      };
    }
    case 'unary': {
      const x = compileExpr(st, e.operand);
      if (e.op === '!') return () => !x();
      return () => {
        const r = applyIntOp('-', 0, x() as number);
        if (isFault(r)) throw new ScriptFault(`integer ${r}`);
        return r;
      };
    }
    case 'binary': {
      const fast = compileVarConst(st, e);
      if (fast !== null) return fast;
      const l = compileExpr(st, e.left);
      const r = compileExpr(st, e.right);
      switch (e.op) {
        case '&&':
          return () => (l() as boolean) && (r() as boolean);
        case '||':
          return () => (l() as boolean) || (r() as boolean);
        case '==':
          return () => l() === r();
        case '!=':
          return () => l() !== r();
        case '<':
          return () => (l() as number) < (r() as number);
        case '<=':
          return () => (l() as number) <= (r() as number);
        case '>':
          return () => (l() as number) > (r() as number);
        case '>=':
          return () => (l() as number) >= (r() as number);
        case '%':
          return () => {
            const b = r() as number;
            if (b === 0) throw new ScriptFault('integer division by zero');
            const v = (l() as number) % b;
            return v === 0 ? 0 : v;
          };
        case '+':
          return () => {
            const v = (l() as number) + (r() as number);
            if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) throw new ScriptFault('integer overflow');
            return v;
          };
        default: {
          const op = e.op as IntOp;
          return () => {
            const v = applyIntOp(op, l() as number, r() as number);
            if (isFault(v)) throw new ScriptFault(`integer ${v}`);
            return v;
          };
        }
      }
    }
    case 'rand': {
      const b = compileExpr(st, e.bound) as () => number;
      const rnd = st.rand;
      return () => {
        const n = b();
        if (n <= 0) throw new ScriptFault(`rand(${n}): the bound must be positive`);
        return rnd.n(n);
      };
    }
    case 'fact':
      return compileFact(st, e);
    case 'new':
    case 'make': {
      const noscan = e.noscan;
      let size: () => number;
      if (e.constSize !== null) {
        const c = e.constSize;
        size = () => c;
      } else if (e.kind === 'new') size = compileExpr(st, e.size) as () => number;
      else {
        const n = compileExpr(st, e.count) as () => number;
        const es = compileExpr(st, e.elemSize) as () => number;
        size = () => n() * es();
      }
      if (e.constSize !== null) {
        const n = e.constSize;
        return () => {
          const a = hp.malloc(n, noscan, st.p, st.stmt);
          if (st.onAlloc !== null) st.onAlloc(st.stmt, a, n, noscan);
          return a;
        };
      }
      return () => {
        const n = size();
        if (n < 0 || !Number.isFinite(n)) throw new ScriptFault(`allocation size ${n} is negative`);
        const a = hp.malloc(n, noscan, st.p, st.stmt);
        if (st.onAlloc !== null) st.onAlloc(st.stmt, a, n, noscan);
        return a;
      };
    }
    case 'stackalloc': {
      const size = e.constSize !== null ? ((c) => () => c)(e.constSize) : (compileExpr(st, e.size) as () => number);
      return () => hp.stackAlloc(size(), st.p);
    }
  }
}

/** `i % 4096`, `i + 1`, `n * 8`...: a variable and an integer constant, without the generic path's calls. */
function compileVarConst(st: ExecState, e: Extract<Expr, { kind: 'binary' }>): Thunk | null {
  if (e.left.kind !== 'var' || e.left.type !== 'int' || typeof e.right.constValue !== 'number') return null;
  const vals = st.vals;
  const slot = e.left.slot;
  const c = e.right.constValue;
  const limit = Number.MAX_SAFE_INTEGER;
  switch (e.op) {
    case '%':
      if (c === 0) return null;
      return () => {
        const v = (vals[slot] as number) % c;
        return v === 0 ? 0 : v;
      };
    case '+':
      return () => {
        const v = (vals[slot] as number) + c;
        if (v > limit || v < -limit) throw new ScriptFault('integer overflow');
        return v;
      };
    case '<':
      return () => (vals[slot] as number) < c;
    case '==':
      return () => vals[slot] === c;
    case '!=':
      return () => vals[slot] !== c;
    default:
      return null;
  }
}

function compileFact(st: ExecState, e: FactExpr): Thunk {
  const hp = st.heap;
  const [fn, field] = e.key.split('.');
  if (fn === 'heap') {
    const g = heapGetters[field];
    return () => g(hp);
  }
  const arg = compileExpr(st, e.args[0]);
  if (fn === 'class') return () => classSize(hp, arg() as number);
  if (fn === 'sizeclass') return () => sizeClassOf(hp, arg() as number);
  const what = describe(e.args[0]);
  if (fn === 'span') {
    const g = spanGetters[field];
    return () => {
      const s = spanOfValue(hp, arg());
      if (s === null) throw new ScriptFault(`span(${what.slice(1, -1)}): ${what} is nil or not in the heap`);
      return g(s, hp);
    };
  }
  const g = objGetters[field];
  return () => {
    const a = arg();
    if (typeof a !== 'number' || a === 0) throw new ScriptFault(`obj(${what.slice(1, -1)}): ${what} is nil`);
    const s = hp.spanOf(a);
    if (s === null) throw new ScriptFault(`obj(${what.slice(1, -1)}): ${what} is not a heap object`);
    return g(a, s, hp);
  };
}

export function formatValue(v: Value | FactValue): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean' || typeof v === 'string') return String(v);
  if (v === null) return 'nil';
  if (v instanceof Float64Array) return `[${v.length} refs]`;
  return `stack 0x${v.base.toString(16)} (${v.size} bytes)`;
}

export { isRuntimeFault };
