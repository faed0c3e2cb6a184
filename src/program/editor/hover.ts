/**
 * Hover text for a `.goheap` file, without VS Code: what an allocation costs under the file's
 * model (size class, elemsize, pages and objects per span, tail and rounding waste), what
 * `class(n)`/`sizeclass(n)` evaluate to, what a heap fact mirrors in the runtime, and what a
 * setting does.
 *
 * Invariant: a hover is only offered where the cursor is on the thing it describes, and its range
 * is that thing's range; sizes that are not constants say so instead of guessing.
 */

import type { Expr, FactExpr } from '../ast';
import { factField, factFunction } from '../facts';
import type { Range } from '../positions';
import type { ModelName } from '../settings';
import { EditorDocument } from './document';
import { expressionPath } from './locate';
import { allocationInfo, allocationMarkdown, groupDigits, stackInfo, stackMarkdown } from './sizeinfo';

export interface HoverResult {
  /** Markdown. */
  readonly markdown: string;
  readonly range: Range;
}

/** One line about each model (the README's settings table). */
export const MODEL_DOCS: Readonly<Record<ModelName, string>> = {
  'go1.5': 'go1.5: page heap with free[1..127] lists and a best-fit `freelarge` list; per-span free lists; `_MSpanStack` stacks',
  'go1.10': 'go1.10: free[1..127] lists and a treap of large free spans; allocBits/allocCache; gcBits arenas',
  'go1.14': 'go1.14: radix-tree page allocator with summaries, per-P page caches, heap arenas, background scavenger',
};

export const SETTING_DOCS: Readonly<Record<string, string>> = {
  model: 'the runtime generation to simulate: `go1.5`, `go1.10` or `go1.14` (default `go1.14`)',
  procs: 'GOMAXPROCS: the number of Ps, each with its own mcache (1..256, default 1)',
  gogc: 'GOGC: the heap may grow by this percent of the marked heap before the next cycle; `off` disables automatic GC (default 100)',
  memprofilerate: 'runtime.MemProfileRate: average bytes between sampled allocations; 1 samples every allocation, 0 none (default 512KB)',
  physpagesize: 'the OS page size the scavenger rounds to: a power of two from 4KB to 512KB (default 4096)',
  seed: 'seeds the runtime\'s fastrand (treap priorities, profile sampling) and the script\'s `rand(n)` (default 1)',
};

function constInt(e: Expr): number | null {
  return typeof e.constValue === 'number' && Number.isInteger(e.constValue) && e.constValue >= 0 ? e.constValue : null;
}

function factHover(doc: EditorDocument, f: FactExpr, offset: number): HoverResult | null {
  const fn = factFunction(f.fn);
  if (fn === undefined) return null;
  const model = doc.model;
  const text = doc.text.slice(f.start, f.end);
  if (fn.fields === null) {
    // class(n), sizeclass(n): the size-class arithmetic for a constant n.
    const n = f.args.length === 1 ? constInt(f.args[0]) : null;
    if (n === null) return { markdown: `**\`${fn.name}(n)\`** — ${fn.doc}`, range: doc.rangeAt(f.start, f.end) };
    if (n > 2 ** 40) return null;
    const info = allocationInfo(model, n, false);
    const value = fn.name === 'class' ? info.elemsize : info.sizeclass;
    return {
      markdown: `**\`${text}\`** = ${groupDigits(value)} on ${model}\n\n` + allocationMarkdown(info, `new ${n}`),
      range: doc.rangeAt(f.start, f.end),
    };
  }
  if (f.field === null || f.fieldStart < 0 || offset < f.fieldStart) {
    return { markdown: `**\`${fn.name}\`** — ${fn.doc}, e.g. \`${fn.example}\``, range: doc.rangeAt(f.start, f.fnEnd) };
  }
  const field = factField(f.fn, f.field);
  if (field === undefined) return null;
  const where = field.models.length === 3 ? '' : `\n\nExists in ${field.models.join(', ')}${field.models.includes(model) ? '' : ` — not in ${model}, this file's model`}.`;
  return {
    markdown: `**\`${fn.name}${fn.arg === 'none' ? '' : '(…)'}.${field.name}\`** (${field.type}) — \`${field.go}\`\n\n${field.doc}${where}`,
    range: doc.rangeAt(f.fieldStart, f.end),
  };
}

/** The hover at a 0-based position, or null. Never throws. */
export function hoverAt(doc: EditorDocument, line: number, column: number): HoverResult | null {
  const offset = doc.offsetAt({ line, column });
  const program = doc.program;
  // Settings: the keyword or the value.
  for (const d of program.settings) {
    if (offset < d.start || offset > d.valueEnd) continue;
    if (d.expr !== null && offset >= d.expr.start) break; // the value expression: fall through to expressions
    const word = d.name === 'model' && d.word !== null && (MODEL_DOCS as Record<string, string>)[d.word];
    const md = `**\`${d.name}\`** — ${SETTING_DOCS[d.name]}` + (word ? `\n\n${word}` : '');
    return { markdown: md, range: doc.rangeAt(d.start, Math.max(d.valueEnd, d.start + d.name.length)) };
  }
  const path = expressionPath(program, offset);
  for (let i = path.length - 1; i >= 0; i--) {
    const e = path[i];
    if (e.kind === 'new' || e.kind === 'make') {
      const what = doc.text.slice(e.start, e.end);
      const range = doc.rangeAt(e.start, e.end);
      if (e.constSize === null) {
        return { markdown: `**\`${what}\`** — the size is computed at run time; hover a constant size to see its size class.`, range };
      }
      return { markdown: allocationMarkdown(allocationInfo(doc.model, e.constSize, e.noscan), what), range };
    }
    if (e.kind === 'stackalloc') {
      const what = doc.text.slice(e.start, e.end);
      const range = doc.rangeAt(e.start, e.end);
      if (e.constSize === null) return { markdown: `**\`${what}\`** — the stack size is computed at run time.`, range };
      return { markdown: stackMarkdown(stackInfo(e.constSize), what), range };
    }
    if (e.kind === 'fact') {
      const h = factHover(doc, e, offset);
      if (h !== null) return h;
    }
  }
  return null;
}
