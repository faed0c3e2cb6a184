/**
 * Source positions of the allocation-script front end.
 *
 * Positions are 0-based (line and column), columns count UTF-16 code units — the same convention
 * as VS Code and LSP. They are converted to 1-based only at the edges (the code frame, the DAP
 * adapter). Line breaks are `\n`, `\r\n` and a lone `\r`, as in the editor.
 *
 * Invariant: `LineIndex.starts` is strictly increasing, starts[0] === 0, and every start is the
 * offset just after a line break.
 */

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export function pos(line: number, column: number): Position {
  return { line, column };
}

export function range(startLine: number, startColumn: number, endLine: number, endColumn: number): Range {
  return { start: { line: startLine, column: startColumn }, end: { line: endLine, column: endColumn } };
}

/** 0-based line containing `offset`, by binary search over line-start offsets. */
export function lineOfOffset(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The 0-based range of [start, end) given the line starts of its text. */
export function rangeAt(lineStarts: Int32Array, start: number, end: number): Range {
  const sl = lineOfOffset(lineStarts, start);
  const el = end === start ? sl : lineOfOffset(lineStarts, end);
  return {
    start: { line: sl, column: start - lineStarts[sl] },
    end: { line: el, column: end - lineStarts[el] },
  };
}

/** A plain-data copy of a range (diagnostics never share position objects with callers). */
export function toRange(r: Range): Range {
  const s = r.start;
  const e = r.end;
  return { start: { line: s.line, column: s.column }, end: { line: e.line, column: e.column } };
}

/** Offsets of line starts, built once per text; maps offsets to positions by binary search. */
export class LineIndex {
  readonly starts: Int32Array;
  readonly lineCount: number;

  constructor(readonly text: string) {
    let buf = new Int32Array(1024);
    let n = 1;
    buf[0] = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && i + 1 < len && text.charCodeAt(i + 1) === 10) i++;
        if (n === buf.length) {
          const bigger = new Int32Array(buf.length * 2);
          bigger.set(buf);
          buf = bigger;
        }
        buf[n++] = i + 1;
      }
    }
    this.starts = buf.subarray(0, n);
    this.lineCount = n;
  }

  /** 0-based line containing `offset` (clamped to the text). */
  lineAt(offset: number): number {
    return lineOfOffset(this.starts, offset);
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(o);
    return { line, column: o - this.starts[line] };
  }

  /** Text of a line without its line break; "" past the end. */
  lineText(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const start = this.starts[line];
    let end = line + 1 < this.lineCount ? this.starts[line + 1] : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** Length of a line without its line break. */
  lineLength(line: number): number {
    return this.lineText(line).length;
  }
}

/** True when `r` is well-formed and lies within `text` as indexed by `index`. */
export function rangeWithin(r: Range, index: LineIndex): boolean {
  const ok = (p: Position) =>
    Number.isInteger(p.line) && Number.isInteger(p.column) && p.line >= 0 && p.line < index.lineCount &&
    p.column >= 0 && p.column <= index.lineLength(p.line);
  if (!ok(r.start) || !ok(r.end)) return false;
  return r.start.line < r.end.line || (r.start.line === r.end.line && r.start.column <= r.end.column);
}
