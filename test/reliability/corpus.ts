/**
 * The bad-input corpus: what the front end, the CLI and the debug adapter are fed to prove that
 * bad input gives a clear error with a range, never an exception.
 *
 *   test/fixtures/bad/syntax/   one small script per syntax or lexical error the parser knows,
 *                               plus huge numbers and negative sizes; the first line says what it
 *                               wants: "# <what>: want GH1004 on line 3 at `4kb`"
 *   test/fixtures/bad/runtime/  scripts that compile and then fault or fail at run time
 *                               (same header, GH20xx codes of the CLI)
 *   test/fixtures/bad/bytes/    byte-level oddities: UTF-16 with BOM, Latin-1, an encoded lone
 *                               surrogate, NUL, binary, CR/CRLF/mixed line endings, empty files
 *   generated (GENERATED)       the big ones, written at test time into a temp directory and
 *                               never committed: 10 MB files, a 5 MB line, 10,000-deep nesting
 *
 * Expected positions are derived from the text by the rule that applies (the 101st `{` is the
 * first one too deep, and so on), never copied from the output under test. Lines and columns here
 * are 1-based, as the CLI prints them and as DAP clients see them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './bundles';

export const FIXTURES = join(root, 'test', 'fixtures', 'bad');

/** What an input should give. */
export type Want =
  /** This error code, at this 1-based position (end column exclusive). */
  | { readonly kind: 'error'; readonly code: string; readonly line: number; readonly column: number; readonly endColumn: number }
  /** Errors (at least one), each with a range inside the file; how many and the last code, if the rule fixes them. */
  | { readonly kind: 'errors'; readonly count?: number; readonly last?: string }
  /** Compiles; runs to the end. */
  | { readonly kind: 'ok' }
  /** Compiles, then faults or fails at run time (CLI exit 1) with this code at this line. */
  | { readonly kind: 'runtime'; readonly code: string; readonly line: number };

export interface BadInput {
  /** Path relative to the corpus root (test/fixtures/bad, or the temp dir for generated ones). */
  readonly file: string;
  /** What the input is, for the docs table. */
  readonly what: string;
  readonly want: Want;
  /** Generated at test time (not committed). */
  readonly generate?: () => Buffer;
}

/** Reads "# <what>: want GH1004 on line 3 at `4kb`" (or "at end of line") and turns it into a position. */
function fromHeader(dir: string, name: string): BadInput {
  const text = readFileSync(join(FIXTURES, dir, name), 'utf8');
  const lines = text.split('\n');
  const m = /^# (.*): want (GH\d{4}) on line (\d+) at (?:`(.*)`|end of line)$/.exec(lines[0]);
  if (m === null) throw new Error(`${dir}/${name}: no "# ...: want GHxxxx on line N at \`...\`" header`);
  const [, what, code, lineText, snippet] = m;
  const line = Number(lineText);
  const src = lines[line - 1];
  if (dir === 'runtime') return { file: `${dir}/${name}`, what, want: { kind: 'runtime', code, line } };
  const col0 = snippet === undefined ? src.length : src.indexOf(snippet);
  if (col0 < 0) throw new Error(`${dir}/${name}: \`${snippet}\` is not on line ${line}`);
  return { file: `${dir}/${name}`, what, want: { kind: 'error', code, line, column: col0 + 1, endColumn: col0 + 1 + (snippet?.length ?? 0) } };
}

function scripts(dir: string): BadInput[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.goheap'))
    .sort()
    .map((f) => fromHeader(dir, f));
}

const err = (code: string, line: number, column: number, endColumn: number): Want => ({ kind: 'error', code, line, column, endColumn });

/** The byte-level fixtures; positions follow from the bytes written (see the comments). */
const BYTES: readonly BadInput[] = [
  // FF FE (the BOM) decodes to two U+FFFD; the lexer reports the run at 1:1.
  { file: 'bytes/utf16le-bom.goheap', what: 'UTF-16LE with BOM', want: err('GH1001', 1, 1, 3) },
  // FE FF 00 78 ...: two U+FFFD and a NUL start no token (one run of three), then `x`.
  { file: 'bytes/utf16be-bom.goheap', what: 'UTF-16BE with BOM', want: err('GH1001', 1, 1, 4) },
  { file: 'bytes/utf8-bom.goheap', what: 'UTF-8 with BOM (valid)', want: { kind: 'ok' } },
  // "na\xefve": \xEF starts a 3-byte sequence that 'v' breaks: one U+FFFD at column 3.
  { file: 'bytes/latin1-name.goheap', what: 'Latin-1 byte in a name', want: err('GH1001', 2, 3, 4) },
  { file: 'bytes/latin1-string.goheap', what: 'Latin-1 byte in a string (printed as U+FFFD)', want: { kind: 'ok' } },
  // ED A0 80 is a UTF-16 surrogate encoded in UTF-8 (CESU-8): three U+FFFD at the line start.
  { file: 'bytes/lone-surrogate.goheap', what: 'encoded lone surrogate (ED A0 80)', want: err('GH1001', 2, 1, 4) },
  // "y = new\0 16": the NUL is the 8th character of line 2.
  { file: 'bytes/nul.goheap', what: 'NUL byte', want: err('GH1001', 2, 8, 9) },
  { file: 'bytes/binary.goheap', what: 'binary: bytes 0..255 four times', want: { kind: 'errors' } },
  // `z = new 3s`: a duration where a size is needed, on line 3 whatever the line ends are.
  { file: 'bytes/crlf.goheap', what: 'CRLF line ends, error on line 3', want: err('GH1211', 3, 9, 11) },
  { file: 'bytes/cr.goheap', what: 'CR line ends, error on line 3', want: err('GH1211', 3, 9, 11) },
  { file: 'bytes/mixed-eol.goheap', what: 'CRLF, CR and LF mixed, error on line 3', want: err('GH1211', 3, 9, 11) },
  { file: 'bytes/crlf-ok.goheap', what: 'CRLF line ends (valid)', want: { kind: 'ok' } },
  { file: 'bytes/empty.goheap', what: 'empty file', want: { kind: 'ok' } },
  { file: 'bytes/only-newlines.goheap', what: '1,000 empty lines', want: { kind: 'ok' } },
];

/** A deterministic byte stream (an LCG; the corpus must be the same on every run). */
function pseudoRandomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const MB = 1024 * 1024;
const N = 10_000;

/** Valid allocation statements, about `bytes` long in all. */
function validLines(bytes: number): string[] {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const l = `x${i % 1000} = new ${(i % 3000) + 1}`;
    out.push(l);
    size += l.length + 1;
  }
  return out;
}

/** The generated inputs (10 MB files, a 5 MB line, 10,000-deep nesting), with where the rule puts the error. */
export const GENERATED: readonly BadInput[] = [
  { file: 'gen/binary-10mb.goheap', what: '10 MB of pseudo-random bytes', want: { kind: 'errors', count: 1001, last: 'GH1198' }, generate: () => pseudoRandomBytes(10 * MB, 7) },
  { file: 'gen/valid-10mb.goheap', what: '10 MB of valid statements', want: { kind: 'ok' }, generate: () => Buffer.from(validLines(10 * MB).join('\n') + '\n') },
  (() => {
    const lines = validLines(10 * MB);
    // The error is on the line after the valid ones: `tick 100` has no time unit (GH1211).
    return { file: 'gen/error-at-end-10mb.goheap', what: '10 MB file, error on its last line', want: err('GH1211', lines.length + 1, 6, 9), generate: () => Buffer.from(lines.join('\n') + '\ntick 100\n') };
  })(),
  // One statement per line: the second `gc` (column 4) is the first thing that should not be there.
  { file: 'gen/line-5mb.goheap', what: 'one 5 MB line (`gc gc gc ...`)', want: err('GH1104', 1, 4, 6), generate: () => Buffer.from('gc '.repeat((5 * MB) / 3)) },
  { file: 'gen/name-5mb.goheap', what: 'a 5 MB variable name (valid)', want: { kind: 'ok' }, generate: () => Buffer.from('a'.repeat(5 * MB) + ' = new 8\n') },
  { file: 'gen/string-5mb.goheap', what: 'a 5 MB string in print (valid)', want: { kind: 'ok' }, generate: () => Buffer.from('print "' + 'z'.repeat(5 * MB) + '"\n') },
  // Blocks nest at most 100 deep: the 101st `{` (line 101) is reported, column of `{` + 1.
  { file: 'gen/nest-repeat-10000.goheap', what: '10,000 nested `repeat` blocks', want: err('GH1107', 101, 10, 11), generate: () => Buffer.from('repeat 1 {\n'.repeat(N) + 'gc\n' + '}\n'.repeat(N)) },
  { file: 'gen/nest-if-10000.goheap', what: '10,000 nested `if` blocks', want: err('GH1107', 101, 9, 10), generate: () => Buffer.from('if true {\n'.repeat(N) + 'gc\n' + '}\n'.repeat(N)) },
  { file: 'gen/nest-on-10000.goheap', what: '10,000 nested `on P0` blocks', want: err('GH1107', 101, 7, 8), generate: () => Buffer.from('on P0 {\n'.repeat(N) + 'gc\n' + '}\n'.repeat(N)) },
  // Each "repeat 1 { " is 11 characters, its `{` at offset 9: the 101st at 100*11+9.
  { file: 'gen/nest-one-line-10000.goheap', what: '10,000 nested blocks on one line', want: err('GH1107', 1, 1110, 1111), generate: () => Buffer.from('repeat 1 { '.repeat(N) + 'gc' + ' }'.repeat(N) + '\n') },
  // `else if` links nest in the tree: link k's block is k+1 deep, so link 100 is the first too
  // deep; link k's `if` is on line 2+2k at column 8 ("} else if").
  {
    file: 'gen/else-if-10000.goheap',
    what: 'an `else if` chain of 10,000 links',
    want: err('GH1107', 202, 8, 10),
    generate: () => Buffer.from('n = 3\nif n == 0 {\n  gc\n}' + Array.from({ length: N }, (_, i) => ` else if n == ${i + 1} {\n  gc\n}`).join('') + '\n'),
  },
  // Expressions nest at most 100 deep: the 101st `(` is at offset 4+100.
  { file: 'gen/parens-10000.goheap', what: '10,000 nested parentheses', want: err('GH1107', 1, 105, 106), generate: () => Buffer.from('x = ' + '('.repeat(N) + '1' + ')'.repeat(N) + '\n') },
  { file: 'gen/flood-5000.goheap', what: '5,000 syntax errors', want: { kind: 'errors', count: 1001, last: 'GH1198' }, generate: () => Buffer.from('x = )\n'.repeat(5000)) },
];

/** Every committed and generated input. */
export function corpus(): BadInput[] {
  return [...scripts('syntax'), ...BYTES, ...scripts('runtime'), ...GENERATED];
}
