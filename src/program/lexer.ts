/**
 * The allocation-script lexer: a hand-written scanner over char codes (no regular expressions,
 * so no backtracking hazards), one pass, never throws.
 *
 * Tokens live in parallel typed arrays (`TokenStream`) so a 1,000,000-line script costs a few
 * allocations, not millions. `lexChunks` scans the same tokens a chunk at a time into arrays it
 * reuses: a chunk ends at a line end outside any `{ }` once it holds enough tokens, so a caller
 * that is done with a chunk's statements when it reaches the chunk's end (the streaming parser)
 * needs a few MB for tokens instead of ~14 bytes per token of the whole file.
 *
 * Newlines are tokens (statements end at the end of a line); a run of blank or comment-only lines
 * is one `Newline` token. Comments run from `#` to the end of the line.
 *
 * Invariants: the stream always ends with one Newline token and then one EOF token; every token's start/end offsets
 * lie within the text and never span a line break (Newline and EOF tokens are zero-width ranges
 * at their position); every rejected character run yields one `Error` token and one diagnostic.
 */

import { didYouMean } from './suggest';
import { KEYWORDS as KEYWORDS_, MAX_INT as MAX_INT_, T as T_, TOKEN_NAMES, Unit as Unit_, UNITS as UNITS_, type TokenKind, type TokenName, type UnitKind } from './tokens';
import { Codes as Codes_, DiagnosticSink } from './diagnostics';
import { LineIndex, lineOfOffset, type Range } from './positions';

// Local aliases: module imports may compile to getters, and these are read per character.
const T = T_;
const Unit = Unit_;
const UNITS = UNITS_;
const MAX_INT = MAX_INT_;
const Codes = Codes_;

export interface TokenStream {
  readonly text: string;
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** Ident tokens: index of the (interned) name in `names`; ids below KEYWORD_LIST.length are keywords. */
  readonly ids: Int32Array;
  readonly names: readonly string[];
  /** Int tokens: UnitKind in the low bits, INVALID_LITERAL when the literal was rejected. */
  readonly flags: Uint8Array;
  /** Token indexes of the String tokens, ascending, and their decoded values. */
  readonly stringTokens: readonly number[];
  readonly strings: readonly string[];
  /** Offsets of the line starts (from `lexChunks`: of the whole text, computed before scanning). */
  readonly lineStarts: Int32Array;
  /** A chunk that is not the last: it ends with a Newline token and an EOF token standing for "more follows". */
  readonly more: boolean;
}

const MAX_SHOWN_LITERAL = 40;

function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
/** Characters that start a token or separate tokens; anything else is rejected. */
function startsToken(c: number): boolean {
  if (isIdentPart(c)) return true;
  switch (c) {
    case 32: case 9: case 10: case 13: case 12: case 11: case 0xfeff:
    case 35: case 34: // # "
    case 123: case 125: case 40: case 41: case 91: case 93: case 44: case 46: // { } ( ) [ ] , .
    case 61: case 43: case 45: case 42: case 47: case 37: case 60: case 62: case 33: // = + - * / % < > !
    case 38: case 124: case 58: case 59: // & | : ;
      return true;
  }
  return false;
}

/** How a character is shown in a message: `@`, or U+0000 for invisible ones. */
export function describeChar(c: number): string {
  const hex = 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
  if (c > 32 && c < 127) return '`' + String.fromCharCode(c) + '`';
  if (c >= 0xa1 && (c < 0xd800 || c > 0xdfff) && c !== 0xfeff && c !== 0x2028 && c !== 0x2029) {
    return '`' + String.fromCharCode(c) + '` (' + hex + ')';
  }
  return hex;
}

export function shortLiteral(s: string): string {
  return s.length > MAX_SHOWN_LITERAL ? s.slice(0, MAX_SHOWN_LITERAL) + '…' : s;
}

/** Keywords, interned first so that an identifier is a keyword iff its id < KEYWORD_LIST.length. */
export const KEYWORD_LIST: readonly string[] = [...KEYWORDS_];
const MODEL_ID = KEYWORD_LIST.indexOf('model');

function nameHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

// Character classes of ASCII, for the main loop.
const C_OTHER = 0;
const C_SPACE = 1;
const C_NEWLINE = 2;
const C_IDENT = 3;
const C_DIGIT = 4;
const C_SINGLE = 5;
const C_HASH = 6;
const C_QUOTE = 7;
const CHAR_CLASS = new Uint8Array(128);
/** Token kind of the single-character tokens that never start a longer one. */
const SINGLE_KIND = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c === 32 || c === 9 || c === 11 || c === 12) CHAR_CLASS[c] = C_SPACE;
  else if (c === 10 || c === 13) CHAR_CLASS[c] = C_NEWLINE;
  else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) CHAR_CLASS[c] = C_IDENT;
  else if (c >= 48 && c <= 57) CHAR_CLASS[c] = C_DIGIT;
  else if (c === 35) CHAR_CLASS[c] = C_HASH;
  else if (c === 34) CHAR_CLASS[c] = C_QUOTE;
}
for (const [ch, kind] of [
  ['{', T.LBrace], ['}', T.RBrace], ['(', T.LParen], [')', T.RParen], ['[', T.LBracket], [']', T.RBracket],
  [',', T.Comma], ['.', T.Dot], ['+', T.Plus], ['-', T.Minus], ['*', T.Star], ['%', T.Percent],
] as const) {
  CHAR_CLASS[ch.charCodeAt(0)] = C_SINGLE;
  SINGLE_KIND[ch.charCodeAt(0)] = kind;
}

function grow8(a: Uint8Array, cap: number): Uint8Array {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

function grow32(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

class Lexer {
  // Capacity: 0.4 tokens per character covers dense scripts, so growing (copying) is rare.
  private kinds: Uint8Array;
  private starts: Int32Array;
  private ends: Int32Array;
  private flags: Uint8Array;
  private ids: Int32Array;
  /** Interned identifiers; the keywords come first (ids 0..KEYWORD_LIST.length-1). */
  private readonly names: string[] = [];
  private readonly nameHashes: number[] = [];
  private nameTable = new Int32Array(1024);
  private strings: string[] = [];
  private stringTokens: number[] = [];
  private lineStarts: Int32Array = new Int32Array(256);
  private lineCount = 1;
  private n = 0;
  private i = 0;
  private line = 0;
  private lineStart = 0;
  /** After `model`: scan the next token on this line as a raw Word. */
  private wordNext = false;
  /** Brace depth (never below 0), for chunk boundaries. */
  private depth = 0;

  /**
   * `chunkTokens` 0: one stream for the whole text, recording the line starts as it goes; else
   * chunks of about that many tokens, with the text's line starts given (`lines`).
   */
  constructor(private readonly text: string, private readonly sink: DiagnosticSink, private readonly chunkTokens = 0, lines: Int32Array | null = null) {
    if (lines !== null) {
      this.lineStarts = lines;
      this.lineCount = lines.length;
    }
    const cap = chunkTokens > 0 ? 64 + chunkTokens * 2 : 64 + ((text.length * 0.4) | 0);
    this.kinds = new Uint8Array(cap);
    this.starts = new Int32Array(cap);
    this.ends = new Int32Array(cap);
    this.flags = new Uint8Array(cap);
    this.ids = new Int32Array(cap);
    for (const kw of KEYWORD_LIST) this.addName(kw, nameHash(kw));
  }

  private grow(): void {
    const cap = this.kinds.length + (this.kinds.length >> 1);
    this.kinds = grow8(this.kinds, cap);
    this.flags = grow8(this.flags, cap);
    this.starts = grow32(this.starts, cap);
    this.ends = grow32(this.ends, cap);
    this.ids = grow32(this.ids, cap);
  }

  /** Id of the identifier text[start..end) with hash h, interning it on first sight (no slicing after). */
  private intern(h: number, start: number, end: number): number {
    const table = this.nameTable;
    const mask = table.length - 1;
    const n = end - start;
    let slot = h & mask;
    for (;;) {
      const e = table[slot];
      if (e === 0) break;
      const name = this.names[e - 1];
      if (this.nameHashes[e - 1] === h && name.length === n && this.text.startsWith(name, start)) return e - 1;
      slot = (slot + 1) & mask;
    }
    return this.addName(this.text.slice(start, end), h);
  }

  private addName(name: string, h: number): number {
    const id = this.names.length;
    this.names.push(name);
    this.nameHashes.push(h);
    if (this.names.length * 2 > this.nameTable.length) {
      const bigger = new Int32Array(this.nameTable.length * 2);
      const mask = bigger.length - 1;
      for (let i = 0; i < this.names.length; i++) {
        let slot = this.nameHashes[i] & mask;
        while (bigger[slot] !== 0) slot = (slot + 1) & mask;
        bigger[slot] = i + 1;
      }
      this.nameTable = bigger;
    } else {
      const mask = this.nameTable.length - 1;
      let slot = h & mask;
      while (this.nameTable[slot] !== 0) slot = (slot + 1) & mask;
      this.nameTable[slot] = id + 1;
    }
    return id;
  }

  private push(kind: TokenKind, start: number, end: number): number {
    if (this.n === this.kinds.length) this.grow();
    const k = this.n++;
    this.kinds[k] = kind;
    this.starts[k] = start;
    this.ends[k] = end;
    return k;
  }

  private newLine(nextStart: number): void {
    this.line++;
    this.lineStart = nextStart;
    if (this.chunkTokens > 0) return; // the line starts were given
    if (this.lineCount === this.lineStarts.length) {
      const b = new Int32Array(this.lineStarts.length * 2);
      b.set(this.lineStarts);
      this.lineStarts = b;
    }
    this.lineStarts[this.lineCount++] = nextStart;
  }

  private rangeOf(start: number, end: number): Range {
    return {
      start: { line: this.line, column: start - this.lineStart },
      end: { line: this.line, column: end - this.lineStart },
    };
  }

  private err(code: Parameters<DiagnosticSink['error']>[0], start: number, end: number, msg: string): void {
    this.sink.error(code, this.rangeOf(start, end), msg);
  }

  /** The next chunk (or the whole stream), or null after the last. */
  run(): TokenStream | null {
    const text = this.text;
    const len = text.length;
    if (this.i >= len && this.n > 0) return null; // the last chunk was handed out
    this.n = 0;
    this.strings = [];
    this.stringTokens = [];
    const chunk = this.chunkTokens > 0 ? this.chunkTokens : Infinity;
    this.lineStarts[0] = 0;
    while (this.i < len) {
      const c = text.charCodeAt(this.i);
      const cls = c < 128 ? CHAR_CLASS[c] : c === 0xfeff ? C_SPACE : C_OTHER;
      if (cls === C_SPACE) {
        this.i++;
        continue;
      }
      // line breaks (one Newline token per run of blank/comment lines)
      if (cls === C_NEWLINE) {
        this.wordNext = false;
        const last = this.n > 0 ? this.kinds[this.n - 1] : T.Newline;
        if (last !== T.Newline) this.push(T.Newline, this.i, this.i);
        this.i += c === 13 && this.i + 1 < len && text.charCodeAt(this.i + 1) === 10 ? 2 : 1;
        this.newLine(this.i);
        if (this.n >= chunk && this.depth === 0 && this.i < len) {
          this.push(T.EOF, this.i, this.i);
          return this.stream(true);
        }
        continue;
      }
      if (cls === C_HASH) {
        this.skipToLineEnd();
        continue;
      }
      if (this.wordNext) {
        this.wordNext = false;
        this.scanWord();
        continue;
      }
      if (cls === C_IDENT) {
        const start = this.i;
        let j = start + 1;
        let h = Math.imul(2166136261 ^ c, 16777619);
        while (j < len) {
          const d = text.charCodeAt(j);
          if (d >= 128 || CHAR_CLASS[d] !== C_IDENT && CHAR_CLASS[d] !== C_DIGIT) break;
          h = Math.imul(h ^ d, 16777619);
          j++;
        }
        this.i = j;
        const k = this.push(T.Ident, start, j);
        const id = this.intern(h, start, j);
        this.ids[k] = id;
        if (id === MODEL_ID) this.wordNext = true;
        continue;
      }
      if (cls === C_SINGLE) {
        const start = this.i;
        this.i = start + 1;
        if (c === 123) this.depth++;
        else if (c === 125 && this.depth > 0) this.depth--;
        this.push(SINGLE_KIND[c] as TokenKind, start, start + 1);
        continue;
      }
      if (cls === C_DIGIT) {
        this.scanNumber();
        continue;
      }
      if (cls === C_QUOTE) {
        this.scanString();
        continue;
      }
      this.scanOperator(c);
    }
    if (this.n === 0 || this.kinds[this.n - 1] !== T.Newline) this.push(T.Newline, len, len);
    this.push(T.EOF, len, len);
    return this.stream(false);
  }

  private stream(more: boolean): TokenStream {
    const text = this.text;
    return {
      text,
      count: this.n,
      kinds: this.kinds,
      starts: this.starts,
      ends: this.ends,
      flags: this.flags,
      ids: this.ids,
      names: this.names,
      stringTokens: this.stringTokens,
      strings: this.strings,
      lineStarts: this.lineStarts.subarray(0, this.lineCount),
      more,
    };
  }

  private skipToLineEnd(): void {
    const text = this.text;
    let j = this.i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 10 || c === 13) break;
      j++;
    }
    this.i = j;
  }

  private scanWord(): void {
    const text = this.text;
    const start = this.i;
    let j = start;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 35) break;
      j++;
    }
    this.i = j;
    this.push(T.Word, start, j);
  }

  private scanNumber(): void {
    const text = this.text;
    const len = text.length;
    const start = this.i;
    let j = start;
    let value = 0;
    let bad = ''; // first problem found, reported once the whole literal is known
    let code: typeof Codes.MalformedNumber | typeof Codes.FractionalNumber | typeof Codes.UnknownUnit | typeof Codes.NumberTooLarge = Codes.MalformedNumber;
    let unit: UnitKind = Unit.None;
    const c1 = j + 1 < len ? text.charCodeAt(j + 1) : 0;
    if (text.charCodeAt(j) === 48 && (c1 === 120 || c1 === 88)) {
      // hexadecimal: 0x1F, 0x_ff_ff (Go's separator rules)
      j += 2;
      let digits = 0;
      let prevUnderscore = false;
      let badSep = false;
      while (j < len) {
        const c = text.charCodeAt(j);
        const h = hexValue(c);
        if (h >= 0) {
          value = value * 16 + h;
          digits++;
          prevUnderscore = false;
        } else if (c === 95) {
          if (prevUnderscore) badSep = true;
          prevUnderscore = true;
        } else break;
        j++;
      }
      if (prevUnderscore) badSep = true;
      let k = j;
      while (k < len && isIdentPart(text.charCodeAt(k))) k++;
      if (digits === 0) bad = `hexadecimal literal \`${shortLiteral(text.slice(start, k))}\` has no digits`;
      else if (badSep) bad = `\`_\` must separate digits in \`${shortLiteral(text.slice(start, k))}\``;
      else if (k > j) bad = `a unit cannot follow a hexadecimal literal (\`${shortLiteral(text.slice(start, k))}\`); write it in decimal, e.g. \`4KB\``;
      j = k;
    } else {
      let digits = 0;
      let prevUnderscore = false;
      let badSep = false;
      while (j < len) {
        const c = text.charCodeAt(j);
        if (isDigit(c)) {
          value = value * 10 + (c - 48);
          digits++;
          prevUnderscore = false;
        } else if (c === 95) {
          if (prevUnderscore) badSep = true;
          prevUnderscore = true;
        } else break;
        j++;
      }
      if (prevUnderscore) badSep = true;
      const digitsEnd = j;
      const leadingZero = text.charCodeAt(start) === 48 && digits > 1;
      let fraction = false;
      if (j + 1 < len && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1))) {
        fraction = true;
        j++;
        while (j < len && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 95)) j++;
      }
      const suffixStart = j;
      while (j < len && isIdentPart(text.charCodeAt(j))) j++;
      const literal = text.slice(start, j);
      if (fraction) {
        code = Codes.FractionalNumber;
        bad = `fractional numbers are not supported (\`${shortLiteral(literal)}\`); use a smaller unit, e.g. \`1500ms\` instead of \`1.5s\``;
      } else if (badSep) {
        bad = `\`_\` must separate digits in \`${shortLiteral(literal)}\``;
      } else if (leadingZero) {
        bad = `leading zeros are not allowed in \`${shortLiteral(literal)}\` (octal literals are not supported)`;
      } else if (j > suffixStart) {
        const suffix = text.slice(suffixStart, j);
        const u = UNITS.get(suffix);
        if (u === undefined) {
          code = Codes.UnknownUnit;
          bad = `unknown unit \`${shortLiteral(suffix)}\` in \`${shortLiteral(literal)}\`${didYouMean(suffix, UNITS.keys())} (sizes: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; durations: ns, us, ms, s, m, h)`;
        } else {
          unit = u.kind;
          value *= u.scale;
        }
      }
      if (bad === '' && value > MAX_INT) {
        code = Codes.NumberTooLarge;
        bad = `\`${shortLiteral(literal)}\` is too large; numbers must be at most 2^53-1 (9007199254740991)`;
      }
      void digitsEnd;
    }
    if (bad === '' && value > MAX_INT) {
      code = Codes.NumberTooLarge;
      bad = `\`${shortLiteral(text.slice(start, j))}\` is too large; numbers must be at most 2^53-1 (9007199254740991)`;
    }
    this.i = j;
    const k = this.push(T.Int, start, j);
    if (bad !== '') {
      this.flags[k] = INVALID_LITERAL;
      this.err(code, start, j, bad);
    } else {
      this.flags[k] = unit;
    }
  }

  private scanString(): void {
    const text = this.text;
    const len = text.length;
    const start = this.i;
    let j = start + 1;
    let out = '';
    let chunk = j;
    let closed = false;
    while (j < len) {
      const c = text.charCodeAt(j);
      if (c === 34) {
        out += text.slice(chunk, j);
        j++;
        closed = true;
        break;
      }
      if (c === 10 || c === 13) break;
      if (c === 92) {
        out += text.slice(chunk, j);
        const e = j + 1 < len ? text.charCodeAt(j + 1) : 0;
        if (e === 110) out += '\n';
        else if (e === 116) out += '\t';
        else if (e === 92) out += '\\';
        else if (e === 34) out += '"';
        else {
          const shown = e === 0 || e === 10 || e === 13 ? '\\' : '\\' + String.fromCharCode(e);
          this.err(Codes.InvalidEscape, j, Math.min(j + (e === 10 || e === 13 || e === 0 ? 1 : 2), len),
            `invalid escape \`${shown}\` in string; use \\n, \\t, \\\\ or \\"`);
          if (e === 0 || e === 10 || e === 13) {
            j++;
            chunk = j;
            continue;
          }
        }
        j += 2;
        chunk = j;
        continue;
      }
      j++;
    }
    if (!closed) {
      out += text.slice(chunk, j);
      this.err(Codes.UnterminatedString, start, j, 'unterminated string: add the closing `"` on the same line');
    }
    this.i = j;
    const k = this.push(T.String, start, j);
    this.stringTokens.push(k);
    this.strings.push(out);
  }

  private op(start: number, len: number, kind: TokenKind): void {
    this.i = start + len;
    this.push(kind, start, start + len);
  }

  private scanOperator(c: number): void {
    const text = this.text;
    const start = this.i;
    const next = start + 1 < text.length ? text.charCodeAt(start + 1) : 0;
    switch (c) {
      case 123: return this.op(start, 1, T.LBrace);
      case 125: return this.op(start, 1, T.RBrace);
      case 40: return this.op(start, 1, T.LParen);
      case 41: return this.op(start, 1, T.RParen);
      case 91: return this.op(start, 1, T.LBracket);
      case 93: return this.op(start, 1, T.RBracket);
      case 44: return this.op(start, 1, T.Comma);
      case 46: return this.op(start, 1, T.Dot);
      case 43: return this.op(start, 1, T.Plus);
      case 45: return this.op(start, 1, T.Minus);
      case 42: return this.op(start, 1, T.Star);
      case 37: return this.op(start, 1, T.Percent);
      case 61: return next === 61 ? this.op(start, 2, T.Eq) : this.op(start, 1, T.Assign);
      case 33: return next === 61 ? this.op(start, 2, T.Ne) : this.op(start, 1, T.Not);
      case 60: return next === 61 ? this.op(start, 2, T.Le) : next === 60 ? this.op(start, 2, T.Shl) : this.op(start, 1, T.Lt);
      case 62: return next === 61 ? this.op(start, 2, T.Ge) : next === 62 ? this.op(start, 2, T.Shr) : this.op(start, 1, T.Gt);
      case 47:
        if (next === 47) {
          this.err(Codes.ForeignOperator, start, start + 2, 'comments start with `#`, not `//`');
          this.skipToLineEnd();
          return;
        }
        return this.op(start, 1, T.Slash);
      case 38:
        if (next === 38) return this.op(start, 2, T.AndAnd);
        this.err(Codes.ForeignOperator, start, start + 1, '`&` is not an operator here; did you mean `&&`?');
        return this.op(start, 1, T.Error);
      case 124:
        if (next === 124) return this.op(start, 2, T.OrOr);
        this.err(Codes.ForeignOperator, start, start + 1, '`|` is not an operator here; did you mean `||`?');
        return this.op(start, 1, T.Error);
      case 58:
        if (next === 61) {
          this.err(Codes.ForeignOperator, start, start + 2, 'write `=` instead of `:=`; a variable is declared by its first assignment');
          return this.op(start, 2, T.Assign);
        }
        break;
      case 59: {
        this.err(Codes.ForeignOperator, start, start + 1, 'statements end at the end of the line; remove the `;` and start a new line');
        this.i = start + 1;
        const last = this.n > 0 ? this.kinds[this.n - 1] : T.Newline;
        if (last !== T.Newline) this.push(T.Newline, start, start);
        return;
      }
    }
    // A run of characters that start no token: one Error token, one diagnostic.
    let j = start + 1;
    while (j < text.length && !startsToken(text.charCodeAt(j))) j++;
    this.i = j;
    this.push(T.Error, start, j);
    let msg: string;
    if (c === 0xa0) msg = 'unexpected non-breaking space (U+00A0); use a plain space';
    else if (c === 0x201c || c === 0x201d) msg = `unexpected curly quote ${describeChar(c)}; strings use straight double quotes "..."`;
    else if (c === 39) msg = "unexpected character `'`; strings use double quotes \"...\"";
    else if (j - start === 1) msg = `unexpected character ${describeChar(c)}`;
    else msg = `unexpected characters starting with ${describeChar(c)} (${j - start} characters)`;
    // U+FFFD is what reading non-UTF-8 bytes as UTF-8 gives: say so.
    if (c === 0xfffd) msg += '; the file is not UTF-8 text (binary, UTF-16 or Latin-1?): save it as UTF-8';
    this.err(Codes.UnexpectedCharacter, start, j, msg);
  }
}

/** Flag of an Int token whose literal was rejected (and reported). */
export const INVALID_LITERAL = 0x80;

/**
 * Value of Int token k, unit applied; NaN if the literal was rejected. Recomputed from the text
 * (literals are short) so the token arrays need no 8-byte value per token.
 */
export function literalValue(s: TokenStream, k: number): number {
  if (s.flags[k] === INVALID_LITERAL) return NaN;
  const text = s.text;
  const end = s.ends[k];
  let i = s.starts[k];
  let v = 0;
  if (end - i > 2 && text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 32) === 120) {
    for (i += 2; i < end; i++) {
      const h = hexValue(text.charCodeAt(i));
      if (h >= 0) v = v * 16 + h;
    }
    return v;
  }
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
    else if (c !== 95) break;
  }
  if (i < end) {
    const u = UNITS.get(text.slice(i, end));
    if (u !== undefined) v *= u.scale;
  }
  return v;
}

/** 0-based line of token k (tokens never span lines). */
export function tokenLine(s: TokenStream, k: number): number {
  return lineOfOffset(s.lineStarts, s.starts[k]);
}

/** Decoded value of String token k. */
export function stringValue(s: TokenStream, k: number): string {
  const toks = s.stringTokens;
  let lo = 0;
  let hi = toks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (toks[mid] === k) return s.strings[mid];
    if (toks[mid] < k) lo = mid + 1;
    else hi = mid - 1;
  }
  return '';
}

/** Scans `text` into a token stream, reporting lexical errors into `sink`. Never throws. */
export function lex(text: string, sink: DiagnosticSink): TokenStream {
  return new Lexer(text, sink).run()!;
}

/**
 * The same tokens as `lex`, a chunk of about `chunkTokens` at a time (more when a block is open):
 * `next()` returns the next chunk, written over the arrays of the one before; null after the last.
 * `lineStarts` (of the whole text) is there before the first chunk.
 */
export function lexChunks(text: string, sink: DiagnosticSink, chunkTokens: number): { readonly lineStarts: Int32Array; next(): TokenStream | null } {
  const lineStarts = new LineIndex(text).starts;
  const lexer = new Lexer(text, sink, Math.max(1, chunkTokens), lineStarts);
  return { lineStarts, next: () => lexer.run() };
}

/** A token as plain data, for tests and tooling (syntax highlighting, hovers). */
export interface Token {
  readonly kind: TokenName;
  readonly text: string;
  readonly range: Range;
  /** Int tokens: the value with its unit applied (NaN if rejected). */
  readonly value?: number;
  /** Int tokens: what the unit measures. */
  readonly unit?: 'none' | 'bytes' | 'duration';
  /** String tokens: the decoded string. */
  readonly string?: string;
}

/** Tokens of `text` as objects (convenience over `lex`), with the lexical diagnostics. */
export function tokenize(text: string): { tokens: Token[]; diagnostics: DiagnosticSink['list'] } {
  const sink = new DiagnosticSink();
  const s = lex(text, sink);
  const tokens: Token[] = [];
  const unitNames = ['none', 'bytes', 'duration'] as const;
  for (let k = 0; k < s.count; k++) {
    const kind = TOKEN_NAMES[s.kinds[k]];
    const r: Range = {
      start: { line: tokenLine(s, k), column: s.starts[k] - s.lineStarts[tokenLine(s, k)] },
      end: { line: tokenLine(s, k), column: s.ends[k] - s.lineStarts[tokenLine(s, k)] },
    };
    const base = { kind, text: text.slice(s.starts[k], s.ends[k]), range: r };
    if (s.kinds[k] === T.Int) {
      const f = s.flags[k];
      tokens.push({ ...base, value: literalValue(s, k), unit: unitNames[f === INVALID_LITERAL ? 0 : f] });
    } else if (s.kinds[k] === T.String) tokens.push({ ...base, string: stringValue(s, k) });
    else tokens.push(base);
  }
  return { tokens, diagnostics: sink.list };
}
