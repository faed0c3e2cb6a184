/**
 * Token kinds of the allocation-script lexer, the keyword table and the unit-suffix table.
 *
 * Kinds are small integers because the lexer stores tokens in typed arrays (one allocation per
 * file, not per token); `TOKEN_NAMES` gives each a readable name for messages and tests.
 */

export const T = {
  EOF: 0,
  Newline: 1,
  Ident: 2,
  Int: 3,
  String: 4,
  /** A raw word: the value after `model` (`go1.14`), scanned up to white space. */
  Word: 5,
  /** A run of characters the lexer rejected (already reported). */
  Error: 6,
  LBrace: 7,
  RBrace: 8,
  LParen: 9,
  RParen: 10,
  LBracket: 11,
  RBracket: 12,
  Comma: 13,
  Dot: 14,
  Assign: 15,
  Plus: 16,
  Minus: 17,
  Star: 18,
  Slash: 19,
  Percent: 20,
  Shl: 21,
  Shr: 22,
  Eq: 23,
  Ne: 24,
  Lt: 25,
  Le: 26,
  Gt: 27,
  Ge: 28,
  AndAnd: 29,
  OrOr: 30,
  Not: 31,
} as const;

export type TokenKind = (typeof T)[keyof typeof T];

/** Name of each kind, indexed by kind: used by `tokenize()` and in "expected X, found Y". */
export const TOKEN_NAMES = [
  'eof', 'newline', 'ident', 'int', 'string', 'word', 'error',
  '{', '}', '(', ')', '[', ']', ',', '.', '=',
  '+', '-', '*', '/', '%', '<<', '>>', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '!',
] as const;

export type TokenName = (typeof TOKEN_NAMES)[number];

/**
 * Reserved words: none can name a variable. `span`, `obj`, `class` and `sizeclass` are not
 * reserved (they are fact functions only when followed by `(`), nor is `off` (only meaningful
 * after `gogc`), nor `P0`..`P255` (only meaningful after `on`).
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  // settings
  'model', 'procs', 'gogc', 'memprofilerate', 'physpagesize', 'seed',
  // statements
  'var', 'drop', 'gc', 'sweep', 'scavenge', 'freeosmemory', 'tick', 'setfinalizer', 'runfinalizers',
  'stackfree', 'on', 'repeat', 'as', 'if', 'else', 'assert', 'expect', 'print',
  // allocation
  'new', 'make', 'of', 'noscan', 'stackalloc',
  // values
  'true', 'false', 'nil', 'heap', 'rand',
  'mSpanInUse', 'mSpanManual', 'mSpanFree', 'mSpanDead',
]);

export const SETTING_KEYWORDS: ReadonlySet<string> = new Set([
  'model', 'procs', 'gogc', 'memprofilerate', 'physpagesize', 'seed',
]);

/** Statement keywords (plus settings), for "unknown statement `gcc`; did you mean `gc`?". */
export const STATEMENT_KEYWORDS: readonly string[] = [
  'model', 'procs', 'gogc', 'memprofilerate', 'physpagesize', 'seed',
  'var', 'drop', 'gc', 'sweep', 'scavenge', 'freeosmemory', 'tick', 'setfinalizer', 'runfinalizers',
  'stackfree', 'on', 'repeat', 'if', 'assert', 'expect', 'print',
];

/** What a number literal's unit says it measures. */
export const Unit = { None: 0, Bytes: 1, Duration: 2 } as const;
export type UnitKind = (typeof Unit)[keyof typeof Unit];
export const UNIT_NAMES = ['none', 'bytes', 'duration'] as const;

export interface UnitSuffix {
  readonly kind: UnitKind;
  /** Bytes, or nanoseconds. */
  readonly scale: number;
}

/**
 * Unit suffixes, written right after the digits (`4KB`, `500ms`). As in the Go runtime's own
 * comments ("8KB pages"), KB/MB/GB/TB are powers of 1024; the IEC spellings KiB/MiB/GiB/TiB are
 * accepted and mean the same. Durations are those of Go's time.ParseDuration, in nanoseconds.
 */
export const UNITS: ReadonlyMap<string, UnitSuffix> = new Map<string, UnitSuffix>([
  ['B', { kind: Unit.Bytes, scale: 1 }],
  ['KB', { kind: Unit.Bytes, scale: 1024 }],
  ['KiB', { kind: Unit.Bytes, scale: 1024 }],
  ['MB', { kind: Unit.Bytes, scale: 1024 * 1024 }],
  ['MiB', { kind: Unit.Bytes, scale: 1024 * 1024 }],
  ['GB', { kind: Unit.Bytes, scale: 1024 * 1024 * 1024 }],
  ['GiB', { kind: Unit.Bytes, scale: 1024 * 1024 * 1024 }],
  ['TB', { kind: Unit.Bytes, scale: 1024 * 1024 * 1024 * 1024 }],
  ['TiB', { kind: Unit.Bytes, scale: 1024 * 1024 * 1024 * 1024 }],
  ['ns', { kind: Unit.Duration, scale: 1 }],
  ['us', { kind: Unit.Duration, scale: 1e3 }],
  ['ms', { kind: Unit.Duration, scale: 1e6 }],
  ['s', { kind: Unit.Duration, scale: 1e9 }],
  ['m', { kind: Unit.Duration, scale: 60e9 }],
  ['h', { kind: Unit.Duration, scale: 3600e9 }],
]);

/** Largest integer a script value can hold exactly: 2^53-1. */
export const MAX_INT = Number.MAX_SAFE_INTEGER;
