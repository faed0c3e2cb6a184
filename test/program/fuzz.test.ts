/**
 * Fuzzing the front end (deterministic: seeded PRNG): thousands of random token soups, mutated
 * good scripts and random characters. The parser and checker never throw, never report an
 * internal error, every diagnostic range lies within the file, statement ids are dense, and the
 * code frame can format every diagnostic.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, diagnose, formatDiagnostic, LineIndex, MAX_DIAGNOSTICS, type Stmt } from '../../src/program/index';
import { rangeWithin } from '../../src/program/positions';
import { rng } from './helpers';

const VOCAB = [
  'model', 'go1.14', 'go1.5', 'procs', 'gogc', 'off', 'memprofilerate', 'physpagesize', 'seed',
  'x', 'y', 'ring', 'i', 'n', 'b', 's', 'P0', 'P1', 'P9', 'heap', 'span', 'obj', 'class', 'sizeclass', 'rand',
  'new', 'make', 'of', 'noscan', 'stackalloc', 'stackfree', 'var', 'drop', 'gc', 'sweep', 'scavenge',
  'freeosmemory', 'tick', 'setfinalizer', 'runfinalizers', 'on', 'repeat', 'as', 'if', 'else', 'assert',
  'expect', 'print', 'true', 'false', 'nil', 'mSpanInUse', 'mSpanFree',
  '0', '1', '8', '24', '4096', '4KB', '1MB', '8KiB', '6m', '30s', '500ms', '0x1F', '1_000', '1TB', '2TB',
  '99999999999999999999', '1.5s', '007', '4kb',
  '=', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '+', '-', '*', '/', '%', '&&', '||', '!', '&', '|', ':=',
  '(', ')', '[', ']', '{', '}', ',', '.', ';', '"s"', '"un', '#c', '//c', '@', '\t', ' ', '\n', '\n', '\n', '\r\n',
  '.next', '.allocCount', '.inuse', '.heap_sys',
];

function soup(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += VOCAB[Math.floor(r() * VOCAB.length)];
    if (r() < 0.7) s += ' ';
  }
  return s;
}

function mutate(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const kind = Math.floor(r() * 6);
    if (kind === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8)); // delete a few chars
    else if (kind === 1) s = s.slice(0, at) + VOCAB[Math.floor(r() * VOCAB.length)] + s.slice(at); // insert a token
    else if (kind === 2) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x2100)) + s.slice(at); // insert any char
    else if (kind === 3) { // duplicate a line
      const lines = s.split('\n');
      const l = Math.floor(r() * lines.length);
      lines.splice(l, 0, lines[l]);
      s = lines.join('\n');
    } else if (kind === 4) { // drop a line
      const lines = s.split('\n');
      lines.splice(Math.floor(r() * lines.length), 1);
      s = lines.join('\n');
    } else s = s.slice(0, at) + (r() < 0.5 ? '{' : '}') + s.slice(at);
  }
  return s;
}

function randomChars(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const p = r();
    s += p < 0.6 ? String.fromCharCode(32 + Math.floor(r() * 95)) : p < 0.7 ? '\n' : String.fromCharCode(Math.floor(r() * 0x10000));
  }
  return s;
}

function checkInvariants(text: string, label: string): void {
  let result: ReturnType<typeof compile>;
  try {
    result = compile(text, { procs: 2 });
  } catch (e) {
    assert.fail(`${label}: compile threw ${e instanceof Error ? e.stack : String(e)}\n--- input\n${JSON.stringify(text)}`);
  }
  const index = new LineIndex(text);
  assert.ok(result.diagnostics.length <= MAX_DIAGNOSTICS + 1, `${label}: too many diagnostics`);
  for (const d of result.diagnostics) {
    assert.notEqual(d.code, 'GH1199', `${label}: internal error ${d.message}\n--- input\n${JSON.stringify(text)}`);
    assert.ok(/^GH1\d{3}$/.test(d.code), `${label}: bad code ${d.code}`);
    assert.ok(d.message.length > 0, `${label}: empty message for ${d.code}`);
    assert.ok(rangeWithin(d.range, index), `${label}: ${d.code} range ${JSON.stringify(d.range)} outside the file\n--- input\n${JSON.stringify(text)}`);
    formatDiagnostic(index, d, 'fuzz.goheap');
  }
  const p = result.program;
  p.statements.forEach((s: Stmt, i: number) => {
    assert.equal(s.id, i, `${label}: statement ids not dense`);
    assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `${label}: statement offsets outside the file`);
    assert.equal(s.line, index.lineAt(s.start), `${label}: statement line`);
  });
  for (const s of p.slots) assert.ok(rangeWithin(s.declRange, index), `${label}: slot range`);
  // The streaming check gives exactly the same answers, with the shipped token chunks and with a
  // chunk boundary at every top-level line end.
  for (const chunk of [undefined, 1]) {
    const d = diagnose(text, { procs: 2 }, chunk);
    assert.deepEqual(d.diagnostics, result.diagnostics, `${label}: diagnose (chunks ${chunk}) differs from compile\n--- input\n${JSON.stringify(text)}`);
    assert.deepEqual(d.settings, result.settings, `${label}: diagnose settings`);
  }
}

test('random token soups', () => {
  const r = rng(0x60a9);
  for (let i = 0; i < 1500; i++) checkInvariants(soup(r, 1 + Math.floor(r() * 80)), `soup #${i}`);
});

test('mutated good scripts', () => {
  const dir = join(process.cwd(), 'test', 'fixtures', 'scripts', 'good');
  const seeds = readdirSync(dir).filter((f) => f.endsWith('.goheap')).map((f) => readFileSync(join(dir, f), 'utf8'));
  assert.ok(seeds.length > 0);
  const r = rng(1234);
  for (let i = 0; i < 1500; i++) checkInvariants(mutate(r, seeds[i % seeds.length]), `mutant #${i}`);
});

test('random characters, including surrogates and control characters', () => {
  const r = rng(99);
  for (let i = 0; i < 500; i++) checkInvariants(randomChars(r, Math.floor(r() * 300)), `chars #${i}`);
});

test('edge inputs', () => {
  const inputs = [
    '', '\n', '\r', '\r\n', '{', '}', '"', '#', 'model', 'model\n', 'procs', 'on', 'on P', 'repeat', 'if', 'else',
    'x', 'x =', 'x.', 'x[', 'heap', 'heap.', 'span(', 'span(x', 'span(x).', 'rand(', '\ud800', '\udc00x', 'x = "\\',
    '0x', '0x_', '1_', '_1', 'x = 1e9', 'var', 'var r[', 'var r[0]', 'var r[99999999999]', 'x = new 1 noscan noscan',
  ];
  for (const t of inputs) checkInvariants(t, JSON.stringify(t));
});
