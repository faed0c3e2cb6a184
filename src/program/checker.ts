/**
 * The static checker: resolves names to slots, types every expression, folds constants, resolves
 * settings (with overrides) and heap facts, and reports what is certainly wrong before anything
 * runs. It annotates the AST in place (see ast.ts) and is idempotent: checking again (e.g. with
 * other overrides) recomputes every annotation.
 *
 * Rules, in the order a reader meets them (docs/script-language.md has the user-facing version):
 *   - a variable exists from its first assignment in the text on, for the rest of the script
 *     (variables are roots); its type (integer, boolean, reference, stack) is fixed there;
 *   - a loop counter exists only inside its loop, is read-only and may not shadow a variable;
 *   - arrays (`var ring[N]`) are declared once, at the top level, with a constant length;
 *   - conditions are booleans; arithmetic is on integers; only references are stored in objects;
 *   - flow facts (flow.ts) catch noscan stores, nil dereferences, use after `drop`/`stackfree`.
 *
 * One pass, front to back, one top-level statement at a time (`begin`, `statement`, `finish`), so a
 * caller may hand statements over as the parser makes them and keep no tree (`diagnose` in
 * index.ts). What needs the rest of the file waits for `finish`: whether an unknown name is
 * assigned later ("used before it is assigned"), names of statements that failed to parse, and
 * whether "never used" warnings apply (not with syntax errors).
 *
 * Never throws (an internal bug becomes a GH1199 diagnostic).
 */

import { applyIntOp as applyIntOp_, formatBytes, isFault as isFault_, type IntOp } from './arith';
import type {
  AssignStmt, Expr, FactExpr, IndexExpr, FieldExpr, IntLit, Program, RepeatStmt, SettingDecl, Slot, Span, Stmt, ValueType, VarRef,
} from './ast';
import { Codes as Codes_, DiagnosticSink, MAX_DIAGNOSTICS, sortDiagnostics, type Diagnostic } from './diagnostics';
import { factField, factFunction, FACT_FUNCTIONS, SPAN_STATES, type FactField } from './facts';
import { abs as abs_, FlowState, join as join_, NIL as NIL_, UNKNOWN as UNKNOWN_, type Abs } from './flow';
import { rangeAt as rangeAt_, lineOfOffset as lineOfOffset_, type Range } from './positions';
import type { SettingOverrides, Settings } from './settings';
import { describeSource, SettingsResolver, type ResolvedSettings } from './settingscheck';
import { nearest } from './suggest';

// Local aliases of what the walk uses per node (module imports may compile to getters).
const Codes = Codes_;
const applyIntOp = applyIntOp_;
const isFault = isFault_;
const abs = abs_;
const join = join_;
const NIL = NIL_;
const UNKNOWN = UNKNOWN_;
const rangeAt = rangeAt_;
const lineOfOffset = lineOfOffset_;

/** Largest allocation a script may ask for: 1TB (1<<40 bytes). */
export const MAX_ALLOC = 2 ** 40;
/** Largest array of references: 16M elements. */
export const MAX_ARRAY_LENGTH = 1 << 24;
/** Stack sizes: powers of two from _StackMin (2KB) to maxstacksize (1GB on 64-bit). */
export const MIN_STACK = 2048;
export const MAX_STACK = 1 << 30;
/** Bytes per pointer word. */
const PTR_SIZE = 8;

type SlotType = Slot['type'];

function line(r: Range): number {
  return r.start.line + 1;
}

function typeName(t: ValueType): string {
  switch (t) {
    case 'int': return 'an integer';
    case 'bool': return 'a boolean';
    case 'ref': return 'a reference';
    case 'stack': return 'a stack';
    case 'array': return 'an array';
    case 'string': return 'a string';
    case 'spanstate': return 'a span state';
    default: return 'a value';
  }
}

function isArithOp(op: string): op is IntOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '<<' || op === '>>';
}

/** A read of a name not in scope, reported at `finish` (by then it is known whether it is assigned later). */
interface UnknownUse {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** The message if the name is never assigned: "exists only inside that loop" or "did you mean". */
  readonly otherwise: string;
}

export class Checker {
  private readonly sink = new DiagnosticSink();
  private readonly settingsResolver: SettingsResolver;
  private readonly slots: Slot[] = [];
  private readonly used: boolean[] = [];
  private readonly globals = new Map<string, number>();
  private readonly counters = new Map<string, number>();
  /** Slot of every counter name seen, free again once its loop ends. */
  private readonly counterSlots = new Map<string, number>();
  private readonly objStates = new Map<number, Abs>();
  /** One reusable set per loop depth for the names a loop body assigns. */
  private readonly assignedSets: Set<string>[] = [];
  /** Every counter name ever declared, with its loop's head, for "exists only inside its loop". */
  private readonly pastCounters = new Map<string, number>();
  private readonly flow = new FlowState();
  /** First assignment (or array declaration) of every name, in text order: the offsets of the name. */
  private readonly firstAssign = new Map<string, Span>();
  private readonly unknownUses: UnknownUse[] = [];
  /** Names read before they were in scope: their later declaration counts as used. */
  private readonly usedEarly = new Set<string>();
  /** Loop counters their loop never read; warned about at `finish` unless the file has syntax errors. */
  private readonly unusedCounters: VarRef[] = [];
  private loopDepth = 0;
  private blockDepth = 0;
  private resolved: ResolvedSettings | null = null;

  constructor(private readonly lineStarts: Int32Array) {
    this.settingsResolver = new SettingsResolver(lineStarts, this.sink);
  }

  /** Fixes the settings: those written before the first statement, then the overrides. Once, before any statement. */
  begin(settings: readonly SettingDecl[], overrides?: SettingOverrides): Settings {
    if (this.resolved !== null) throw new Error('Checker.begin called twice');
    this.resolved = this.settingsResolver.resolve(settings.filter((d) => !d.afterStatements), overrides);
    return this.resolved.settings;
  }

  /** Checks one top-level statement (and the blocks inside it), annotating it in place. */
  statement(s: Stmt): void {
    if (this.resolved === null) throw new Error('Checker.statement called before begin');
    this.stmt(s);
  }

  /**
   * The rest of the file is known: reports settings written after a statement, unknown names,
   * unused counters and variables. Sets `program.effective` and `program.slots`.
   */
  finish(program: Program): Diagnostic[] {
    if (this.resolved === null) throw new Error('Checker.finish called before begin');
    for (const d of program.settings) if (d.afterStatements) this.settingsResolver.late(d);
    this.reportUnknown(new Set(program.brokenNames));
    if (!program.hasSyntaxErrors) {
      // With syntax errors, part of the script is missing: "never used" would often be wrong.
      for (const c of this.unusedCounters) {
        this.sink.warning(Codes.UnusedCounter, this.r(c), `the loop counter \`${c.name}\` is never used; drop \`as ${c.name}\``);
      }
      this.reportUnused();
    }
    program.effective = this.settings().settings;
    program.slots = this.slots;
    return sortDiagnostics(this.sink.list);
  }

  // ---- positions (plain ranges are built only for diagnostics and slots)

  private r(n: Span): Range {
    return rangeAt(this.lineStarts, n.start, n.end);
  }

  private at(start: number, end: number): Range {
    return rangeAt(this.lineStarts, start, end);
  }

  /** 1-based line of an offset, for messages. */
  private lineAt(offset: number): number {
    return lineOfOffset(this.lineStarts, offset) + 1;
  }

  private settings(): ResolvedSettings {
    return this.resolved!;
  }

  // ---- slots and names

  private newSlot(name: string, type: SlotType, declRange: Range, counter: boolean, length = 0): number {
    const slot = this.slots.length;
    this.slots.push({ name, type, declRange, counter, length });
    this.used.push(false);
    this.flow.addSlot(this.loopDepth > 0 ? UNKNOWN : NIL);
    return slot;
  }

  private retype(slot: number, type: SlotType): void {
    const s = this.slots[slot];
    this.slots[slot] = { ...s, type };
  }

  /** Slot of a name in scope: an active loop counter, else a variable. */
  private lookup(name: string): number | undefined {
    if (this.counters.size !== 0) {
      const c = this.counters.get(name);
      if (c !== undefined) return c;
    }
    return this.globals.get(name);
  }

  /** Resolves a variable for reading. Reports unknown names; returns the slot or -1. */
  private resolve(ref: VarRef, markUsed = true): number {
    const slot = this.lookup(ref.name);
    if (slot === undefined) {
      ref.slot = -1;
      ref.type = 'error';
      this.unknownUse(ref);
      return -1;
    }
    ref.slot = slot;
    ref.type = this.slots[slot].type;
    if (markUsed) this.used[slot] = true;
    return slot;
  }

  /** Remembers a read of a name not in scope; what it means depends on the rest of the file. */
  private unknownUse(ref: VarRef): void {
    this.usedEarly.add(ref.name);
    const counterHead = this.pastCounters.get(ref.name);
    let otherwise: string;
    if (counterHead !== undefined) {
      otherwise = `\`${ref.name}\` is the counter of the loop at line ${counterHead} and exists only inside that loop`;
    } else {
      const s = nearest(ref.name, [...this.counters.keys(), ...this.globals.keys()]);
      otherwise = `unknown variable \`${ref.name}\`${s === undefined ? '' : `; did you mean \`${s}\`?`}`;
    }
    this.unknownUses.push({ name: ref.name, start: ref.start, end: ref.end, otherwise });
  }

  /** Names that failed to parse are not reported: the real problem is already reported. */
  private reportUnknown(broken: ReadonlySet<string>): void {
    for (const u of this.unknownUses) {
      if (broken.has(u.name)) continue;
      const first = this.firstAssign.get(u.name);
      if (first !== undefined) {
        this.sink.error(Codes.UsedBeforeAssigned, this.at(u.start, u.end),
          `\`${u.name}\` is used before it is assigned (its first assignment is at line ${this.lineAt(first.start)}); assign it before this line`);
      } else {
        this.sink.error(Codes.UnknownVariable, this.at(u.start, u.end), u.otherwise);
      }
    }
  }

  private noteFirstAssign(name: string, start: number, end: number): void {
    if (!this.firstAssign.has(name)) this.firstAssign.set(name, { start, end });
  }

  private reportUnused(): void {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (this.used[i] || s.counter) continue;
      if (s.type === 'int' || s.type === 'bool') {
        this.sink.warning(Codes.UnusedVariable, s.declRange, `\`${s.name}\` is assigned but never used`);
      } else if (s.type === 'array') {
        this.sink.warning(Codes.UnusedVariable, s.declRange, `array \`${s.name}\` is declared but never used`);
      }
    }
  }

  // ---- statements

  private block(list: Stmt[]): void {
    for (const s of list) this.stmt(s);
  }

  private nested(list: Stmt[]): void {
    this.blockDepth++;
    this.block(list);
    this.blockDepth--;
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'assign':
        if (s.target.kind === 'var') this.noteFirstAssign(s.target.name, s.target.start, s.target.end);
        return this.assign(s);
      case 'array': {
        this.noteFirstAssign(s.name, s.nameStart, s.nameStart + s.name.length);
        if (this.blockDepth > 0) {
          this.sink.error(Codes.ArrayNotTopLevel, this.r(s), `declare \`${s.name}\` at the top level of the script, outside any block; \`var\` runs once`);
        }
        this.expr(s.length);
        let length = 0;
        if (s.length.type === 'int') {
          const v = s.length.constValue;
          if (typeof v !== 'number') {
            if (!isPoisoned(s.length)) this.sink.error(Codes.ArrayLengthOutOfRange, this.r(s.length), `the length of \`${s.name}\` must be a constant, e.g. \`var ${s.name}[4096]\``);
          } else if (v < 1 || v > MAX_ARRAY_LENGTH) {
            this.sink.error(Codes.ArrayLengthOutOfRange, this.r(s.length), `the length of \`${s.name}\` must be between 1 and ${MAX_ARRAY_LENGTH} (got ${v})`);
          } else length = v;
        } else this.expectType(s.length, 'int', 'an array length');
        s.constLength = length > 0 ? length : null;
        const existing = this.globals.get(s.name);
        if (existing !== undefined) {
          this.sink.error(Codes.ArrayRedeclared, this.at(s.nameStart, s.nameStart + s.name.length), `\`${s.name}\` is already declared at line ${line(this.slots[existing].declRange)}; pick another name`);
          s.slot = this.slots[existing].type === 'array' ? existing : -1;
          return;
        }
        s.slot = this.newSlot(s.name, 'array', this.at(s.nameStart, s.nameStart + s.name.length), false, length);
        this.globals.set(s.name, s.slot);
        return;
      }
      case 'drop': {
        const t = s.target;
        if (this.counters.has(t.name)) {
          this.sink.error(Codes.AssignToCounter, this.r(t), `\`${t.name}\` is a loop counter; it cannot be dropped`);
          return;
        }
        const slot = this.resolve(t, false);
        if (slot < 0) return;
        const type = this.slots[slot].type;
        if (type === 'ref') {
          const st = this.flow.get(slot);
          if (st.k === 'nil' || st.k === 'dropped') {
            this.sink.warning(Codes.AlreadyNil, this.r(s), `\`${t.name}\` is already nil here${st.at >= 0 ? ` (since line ${this.lineAt(st.at)})` : ''}; this \`drop\` does nothing`);
          }
          this.flow.set(slot, abs('dropped', s.start));
        } else if (type === 'stack') {
          this.sink.error(Codes.DropNonReference, this.r(t), `\`${t.name}\` is a stack; free it with \`stackfree ${t.name}\``);
        } else if (type !== 'array' && type !== 'error') {
          this.sink.error(Codes.DropNonReference, this.r(t), `\`drop\` releases references; \`${t.name}\` holds ${typeName(type)}`);
        }
        return;
      }
      case 'stackfree': {
        const t = s.target;
        const slot = this.resolve(t);
        if (slot < 0) return;
        const type = this.slots[slot].type;
        if (type !== 'stack') {
          if (type !== 'error') {
            this.sink.error(Codes.NotAStack, this.r(t), `\`${t.name}\` holds ${typeName(type)}, not a stack; \`stackfree\` frees stacks made by \`stackalloc\``);
          }
          return;
        }
        const st = this.flow.get(slot);
        if (st.k === 'freed') {
          this.sink.error(Codes.DoubleStackFree, this.r(s), `the stack in \`${t.name}\` was already freed${st.at >= 0 ? ` at line ${this.lineAt(st.at)}` : ''}; a stack is freed once`);
        }
        this.flow.set(slot, abs('freed', s.start));
        return;
      }
      case 'gc': case 'freeosmemory': case 'runfinalizers':
        return;
      case 'sweep':
        if (s.count !== null) this.countArg(s.count, 'sweep', 1, '`sweep` sweeps at least 1 span');
        return;
      case 'scavenge':
        if (s.bytes !== null) {
          this.expr(s.bytes);
          if (this.expectType(s.bytes, 'int', 'the number of bytes to scavenge')) {
            this.unitMustNotBe(s.bytes, 'duration', 'a size');
            const v = s.bytes.constValue;
            if (typeof v === 'number' && v < 1) this.sink.error(Codes.CountOutOfRange, this.r(s.bytes), `\`scavenge\` releases at least 1 byte (got ${v})`);
          }
        }
        return;
      case 'tick': {
        const d = s.duration;
        this.expr(d);
        if (!this.expectType(d, 'int', 'a duration')) return;
        if (this.unitMustNotBe(d, 'bytes', 'a duration')) return;
        const v = d.constValue;
        if (typeof v === 'number') {
          if (findUnitLiteral(d, 'duration') === null) {
            this.sink.error(Codes.WrongUnit, this.r(d), 'write `tick` with a time unit, e.g. `tick 30s`, `tick 500ms` or `tick 6m`');
          } else if (v < 1) {
            this.sink.error(Codes.CountOutOfRange, this.r(d), `\`tick\` needs a positive duration (got ${v}ns)`);
          }
        }
        return;
      }
      case 'setfinalizer': {
        this.expr(s.target);
        if (s.target.type === 'stack') {
          this.sink.error(Codes.StackMisuse, this.r(s.target), 'finalizers are set on heap objects, not on stacks');
          return;
        }
        if (this.expectType(s.target, 'ref', 'an object')) this.notNil(s.target, 'cannot set a finalizer on nil');
        return;
      }
      case 'on': {
        const procs = this.settings().settings.procs;
        if (s.p >= procs) {
          this.sink.error(Codes.ProcOutOfRange, this.at(s.pStart, s.pStart + 1 + String(s.p).length),
            `\`on P${s.p}\` needs procs ${s.p + 1} or more (the Ps are P0..P${procs - 1}); this script runs with procs ${procs}${describeSource(this.settings().sources.procs)}`);
        }
        this.nested(s.body);
        return;
      }
      case 'repeat': return this.repeat(s);
      case 'if': {
        this.expr(s.cond);
        this.condition(s.cond, 'if');
        const m = this.flow.mark();
        this.nested(s.then);
        if (s.else === null && this.flow.mark() === m) return; // nothing changed: nothing to join
        const afterThen = this.flow.changedSince(m);
        this.flow.undo(m);
        let afterElse: Map<number, Abs> = afterThen.size === 0 ? afterThen : new Map<number, Abs>();
        if (s.else !== null) {
          this.nested(s.else);
          afterElse = this.flow.changedSince(m);
          this.flow.undo(m);
        }
        if (afterThen.size === 0 && afterElse.size === 0) return;
        const slots = new Set([...afterThen.keys(), ...afterElse.keys()]);
        for (const slot of slots) {
          const before = this.flow.get(slot);
          this.flow.set(slot, join(afterThen.get(slot) ?? before, afterElse.get(slot) ?? before));
        }
        return;
      }
      case 'assert': case 'expect': {
        this.expr(s.cond);
        if (this.condition(s.cond, s.kind) && typeof s.cond.constValue === 'boolean') {
          this.sink.warning(Codes.ConstantCondition, this.r(s.cond), `this condition is always ${s.cond.constValue}; \`${s.kind}\` checks nothing`);
        }
        return;
      }
      case 'print':
        for (const a of s.args) this.expr(a, true);
        return;
    }
  }

  private repeat(s: RepeatStmt): void {
    this.countArg(s.count, 'repeat', 0, 'a `repeat` count cannot be negative');
    let counterSlot = -1;
    if (s.counter !== null) {
      const c = s.counter;
      const existing = this.counters.get(c.name) ?? this.globals.get(c.name);
      if (existing !== undefined) {
        const what = this.slots[existing].counter ? 'the counter of an enclosing loop' : 'a variable';
        this.sink.error(Codes.CounterShadows, this.r(c),
          `\`${c.name}\` is already ${what} (line ${line(this.slots[existing].declRange)}); name the counter differently`);
        c.slot = -1;
        c.type = 'error';
      } else {
        // Loops that reuse a counter name reuse its slot (a script may have 100,000 loops).
        const reuse = this.counterSlots.get(c.name);
        if (reuse !== undefined) {
          counterSlot = reuse;
          this.used[reuse] = false;
        } else {
          counterSlot = this.newSlot(c.name, 'int', this.r(c), true);
          this.counterSlots.set(c.name, counterSlot);
        }
        c.slot = counterSlot;
        c.type = 'int';
        this.counters.set(c.name, counterSlot);
        this.pastCounters.set(c.name, s.line + 1);
      }
    }
    // Variables assigned in the body may hold anything from a previous iteration.
    const assigned = this.assignedSets[this.loopDepth] ?? (this.assignedSets[this.loopDepth] = new Set<string>());
    assigned.clear();
    collectAssigned(s.body, assigned);
    for (const name of assigned) {
      const slot = this.globals.get(name);
      if (slot !== undefined) this.flow.set(slot, UNKNOWN);
    }
    const m = this.flow.mark();
    this.loopDepth++;
    this.nested(s.body);
    this.loopDepth--;
    const runsAtLeastOnce = typeof s.count.constValue === 'number' && s.count.constValue > 0;
    if (!runsAtLeastOnce) this.flow.undo(m);
    if (counterSlot >= 0) {
      this.counters.delete(s.counter!.name);
      // Past the cap another warning changes nothing (the cap note is a warning already or stays an error).
      if (!this.used[counterSlot] && this.unusedCounters.length <= MAX_DIAGNOSTICS) this.unusedCounters.push(s.counter!);
    }
  }

  private countArg(e: Expr, what: string, min: number, message: string): void {
    this.expr(e);
    if (!this.expectType(e, 'int', `a ${what} count`)) return;
    if (this.unitMustNotBe(e, 'duration', 'a count')) return;
    const v = e.constValue;
    if (typeof v === 'number' && v < min) this.sink.error(Codes.CountOutOfRange, this.r(e), `${message} (got ${v})`);
  }

  private assign(s: AssignStmt): void {
    const value = s.value;
    this.expr(value);
    const av = this.absOf(value);
    const t = s.target;
    s.declares = false;
    if (t.kind === 'var') {
      if (this.counters.has(t.name)) {
        this.sink.error(Codes.AssignToCounter, this.r(t), `\`${t.name}\` is a loop counter and cannot be assigned; use another variable`);
        t.type = 'error';
        return;
      }
      let slot = this.globals.get(t.name);
      if (slot === undefined) {
        const type = this.declType(value);
        slot = this.newSlot(t.name, type, this.r(t), false);
        this.globals.set(t.name, slot);
        if (this.usedEarly.has(t.name)) this.used[slot] = true;
        s.declares = true;
      } else {
        const have = this.slots[slot].type;
        if (have === 'array') {
          this.sink.error(Codes.ArrayMisuse, this.r(t), `\`${t.name}\` is an array; assign its elements: \`${t.name}[i] = ...\``);
        } else if (have === 'error') {
          const type = this.declType(value, false);
          if (type !== 'error') this.retype(slot, type);
        } else if (value.type !== 'error' && value.type !== have) {
          this.sink.error(Codes.TypeMismatch, this.r(value),
            `\`${t.name}\` holds ${typeName(have)} (first assigned at line ${line(this.slots[slot].declRange)}); it cannot hold ${typeName(value.type)}`);
        } else if (have === 'stack') {
          if (value.kind !== 'stackalloc') {
            this.sink.error(Codes.StackMisuse, this.r(value), 'stacks cannot be copied; give each `stackalloc` its own variable');
          } else {
            const st = this.flow.get(slot);
            if (st.k === 'live') {
              this.sink.warning(Codes.StackLeak, this.r(t),
                `the stack in \`${t.name}\`${st.at >= 0 ? ` (allocated at line ${this.lineAt(st.at)})` : ''} is never freed; \`stackfree ${t.name}\` before reusing the variable`);
            }
          }
        }
      }
      t.slot = slot;
      t.type = this.slots[slot].type;
      this.flow.set(slot, av);
      return;
    }
    // A store into an array element or an object's pointer word.
    if (t.kind === 'index' && t.target.kind === 'var' && this.isArrayVar(t.target)) {
      this.arrayIndex(t);
    } else {
      this.pointerSlot(t);
    }
    this.storedValue(value);
  }

  /** Type a new variable takes from its first value; reports values a variable cannot hold. */
  private declType(value: Expr, report = true): SlotType {
    switch (value.type) {
      case 'int': case 'bool': case 'ref': return value.type;
      case 'stack':
        if (value.kind !== 'stackalloc') {
          if (report) this.sink.error(Codes.StackMisuse, this.r(value), 'stacks cannot be copied; give each `stackalloc` its own variable');
          return 'error';
        }
        return 'stack';
      case 'string':
        if (report) this.sink.error(Codes.StringMisuse, this.r(value), 'strings can only be printed or used as `assert`/`expect` messages');
        return 'error';
      case 'spanstate':
        if (report) this.sink.error(Codes.OperandType, this.r(value), 'span states can only be compared, e.g. `span(x).state == mSpanInUse`');
        return 'error';
      case 'array':
        if (report) this.sink.error(Codes.ArrayMisuse, this.r(value), 'arrays cannot be copied; store references in their elements');
        return 'error';
      default:
        return 'error';
    }
  }

  /** A value stored into an object or array element must be a reference (or nil). */
  private storedValue(value: Expr): void {
    if (value.type === 'stack') {
      this.sink.error(Codes.StackMisuse, this.r(value), 'stacks cannot be stored in the heap; keep them in variables');
    } else if (value.type !== 'ref' && value.type !== 'error') {
      this.sink.error(Codes.TypeMismatch, this.r(value), `only references (or nil) can be stored in objects and arrays; got ${typeName(value.type)}`);
    }
  }

  private isArrayVar(v: VarRef): boolean {
    const slot = this.lookup(v.name);
    return slot !== undefined && this.slots[slot].type === 'array';
  }

  // ---- expressions

  private expectType(e: Expr, want: ValueType, what: string): boolean {
    if (e.type === want) return true;
    if (e.type !== 'error') this.sink.error(Codes.OperandType, this.r(e), `expected ${what} (${typeName(want)}), got ${typeName(e.type)}`);
    return false;
  }

  private condition(e: Expr, what: string): boolean {
    if (e.type === 'bool') return true;
    if (e.type !== 'error') {
      const hint = e.type === 'int' ? '; compare it, e.g. `n != 0`' : e.type === 'ref' ? '; compare it, e.g. `x != nil`' : '';
      this.sink.error(Codes.ConditionNotBool, this.r(e), `the condition of \`${what}\` must be a boolean, got ${typeName(e.type)}${hint}`);
    }
    return false;
  }

  /** Types `e` (and its children), folds constants; `inPrint` allows strings. */
  private expr(e: Expr, inPrint = false): ValueType {
    e.constValue = null;
    switch (e.kind) {
      case 'int':
        e.type = 'int';
        if (!Number.isNaN(e.value)) e.constValue = e.value;
        break;
      case 'bool':
        e.type = 'bool';
        e.constValue = e.value;
        break;
      case 'nil':
        e.type = 'ref';
        break;
      case 'string':
        e.type = 'string';
        if (!inPrint) {
          this.sink.error(Codes.StringMisuse, this.r(e), 'strings can only be printed or used as `assert`/`expect` messages');
          e.type = 'error';
        }
        break;
      case 'spanstate': {
        e.type = 'spanstate';
        const st = SPAN_STATES.find((x) => x.name === e.name)!;
        const model = this.settings().settings.model;
        if (!st.models.includes(model)) {
          this.sink.error(Codes.FactNotInModel, this.r(e), `\`${e.name}\` does not exist in ${model} (it exists in ${st.models.join(', ')})`);
        }
        break;
      }
      case 'var': {
        const slot = this.resolve(e);
        if (slot >= 0) this.checkReadable(e, slot);
        break;
      }
      case 'index':
        if (e.target.kind === 'var' && this.isArrayVar(e.target)) this.arrayIndex(e);
        else this.pointerSlot(e);
        e.type = 'ref';
        break;
      case 'field':
        this.pointerSlot(e);
        e.type = 'ref';
        break;
      case 'unary': {
        const t = this.expr(e.operand);
        const want = e.op === '-' ? 'int' : 'bool';
        if (t === 'error') e.type = 'error';
        else if (t !== want) {
          this.sink.error(Codes.OperandType, this.r(e), `\`${e.op}\` needs ${typeName(want)}, got ${typeName(t)}`);
          e.type = 'error';
        } else {
          e.type = want;
          const v = e.operand.constValue;
          if (e.op === '-' && typeof v === 'number') e.constValue = v === 0 ? 0 : -v;
          if (e.op === '!' && typeof v === 'boolean') e.constValue = !v;
        }
        break;
      }
      case 'binary':
        this.binary(e);
        break;
      case 'fact':
        this.fact(e);
        break;
      case 'rand': {
        this.expr(e.bound);
        e.type = 'int';
        if (this.expectType(e.bound, 'int', 'the bound of `rand`')) {
          const v = e.bound.constValue;
          if (typeof v === 'number' && v < 1) this.sink.error(Codes.FactArgument, this.r(e.bound), `\`rand(n)\` needs n of at least 1 (got ${v})`);
        }
        break;
      }
      case 'new': {
        e.type = 'ref';
        e.constSize = this.sizeArg(e.size, 'allocation size');
        break;
      }
      case 'make': {
        e.type = 'ref';
        const n = this.sizeArg(e.count, 'element count', false);
        const size = this.sizeArg(e.elemSize, 'element size');
        e.constSize = null;
        if (n !== null && size !== null) {
          const total = n * size;
          if (total > MAX_ALLOC) {
            this.sink.error(Codes.SizeTooLarge, this.r(e), `\`make ${n} of ${size}\` is ${formatBytes(total)}, over the ${formatBytes(MAX_ALLOC)} limit (1<<40 bytes)`);
          } else e.constSize = total;
        }
        break;
      }
      case 'stackalloc': {
        e.type = 'stack';
        e.constSize = null;
        this.expr(e.size);
        if (!this.expectType(e.size, 'int', 'a stack size')) break;
        if (this.unitMustNotBe(e.size, 'duration', 'a size')) break;
        const v = e.size.constValue;
        if (typeof v === 'number') {
          if (v < MIN_STACK || v > MAX_STACK || 2 ** Math.round(Math.log2(v)) !== v) {
            this.sink.error(Codes.BadStackSize, this.r(e.size), `a stack size must be a power of two from 2KB to 1GB, as in the runtime (got ${formatBytes(v)})`);
          } else e.constSize = v;
        }
        break;
      }
    }
    return e.type;
  }

  /** A reference variable may not be read after `drop`; a stack not after `stackfree`. */
  private checkReadable(e: VarRef, slot: number): void {
    const st = this.flow.get(slot);
    if (st.k === 'dropped') {
      this.sink.error(Codes.UseAfterRelease, this.r(e), `\`${e.name}\` was dropped${st.at >= 0 ? ` at line ${this.lineAt(st.at)}` : ''}; assign it again before using it`);
      e.type = 'error';
    } else if (st.k === 'freed') {
      this.sink.error(Codes.UseAfterRelease, this.r(e), `the stack in \`${e.name}\` was freed${st.at >= 0 ? ` at line ${this.lineAt(st.at)}` : ''}; allocate a new one before using it`);
      e.type = 'error';
    } else if (this.slots[slot].type === 'array') {
      this.sink.error(Codes.ArrayMisuse, this.r(e), `\`${e.name}\` is an array; use an element, e.g. \`${e.name}[0]\``);
      e.type = 'error';
    }
  }

  /** An allocation size (or count): an integer of at least 1, at most 1TB, not a duration. */
  private sizeArg(e: Expr, what: string, isBytes = true): number | null {
    this.expr(e);
    if (!this.expectType(e, 'int', `an ${what}`)) return null;
    if (this.unitMustNotBe(e, 'duration', isBytes ? 'a size' : 'a count')) return null;
    const v = e.constValue;
    if (typeof v !== 'number') return null;
    if (v < 1) {
      this.sink.error(Codes.SizeTooSmall, this.r(e), isBytes
        ? `an ${what} must be at least 1 byte (got ${v}); a 0-byte allocation returns runtime.zerobase and never reaches the heap`
        : `an ${what} must be at least 1 (got ${v})`);
      return null;
    }
    if (v > MAX_ALLOC) {
      this.sink.error(Codes.SizeTooLarge, this.r(e), `an ${what} of ${formatBytes(v)} is over the ${formatBytes(MAX_ALLOC)} limit (1<<40 bytes)`);
      return null;
    }
    return v;
  }

  /** Reports a literal with the wrong kind of unit (`new 30s`, `tick 4KB`); true when reported. */
  private unitMustNotBe(e: Expr, bad: 'duration' | 'bytes', want: string): boolean {
    const lit = findUnitLiteral(e, bad);
    if (lit === null) return false;
    const isWhat = bad === 'duration' ? 'a duration' : 'a size';
    this.sink.error(Codes.WrongUnit, this.r(lit), `this number is ${isWhat}, but ${want} is needed here`);
    return true;
  }

  /** `ring[i]` where ring is an array variable. */
  private arrayIndex(e: IndexExpr): void {
    e.on = 'array';
    const target = e.target as VarRef;
    const slot = this.resolve(target);
    target.type = 'array';
    this.expr(e.index);
    if (!this.expectType(e.index, 'int', 'an array index')) return;
    if (this.unitMustNotBe(e.index, 'duration', 'an index')) return;
    const v = e.index.constValue;
    const length = slot >= 0 ? this.slots[slot].length : 0;
    if (typeof v === 'number' && (v < 0 || (length > 0 && v >= length))) {
      this.sink.error(Codes.IndexOutOfRange, this.r(e.index),
        `index ${v} is out of range: \`${target.name}\` has ${length} elements (\`${target.name}[0]\`..\`${target.name}[${length - 1}]\`)`);
    }
  }

  /** `x.next` or `x[3]` where x is a heap object: checks the object can hold that pointer. */
  private pointerSlot(e: FieldExpr | IndexExpr): void {
    if (e.kind === 'index') e.on = 'object';
    const base = e.target;
    const t = this.expr(base);
    if (e.kind === 'index') {
      this.expr(e.index);
      if (this.expectType(e.index, 'int', 'a pointer-word index')) this.unitMustNotBe(e.index, 'duration', 'an index');
    }
    if (t === 'error') return;
    if (t !== 'ref') {
      const what = e.kind === 'field' ? `field \`.${e.field}\`` : 'pointer words `[i]`';
      this.sink.error(Codes.NotAReference, this.r(base), `${describeExpr(base)} holds ${typeName(t)}, which has no ${what}; only objects (\`new\`, \`make\`) hold pointers`);
      return;
    }
    if (base.kind === 'nil') {
      this.sink.error(Codes.NilDereference, this.r(base), '`nil` points to no object');
      return;
    }
    if (base.kind !== 'var' || base.slot < 0) return;
    const st = this.flow.get(base.slot);
    const name = base.name;
    if (st.k === 'nil') {
      this.sink.error(Codes.NilDereference, this.r(e), `\`${name}\` is nil here${st.at >= 0 ? ` (set at line ${this.lineAt(st.at)})` : ''}; assign it an object first`);
      return;
    }
    if (st.k !== 'obj') return;
    if (st.noscan === true) {
      this.sink.error(Codes.NoscanPointer, this.r(e), `\`${name}\` is noscan and cannot hold pointers; allocate it without \`noscan\``);
      return;
    }
    if (st.size !== null) {
      const words = Math.floor(st.size / PTR_SIZE);
      if (words === 0) {
        this.sink.error(Codes.IndexOutOfRange, this.r(e), `\`${name}\` is ${st.size} bytes: too small to hold a pointer (a pointer takes 8 bytes)`);
        return;
      }
      if (e.kind === 'index') {
        const v = e.index.constValue;
        if (typeof v === 'number' && (v < 0 || v >= words)) {
          this.sink.error(Codes.IndexOutOfRange, this.r(e.index),
            `\`${name}\` is ${st.size} bytes, so it holds ${words} pointer word${words === 1 ? '' : 's'} (\`${name}[0]\`..\`${name}[${words - 1}]\`); \`${name}[${v}]\` is out of range`);
        }
      }
    }
  }

  /** Reports a definitely-nil reference variable. */
  private notNil(e: Expr, message: string): void {
    if (e.kind === 'nil') {
      this.sink.error(Codes.NilDereference, this.r(e), message);
      return;
    }
    if (e.kind !== 'var' || e.slot < 0) return;
    const st = this.flow.get(e.slot);
    if (st.k === 'nil') {
      this.sink.error(Codes.NilDereference, this.r(e), `${message}: \`${e.name}\` is nil here${st.at >= 0 ? ` (set at line ${this.lineAt(st.at)})` : ''}`);
    }
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>): void {
    const lt = this.expr(e.left);
    const rt = this.expr(e.right);
    e.type = 'error';
    if (lt === 'error' || rt === 'error') return;
    const op = e.op;
    const lv = e.left.constValue;
    const rv = e.right.constValue;
    if (isArithOp(op) || op === '<' || op === '<=' || op === '>' || op === '>=') {
      if (lt !== 'int' || rt !== 'int') {
        const bad = lt !== 'int' ? lt : rt;
        this.sink.error(Codes.OperandType, this.at(e.opStart, e.opStart + e.op.length), `\`${op}\` needs integers on both sides, got ${typeName(bad)}`);
        return;
      }
      if (isArithOp(op)) {
        e.type = 'int';
        if ((op === '/' || op === '%') && rv === 0) {
          this.sink.error(Codes.DivisionByZero, this.r(e.right), 'division by zero');
          return;
        }
        if ((op === '<<' || op === '>>') && typeof rv === 'number' && rv < 0) {
          this.sink.error(Codes.OperandType, this.r(e.right), `negative shift count ${rv}`);
          return;
        }
        if (typeof lv === 'number' && typeof rv === 'number') {
          const r = applyIntOp(op, lv, rv);
          if (isFault(r)) this.sink.error(Codes.ConstantOverflow, this.r(e), 'this constant overflows: script integers are exact only up to 2^53-1 (9007199254740991)');
          else e.constValue = r;
        }
      } else {
        e.type = 'bool';
        if (typeof lv === 'number' && typeof rv === 'number') {
          e.constValue = op === '<' ? lv < rv : op === '<=' ? lv <= rv : op === '>' ? lv > rv : lv >= rv;
        }
      }
      return;
    }
    if (op === '&&' || op === '||') {
      if (lt !== 'bool' || rt !== 'bool') {
        const bad = lt !== 'bool' ? lt : rt;
        this.sink.error(Codes.OperandType, this.at(e.opStart, e.opStart + e.op.length), `\`${op}\` needs booleans on both sides, got ${typeName(bad)}`);
        return;
      }
      e.type = 'bool';
      if (typeof lv === 'boolean' && typeof rv === 'boolean') e.constValue = op === '&&' ? lv && rv : lv || rv;
      return;
    }
    // == and !=
    if (lt !== rt || lt === 'stack' || lt === 'array' || lt === 'string') {
      const why = lt === rt ? `${typeName(lt).replace(/^an? /, '')}s cannot be compared` : `cannot compare ${typeName(lt)} with ${typeName(rt)}`;
      this.sink.error(Codes.OperandType, this.at(e.opStart, e.opStart + e.op.length), `\`${op}\`: ${why}`);
      return;
    }
    e.type = 'bool';
    if ((typeof lv === 'number' || typeof lv === 'boolean') && typeof rv === typeof lv) {
      e.constValue = op === '==' ? lv === rv : lv !== rv;
    } else if (e.left.kind === 'nil' && e.right.kind === 'nil') {
      e.constValue = op === '==';
    }
  }

  private fact(e: FactExpr): void {
    e.key = '';
    e.type = 'error';
    for (const a of e.args) this.expr(a);
    const fn = factFunction(e.fn);
    if (fn === undefined) {
      const names = [...FACT_FUNCTIONS.map((f) => f.name), 'rand'];
      const s = nearest(e.fn, names);
      this.sink.error(Codes.UnknownFactFunction, this.at(e.start, e.fnEnd),
        `unknown function \`${e.fn}\`${s !== undefined ? `; did you mean \`${s}\`?` : ''} (functions: ${names.join(', ')})`);
      return;
    }
    // arguments
    if (fn.arg !== 'none') {
      if (e.args.length !== 1) {
        this.sink.error(Codes.FactArgument, this.r(e), `\`${fn.name}\` takes exactly one argument, e.g. \`${fn.example}\``);
        return;
      }
      const a = e.args[0];
      if (fn.arg === 'ref') {
        const ok = a.type === 'ref' || (a.type === 'stack' && fn.name === 'span');
        if (!ok) {
          if (a.type !== 'error') {
            this.sink.error(Codes.FactArgument, this.r(a),
              `\`${fn.name}(...)\` takes ${fn.name === 'span' ? 'an object or a stack' : 'an object'}, got ${typeName(a.type)}`);
          }
          return;
        }
        this.notNil(a, `\`${fn.name}(...)\` needs an object`);
      } else {
        if (a.type !== 'int') {
          if (a.type !== 'error') this.sink.error(Codes.FactArgument, this.r(a), `\`${fn.name}(n)\` takes a size in bytes, got ${typeName(a.type)}`);
          return;
        }
        const v = a.constValue;
        if (typeof v === 'number' && (v < 0 || v > MAX_ALLOC)) {
          this.sink.error(Codes.FactArgument, this.r(a), `\`${fn.name}(n)\` needs n between 0 and 1TB (got ${v})`);
          return;
        }
      }
    }
    // field
    if (fn.fields === null) {
      if (e.field !== null) {
        this.sink.error(Codes.FactFieldNotAllowed, (e.fieldStart >= 0 ? this.at(e.fieldStart, e.end) : this.r(e)), `\`${fn.name}(n)\` is a number and has no field \`.${e.field}\``);
        return;
      }
      e.key = fn.name;
      e.type = fn.type;
      return;
    }
    if (e.field === null) {
      this.sink.error(Codes.FactFieldRequired, this.r(e), `\`${fn.name}(...)\` needs a field, e.g. \`${fn.example}\``);
      return;
    }
    const field = factField(fn.name, e.field);
    if (field === undefined) {
      this.sink.error(Codes.UnknownFactField, (e.fieldStart >= 0 ? this.at(e.fieldStart, e.end) : this.r(e)), unknownFieldMessage(fn.name, e.field, fn.fields));
      return;
    }
    const model = this.settings().settings.model;
    if (!field.models.includes(model)) {
      this.sink.error(Codes.FactNotInModel, (e.fieldStart >= 0 ? this.at(e.fieldStart, e.end) : this.r(e)),
        `\`${fn.name === 'heap' ? 'heap' : fn.name + '(x)'}.${field.name}\` (${field.go}) does not exist in ${model}; it exists in ${field.models.join(', ')}`);
      return;
    }
    e.key = `${fn.name}.${field.name}`;
    e.type = field.type;
  }

  /** Shared states for new objects (messages never cite where an object was allocated). */
  private objAbs(noscan: boolean, size: number | null): Abs {
    const key = size === null ? (noscan ? -1 : -2) : size * 2 + (noscan ? 1 : 0);
    let v = this.objStates.get(key);
    if (v === undefined) {
      v = abs('obj', -1, noscan, size);
      this.objStates.set(key, v);
    }
    return v;
  }

  /** What the checker knows about the value an expression produces. */
  private absOf(e: Expr): Abs {
    switch (e.kind) {
      case 'nil': return abs('nil', e.start);
      case 'new': case 'make': return this.objAbs(e.noscan, e.constSize);
      case 'stackalloc': return abs('live', e.start);
      case 'var': return e.slot >= 0 && (e.type === 'ref' || e.type === 'stack') ? this.flow.get(e.slot) : UNKNOWN;
      default: return UNKNOWN;
    }
  }
}

function unknownFieldMessage(fn: string, field: string, fields: readonly FactField[]): string {
  const names = fields.map((f) => f.name);
  let s = nearest(field, names);
  let note = '';
  if (fn === 'heap') {
    // heap_inuse, HeapInuse, heapInuse → inuse: the Heap prefix is dropped in this namespace.
    const norm = field.replace(/_/g, '').toLowerCase();
    if (norm.startsWith('heap') && norm.length > 4) {
      const stripped = names.find((n) => n.toLowerCase() === norm.slice(4));
      if (stripped !== undefined) s = stripped;
    }
    note = ' (`heap.` names are runtime.MemStats fields in lowerCamelCase without the `Heap` prefix: HeapInuse is `heap.inuse`)';
  }
  const what = fn === 'heap' ? 'heap fact' : `\`${fn}(x)\` field`;
  const owner = fn === 'heap' ? 'heap.' : `${fn}(x).`;
  return `unknown ${what} \`${field}\`${s !== undefined ? `; did you mean \`${owner}${s}\`?` : `; known: ${names.join(', ')}`}${s !== undefined ? note : ''}`;
}

function describeExpr(e: Expr): string {
  if (e.kind === 'var') return `\`${e.name}\``;
  return 'this value';
}

/** True when an expression contains a literal that was rejected (so no further reports on it). */
function isPoisoned(e: Expr): boolean {
  switch (e.kind) {
    case 'int': return Number.isNaN(e.value);
    case 'unary': return isPoisoned(e.operand);
    case 'binary': return isPoisoned(e.left) || isPoisoned(e.right);
    default: return false;
  }
}

/** First integer literal with the given unit in the arithmetic part of `e`. */
export function findUnitLiteral(e: Expr, unit: 'bytes' | 'duration'): IntLit | null {
  switch (e.kind) {
    case 'int': return e.unit === unit ? e : null;
    case 'unary': return findUnitLiteral(e.operand, unit);
    case 'binary': return findUnitLiteral(e.left, unit) ?? findUnitLiteral(e.right, unit);
    default: return null;
  }
}

/** Names assigned (as whole variables) anywhere in `list`, nested blocks included. */
function collectAssigned(list: Stmt[], out: Set<string>): void {
  for (const s of list) {
    switch (s.kind) {
      case 'assign':
        if (s.target.kind === 'var') out.add(s.target.name);
        break;
      case 'drop': case 'stackfree':
        out.add(s.target.name);
        break;
      case 'on': case 'repeat':
        collectAssigned(s.body, out);
        break;
      case 'if':
        collectAssigned(s.then, out);
        if (s.else !== null) collectAssigned(s.else, out);
        break;
    }
  }
}

/**
 * Checks a parsed program: settings (with `overrides` from the CLI or a launch configuration),
 * names, types, heap rules and facts. Annotates the AST in place (slots, types, constants, fact
 * keys, `program.effective`). Returns diagnostics sorted by position. Never throws.
 */
export function check(program: Program, overrides?: SettingOverrides): Diagnostic[] {
  try {
    const c = new Checker(program.lineStarts);
    c.begin(program.settings, overrides);
    for (const s of program.body) c.statement(s);
    return c.finish(program);
  } catch (e) {
    return [internalError(e)];
  }
}

/** A bug in the checker, as the diagnostic that stands for it. */
export function internalError(e: unknown): Diagnostic {
  return {
    code: Codes.InternalError, severity: 'error', origin: 'script',
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    message: `internal error in the script checker: ${e instanceof Error ? e.message : String(e)}; please report this script`,
  };
}
