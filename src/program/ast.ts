/**
 * The AST of an allocation script, shaped for a fast interpreter.
 *
 * Built by `parse` (syntax only) and annotated in place by `check`:
 *   - every variable reference gets `slot`, an index into `Program.slots` (no name lookups at
 *     run time); loop counters get their own slots;
 *   - every expression gets its static `type` and, when it folds to a constant, `constValue`;
 *   - allocations get `constSize` when their size is a constant;
 *   - facts get `key` (`'heap.inuse'`, `'span.allocCount'`, `'class'`) naming an entry of the
 *     fact tables in `facts.ts`; field labels (`x.next`) get `fieldId`, an index into
 *     `Program.fields`.
 * Nothing in the tree needs allocating per executed statement.
 *
 * Source positions are offsets into the text (`start`, `end`: no objects per node, which matters
 * for million-line scripts); `rangeOf(program, node)` gives the 0-based line/column `Range`.
 * Every statement has a stable `id` (its index in `Program.statements`, numbered in source order,
 * parents before children), its 0-based start `line`, and compound statements (`repeat`, `if`,
 * `on`) have `headEnd`: the header before the `{` — what a debugger highlights when stopping there.
 *
 * Invariants: `program.statements[s.id] === s` for every statement reachable from `body`;
 * before `check`, every `slot` is -1, `type` is 'unknown' and `constValue` is null.
 */

import type { Range } from './positions';
import type { ModelName, SettingName, Settings } from './settings';

/** Static type of a script value. 'error' marks an expression already reported (no cascades). */
export type ValueType = 'unknown' | 'error' | 'int' | 'bool' | 'ref' | 'stack' | 'array' | 'string' | 'spanstate';

/** What a literal's unit says it measures. */
export type LiteralUnit = 'none' | 'bytes' | 'duration';

/** Offsets into the source text: [start, end). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

interface ExprBase extends Span {
  /** Set by `check`. */
  type: ValueType;
  /** Set by `check` when the expression is a compile-time constant. */
  constValue: number | boolean | null;
}

export interface IntLit extends ExprBase {
  readonly kind: 'int';
  /** Bytes for size units, nanoseconds for durations; NaN if the literal was rejected. */
  readonly value: number;
  readonly unit: LiteralUnit;
}

export interface BoolLit extends ExprBase {
  readonly kind: 'bool';
  readonly value: boolean;
}

export interface NilLit extends ExprBase {
  readonly kind: 'nil';
}

/** Only as an argument of `print` or the message of `assert`/`expect`. */
export interface StringLit extends ExprBase {
  readonly kind: 'string';
  readonly value: string;
}

/** `mSpanInUse`, `mSpanManual`, `mSpanFree`, `mSpanDead`: compared with `span(x).state`. */
export interface SpanStateLit extends ExprBase {
  readonly kind: 'spanstate';
  readonly name: string;
}

/** A variable or loop counter. */
export interface VarRef extends ExprBase {
  readonly kind: 'var';
  readonly name: string;
  /** Index into `Program.slots`; -1 before `check` or if unresolved. */
  slot: number;
}

/** `ring[i]` (element of an array variable) or `x[3]` (pointer word 3 of object x). */
export interface IndexExpr extends ExprBase {
  readonly kind: 'index';
  readonly target: Expr;
  readonly index: Expr;
  /** Set by `check`: 'array' when target is an array variable, 'object' for a heap object. */
  on: 'array' | 'object' | 'unknown';
}

/** `x.next`: the pointer field labelled `next` in the object x points to. */
export interface FieldExpr extends ExprBase {
  readonly kind: 'field';
  readonly target: Expr;
  readonly field: string;
  /** Offset of the field name (it ends at `end`). */
  readonly fieldStart: number;
  /** Index into `Program.fields` (interned at parse time). */
  readonly fieldId: number;
}

export type UnaryOp = '-' | '!';
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

export interface UnaryExpr extends ExprBase {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export interface BinaryExpr extends ExprBase {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Offset of the operator (`op.length` characters). */
  readonly opStart: number;
}

/**
 * A heap fact, resolved at run time: `heap.inuse` (fn 'heap', no args), `span(x).allocCount`,
 * `obj(x).elemsize`, `class(33)`, `sizeclass(33)`. Names are validated by `check` against the
 * tables in `facts.ts`.
 */
export interface FactExpr extends ExprBase {
  readonly kind: 'fact';
  readonly fn: string;
  /** End offset of the function name (it starts at `start`). */
  readonly fnEnd: number;
  readonly args: Expr[];
  readonly field: string | null;
  /** Offset of the field name, -1 without one (it ends at `end`). */
  readonly fieldStart: number;
  /** Set by `check`: `'heap.inuse'`, `'span.allocCount'`, `'class'`...; '' when invalid. */
  key: string;
}

/** `rand(n)`: a pseudo-random integer in [0, n) from the script's seeded generator. */
export interface RandExpr extends ExprBase {
  readonly kind: 'rand';
  readonly bound: Expr;
}

/** `new SIZE [noscan]`: mallocgc(SIZE, typ, needzero) with a pointerful or pointer-free type. */
export interface NewExpr extends ExprBase {
  readonly kind: 'new';
  readonly size: Expr;
  readonly noscan: boolean;
  /** Set by `check` when `size` is constant. */
  constSize: number | null;
}

/** `make COUNT of ELEMSIZE [noscan]`: one object of COUNT*ELEMSIZE bytes (newarray/makeslice). */
export interface MakeExpr extends ExprBase {
  readonly kind: 'make';
  readonly count: Expr;
  readonly elemSize: Expr;
  readonly noscan: boolean;
  /** Set by `check` when both operands are constant: count*elemSize. */
  constSize: number | null;
}

/** `stackalloc SIZE`: a goroutine stack from the stack pools / stack spans (mSpanManual). */
export interface StackAllocExpr extends ExprBase {
  readonly kind: 'stackalloc';
  readonly size: Expr;
  constSize: number | null;
}

export type AllocExpr = NewExpr | MakeExpr | StackAllocExpr;

export type Expr =
  | IntLit | BoolLit | NilLit | StringLit | SpanStateLit
  | VarRef | IndexExpr | FieldExpr | UnaryExpr | BinaryExpr | FactExpr | RandExpr
  | AllocExpr;

/** What can stand left of `=`. */
export type LValue = VarRef | IndexExpr | FieldExpr;

interface StmtBase extends Span {
  /** Index in `Program.statements`; source order, parents before children. */
  id: number;
  /** 0-based line where the statement starts. */
  readonly line: number;
}

/** `x = EXPR`, `x.next = EXPR`, `x[3] = EXPR`, `ring[i] = EXPR`. */
export interface AssignStmt extends StmtBase {
  readonly kind: 'assign';
  readonly target: LValue;
  readonly value: Expr;
  /** Set by `check`: this assignment is the variable's first in the text (declares it). */
  declares: boolean;
}

/** `var ring[4096]`: an array of references (roots), all nil. Top level only. */
export interface ArrayDecl extends StmtBase {
  readonly kind: 'array';
  readonly name: string;
  /** Offset of the name (`name.length` characters). */
  readonly nameStart: number;
  readonly length: Expr;
  slot: number;
  /** Set by `check`. */
  constLength: number | null;
}

/** `drop x`: x = nil and x may not be read until assigned again; `drop ring` clears an array. */
export interface DropStmt extends StmtBase {
  readonly kind: 'drop';
  readonly target: VarRef;
}

/** runtime.GC(). */
export interface GcStmt extends StmtBase {
  readonly kind: 'gc';
}

/** `sweep` / `sweep N`: sweepone() once / N times. */
export interface SweepStmt extends StmtBase {
  readonly kind: 'sweep';
  readonly count: Expr | null;
}

/** `scavenge` / `scavenge BYTES`: one background-scavenger step, or release up to BYTES. */
export interface ScavengeStmt extends StmtBase {
  readonly kind: 'scavenge';
  readonly bytes: Expr | null;
}

/** debug.FreeOSMemory(). */
export interface FreeOSMemoryStmt extends StmtBase {
  readonly kind: 'freeosmemory';
}

/** `tick 6m`: advance the simulated clock (sysmon: forced GC, periodic scavenging). */
export interface TickStmt extends StmtBase {
  readonly kind: 'tick';
  readonly duration: Expr;
}

/** runtime.SetFinalizer(x, func) with a no-op finalizer. */
export interface SetFinalizerStmt extends StmtBase {
  readonly kind: 'setfinalizer';
  readonly target: Expr;
}

/** Run the finalizers queued by the last GC. */
export interface RunFinalizersStmt extends StmtBase {
  readonly kind: 'runfinalizers';
}

/** `stackfree s`: return a stack made by `stackalloc`. */
export interface StackFreeStmt extends StmtBase {
  readonly kind: 'stackfree';
  readonly target: VarRef;
}

/** `on P2 { ... }`: run the body on P 2 (its mcache, its page cache). */
export interface OnStmt extends StmtBase {
  readonly kind: 'on';
  readonly p: number;
  /** Offset of `P2` (its text is always `P` + p). */
  readonly pStart: number;
  /** End offset of the header `on P2`. */
  readonly headEnd: number;
  readonly body: Stmt[];
}

/** `repeat N [as i] { ... }`: N evaluated once; i goes 0..N-1 and is read-only. */
export interface RepeatStmt extends StmtBase {
  readonly kind: 'repeat';
  readonly count: Expr;
  readonly counter: VarRef | null;
  /** End offset of the header `repeat N as i`. */
  readonly headEnd: number;
  readonly body: Stmt[];
}

/** `if C { ... } else { ... }`; `else if` is an IfStmt alone in `else`. */
export interface IfStmt extends StmtBase {
  readonly kind: 'if';
  readonly cond: Expr;
  /** End offset of the header `if C`. */
  readonly headEnd: number;
  readonly then: Stmt[];
  readonly else: Stmt[] | null;
}

/** `assert C` stops the script when C is false; `expect C` records a failure and goes on. */
export interface CheckStmt extends StmtBase {
  readonly kind: 'assert' | 'expect';
  readonly cond: Expr;
  readonly message: string | null;
}

/** `print a, "label", heap.inuse`. */
export interface PrintStmt extends StmtBase {
  readonly kind: 'print';
  readonly args: Expr[];
}

export type Stmt =
  | AssignStmt | ArrayDecl | DropStmt | GcStmt | SweepStmt | ScavengeStmt | FreeOSMemoryStmt | TickStmt
  | SetFinalizerStmt | RunFinalizersStmt | StackFreeStmt | OnStmt | RepeatStmt | IfStmt | CheckStmt | PrintStmt;

export type StmtKind = Stmt['kind'];

/** `model go1.14`, `procs 4`, `gogc off`... (syntax; `check` validates and resolves them). */
export interface SettingDecl extends Span {
  readonly kind: 'setting';
  /** The setting keyword starts at `start`. */
  readonly name: SettingName;
  /** Numeric settings: the value expression. */
  readonly expr: Expr | null;
  /** `model go1.14` and `gogc off`: the word. */
  readonly word: string | null;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** True when a statement came before it (an error: settings go first). */
  readonly afterStatements: boolean;
}

/** What a slot holds at run time. */
export interface Slot {
  readonly name: string;
  readonly type: Exclude<ValueType, 'unknown' | 'string' | 'spanstate'>;
  /** Where the variable is first assigned (or the counter/array declared). */
  readonly declRange: Range;
  /** A `repeat ... as i` counter (read-only, scoped to its loop; loops with the same counter name share the slot). */
  readonly counter: boolean;
  /** Arrays: number of elements (0 if not constant). */
  readonly length: number;
}

export interface Program {
  /** Offsets of the line starts of the source text (for `rangeOf`). */
  readonly lineStarts: Int32Array;
  readonly settings: SettingDecl[];
  readonly body: Stmt[];
  /** Every statement by id. */
  readonly statements: Stmt[];
  /** Interned field labels; `FieldExpr.fieldId` indexes here. */
  readonly fields: string[];
  /** Variables and counters, filled by `check`. Zero values: 0, false, nil, no stack, nil elements. */
  slots: Slot[];
  /** Settings after `check` (script values, then overrides); defaults before. */
  effective: Settings;
  /** Number of lines of the source text. */
  readonly lineCount: number;
  /**
   * Names whose assignment (or `var`) failed to parse: the checker does not report their uses as
   * unknown, since the real problem is already reported.
   */
  readonly brokenNames: readonly string[];
  /** The lexer or parser reported an error (the checker then skips "never used" warnings). */
  readonly hasSyntaxErrors: boolean;
}

export type { ModelName };
