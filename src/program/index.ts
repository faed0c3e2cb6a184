/**
 * Public API of the allocation-script front end.
 *
 *   parse(text)                 → { program, diagnostics }   syntax only, never throws
 *   check(program, overrides?)  → diagnostics                names, types, settings, heap rules, facts
 *   compile(text, overrides?)   → { program, diagnostics, settings, ok }   both, sorted
 *   diagnose(text, overrides?)  → { diagnostics, settings, ok }   the same answers, keeping no tree
 *   formatDiagnostic(text, d, fileName) → code frame
 *   tokenize(text)              → tokens (for tests and syntax tooling)
 *
 * The interpreter (interpreter*.ts) consumes the checked `Program`; see ast.ts for what `check`
 * annotates, facts.ts for the fact tables, arith.ts for integer semantics.
 */

import type { Program, Span, Stmt } from './ast';
import { rangeAt, type Range } from './positions';
import { check, Checker, internalError } from './checker';
import { Codes, MAX_DIAGNOSTICS, sortDiagnostics, type Diagnostic } from './diagnostics';
import { CHUNK_TOKENS, parse } from './parser';
import type { SettingOverrides, Settings } from './settings';

export * from './ast';
export { applyIntOp, isFault, truncDiv, type ArithFault, type IntOp } from './arith';
export { check, MAX_ALLOC, MAX_ARRAY_LENGTH, MAX_STACK, MIN_STACK } from './checker';
export { formatDiagnostic, formatDiagnostics } from './codeframe';
export { Codes, hasErrors, MAX_DIAGNOSTICS, sortDiagnostics, type Diagnostic, type DiagnosticCode, type DiagnosticOrigin, type Severity } from './diagnostics';
export { FACT_FUNCTIONS, FACT_KEYS, HEAP_FACTS, OBJ_FACTS, SPAN_FACTS, SPAN_STATES, factField, factFunction, type FactField, type FactFunction, type FactType } from './facts';
export { tokenize, type Token } from './lexer';
export { MAX_BLOCK_DEPTH, MAX_EXPR_DEPTH, MAX_EXPR_HEIGHT, parse, type ParseResult } from './parser';
export { LineIndex, lineOfOffset, rangeAt, rangeWithin, type Position, type Range } from './positions';
export { DEFAULT_SETTINGS, MODELS, SETTING_NAMES, validateSetting, type ModelName, type SettingName, type SettingOverrides, type Settings } from './settings';
export { KEYWORDS, UNITS } from './tokens';

export interface CompileResult {
  readonly program: Program;
  /** Parser and checker diagnostics, sorted by position. */
  readonly diagnostics: Diagnostic[];
  /** Effective settings (script values, then overrides). */
  readonly settings: Settings;
  /** No errors (warnings allowed): the program may be run. */
  readonly ok: boolean;
}

/** Parses and checks `text`. Never throws. */
export function compile(text: string, overrides?: SettingOverrides): CompileResult {
  const parsed = parse(text);
  const checked = check(parsed.program, overrides);
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked]);
  return {
    program: parsed.program,
    diagnostics,
    settings: parsed.program.effective,
    ok: !diagnostics.some((d) => d.severity === 'error'),
  };
}

export interface DiagnoseResult {
  /** Exactly `compile(text, overrides).diagnostics`. */
  readonly diagnostics: Diagnostic[];
  readonly settings: Settings;
  readonly ok: boolean;
}

/**
 * Parses and checks `text` one top-level statement at a time, dropping each once it is checked:
 * the diagnostics and settings `compile` gives, without the tree (a million-line script's tree
 * is ~400 MB; diagnostics as you type and `goheap check` need none of it). Tokens are scanned in
 * chunks of about `chunkTokens` (tests make them tiny to put a boundary after every statement).
 * Never throws.
 */
export function diagnose(text: string, overrides?: SettingOverrides, chunkTokens = CHUNK_TOKENS): DiagnoseResult {
  let checker: Checker | null = null;
  let failure: { error: unknown } | null = null;
  const parsed = parse(text, (s, context) => {
    if (failure !== null) return;
    try {
      if (checker === null) {
        checker = new Checker(context.lineStarts);
        checker.begin(context.settings, overrides);
      }
      checker.statement(s);
    } catch (error) {
      failure = { error };
    }
  }, chunkTokens);
  if (chunkTokens > 0 && parsed.diagnostics.length > MAX_DIAGNOSTICS) {
    // Over the cap, which problems are kept depends on the order they were found in, and chunks
    // interleave the lexer's with the parser's: scan the tokens at once, as compile does.
    return diagnose(text, overrides, 0);
  }
  let checked: Diagnostic[];
  if (parsed.diagnostics.some((d) => d.code === Codes.InternalError)) {
    checked = check(parsed.program, overrides); // the parser gave up: as compile does
  } else if (failure === null) {
    try {
      if (checker === null) { // no statements: settings only
        checker = new Checker(parsed.program.lineStarts);
        checker.begin(parsed.program.settings, overrides);
      }
      checked = (checker as Checker).finish(parsed.program);
    } catch (error) {
      checked = [internalError(error)];
    }
  } else checked = [internalError((failure as { error: unknown }).error)];
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...checked]);
  return { diagnostics, settings: parsed.program.effective, ok: !diagnostics.some((d) => d.severity === 'error') };
}

/** The 0-based line/column range of a node (statement, expression, setting) of `program`. */
export function rangeOf(program: Program, node: Span): Range {
  return rangeAt(program.lineStarts, node.start, node.end);
}

/** The 0-based range of a compound statement's header (`repeat 10 as i`, `if c`, `on P2`). */
export function headRangeOf(program: Program, stmt: Stmt): Range {
  const end = stmt.kind === 'repeat' || stmt.kind === 'if' || stmt.kind === 'on' ? stmt.headEnd : stmt.end;
  return rangeAt(program.lineStarts, stmt.start, end);
}
