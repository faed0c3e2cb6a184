/**
 * Finding things in a checked program by text offset: the innermost expression under the cursor
 * (with its ancestors), the statement containing an offset, and the loops enclosing it. Used by
 * hover, completion, the outline and the debugger's hover expressions.
 *
 * Invariant: children are visited in source order and every child's [start, end) lies inside its
 * parent's, so the path returned is outermost first.
 */

import type { Expr, Program, RepeatStmt, Stmt } from '../ast';

/** Direct sub-expressions of an expression, in source order. */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'index':
      return [e.target, e.index];
    case 'field':
      return [e.target];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'fact':
      return e.args;
    case 'rand':
      return [e.bound];
    case 'new':
      return [e.size];
    case 'make':
      return [e.count, e.elemSize];
    case 'stackalloc':
      return [e.size];
    default:
      return [];
  }
}

/** Expressions directly under a statement (not those of nested statements). */
export function stmtExprs(s: Stmt): Expr[] {
  switch (s.kind) {
    case 'assign':
      return [s.target, s.value];
    case 'array':
      return [s.length];
    case 'drop':
    case 'stackfree':
      return [s.target];
    case 'sweep':
      return s.count ? [s.count] : [];
    case 'scavenge':
      return s.bytes ? [s.bytes] : [];
    case 'tick':
      return [s.duration];
    case 'setfinalizer':
      return [s.target];
    case 'repeat':
      return s.counter ? [s.count, s.counter] : [s.count];
    case 'if':
      return [s.cond];
    case 'assert':
    case 'expect':
      return [s.cond];
    case 'print':
      return s.args;
    default:
      return [];
  }
}

/** Nested statement lists of a statement. */
export function stmtBodies(s: Stmt): Stmt[][] {
  switch (s.kind) {
    case 'repeat':
    case 'on':
      return [s.body];
    case 'if':
      return s.else ? [s.then, s.else] : [s.then];
    default:
      return [];
  }
}

const inside = (n: { start: number; end: number }, offset: number): boolean => n.start <= offset && offset <= n.end;

/** The statements containing `offset`, outermost first. */
export function statementPath(program: Program, offset: number): Stmt[] {
  const path: Stmt[] = [];
  let list: Stmt[] = program.body;
  for (;;) {
    const s = list.find((x) => inside(x, offset));
    if (s === undefined) return path;
    path.push(s);
    const next = stmtBodies(s).find((b) => b.some((x) => inside(x, offset)));
    if (next === undefined) return path;
    list = next;
  }
}

/** Expressions containing `offset`, outermost first, inside the innermost statement there (or a setting's value). */
export function expressionPath(program: Program, offset: number): Expr[] {
  const stmts = statementPath(program, offset);
  let roots: Expr[];
  if (stmts.length > 0) roots = stmtExprs(stmts[stmts.length - 1]);
  else roots = program.settings.filter((d) => d.expr !== null).map((d) => d.expr!);
  const path: Expr[] = [];
  let level = roots;
  for (;;) {
    const e = level.find((x) => inside(x, offset));
    if (e === undefined) return path;
    path.push(e);
    level = exprChildren(e);
  }
}

/** `repeat` loops enclosing `offset`, outermost first. */
export function enclosingLoops(program: Program, offset: number): RepeatStmt[] {
  return statementPath(program, offset).filter((s): s is RepeatStmt => s.kind === 'repeat' && offset >= s.headEnd);
}

/** Calls `fn` on every statement, parents before children. */
export function walkStatements(list: readonly Stmt[], fn: (s: Stmt, depth: number) => void, depth = 0): void {
  for (const s of list) {
    fn(s, depth);
    for (const b of stmtBodies(s)) walkStatements(b, fn, depth + 1);
  }
}
