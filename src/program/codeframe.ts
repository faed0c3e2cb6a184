/**
 * Formats a diagnostic as a code frame for terminals and logs (the CLI, test failures):
 *
 *   error GH1203: `b` is noscan and cannot hold pointers; allocate it without `noscan`
 *     --> examples/x.goheap:4:1
 *      |
 *    4 | b.next = a
 *      | ^^^^^^
 *
 * Lines and columns are printed 1-based; everything inside is 0-based. The gutter is as wide as
 * the largest line number shown. A range over several lines shows its first and last line
 * (with `...` between when lines are skipped). Lines longer than MAX_SHOWN columns are cut to a
 * window around the range, marked with `…`. Control characters are shown as `�` so the carets
 * stay aligned; tabs are kept, and the caret line repeats them.
 */

import type { Diagnostic } from './diagnostics';
import { LineIndex } from './positions';

const MAX_SHOWN = 120;
const CONTEXT_BEFORE = 40;

function displayLine(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += (c < 32 && c !== 9) || c === 127 ? '\uFFFD' : s[i];
  }
  return out;
}

/** Leading padding under `text[0..col)`: tabs stay tabs, everything else becomes a space. */
function padUnder(text: string, col: number): string {
  let out = '';
  for (let i = 0; i < col; i++) out += i < text.length && text.charCodeAt(i) === 9 ? '\t' : ' ';
  return out;
}

interface FrameLine {
  readonly lineNo: number;
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/** Cuts a long line to a window around [from, to). */
function windowed(l: FrameLine): FrameLine {
  if (l.text.length <= MAX_SHOWN) return l;
  let start = Math.max(0, l.from - CONTEXT_BEFORE);
  const end = Math.min(l.text.length, start + MAX_SHOWN);
  if (end - start < MAX_SHOWN) start = Math.max(0, end - MAX_SHOWN);
  const prefix = start > 0 ? '…' : '';
  const suffix = end < l.text.length ? '…' : '';
  const text = prefix + l.text.slice(start, end) + suffix;
  const shift = prefix.length - start;
  const from = Math.max(prefix.length, Math.min(l.from + shift, prefix.length + end - start));
  const to = Math.max(from + 1, Math.min(l.to + shift, prefix.length + end - start + (l.to > end ? 0 : 1)));
  return { lineNo: l.lineNo, text, from, to };
}

/**
 * The index of the last text formatted: callers that format many diagnostics of one big file one
 * by one (1,000 diagnostics of a 10 MB file) must not index the whole text each time.
 */
let lastIndex: LineIndex | null = null;

function indexOf(text: string): LineIndex {
  if (lastIndex === null || lastIndex.text !== text) lastIndex = new LineIndex(text);
  return lastIndex;
}

/** Formats one diagnostic. `text` may be a string or a LineIndex built once for many diagnostics. */
export function formatDiagnostic(text: string | LineIndex, diag: Diagnostic, fileName: string): string {
  const index = typeof text === 'string' ? indexOf(text) : text;
  const header = `${diag.severity} ${diag.code}: ${diag.message}`;
  if (diag.origin === 'override') {
    return `${header}\n  --> overrides: ${diag.setting ?? 'setting'}`;
  }
  const maxLine = index.lineCount - 1;
  const sl = Math.max(0, Math.min(diag.range.start.line, maxLine));
  let el = Math.max(sl, Math.min(diag.range.end.line, maxLine));
  let endCol = diag.range.end.column;
  // A range that ends at column 0 of the next line really ends at the end of its first line.
  if (el > sl && endCol === 0) {
    el--;
    endCol = index.lineLength(el);
  }
  const first = index.lineText(sl);
  const startCol = Math.max(0, Math.min(diag.range.start.column, first.length));
  const lines: FrameLine[] = [];
  if (el === sl) {
    const to = Math.max(startCol + 1, Math.min(Math.max(endCol, startCol), first.length));
    lines.push({ lineNo: sl + 1, text: first, from: startCol, to });
  } else {
    lines.push({ lineNo: sl + 1, text: first, from: startCol, to: Math.max(startCol + 1, first.length) });
    const last = index.lineText(el);
    let indent = 0;
    while (indent < last.length && (last.charCodeAt(indent) === 32 || last.charCodeAt(indent) === 9)) indent++;
    const to = Math.max(indent + 1, Math.min(endCol, last.length));
    lines.push({ lineNo: el + 1, text: last, from: Math.min(indent, to - 1), to });
  }
  const width = String(lines[lines.length - 1].lineNo).length;
  const blank = ' '.repeat(width + 2) + '|';
  const out: string[] = [
    header,
    `${' '.repeat(width + 1)}--> ${fileName}:${sl + 1}:${startCol + 1}`,
    blank,
  ];
  lines.forEach((raw, i) => {
    if (i === 1 && raw.lineNo > lines[0].lineNo + 1) out.push('...');
    const l = windowed({ ...raw, text: displayLine(raw.text) });
    out.push(` ${String(l.lineNo).padStart(width)} | ${l.text}`.trimEnd());
    out.push(`${blank} ${padUnder(l.text, l.from)}${'^'.repeat(l.to - l.from)}`);
  });
  return out.join('\n');
}

/** Formats many diagnostics of one file, separated by blank lines. */
export function formatDiagnostics(text: string, diags: readonly Diagnostic[], fileName: string): string {
  const index = new LineIndex(text);
  return diags.map((d) => formatDiagnostic(index, d, fileName)).join('\n\n');
}
