/** Checker: annotations for the interpreter, settings and overrides, flow facts without false alarms. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, compile, parse, FACT_KEYS, HEAP_FACTS, type AssignStmt, type Expr, type Stmt } from '../../src/program/index';
import { codes, diagLines } from './helpers';

function checked(text: string) {
  const r = compile(text);
  assert.deepEqual(r.diagnostics.map((d) => d.message), [], 'expected a clean script');
  return r.program;
}

test('variables resolve to slots; counters get their own; types are fixed at the first assignment', () => {
  const p = checked('var ring[8]\nx = new 24\nn = 3\nok = n > 2\nrepeat n as i {\n  ring[i] = x\n}\nprint ok\ns = stackalloc 8KB\nstackfree s\n');
  assert.deepEqual(p.slots.map((s) => `${s.name}:${s.type}${s.counter ? ':counter' : ''}${s.length ? ':' + s.length : ''}`), [
    'ring:array:8', 'x:ref', 'n:int', 'ok:bool', 'i:int:counter', 's:stack',
  ]);
  const body = (p.statements[4] as Extract<Stmt, { kind: 'repeat' }>);
  assert.equal(body.counter!.slot, 4);
  const store = p.statements[5] as AssignStmt;
  assert.equal(store.target.kind, 'index');
  if (store.target.kind === 'index') {
    assert.equal(store.target.on, 'array');
    assert.equal((store.target.target as Extract<Expr, { kind: 'var' }>).slot, 0);
    assert.equal((store.target.index as Extract<Expr, { kind: 'var' }>).slot, 4);
  }
  assert.equal((store.value as Extract<Expr, { kind: 'var' }>).slot, 1);
});

test('declares marks the first assignment only', () => {
  const p = checked('x = 1\nx = 2\nprint x\n');
  assert.deepEqual(p.statements.filter((s): s is AssignStmt => s.kind === 'assign').map((s) => s.declares), [true, false]);
});

test('constants are folded with Go semantics; sizes are pre-evaluated', () => {
  const p = checked('a = -7 / 2\nb = -7 % 2\nc = 1 << 40\nd = -9 >> 1\ne = 2 < 3 && !false\nx = new 4KB + 8 noscan\ny = make 1000 of 24\nz = stackalloc 2 * 4KB\nprint a, b, c, d, e\n');
  const values = p.statements.slice(0, 5).map((s) => (s as AssignStmt).value.constValue);
  assert.deepEqual(values, [-3, -1, 2 ** 40, -5, true]);
  const sizes = p.statements.slice(5, 8).map((s) => {
    const v = (s as AssignStmt).value;
    return v.kind === 'new' || v.kind === 'make' || v.kind === 'stackalloc' ? v.constSize : 'none';
  });
  assert.deepEqual(sizes, [4104, 24000, 8192]);
  assert.equal((p.statements[0] as AssignStmt).value.type, 'int');
  assert.equal((p.statements[4] as AssignStmt).value.type, 'bool');
});

test('non-constant sizes stay unfolded', () => {
  const p = checked('n = 10\nx = new n * 8\n');
  const v = (p.statements[1] as AssignStmt).value;
  assert.ok(v.kind === 'new' && v.constSize === null && v.size.constValue === null);
});

test('facts get keys from the shared table and their types', () => {
  const p = checked('x = new 8\nprint heap.inuse, span(x).allocCount, obj(x).noscan, class(33), sizeclass(33), span(x).state\n');
  const args = (p.statements[1] as Extract<Stmt, { kind: 'print' }>).args;
  assert.deepEqual(args.map((a) => (a.kind === 'fact' ? `${a.key}:${a.type}` : '?')), [
    'heap.inuse:int', 'span.allocCount:int', 'obj.noscan:bool', 'class:int', 'sizeclass:int', 'span.state:spanstate',
  ]);
  for (const a of args) if (a.kind === 'fact') assert.ok(FACT_KEYS.includes(a.key));
  assert.ok(HEAP_FACTS.some((f) => f.name === 'inuse' && f.go === 'MemStats.HeapInuse'));
});

test('effective settings: script values, defaults, then overrides', () => {
  const text = 'model go1.10\nprocs 2\ngc\n';
  const r = compile(text);
  assert.deepEqual(r.settings, { model: 'go1.10', procs: 2, gogc: 100, memprofilerate: 524288, physpagesize: 4096, seed: 1 });
  const o = compile(text, { procs: 8, gogc: 'off', model: 'go1.5', physpagesize: '16384' });
  assert.deepEqual(o.diagnostics, []);
  assert.deepEqual(o.settings, { model: 'go1.5', procs: 8, gogc: 'off', memprofilerate: 524288, physpagesize: 16384, seed: 1 });
  assert.equal(o.program.effective, o.settings);
});

test('bad overrides are reported with origin override, ordered by position then code', () => {
  const r = compile('procs 2\ngc\n', { procs: 0, model: 'go2', color: 'red', gogc: true });
  assert.deepEqual(r.diagnostics.map((d) => `${d.origin} ${d.setting} ${d.code} ${d.range.start.line}:${d.range.start.column} ${d.message}`), [
    'override model GH1301 0:0 override of `model`: unknown model `go2`; valid models: go1.5, go1.10, go1.14',
    'override gogc GH1305 0:0 override of `gogc`: gogc must be a number (got true)',
    'override color GH1307 0:0 unknown setting `color` in the overrides; settings are model, procs, gogc, memprofilerate, physpagesize, seed',
    'override procs GH1302 0:6 override of `procs`: procs must be between 1 and 256 (got 0)',
  ]);
  assert.equal(r.settings.procs, 2, 'an invalid override leaves the script value');
});

test('on P checks procs after overrides', () => {
  const text = 'procs 2\non P3 { gc }\n';
  assert.deepEqual(codes(text), ['GH1207']);
  assert.deepEqual(codes(text, { procs: 4 }), []);
  assert.deepEqual(diagLines('on P1 { gc }\n'), [
    'GH1207 0:3-0:5 `on P1` needs procs 2 or more (the Ps are P0..P0); this script runs with procs 1 (the default)',
  ]);
  assert.deepEqual(diagLines('on P1 { gc }\n', { procs: 1 }), [
    'GH1207 0:3-0:5 `on P1` needs procs 2 or more (the Ps are P0..P0); this script runs with procs 1 (from the overrides)',
  ]);
});

test('facts depend on the model, including after an override', () => {
  const text = 'x = new 8\nprint span(x).freeindex, span(x).scavenged\n';
  assert.deepEqual(codes(text), []);
  assert.deepEqual(codes(text, { model: 'go1.10' }), ['GH1503']);
  assert.deepEqual(codes(text, { model: 'go1.5' }), ['GH1503', 'GH1503']);
  assert.deepEqual(codes('x = new 8\nexpect span(x).state != mSpanFree\n'), ['GH1503']);
  assert.deepEqual(codes('model go1.10\nx = new 8\nexpect span(x).state != mSpanFree\n'), []);
});

test('heap fact suggestions understand Go spellings', () => {
  const msg = (f: string) => compile(`print heap.${f}\n`).diagnostics[0].message;
  assert.match(msg('HeapInuse'), /did you mean `heap\.inuse`\?/);
  assert.match(msg('heapSys'), /did you mean `heap\.sys`\?/);
  assert.match(msg('NumGC'), /did you mean `heap\.numGC`\?/);
  assert.match(msg('nmugc'), /did you mean `heap\.numGC`\?/);
  assert.match(msg('zzzzzz'), /^unknown heap fact `zzzzzz`; known: alloc, sys, idle, inuse,/);
});

test('flow facts: no false alarms across branches and loops', () => {
  // Assigned in one branch only: unknown after the if, so no nil error.
  assert.deepEqual(codes('a = new 8\nx = nil\nif a != nil { x = new 16 }\nx.next = a\n'), []);
  // Noscan in one branch, pointerful in the other: unknown.
  assert.deepEqual(codes('b = new 16\nif b != nil { b = new 16 noscan }\nb.next = nil\n'), []);
  // Noscan on both paths: certain.
  assert.deepEqual(codes('b = new 16 noscan\nif b != nil { b = new 32 noscan } else { b = new 8 noscan }\nb.next = nil\n'), ['GH1203']);
  // A loop may have changed the variable in a previous iteration.
  assert.deepEqual(codes('x = nil\nrepeat 3 as i {\n  if i > 0 { x.next = nil }\n  x = new 16\n}\n'), []);
  // Dropped inside a loop that may not run: maybe dropped, no error.
  assert.deepEqual(codes('n = 0\nx = new 8\nrepeat n { drop x }\nprint x\n'), []);
  // A loop that certainly runs: dropped.
  assert.deepEqual(codes('x = new 8\nrepeat 2 { drop x }\nprint x\n'), ['GH1209']);
  // Reassigned after drop: fine again.
  assert.deepEqual(codes('x = new 8\ndrop x\nx = new 8\nprint x\n'), []);
  // Copies carry what is known.
  assert.deepEqual(codes('a = new 8 noscan\nb = a\nb.f = nil\n'), ['GH1203']);
  // Stored into an array element and loaded back: unknown.
  assert.deepEqual(codes('var r[2]\nr[0] = new 8 noscan\nx = r[0]\nx.f = nil\n'), []);
});

test('variables declared inside blocks live on after them', () => {
  assert.deepEqual(codes('repeat 2 {\n  x = new 8\n}\nprint x\non P0 { y = 1 }\nprint y\n'), []);
});

test('unused warnings: integers, booleans, arrays, counters, never references', () => {
  assert.deepEqual(diagLines('n = 1\nb = true\nvar r[2]\nx = new 8\nrepeat 2 as i { gc }\n'), [
    'warning GH1901 0:0-0:1 `n` is assigned but never used',
    'warning GH1901 1:0-1:1 `b` is assigned but never used',
    'warning GH1901 2:4-2:5 array `r` is declared but never used',
    'warning GH1902 4:12-4:13 the loop counter `i` is never used; drop `as i`',
  ]);
  assert.deepEqual(codes('n = 1\nx = )\n'), ['GH1103'], 'no unused warnings when the script has syntax errors');
});

test('a leaked stack is a warning, reuse after free is not', () => {
  assert.deepEqual(codes('s = stackalloc 8KB\ns = stackalloc 8KB\nstackfree s\n'), ['GH1904']);
  assert.deepEqual(codes('s = stackalloc 8KB\nstackfree s\ns = stackalloc 16KB\nstackfree s\n'), []);
  assert.deepEqual(codes('s = stackalloc 8KB\nt = s\n'), ['GH1214']);
});

test('assert/expect conditions must be booleans; constant ones warn', () => {
  assert.deepEqual(diagLines('x = new 8\nexpect x\nassert 1 == 1\n'), [
    'GH1405 1:7-1:8 the condition of `expect` must be a boolean, got a reference; compare it, e.g. `x != nil`',
    'warning GH1903 2:7-2:13 this condition is always true; `assert` checks nothing',
  ]);
});

test('rand and fact arguments', () => {
  assert.deepEqual(diagLines('print rand(0), class(-1), span(1).npages, heap.inuse + obj(nil).size\n'), [
    'GH1504 0:11-0:12 `rand(n)` needs n of at least 1 (got 0)',
    'GH1504 0:21-0:23 `class(n)` needs n between 0 and 1TB (got -1)',
    'GH1504 0:31-0:32 `span(...)` takes an object or a stack, got an integer',
    'GH1208 0:59-0:62 `obj(...)` needs an object',
  ]);
});

test('check is idempotent and can be rerun with other overrides', () => {
  const p = parse('procs 2\nx = new 8\non P1 { x.next = x }\n').program;
  assert.deepEqual(check(p).map((d) => d.code), []);
  const slots1 = JSON.stringify(p.slots);
  assert.deepEqual(check(p, { procs: 1 }).map((d) => d.code), ['GH1207']);
  assert.deepEqual(check(p).map((d) => d.code), []);
  assert.equal(JSON.stringify(p.slots), slots1);
});
