/** Hostile inputs: huge files, binary garbage, deep nesting, diagnostic floods. Nothing throws. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile, MAX_DIAGNOSTICS } from '../../src/program/index';
import { rng } from './helpers';

test('a 10 MB binary file: no throw, diagnostics capped', () => {
  const r = rng(7);
  const chunks: string[] = [];
  for (let i = 0; i < 10 * 1024 * 1024 / 1024; i++) {
    let s = '';
    for (let j = 0; j < 1024; j++) s += String.fromCharCode(Math.floor(r() * 256));
    chunks.push(s);
  }
  const text = chunks.join('');
  const res = compile(text);
  assert.equal(res.diagnostics.length, MAX_DIAGNOSTICS + 1);
  assert.equal(res.diagnostics.filter((d) => d.code === 'GH1198').length, 1);
});

test('one 10 MB line of letters is one unknown statement', () => {
  const text = 'a'.repeat(10 * 1024 * 1024);
  const res = compile(text);
  assert.deepEqual(res.diagnostics.map((d) => d.code), ['GH1101']);
  assert.ok(res.diagnostics[0].message.length < 200, 'messages never quote megabytes');
});

test('a 10 MB number and a 10 MB string', () => {
  assert.deepEqual(compile('x = ' + '9'.repeat(10_000_000)).diagnostics.map((d) => d.code), ['GH1003']);
  assert.deepEqual(compile('print "' + 'z'.repeat(10_000_000) + '"').diagnostics, []);
});

test('deeply nested everything', () => {
  assert.ok(compile('if true {'.repeat(200_000)).diagnostics.length <= 3);
  assert.ok(compile('x = ' + '!'.repeat(200_000) + 'true').diagnostics.length === 1);
  assert.ok(compile('x = ' + '['.repeat(200_000)).diagnostics.length === 1);
  assert.ok(compile('x = ' + 'rand('.repeat(200_000)).diagnostics.length === 1);
  assert.ok(compile('x = ' + 'span('.repeat(200_000)).diagnostics.length === 1);
  // 100 nested blocks are fine and checked.
  const ok = 'repeat 1 {\n'.repeat(99) + 'x = new 8 noscan\nx.f = nil\n' + '}\n'.repeat(99);
  assert.deepEqual(compile(ok).diagnostics.map((d) => d.code), ['GH1203']);
});

test('a flood of errors stops at the cap with one GH1198', () => {
  const res = compile('x = )\n'.repeat(5000));
  assert.equal(res.diagnostics.length, MAX_DIAGNOSTICS + 1);
  const last = res.diagnostics.filter((d) => d.code === 'GH1198');
  assert.equal(last.length, 1);
  assert.equal(last[0].message, `too many problems; stopped reporting after ${MAX_DIAGNOSTICS}`);
});

test('past the cap, warnings alone still compile and a later error still fails', () => {
  // 1,200 conditions that are always true: warnings only (GH1903), no errors.
  const warnings = 'expect 1 == 1\n'.repeat(1200);
  const w = compile(warnings);
  assert.equal(w.ok, true);
  assert.equal(w.diagnostics.filter((d) => d.code === 'GH1198').length, 1);
  assert.equal(w.diagnostics.filter((d) => d.severity === 'error').length, 0);
  // The same warnings followed by one error past the cap: the note carries the error.
  const e = compile(warnings + 'y = nosuchvar\n');
  assert.equal(e.ok, false);
  assert.equal(e.diagnostics.find((d) => d.code === 'GH1198')?.severity, 'error');
});
