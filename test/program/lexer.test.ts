/** Lexer: tokens, values, units, positions and lexical diagnostics. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from '../../src/program/index';

/** Tokens as `kind:text` (newline/eof by kind only). */
function kinds(text: string): string[] {
  return tokenize(text).tokens.map((t) => (t.kind === 'newline' || t.kind === 'eof' ? t.kind : `${t.kind}:${t.text}`));
}

test('an allocation line', () => {
  assert.deepEqual(kinds('x = new 24 noscan\n'), [
    'ident:x', '=:=', 'ident:new', 'int:24', 'ident:noscan', 'newline', 'eof',
  ]);
});

test('operators, longest match first', () => {
  assert.deepEqual(kinds('a<<b>>c<=d>=e==f!=g&&h||!i<j>k'), [
    'ident:a', '<<:<<', 'ident:b', '>>:>>', 'ident:c', '<=:<=', 'ident:d', '>=:>=', 'ident:e', '==:==',
    'ident:f', '!=:!=', 'ident:g', '&&:&&', 'ident:h', '||:||', '!:!', 'ident:i', '<:<', 'ident:j', '>:>',
    'ident:k', 'newline', 'eof',
  ]);
  assert.deepEqual(kinds('(x[1].y, -2 + 3 * 4 / 5 % 6) { }'), [
    '(:(', 'ident:x', '[:[', 'int:1', ']:]', '.:.', 'ident:y', ',:,', '-:-', 'int:2', '+:+', 'int:3', '*:*',
    'int:4', '/:/', 'int:5', '%:%', 'int:6', '):)', '{:{', '}:}', 'newline', 'eof',
  ]);
});

test('comments and blank lines collapse into one newline token', () => {
  assert.deepEqual(kinds('gc # collect\n\n# only a comment\n\nsweep'), ['ident:gc', 'newline', 'ident:sweep', 'newline', 'eof']);
  assert.deepEqual(kinds(''), ['newline', 'eof']);
  assert.deepEqual(kinds('\n\n\n'), ['newline', 'eof']);
});

test('integer values: separators, hex, units', () => {
  const vals = (text: string) => tokenize(text).tokens.filter((t) => t.kind === 'int').map((t) => [t.value, t.unit]);
  assert.deepEqual(vals('1_000_000 0x1F 0x_ff_ff 0'), [[1000000, 'none'], [31, 'none'], [65535, 'none'], [0, 'none']]);
  assert.deepEqual(vals('4KB 8KiB 1MB 1MiB 2GB 1TB 100B'), [
    [4096, 'bytes'], [8192, 'bytes'], [1048576, 'bytes'], [1048576, 'bytes'], [2147483648, 'bytes'], [1099511627776, 'bytes'], [100, 'bytes'],
  ]);
  assert.deepEqual(vals('6m 30s 500ms 7us 9ns 2h'), [
    [360e9, 'duration'], [30e9, 'duration'], [500e6, 'duration'], [7000, 'duration'], [9, 'duration'], [7200e9, 'duration'],
  ]);
  assert.deepEqual(vals('9007199254740991'), [[9007199254740991, 'none']]);
});

test('model names are scanned as one word', () => {
  assert.deepEqual(kinds('model go1.14 # newest\nx = go1'), ['ident:model', 'word:go1.14', 'newline', 'ident:x', '=:=', 'ident:go1', 'newline', 'eof']);
});

test('strings decode their escapes', () => {
  const t = tokenize('print "a\\tb\\n\\"c\\\\"').tokens[1];
  assert.equal(t.kind, 'string');
  assert.equal(t.string, 'a\tb\n"c\\');
});

test('positions are 0-based and columns count UTF-16 units; CRLF and lone CR end lines', () => {
  const { tokens } = tokenize('a = 1\r\n  bb\rc');
  const at = (text: string) => tokens.find((t) => t.text === text)!.range;
  assert.deepEqual(at('a'), { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } });
  assert.deepEqual(at('1'), { start: { line: 0, column: 4 }, end: { line: 0, column: 5 } });
  assert.deepEqual(at('bb'), { start: { line: 1, column: 2 }, end: { line: 1, column: 4 } });
  assert.deepEqual(at('c'), { start: { line: 2, column: 0 }, end: { line: 2, column: 1 } });
  const nl = tokens.filter((t) => t.kind === 'newline').map((t) => t.range.start);
  assert.deepEqual(nl, [{ line: 0, column: 5 }, { line: 1, column: 4 }, { line: 2, column: 1 }]);
});

test('lexical errors: one diagnostic per bad literal or character run, with a code and range', () => {
  const d = (text: string) => tokenize(text).diagnostics.map((x) => `${x.code} ${x.range.start.column}-${x.range.end.column} ${x.message}`);
  assert.deepEqual(d('x = 10M'), [
    'GH1004 4-7 unknown unit `M` in `10M`; did you mean `m`? (sizes: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; durations: ns, us, ms, s, m, h)',
  ]);
  assert.deepEqual(d('x = 0x10KB'), ['GH1005 4-10 a unit cannot follow a hexadecimal literal (`0x10KB`); write it in decimal, e.g. `4KB`']);
  assert.deepEqual(d('x = 1_'), ['GH1005 4-6 `_` must separate digits in `1_`']);
  assert.deepEqual(d('x = 9007199254740992'), ['GH1003 4-20 `9007199254740992` is too large; numbers must be at most 2^53-1 (9007199254740991)']);
  assert.deepEqual(d('x = 8192TB'), ['GH1003 4-10 `8192TB` is too large; numbers must be at most 2^53-1 (9007199254740991)']);
  assert.deepEqual(d('a ~~~ b'), ['GH1001 2-5 unexpected characters starting with `~` (3 characters)']);
  assert.deepEqual(d('a\u00a0= 1'), ['GH1001 1-2 unexpected non-breaking space (U+00A0); use a plain space']);
  assert.deepEqual(d('x = \u201chi\u201d'), [
    'GH1001 4-5 unexpected curly quote `\u201c` (U+201C); strings use straight double quotes "..."',
    'GH1001 7-8 unexpected curly quote `\u201d` (U+201D); strings use straight double quotes "..."',
  ]);
  assert.deepEqual(d('x\u0000'), ['GH1001 1-2 unexpected character U+0000']);
  assert.deepEqual(d('print "abc'), ['GH1002 6-10 unterminated string: add the closing `"` on the same line']);
});

test('rejected literals still produce an int token, valued NaN', () => {
  const t = tokenize('x = 12zz').tokens[2];
  assert.equal(t.kind, 'int');
  assert.ok(Number.isNaN(t.value));
});

test('a byte-order mark is white space', () => {
  assert.deepEqual(kinds('\ufeffgc'), ['ident:gc', 'newline', 'eof']);
});
