/**
 * The allocation-script parser: recursive descent over the lexer's token arrays, with
 * statement-level error recovery. Never throws; reports every problem it finds.
 *
 * Recovery: a syntax error aborts the current statement (an internal sentinel unwinds to the
 * statement loop) and the parser skips to the end of the line. A `{` met while skipping is parsed
 * as a block (its statements are checked for errors, then discarded), so braces stay balanced
 * and errors inside still surface. At most one syntax error is reported per line.
 *
 * Streaming: with a handler, each top-level statement is handed over as soon as it is parsed and
 * not kept, and the tokens come from `lexChunks` a chunk at a time. A chunk ends at a line end
 * outside any block, so the parser moves to the next chunk only between top-level statements,
 * where it holds no token index; everything it keeps refers to text offsets.
 *
 * Guards: blocks nest at most MAX_BLOCK_DEPTH deep, expressions at most MAX_EXPR_DEPTH (parens,
 * unary operators) and MAX_EXPR_HEIGHT (tree height, e.g. a long `+` chain) — beyond that one
 * GH1107 is reported and the construct skipped without recursion, so neither the parser nor the
 * tree walkers after it can overflow the stack.
 *
 * The grammar is in docs/script-language.md.
 */

import type {
  AllocExpr, ArrayDecl, AssignStmt, BinaryOp, CheckStmt, Expr, FactExpr, FieldExpr, IfStmt, IndexExpr,
  IntLit, LValue, OnStmt, PrintStmt, Program, RepeatStmt, SettingDecl, Span, Stmt, VarRef,
} from './ast';
import { Codes as Codes_, DiagnosticSink, type Diagnostic, type DiagnosticCode } from './diagnostics';
import { INVALID_LITERAL, KEYWORD_LIST, lex, lexChunks, literalValue, shortLiteral, stringValue, type TokenStream } from './lexer';
import { lineOfOffset, rangeAt, type Range } from './positions';
import { DEFAULT_SETTINGS, type SettingName } from './settings';
import { didYouMean } from './suggest';
import {
  KEYWORDS as KEYWORDS_, SETTING_KEYWORDS as SETTING_KEYWORDS_, STATEMENT_KEYWORDS, T as T_, TOKEN_NAMES as TOKEN_NAMES_,
  UNIT_NAMES as UNIT_NAMES_, UNITS,
} from './tokens';

// Local aliases: module imports may compile to getters, and these are read per token.
const T = T_;
const KEYWORDS = KEYWORDS_;
const SETTING_KEYWORDS = SETTING_KEYWORDS_;
const TOKEN_NAMES = TOKEN_NAMES_;
const UNIT_NAMES = UNIT_NAMES_;
const Codes = Codes_;
/** Identifiers with an id below this are keywords (the lexer interns them first). */
const KEYWORD_COUNT = KEYWORD_LIST.length;

export const MAX_BLOCK_DEPTH = 100;
export const MAX_EXPR_DEPTH = 100;
export const MAX_EXPR_HEIGHT = 256;
/** P names accepted by `on`: P0..P99999 (the checker compares with procs). */
const MAX_P_DIGITS = 5;

const SPAN_STATE_NAMES = new Set(['mSpanInUse', 'mSpanManual', 'mSpanFree', 'mSpanDead']);

/** Thrown (internally only) to abandon the current statement after a reported error. */
const ABORT: { readonly abort: true } = { abort: true };

/** Precedence of binary operators by token kind (Go's levels); 0: not a binary operator. */
const BINARY_PREC = new Int8Array(TOKEN_NAMES.length);
for (const [kinds, prec] of [
  [[T.OrOr], 1],
  [[T.AndAnd], 2],
  [[T.Eq, T.Ne, T.Lt, T.Le, T.Gt, T.Ge], 3],
  [[T.Plus, T.Minus], 4],
  [[T.Star, T.Slash, T.Percent, T.Shl, T.Shr], 5],
] as const) for (const k of kinds) BINARY_PREC[k] = prec;
/** Operand precedence of `new`/`make`/`stackalloc` sizes: arithmetic only, no comparisons. */
const ARITH_PREC = 4;

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

/** What the parser knows when it hands over a top-level statement: the line index and the settings so far. */
export interface ParseContext {
  readonly lineStarts: Int32Array;
  readonly settings: readonly SettingDecl[];
}

/**
 * Receives each top-level statement (with the blocks inside it) as soon as it is parsed, in
 * source order. A parse with a handler keeps no tree: the program it returns has an empty body.
 */
export type TopLevelHandler = (s: Stmt, context: ParseContext) => void;

class Parser {
  private k = 0;
  private blockDepth = 0;
  private exprDepth = 0;
  /** Height of the expression tree last returned by an expression parse function. */
  private h = 0;
  private lastErrorLine = -1;
  private sawStatement = false;
  private kinds: Uint8Array;
  private readonly lineStarts: Int32Array;
  private readonly text: string;
  private readonly settings: SettingDecl[] = [];
  private readonly fields: string[] = [];
  private readonly fieldIds = new Map<string, number>();
  private readonly brokenNames = new Set<string>();
  /** Statements by reserved id (less `idBase`); holes (null) and orphans only after syntax errors. */
  private readonly stmts: (Stmt | null)[] = [];
  private readonly context: ParseContext;
  /** Ids handed out before `stmts[0]`: nonzero only when statements are handed over and dropped. */
  private idBase = 0;
  /** Set when a statement was abandoned: ids are then recomputed from the tree. */
  private renumber = false;
  private unclosedReported = false;
  private lineHint = 0;

  /**
   * `lineStarts`: of the whole text. `nextChunk`: when `ts` is one chunk of the tokens, gives the
   * next one (see `lexChunks`); it is called only between top-level statements, where no token
   * index is held.
   */
  constructor(
    private ts: TokenStream, private readonly sink: DiagnosticSink, private readonly handler: TopLevelHandler | null,
    lineStarts: Int32Array, private readonly nextChunk: (() => TokenStream | null) | null,
  ) {
    this.kinds = ts.kinds;
    this.text = ts.text;
    this.lineStarts = lineStarts;
    this.context = { lineStarts: this.lineStarts, settings: this.settings };
  }

  /** At the EOF of a chunk: moves on to the next chunk. False at the end of the text. */
  private advanceChunk(): boolean {
    if (!this.ts.more || this.nextChunk === null) return false;
    const next = this.nextChunk();
    if (next === null) return false;
    this.ts = next;
    this.kinds = next.kinds;
    this.k = 0;
    return true;
  }

  // ---- tokens and ranges

  private kind(): number {
    return this.kinds[this.k];
  }
  private peek(n = 1): number {
    const i = Math.min(this.k + n, this.ts.count - 1);
    return this.kinds[i];
  }
  /** Text of token i; identifiers come interned from the lexer, so a million `x` share one string. */
  private tokText(i: number): string {
    if (this.kinds[i] === T.Ident) return this.ts.names[this.ts.ids[i]];
    return this.text.slice(this.ts.starts[i], this.ts.ends[i]);
  }
  /** Token i is an identifier that is a keyword. */
  private isKeyword(i: number): boolean {
    return this.kinds[i] === T.Ident && this.ts.ids[i] < KEYWORD_COUNT;
  }
  private isIdent(word: string, i = this.k): boolean {
    const ts = this.ts;
    return ts.kinds[i] === T.Ident && ts.ends[i] - ts.starts[i] === word.length && this.text.startsWith(word, ts.starts[i]);
  }
  /** Plain range of token i (for diagnostics). */
  private tokRange(i: number): Range {
    const ts = this.ts;
    const line = this.L(i);
    const col = ts.starts[i] - this.lineStarts[line];
    return { start: { line, column: col }, end: { line, column: col + ts.ends[i] - ts.starts[i] } };
  }
  /** Plain range of a node (for diagnostics). */
  private nodeRange(n: Span): Range {
    return rangeAt(this.lineStarts, n.start, n.end);
  }
  /** Line of an offset: walks forward from the last answer (the parser moves forward), else binary search. */
  private lineOf(offset: number): number {
    const ls = this.lineStarts;
    let l = this.lineHint;
    if (offset < ls[l]) l = lineOfOffset(ls, offset);
    else while (l + 1 < ls.length && ls[l + 1] <= offset) l++;
    this.lineHint = l;
    return l;
  }
  private S(i: number): number {
    return this.ts.starts[i];
  }
  private E(i: number): number {
    return this.ts.ends[i];
  }
  private L(i: number): number {
    return this.lineOf(this.ts.starts[i]);
  }
  /** Range from the start of token a to the end of token b (for diagnostics). */
  private span(a: number, b: number): Range {
    return rangeAt(this.lineStarts, this.ts.starts[a], this.ts.ends[Math.max(a, b)]);
  }
  private describe(i: number): string {
    switch (this.ts.kinds[i]) {
      case T.EOF: return 'end of file';
      case T.Newline: return this.ts.starts[i] < this.text.length && this.text.charCodeAt(this.ts.starts[i]) === 59 ? '`;`' : 'end of line';
      case T.String: return 'a string';
      default: return '`' + shortLiteral(this.tokText(i)) + '`';
    }
  }
  private atStatementEnd(): boolean {
    const kd = this.kind();
    return kd === T.Newline || kd === T.EOF || kd === T.RBrace;
  }

  // ---- errors

  /** Reports a syntax error (at most one per line) and abandons the statement. */
  private fail(code: DiagnosticCode, range: Range, message: string): never {
    if (this.ts.kinds[this.k] === T.Error) {
      this.lastErrorLine = this.L(this.k);
      throw ABORT;
    }
    if (range.start.line !== this.lastErrorLine) {
      this.sink.error(code, range, message);
      this.lastErrorLine = range.start.line;
    }
    throw ABORT;
  }

  /** Consumes a token of `kind`, or fails with `message` (where `{found}` names the token found). */
  private expect(kind: number, message: string): number {
    if (this.kind() !== kind) {
      this.fail(Codes.ExpectedToken, this.tokRange(this.k), message.split('{found}').join(this.describe(this.k)));
    }
    return this.k++;
  }

  // ---- program and blocks

  parseProgram(): Program {
    const body: Stmt[] = [];
    for (;;) {
      const kd = this.kind();
      if (kd === T.EOF) {
        if (this.advanceChunk()) continue;
        break;
      }
      if (kd === T.Newline) {
        this.k++;
        continue;
      }
      if (kd === T.RBrace) {
        const r = this.tokRange(this.k);
        if (r.start.line !== this.lastErrorLine) {
          this.sink.error(Codes.UnexpectedCloseBrace, r, 'unexpected `}`: no block is open here');
          this.lastErrorLine = r.start.line;
        }
        this.k++;
        continue;
      }
      this.statementInto(body);
      if (this.handler !== null && body.length > 0) {
        this.handler(body.pop()!, this.context);
        this.idBase += this.stmts.length;
        this.stmts.length = 0;
      }
    }
    let statements: Stmt[];
    if (this.handler !== null) {
      statements = [];
    } else if (this.renumber) {
      statements = [];
      numberStatements(body, statements);
    } else {
      statements = this.stmts as Stmt[];
    }
    return {
      settings: this.settings,
      body,
      statements,
      fields: this.fields,
      slots: [],
      effective: DEFAULT_SETTINGS,
      lineStarts: this.lineStarts,
      lineCount: this.lineStarts.length,
      brokenNames: [...this.brokenNames],
      hasSyntaxErrors: this.sink.list.length > 0,
    };
  }

  private statementInto(list: Stmt[]): void {
    const start = this.k;
    // Reserve the id before the children are parsed: ids are in source order, parents first.
    const id = this.stmts.length;
    this.stmts.push(null);
    try {
      const s = this.parseStatement();
      if (s !== null) {
        s.id = this.idBase + id;
        this.stmts[id] = s;
        list.push(s);
      } else if (this.stmts.length === id + 1) {
        this.stmts.pop(); // a setting: no statement
      }
      this.endStatement();
    } catch (e) {
      if (e !== ABORT) throw e;
      this.renumber = true;
      this.noteBroken(start);
      this.sync();
    }
  }

  /** Remembers the name a broken statement was about to declare, so the checker does not cascade. */
  private noteBroken(start: number): void {
    if (this.kinds[start] !== T.Ident) return;
    const word = this.tokText(start);
    if (!KEYWORDS.has(word)) this.brokenNames.add(word);
    else if ((word === 'var') && this.kinds[start + 1] === T.Ident) this.brokenNames.add(this.tokText(start + 1));
  }

  private endStatement(): void {
    const kd = this.kind();
    if (kd === T.Newline) {
      this.k++;
      return;
    }
    if (kd === T.EOF || kd === T.RBrace) return;
    const prev = this.k - 1;
    if (kd === T.Ident && UNITS.has(this.tokText(this.k)) && prev >= 0 && this.kinds[prev] === T.Int &&
        this.L(prev) === this.L(this.k)) {
      const unit = this.tokText(this.k);
      const num = this.tokText(prev);
      this.fail(Codes.UnitNotAttached, this.span(prev, this.k), `write the unit right after the number: \`${shortLiteral(num)}${unit}\`, not \`${shortLiteral(num)} ${unit}\``);
    }
    this.fail(Codes.ExpectedEndOfStatement, this.tokRange(this.k), `expected end of line, found ${this.describe(this.k)}; put each statement on its own line`);
  }

  /** Skips the rest of a broken statement; blocks met on the way are parsed and discarded. */
  private sync(): void {
    for (;;) {
      const kd = this.kind();
      if (kd === T.EOF || kd === T.RBrace) return;
      if (kd === T.Newline) {
        this.k++;
        return;
      }
      if (kd === T.LBrace) {
        this.parseBlock();
        continue;
      }
      this.k++;
    }
  }

  /** Parses `{ ... }` starting at the `{`. Returns the statements and the index of the `}` (or of EOF). */
  private parseBlock(): { stmts: Stmt[]; close: number } {
    const open = this.k;
    this.k++;
    const stmts: Stmt[] = [];
    if (this.blockDepth >= MAX_BLOCK_DEPTH) {
      const r = this.tokRange(open);
      this.sink.error(Codes.NestingTooDeep, r, `blocks nest too deeply (more than ${MAX_BLOCK_DEPTH} levels); flatten the script`);
      this.lastErrorLine = r.start.line;
      return { stmts, close: this.skipBalanced() };
    }
    this.blockDepth++;
    let close = -1;
    for (;;) {
      const kd = this.kind();
      if (kd === T.Newline) {
        this.k++;
        continue;
      }
      if (kd === T.RBrace) {
        close = this.k++;
        break;
      }
      if (kd === T.EOF) {
        // Reported once: the enclosing blocks are unclosed for the same reason.
        if (!this.unclosedReported) {
          this.sink.error(Codes.UnclosedBlock, this.tokRange(open), 'this `{` is never closed: add the matching `}`');
          this.unclosedReported = true;
        }
        close = this.k;
        break;
      }
      this.statementInto(stmts);
    }
    this.blockDepth--;
    return { stmts: exact(stmts), close };
  }

  /** After a too-deep `{`: skips to its matching `}` without recursion. */
  private skipBalanced(): number {
    let depth = 1;
    for (;;) {
      const kd = this.kind();
      if (kd === T.EOF) return this.k;
      if (kd === T.LBrace) depth++;
      else if (kd === T.RBrace && --depth === 0) return this.k++;
      this.k++;
    }
  }

  /** A block that must follow a statement header on the same line. */
  private block(after: string): { stmts: Stmt[]; close: number } {
    if (this.kind() !== T.LBrace) {
      const what = this.kind() === T.Newline ? `; put the \`{\` on the same line as \`${after}\`` : '';
      this.fail(Codes.ExpectedToken, this.tokRange(this.k), `expected \`{\` after \`${after}\`, found ${this.describe(this.k)}${what}`);
    }
    return this.parseBlock();
  }

  // ---- statements

  private parseStatement(): Stmt | null {
    const start = this.k;
    const kd = this.kind();
    if (kd === T.Error) this.fail(Codes.UnexpectedCharacter, this.tokRange(start), '');
    if (kd === T.LBrace) {
      this.fail(Codes.ExpectedStatement, this.tokRange(start), 'a block `{` must follow `repeat`, `if`, `else` or `on`');
    }
    if (kd !== T.Ident) {
      this.fail(Codes.ExpectedStatement, this.tokRange(start), `expected a statement, found ${this.describe(start)}`);
    }
    if (!this.isKeyword(start)) {
      this.sawStatement = true;
      return this.parseAssign();
    }
    const word = this.tokText(start);
    if (this.peek() === T.Assign || (this.peek() === T.Word && word === 'model' && this.tokText(this.k + 1) === '=')) {
      this.fail(Codes.KeywordAsName, this.tokRange(start), `\`${word}\` is a keyword and cannot name a variable; pick another name`);
    }
    if (SETTING_KEYWORDS.has(word)) {
      this.parseSetting(word as SettingName);
      return null;
    }
    this.sawStatement = true;
    this.k++;
    switch (word) {
      case 'var': return this.parseArrayDecl(start);
      case 'drop': case 'stackfree': {
        const target = this.varName(word === 'drop' ? '`drop` takes a variable: `drop x`' : '`stackfree` takes a stack variable: `stackfree s`');
        if (this.kind() === T.Dot || this.kind() === T.LBracket) {
          this.fail(Codes.ExpectedEndOfStatement, this.tokRange(this.k),
            word === 'drop' ? '`drop` takes a whole variable; to clear one pointer write `x.next = nil` or `ring[i] = nil`' : '`stackfree` takes a stack variable: `stackfree s`');
        }
        return { kind: word, id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), target };
      }
      case 'gc': case 'freeosmemory': case 'runfinalizers':
        return { kind: word, id: -1, start: this.S(start), end: this.E(start), line: this.L(start) };
      case 'sweep': {
        const count = this.atStatementEnd() ? null : this.parseExpr();
        return { kind: 'sweep', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), count };
      }
      case 'scavenge': {
        const bytes = this.atStatementEnd() ? null : this.parseExpr();
        return { kind: 'scavenge', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), bytes };
      }
      case 'tick': {
        if (this.atStatementEnd()) this.fail(Codes.ExpectedExpression, this.tokRange(this.k), '`tick` needs a duration: `tick 30s`');
        const duration = this.parseExpr();
        return { kind: 'tick', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), duration };
      }
      case 'setfinalizer': {
        if (this.atStatementEnd()) this.fail(Codes.ExpectedExpression, this.tokRange(this.k), '`setfinalizer` needs an object: `setfinalizer x`');
        const target = this.parseExpr();
        return { kind: 'setfinalizer', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), target };
      }
      case 'on': return this.parseOn(start);
      case 'repeat': return this.parseRepeat(start);
      case 'if': return this.parseIf(start);
      case 'assert': case 'expect': return this.parseCheck(start, word);
      case 'print': return this.parsePrint(start);
      case 'else':
        this.fail(Codes.ElseWithoutIf, this.tokRange(start), '`else` must follow the `}` of an `if`, on the same line: `} else {`');
        break;
      case 'new': case 'make': case 'stackalloc':
        this.fail(Codes.MisplacedAllocation, this.tokRange(start), `the result of \`${word}\` must be assigned: \`x = ${word === 'make' ? 'make 1000 of 24' : word + ' 24'}\``);
        break;
    }
    this.fail(Codes.ExpectedStatement, this.tokRange(start), `expected a statement, found the keyword \`${word}\``);
  }

  private parseSetting(name: SettingName): void {
    const start = this.k++;
    let expr: Expr | null = null;
    let word: string | null = null;
    let valueStart: number;
    let valueEnd: number;
    if (name === 'model') {
      if (this.kind() !== T.Word) {
        this.fail(Codes.ExpectedToken, this.tokRange(this.k), `expected a model name after \`model\` (go1.5, go1.10 or go1.14), found ${this.describe(this.k)}`);
      }
      word = this.tokText(this.k);
      valueStart = this.S(this.k);
      valueEnd = this.E(this.k++);
    } else if (this.isIdent('off')) {
      word = 'off';
      valueStart = this.S(this.k);
      valueEnd = this.E(this.k++);
    } else {
      if (this.atStatementEnd()) {
        this.fail(Codes.ExpectedExpression, this.tokRange(this.k), `\`${name}\` needs a value, e.g. \`${SETTING_EXAMPLES[name]}\``);
      }
      expr = this.parseExpr();
      valueStart = expr.start;
      valueEnd = expr.end;
    }
    this.settings.push({
      kind: 'setting', name, expr, word, valueStart, valueEnd, start: this.S(start), end: valueEnd,
      afterStatements: this.sawStatement,
    });
  }

  private varName(usage: string): VarRef {
    const i = this.k;
    if (this.kinds[i] !== T.Ident) this.fail(Codes.ExpectedToken, this.tokRange(i), `${usage}; found ${this.describe(i)}`);
    const name = this.tokText(i);
    if (KEYWORDS.has(name)) this.fail(Codes.KeywordAsName, this.tokRange(i), `\`${name}\` is a keyword, not a variable; ${usage}`);
    this.k++;
    return this.varRef(name, i);
  }

  private varRef(name: string, i: number): VarRef {
    return { kind: 'var', name, slot: -1, start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
  }

  private parseArrayDecl(start: number): ArrayDecl {
    const usage = '`var` declares an array of references: `var ring[4096]`';
    const nameTok = this.k;
    if (this.kind() !== T.Ident) this.fail(Codes.ExpectedToken, this.tokRange(this.k), `${usage}; found ${this.describe(this.k)}`);
    const name = this.tokText(nameTok);
    if (KEYWORDS.has(name)) this.fail(Codes.KeywordAsName, this.tokRange(nameTok), `\`${name}\` is a keyword and cannot name an array`);
    this.k++;
    if (this.kind() !== T.LBracket) {
      this.fail(Codes.ExpectedToken, this.tokRange(this.k),
        `${usage}; a single variable needs no declaration: its first assignment declares it (\`${name} = nil\`)`);
    }
    this.k++;
    if (this.kind() === T.RBracket) this.fail(Codes.ExpectedExpression, this.tokRange(this.k), `the array needs a length: \`var ${name}[4096]\``);
    const length = this.parseExpr();
    this.expect(T.RBracket, 'expected `]` after the array length, found {found}');
    return { kind: 'array', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), name, nameStart: this.S(nameTok), length, slot: -1, constLength: null };
  }

  private parseOn(start: number): OnStmt {
    const pTok = this.k;
    const pText = this.kind() === T.Ident ? this.tokText(pTok) : '';
    let p = -1;
    if (pText.length >= 2 && pText.length <= 1 + MAX_P_DIGITS && pText.charCodeAt(0) === 80) {
      let ok = true;
      for (let i = 1; i < pText.length; i++) {
        const c = pText.charCodeAt(i);
        if (c < 48 || c > 57) ok = false;
      }
      if (ok && !(pText.length > 2 && pText.charCodeAt(1) === 48)) p = Number(pText.slice(1));
    }
    if (p < 0) {
      this.fail(Codes.InvalidProcName, this.tokRange(pTok), `expected a P after \`on\`, like \`on P1 { ... }\`; found ${this.describe(pTok)}`);
    }
    this.k++;
    const headEnd = this.E(pTok);
    const { stmts, close } = this.block(`on ${pText}`);
    return { kind: 'on', id: -1, start: this.S(start), end: this.E(close), line: this.L(start), p, pStart: this.S(pTok), headEnd, body: stmts };
  }

  private parseRepeat(start: number): RepeatStmt {
    if (this.atStatementEnd() || this.kind() === T.LBrace) {
      this.fail(Codes.ExpectedExpression, this.tokRange(this.k), '`repeat` needs a count: `repeat 10 { ... }` or `repeat 10 as i { ... }`');
    }
    const count = this.parseExpr();
    let counter: VarRef | null = null;
    if (this.isIdent('as')) {
      this.k++;
      counter = this.varName('`as` names the loop counter: `repeat 10 as i { ... }`');
    }
    const headEnd = this.E(this.k - 1);
    const { stmts, close } = this.block('repeat');
    return { kind: 'repeat', id: -1, start: this.S(start), end: this.E(close), line: this.L(start), count, counter, headEnd, body: stmts };
  }

  private parseIf(start: number): IfStmt {
    if (this.atStatementEnd() || this.kind() === T.LBrace) {
      this.fail(Codes.ExpectedExpression, this.tokRange(this.k), '`if` needs a condition: `if i % 2 == 0 { ... }`');
    }
    const cond = this.parseExpr();
    const headEnd = this.E(this.k - 1);
    const then = this.block('if');
    let close = then.close;
    let elseBody: Stmt[] | null = null;
    if (this.isIdent('else')) {
      const elseTok = this.k++;
      if (this.isIdent('if')) {
        // The chain nests in the tree (else: [if ...]), so each link counts as a block level:
        // a 10,000-link chain must not recurse 10,000 deep here or in the walkers after us.
        if (this.blockDepth + 1 >= MAX_BLOCK_DEPTH) {
          this.fail(Codes.NestingTooDeep, this.tokRange(this.k), `\`else if\` chains nest too deeply (more than ${MAX_BLOCK_DEPTH} levels with the enclosing blocks); split the chain`);
        }
        const ifTok = this.k++;
        const id = this.stmts.length;
        this.stmts.push(null);
        this.blockDepth++;
        let nested: IfStmt;
        try {
          nested = this.parseIf(ifTok);
        } finally {
          this.blockDepth--;
        }
        nested.id = id;
        this.stmts[id] = nested;
        elseBody = [nested];
        close = this.k - 1;
      } else {
        void elseTok;
        const b = this.block('else');
        elseBody = b.stmts;
        close = b.close;
      }
    }
    return { kind: 'if', id: -1, start: this.S(start), end: this.E(close), line: this.L(start), cond, headEnd, then: then.stmts, else: elseBody };
  }

  private parseCheck(start: number, word: 'assert' | 'expect'): CheckStmt {
    if (this.atStatementEnd()) {
      this.fail(Codes.ExpectedExpression, this.tokRange(this.k), `\`${word}\` needs a condition: \`${word} heap.inuse == 16384\``);
    }
    const cond = this.parseExpr();
    let message: string | null = null;
    if (this.kind() === T.Comma) {
      this.k++;
      if (this.kind() !== T.String) {
        this.fail(Codes.ExpectedToken, this.tokRange(this.k), `expected a message string after \`,\`, found ${this.describe(this.k)}`);
      }
      message = stringValue(this.ts, this.k);
      this.k++;
    }
    return { kind: word, id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), cond, message };
  }

  private parsePrint(start: number): PrintStmt {
    if (this.atStatementEnd()) {
      this.fail(Codes.ExpectedExpression, this.tokRange(this.k), '`print` needs at least one value: `print "inuse", heap.inuse`');
    }
    let args: Expr[] = [this.parseExpr()];
    while (this.kind() === T.Comma) {
      this.k++;
      args.push(this.parseExpr());
    }
    args = exact(args);
    return { kind: 'print', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), args };
  }

  private parseAssign(): AssignStmt {
    const start = this.k;
    const target = this.parseLValue();
    if (this.kind() !== T.Assign) {
      if (target.kind === 'var') {
        const hint = didYouMean(target.name, STATEMENT_KEYWORDS);
        if (hint !== '' || this.atStatementEnd()) {
          this.fail(Codes.ExpectedStatement, this.nodeRange(target),
            hint !== '' ? `unknown statement \`${target.name}\`${hint}` : `\`${target.name}\` is not a statement; to assign it write \`${target.name} = ...\``);
        }
      }
      this.fail(Codes.ExpectedToken, this.tokRange(this.k), `expected \`=\`, found ${this.describe(this.k)}`);
    }
    this.k++;
    if (this.atStatementEnd()) {
      this.fail(Codes.ExpectedExpression, this.tokRange(this.k), 'expected a value after `=`, e.g. `new 24` or `nil`');
    }
    const value = this.parseRhs();
    return { kind: 'assign', id: -1, start: this.S(start), end: this.E(this.k - 1), line: this.L(start), target, value, declares: false };
  }

  private parseLValue(): LValue {
    const start = this.k;
    const name = this.tokText(start);
    this.k++;
    let e: LValue = this.varRef(name, start);
    this.h = 1;
    for (;;) {
      const kd = this.kind();
      if (kd === T.Dot) e = this.parseField(e, start);
      else if (kd === T.LBracket) e = this.parseIndex(e, start);
      else break;
    }
    return e;
  }

  private parseRhs(): Expr {
    const start = this.k;
    if (this.kind() === T.Ident) {
      const word = this.tokText(start);
      if (word === 'new' || word === 'make' || word === 'stackalloc') {
        this.k++;
        return this.parseAlloc(word, start);
      }
    }
    return this.parseExpr();
  }

  private allocOperand(what: string): Expr {
    if (this.atStatementEnd()) this.fail(Codes.ExpectedExpression, this.tokRange(this.k), what);
    return this.parseBinary(ARITH_PREC);
  }

  private noscanWord(): boolean {
    if (this.isIdent('noscan')) {
      this.k++;
      return true;
    }
    return false;
  }

  private parseAlloc(word: 'new' | 'make' | 'stackalloc', start: number): AllocExpr {
    if (word === 'new') {
      const size = this.allocOperand('`new` needs a size in bytes: `new 24` or `new 100 noscan`');
      const ns = this.noscanWord();
      return { kind: 'new', start: this.S(start), end: this.E(this.k - 1), size, noscan: ns, type: 'unknown', constValue: null, constSize: null };
    }
    if (word === 'make') {
      const count = this.allocOperand('`make` needs an element count and size: `make 1000 of 24`');
      if (!this.isIdent('of')) {
        this.fail(Codes.ExpectedToken, this.tokRange(this.k), `expected \`of\` after the element count (\`make 1000 of 24\`), found ${this.describe(this.k)}`);
      }
      this.k++;
      const elemSize = this.allocOperand('expected the element size after `of`: `make 1000 of 24`');
      const ns = this.noscanWord();
      return { kind: 'make', start: this.S(start), end: this.E(this.k - 1), count, elemSize, noscan: ns, type: 'unknown', constValue: null, constSize: null };
    }
    const size = this.allocOperand('`stackalloc` needs a size in bytes: `stackalloc 8KB`');
    return { kind: 'stackalloc', start: this.S(start), end: this.E(this.k - 1), size, type: 'unknown', constValue: null, constSize: null };
  }

  // ---- expressions

  parseExpr(): Expr {
    return this.parseBinary(1);
  }

  private parseBinary(minPrec: number): Expr {
    let left = this.parseUnary();
    let leftH = this.h;
    for (;;) {
      const opTok = this.k;
      const prec = BINARY_PREC[this.kinds[opTok]];
      if (prec === 0 || prec < minPrec) break;
      this.k++;
      if (this.atStatementEnd()) {
        this.fail(Codes.ExpectedExpression, this.tokRange(this.k), `expected an operand after \`${TOKEN_NAMES[this.kinds[opTok]]}\`, found ${this.describe(this.k)}`);
      }
      const right = this.parseBinary(prec + 1);
      const h = Math.max(leftH, this.h) + 1;
      if (h > MAX_EXPR_HEIGHT) this.tooDeep(this.nodeRange(left));
      left = {
        kind: 'binary', op: TOKEN_NAMES[this.kinds[opTok]] as BinaryOp, left, right, opStart: this.S(opTok),
        start: left.start, end: right.end, type: 'unknown', constValue: null,
      };
      leftH = h;
    }
    this.h = leftH;
    return left;
  }

  private tooDeep(r: Range): never {
    this.fail(Codes.NestingTooDeep, r, `expression nests too deeply (more than ${MAX_EXPR_DEPTH} levels or ${MAX_EXPR_HEIGHT} operators deep); split it using variables`);
  }

  private parseUnary(): Expr {
    const kd = this.kind();
    if (kd === T.Minus || kd === T.Not) {
      const opTok = this.k++;
      if (++this.exprDepth > MAX_EXPR_DEPTH) this.tooDeep(this.tokRange(opTok));
      const operand = this.parseUnary();
      this.exprDepth--;
      this.h++;
      return { kind: 'unary', op: kd === T.Minus ? '-' : '!', operand, start: this.S(opTok), end: operand.end, type: 'unknown', constValue: null };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    const start = this.k;
    let e = this.parsePrimary();
    for (;;) {
      const kd = this.kind();
      if (kd === T.Dot) e = this.parseField(e, start);
      else if (kd === T.LBracket) e = this.parseIndex(e, start);
      else break;
    }
    return e;
  }

  private internField(name: string): number {
    let id = this.fieldIds.get(name);
    if (id === undefined) {
      id = this.fields.length;
      this.fields.push(name);
      this.fieldIds.set(name, id);
    }
    return id;
  }

  private parseField(target: Expr, start: number): FieldExpr {
    this.k++;
    const ft = this.k;
    if (this.kind() !== T.Ident) {
      this.fail(Codes.ExpectedToken, this.tokRange(ft), `expected a field name after \`.\`, found ${this.describe(ft)}`);
    }
    const field = this.tokText(ft);
    this.k++;
    const h = this.h + 1;
    if (h > MAX_EXPR_HEIGHT) this.tooDeep(this.nodeRange(target));
    this.h = h;
    return {
      kind: 'field', target, field, fieldStart: this.S(ft), fieldId: this.internField(field),
      start: this.S(start), end: this.E(ft), type: 'unknown', constValue: null,
    };
  }

  private parseIndex(target: Expr, start: number): IndexExpr {
    const targetH = this.h;
    const open = this.k++;
    if (this.kind() === T.RBracket) this.fail(Codes.ExpectedExpression, this.tokRange(this.k), 'expected an index inside `[]`');
    if (++this.exprDepth > MAX_EXPR_DEPTH) this.tooDeep(this.tokRange(open));
    const index = this.parseExpr();
    this.exprDepth--;
    const close = this.expect(T.RBracket, 'expected `]`, found {found}');
    const h = Math.max(targetH, this.h) + 1;
    if (h > MAX_EXPR_HEIGHT) this.tooDeep(this.nodeRange(target));
    this.h = h;
    return { kind: 'index', target, index, on: 'unknown', start: this.S(start), end: this.E(close), type: 'unknown', constValue: null };
  }

  private parsePrimary(): Expr {
    const i = this.k;
    const kd = this.kind();
    this.h = 1;
    switch (kd) {
      case T.Int: {
        this.k++;
        const v = literalValue(this.ts, i);
        const f = this.ts.flags[i];
        // Small integers as Smis (no boxed double per literal).
        const lit: IntLit = { kind: 'int', value: v === (v | 0) ? v | 0 : v, unit: UNIT_NAMES[f === INVALID_LITERAL ? 0 : f], start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
        return lit;
      }
      case T.String:
        this.k++;
        return { kind: 'string', value: stringValue(this.ts, i), start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
      case T.LParen: {
        this.k++;
        if (++this.exprDepth > MAX_EXPR_DEPTH) this.tooDeep(this.tokRange(i));
        const e = this.parseExpr();
        this.exprDepth--;
        this.expect(T.RParen, 'expected `)`, found {found}');
        return e;
      }
      case T.Ident:
        return this.parseIdentPrimary(i);
    }
    this.fail(Codes.ExpectedExpression, this.tokRange(i), `expected an expression, found ${this.describe(i)}`);
  }

  private parseIdentPrimary(i: number): Expr {
    const name = this.tokText(i);
    this.k++;
    if (this.ts.ids[i] < KEYWORD_COUNT) {
      switch (name) {
        case 'true': case 'false':
          return { kind: 'bool', value: name === 'true', start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
        case 'nil':
          return { kind: 'nil', start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
        case 'heap': {
          if (this.kind() !== T.Dot || this.peek() !== T.Ident) {
            this.fail(Codes.ExpectedToken, this.kind() === T.Dot ? this.tokRange(this.k + 1) : this.tokRange(i),
              '`heap` needs a field, e.g. `heap.inuse` or `heap.numGC`');
          }
          const ft = this.k + 1;
          this.k += 2;
          this.h = 2;
          return { kind: 'fact', fn: 'heap', fnEnd: this.E(i), args: [], field: this.tokText(ft), fieldStart: this.S(ft), key: '', start: this.S(i), end: this.E(ft), type: 'unknown', constValue: null };
        }
        case 'rand': {
          this.expect(T.LParen, '`rand` is called like `rand(100)`');
          if (++this.exprDepth > MAX_EXPR_DEPTH) this.tooDeep(this.tokRange(i));
          const bound = this.parseExpr();
          this.exprDepth--;
          const close = this.expect(T.RParen, 'expected `)`, found {found}');
          this.h++;
          return { kind: 'rand', bound, start: this.S(i), end: this.E(close), type: 'unknown', constValue: null };
        }
        case 'new': case 'make': case 'stackalloc':
          this.fail(Codes.MisplacedAllocation, this.tokRange(i), `\`${name}\` must be the whole right-hand side of an assignment: \`x = ${name === 'make' ? 'make 1000 of 24' : name + ' 24'}\``);
      }
      if (SPAN_STATE_NAMES.has(name)) return { kind: 'spanstate', name, start: this.S(i), end: this.E(i), type: 'unknown', constValue: null };
      this.fail(Codes.ExpectedExpression, this.tokRange(i), `\`${name}\` is a keyword; expected an expression`);
    }
    if (this.kind() === T.LParen) return this.parseFactCall(i, name);
    return this.varRef(name, i);
  }

  private parseFactCall(i: number, fn: string): FactExpr {
    this.k++;
    if (++this.exprDepth > MAX_EXPR_DEPTH) this.tooDeep(this.tokRange(i));
    let args: Expr[] = [];
    let h = 1;
    if (this.kind() !== T.RParen) {
      for (;;) {
        args.push(this.parseExpr());
        h = Math.max(h, this.h + 1);
        if (this.kind() !== T.Comma) break;
        this.k++;
      }
    }
    this.exprDepth--;
    let end = this.expect(T.RParen, 'expected `)` after the argument of `' + fn + '`, found {found}');
    args = exact(args);
    let field: string | null = null;
    let fieldStart = -1;
    if (this.kind() === T.Dot && this.peek() === T.Ident) {
      end = this.k + 1;
      field = this.tokText(end);
      fieldStart = this.S(end);
      this.k += 2;
      h++;
    }
    if (h > MAX_EXPR_HEIGHT) this.tooDeep(this.tokRange(i));
    this.h = h;
    return { kind: 'fact', fn, fnEnd: this.E(i), args, field, fieldStart, key: '', start: this.S(i), end: this.E(end), type: 'unknown', constValue: null };
  }
}

const SETTING_EXAMPLES: Record<SettingName, string> = {
  model: 'model go1.14',
  procs: 'procs 4',
  gogc: 'gogc 100',
  memprofilerate: 'memprofilerate 1',
  physpagesize: 'physpagesize 4096',
  seed: 'seed 1',
};

/**
 * A copy of a short list with no spare capacity: a pushed-to array keeps room for 16 more
 * elements, which for a million small blocks is a lot of memory.
 */
function exact<X>(list: X[]): X[] {
  return list.length <= 16 ? list.slice() : list;
}

/** Gives statements their ids: source order, parents before children. */
function numberStatements(list: Stmt[], out: Stmt[]): void {
  for (const s of list) {
    s.id = out.length;
    out.push(s);
    switch (s.kind) {
      case 'on': case 'repeat':
        numberStatements(s.body, out);
        break;
      case 'if':
        numberStatements(s.then, out);
        if (s.else !== null) numberStatements(s.else, out);
        break;
    }
  }
}

/** Tokens per chunk when statements are handed over: token arrays of ~1 MB, reused. */
export const CHUNK_TOKENS = 1 << 16;

/**
 * Parses a script. Never throws: problems are returned as diagnostics (syntax only; see `check`).
 * With a `handler`, top-level statements go to it as they are parsed and are not kept, and the
 * tokens are scanned in chunks of about `chunkTokens` (0: all at once).
 */
export function parse(text: string, handler: TopLevelHandler | null = null, chunkTokens = CHUNK_TOKENS): ParseResult {
  const sink = new DiagnosticSink();
  try {
    let program: Program;
    if (handler !== null && chunkTokens > 0) {
      const chunks = lexChunks(text, sink, chunkTokens);
      program = new Parser(chunks.next()!, sink, handler, chunks.lineStarts, chunks.next).parseProgram();
    } else {
      const ts = lex(text, sink);
      program = new Parser(ts, sink, handler, ts.lineStarts, null).parseProgram();
    }
    return { program, diagnostics: sink.list };
  } catch (e) {
    // A bug in the front end must not take the editor down; report it as a diagnostic.
    sink.error(Codes.InternalError, { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
      `internal error in the script parser: ${e instanceof Error ? e.message : String(e)}; please report this script`);
    return { program: emptyProgram(), diagnostics: sink.list };
  }
}

export function emptyProgram(): Program {
  return {
    lineStarts: new Int32Array(1), settings: [], body: [], statements: [], fields: [], slots: [],
    effective: DEFAULT_SETTINGS, lineCount: 1, brokenNames: [], hasSyntaxErrors: true,
  };
}
