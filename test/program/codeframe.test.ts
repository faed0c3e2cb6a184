/** The code-frame formatter, on exact strings. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, formatDiagnostic, formatDiagnostics, type Diagnostic } from '../../src/program/index';

function diag(sl: number, sc: number, el: number, ec: number, message = 'm', severity: 'error' | 'warning' = 'error'): Diagnostic {
  return { code: 'GH1101', severity, message, origin: 'script', range: { start: { line: sl, column: sc }, end: { line: el, column: ec } } };
}

test('the frame from the issue', () => {
  const text = 'a = new 24\nb = new 100 noscan\n# b holds no pointers\nb.next = a\n';
  const [d] = compile(text).diagnostics;
  assert.equal(formatDiagnostic(text, d, 'examples/x.goheap'), [
    'error GH1203: `b` is noscan and cannot hold pointers; allocate it without `noscan`',
    '  --> examples/x.goheap:4:1',
    '   |',
    ' 4 | b.next = a',
    '   | ^^^^^^',
  ].join('\n'));
});

test('the gutter widens with the line number', () => {
  const text = 'gc\n'.repeat(11) + 'x = 1 +\n';
  const [d] = compile(text).diagnostics;
  assert.equal(formatDiagnostic(text, d, 'f.goheap'), [
    'error GH1103: expected an operand after `+`, found end of line',
    '   --> f.goheap:12:8',
    '    |',
    ' 12 | x = 1 +',
    '    |        ^',
  ].join('\n'));
});

test('warnings, and a zero-width range at the end of the file', () => {
  assert.equal(formatDiagnostic('gc', diag(0, 2, 0, 2, 'w', 'warning'), 'a'), [
    'warning GH1101: w',
    '  --> a:1:3',
    '   |',
    ' 1 | gc',
    '   |   ^',
  ].join('\n'));
});

test('a range over several lines shows the first and last line', () => {
  const text = 'repeat 2 {\n  gc\n  sweep\n}\n';
  assert.equal(formatDiagnostic(text, diag(0, 0, 3, 1), 'r'), [
    'error GH1101: m',
    '  --> r:1:1',
    '   |',
    ' 1 | repeat 2 {',
    '   | ^^^^^^^^^^',
    '...',
    ' 4 | }',
    '   | ^',
  ].join('\n'));
  assert.equal(formatDiagnostic('a = 1\n  b = 2\n', diag(0, 4, 1, 5), 'r'), [
    'error GH1101: m',
    '  --> r:1:5',
    '   |',
    ' 1 | a = 1',
    '   |     ^',
    ' 2 |   b = 2',
    '   |   ^^^',
  ].join('\n'));
});

test('a range ending at column 0 of the next line stays on its line', () => {
  assert.equal(formatDiagnostic('abc\ndef\n', diag(0, 1, 1, 0), 'r'), [
    'error GH1101: m',
    '  --> r:1:2',
    '   |',
    ' 1 | abc',
    '   |  ^^',
  ].join('\n'));
});

test('tabs are kept in the caret line so carets align', () => {
  assert.equal(formatDiagnostic('\tx = )\n', diag(0, 5, 0, 6), 't'), [
    'error GH1101: m',
    '  --> t:1:6',
    '   |',
    ' 1 | \tx = )',
    '   | \t    ^',
  ].join('\n'));
});

test('control characters are shown as U+FFFD; CRLF is not shown', () => {
  assert.equal(formatDiagnostic('a\u0001b\r\nc', diag(0, 1, 0, 2), 'c'), [
    'error GH1101: m',
    '  --> c:1:2',
    '   |',
    ' 1 | a\uFFFDb',
    '   |  ^',
  ].join('\n'));
});

test('long lines are cut to a window around the range', () => {
  const line = 'x'.repeat(200) + ' = )' + 'y'.repeat(200);
  const out = formatDiagnostic(line, diag(0, 203, 0, 204), 'l').split('\n');
  // 40 characters of context before the range, 120 shown in all: x[163..199], ' = )', y[204..282].
  assert.equal(out[3], ' 1 | …' + 'x'.repeat(37) + ' = )' + 'y'.repeat(79) + '…');
  assert.equal(out[4], '   | ' + ' '.repeat(41) + '^');
});

test('ranges past the end of the text are clamped', () => {
  assert.equal(formatDiagnostic('gc', diag(5, 9, 5, 12), 'z'), [
    'error GH1101: m',
    '  --> z:1:3',
    '   |',
    ' 1 | gc',
    '   |   ^',
  ].join('\n'));
});

test('override diagnostics point at the setting, not at the text', () => {
  const r = compile('gc\n', { procs: 999 });
  assert.equal(formatDiagnostic('gc\n', r.diagnostics[0], 'x.goheap'), [
    'error GH1302: override of `procs`: procs must be between 1 and 256 (got 999)',
    '  --> overrides: procs',
  ].join('\n'));
});

test('formatDiagnostics separates frames with a blank line', () => {
  const text = 'gcc\nsweeep\n';
  assert.equal(formatDiagnostics(text, compile(text).diagnostics, 's'), [
    'error GH1101: unknown statement `gcc`; did you mean `gc`?',
    '  --> s:1:1',
    '   |',
    ' 1 | gcc',
    '   | ^^^',
    '',
    'error GH1101: unknown statement `sweeep`; did you mean `sweep`?',
    '  --> s:2:1',
    '   |',
    ' 2 | sweeep',
    '   | ^^^^^^',
  ].join('\n'));
});
