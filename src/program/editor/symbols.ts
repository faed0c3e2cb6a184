/**
 * The outline of a `.goheap` file, without VS Code: settings, arrays, variables (at the
 * assignment that declares them), `repeat` loops and `on P` blocks, nested as in the text.
 * `if` blocks are not containers of their own: what they declare is listed in the enclosing
 * loop, `on` block or the file.
 *
 * Invariant: every symbol's `selectionRange` lies inside its `range`; children lie inside their
 * parent's range; symbols are in source order.
 */

import type { Expr, Program, Stmt } from '../ast';
import { rangeOf } from '../index';
import type { Range } from '../positions';
import { stmtBodies } from './locate';

export type SymbolKind = 'setting' | 'array' | 'variable' | 'loop' | 'on';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: SymbolKind;
  readonly range: Range;
  readonly selectionRange: Range;
  readonly children: OutlineSymbol[];
}

function source(text: string, e: { start: number; end: number }): string {
  const s = text.slice(e.start, e.end).replace(/\s+/g, ' ');
  return s.length > 60 ? s.slice(0, 60) + '…' : s;
}

function valueDetail(text: string, e: Expr): string {
  switch (e.kind) {
    case 'new':
    case 'make':
    case 'stackalloc':
      return source(text, e);
    default:
      return e.type === 'unknown' || e.type === 'error' ? '' : e.type === 'ref' ? 'reference' : e.type;
  }
}

function collect(program: Program, text: string, list: readonly Stmt[], out: OutlineSymbol[]): void {
  for (const s of list) {
    switch (s.kind) {
      case 'array':
        out.push({
          name: s.name, detail: `[${source(text, s.length)}]`, kind: 'array', range: rangeOf(program, s),
          selectionRange: rangeOf(program, { start: s.nameStart, end: s.nameStart + s.name.length }), children: [],
        });
        break;
      case 'assign':
        if (s.declares && s.target.kind === 'var') {
          out.push({
            name: s.target.name, detail: valueDetail(text, s.value), kind: 'variable', range: rangeOf(program, s),
            selectionRange: rangeOf(program, s.target), children: [],
          });
        }
        break;
      case 'repeat':
      case 'on': {
        const children: OutlineSymbol[] = [];
        for (const b of stmtBodies(s)) collect(program, text, b, children);
        const head = { start: s.start, end: s.headEnd };
        out.push({
          name: source(text, head), detail: s.kind === 'repeat' ? 'loop' : 'runs on another P', kind: s.kind === 'repeat' ? 'loop' : 'on',
          range: rangeOf(program, s), selectionRange: rangeOf(program, head), children,
        });
        break;
      }
      case 'if':
        for (const b of stmtBodies(s)) collect(program, text, b, out);
        break;
      default:
        break;
    }
  }
}

/** The outline of a compiled program (`text` is its source). */
export function documentSymbols(program: Program, text: string): OutlineSymbol[] {
  const out: OutlineSymbol[] = [];
  for (const d of program.settings) {
    const r = rangeOf(program, { start: d.start, end: Math.max(d.valueEnd, d.start + d.name.length) });
    out.push({
      name: d.name, detail: text.slice(d.valueStart, d.valueEnd), kind: 'setting', range: r,
      selectionRange: rangeOf(program, { start: d.start, end: d.start + d.name.length }), children: [],
    });
  }
  collect(program, text, program.body, out);
  return out;
}
