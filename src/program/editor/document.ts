/**
 * One `.goheap` text as the editor features see it: the compiled program (parse + check, never
 * throws), its line index, and offset/position conversion. Built once per document version and
 * shared by hover, completion, symbols and CodeLens.
 *
 * The tree is built on first use: diagnostics as you type come from `diagnose` (the same answers,
 * no tree kept), so a large file gets its squiggles without first building a tree nobody asked for.
 *
 * Positions are 0-based line/column in UTF-16 code units (VS Code's convention); a position past
 * the end of a line or of the text is clamped.
 */

import { compile, diagnose, type CompileResult, type DiagnoseResult } from '../index';
import { LineIndex, type Position, type Range } from '../positions';

export class EditorDocument {
  readonly lines: LineIndex;
  private tree: CompileResult | null = null;
  private checkedOnly: DiagnoseResult | null = null;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  /** The checked program (built on first use). */
  get compiled(): CompileResult {
    return (this.tree ??= compile(this.text));
  }

  /** Diagnostics and settings: from the program if it is built, else from a pass that keeps no tree. */
  get checked(): DiagnoseResult {
    return this.tree ?? (this.checkedOnly ??= diagnose(this.text));
  }

  get program() {
    return this.compiled.program;
  }

  /** The model the file asks for (its `model` setting, or the default). */
  get model() {
    return this.checked.settings.model;
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.lines.lineCount) return this.text.length;
    return this.lines.starts[p.line] + Math.max(0, Math.min(p.column, this.lines.lineLength(p.line)));
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The text of line `p.line` up to `p.column`. */
  linePrefix(p: Position): string {
    return this.lines.lineText(p.line).slice(0, Math.max(0, p.column));
  }
}

/** True when `prefix` (a line up to the cursor) ends inside a comment or a string literal. */
export function inCommentOrString(prefix: string): boolean {
  let inString = false;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '#') return true;
  }
  return inString;
}
