/**
 * Expressions typed in the debugger (breakpoint conditions, logpoint `{...}` parts, the Debug
 * Console) are compiled by the script's own front end, so they accept exactly the script language
 * (variables, loop counters in scope, `heap.inuse`, `span(x).allocCount`, ...) with its messages.
 *
 * How: the text is inserted as a `print (EXPR)` statement right before the statement where it is
 * evaluated, the augmented script is compiled, and the expression tree is taken from that
 * statement. Names then resolve with the scope of that point (a loop's counter inside the loop).
 * The tree is re-pointed at the original program: slots are matched by name, field labels by
 * name (a label the script never uses gets an id of its own, which reads as nil). `rand(n)` is
 * refused: evaluating it would advance the script's random sequence and break determinism.
 */
import type { Expr, Program, ValueType } from '../program/ast';
import { compile, type SettingOverrides } from '../program/index';
import { compileExpr, ScriptFault, type Thunk, type Value } from '../program/exprcompile';
import type { Interpreter } from '../program/interpreter';

export type CompiledExpr = { readonly ok: true; readonly expr: Expr; readonly type: ValueType } | { readonly ok: false; readonly message: string };

/**
 * Compiles `source` as an expression evaluated before the statement starting at `offset` of
 * `text` (or at the end of the script when offset is -1).
 */
export function compileExpression(text: string, overrides: SettingOverrides, program: Program, offset: number, source: string): CompiledExpr {
  const src = source.trim();
  if (src === '') return { ok: false, message: 'empty expression' };
  if (/[\r\n]/.test(src)) return { ok: false, message: 'an expression must fit on one line' };
  const at = offset < 0 ? text.length : offset;
  const prefix = at > 0 && !/[\r\n]$/.test(text.slice(0, at)) && offset < 0 ? '\n' : '';
  const inserted = `${prefix}print (${src})\n`;
  const augmented = text.slice(0, at) + inserted + text.slice(at);
  const c = compile(augmented, overrides);
  const lo = at + prefix.length;
  const hi = at + inserted.length;
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  const stmt = c.program.statements.find((s) => s.start === lo && s.kind === 'print');
  if (stmt === undefined || stmt.kind !== 'print' || stmt.args.length !== 1) {
    const mine = errors[0];
    return { ok: false, message: mine !== undefined ? mine.message : `cannot parse \`${src}\`` };
  }
  const ownErrors = errors.filter((d) => {
    const o = offsetOf(c.program, d.range.start.line, d.range.start.column);
    return o >= lo && o < hi;
  });
  if (ownErrors.length > 0) return { ok: false, message: ownErrors.map((d) => d.message).join('; ') };
  const expr = stmt.args[0];
  const problem = repoint(expr, c.program, program);
  if (problem !== null) return { ok: false, message: problem };
  return { ok: true, expr, type: expr.type };
}

function offsetOf(p: Program, line: number, column: number): number {
  return (p.lineStarts[line] ?? 0) + column;
}

/** Re-points slots and field ids from the augmented program to the original; refuses rand(). */
function repoint(e: Expr, from: Program, to: Program): string | null {
  let problem: string | null = null;
  const extraFields = new Map<string, number>();
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case 'var': {
        const s = from.slots[x.slot];
        if (s === undefined) return;
        const same = to.slots[x.slot];
        if (same !== undefined && same.name === s.name && same.counter === s.counter) return;
        const k = to.slots.findIndex((t) => t.name === s.name && t.counter === s.counter);
        if (k < 0) problem = `\`${s.name}\` is not a variable of the script`;
        else x.slot = k;
        return;
      }
      case 'field': {
        let id = to.fields.indexOf(x.field);
        if (id < 0) {
          id = extraFields.get(x.field) ?? to.fields.length + 1024 + extraFields.size;
          extraFields.set(x.field, id);
        }
        (x as { fieldId: number }).fieldId = id;
        walk(x.target);
        return;
      }
      case 'index':
        walk(x.target);
        walk(x.index);
        return;
      case 'unary':
        walk(x.operand);
        return;
      case 'binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'fact':
        x.args.forEach(walk);
        return;
      case 'rand':
        problem = '`rand(n)` cannot be evaluated by the debugger: it would advance the script\'s random sequence';
        return;
      case 'new':
      case 'make':
      case 'stackalloc':
        problem = 'the debugger does not allocate: `new`, `make` and `stackalloc` are not allowed here';
        return;
      default:
        return;
    }
  };
  walk(e);
  return problem;
}

export type EvalResult = { ok: true; value: Value } | { ok: false; message: string };

/** Closures compiled per interpreter (an interpreter is replaced when the debugger travels in time). */
const thunks = new WeakMap<Interpreter, WeakMap<Expr, Thunk>>();

export function evaluate(it: Interpreter, expr: Expr): EvalResult {
  let m = thunks.get(it);
  if (m === undefined) thunks.set(it, (m = new WeakMap()));
  let t = m.get(expr);
  if (t === undefined) m.set(expr, (t = compileExpr(it.state, expr)));
  try {
    return { ok: true, value: t() };
  } catch (e) {
    if (e instanceof ScriptFault || e instanceof Error) return { ok: false, message: e.message };
    throw e;
  }
}
