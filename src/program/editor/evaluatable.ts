/**
 * The expression the debugger evaluates when the mouse rests on a `.goheap` file during a debug
 * session (VS Code's EvaluatableExpressionProvider): a variable, a pointer field or element
 * (`x.next`, `ring[i]`, `x[3]`), or a heap fact (`heap.inuse`, `span(x).allocCount`). The adapter
 * answers it with the object (address, class, span) as in the Variables view.
 *
 * Invariant: the expression returned is exactly the source text of one checked expression, so
 * the adapter's evaluate (which compiles with the script's own checker) accepts it.
 */

import type { Range } from '../positions';
import { EditorDocument } from './document';
import { expressionPath } from './locate';

export interface EvaluatableAt {
  readonly expression: string;
  readonly range: Range;
}

export function evaluatableAt(doc: EditorDocument, line: number, column: number): EvaluatableAt | null {
  const offset = doc.offsetAt({ line, column });
  const path = expressionPath(doc.program, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const e = path[i];
    if (e.kind === 'var' || e.kind === 'field' || e.kind === 'index' || (e.kind === 'fact' && e.field !== null)) {
      // Assignment targets keep type 'unknown' (the checker types values, not places); 'error' was reported.
      if (e.type === 'error' || (e.kind === 'var' && e.slot < 0)) return null;
      return { expression: doc.text.slice(e.start, e.end), range: doc.rangeAt(e.start, e.end) };
    }
    // Inside a fact or on an index literal (`ring[1]`): the enclosing expression is the one to show.
    if (e.kind !== 'fact' && e.kind !== 'int') return null;
  }
  return null;
}
