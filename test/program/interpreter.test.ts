/**
 * The interpreter over the engine: statements, loops, roots, pointer stores, facts, stepping,
 * faults. Expected values come from the runtime's rules (size classes, span layout) and the
 * script's own arithmetic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';

function load(text: string, overrides: Record<string, unknown> = {}): Interpreter {
  const c = compile(text, overrides);
  assert.ok(c.ok, `script should compile: ${JSON.stringify(c.diagnostics.map((d) => d.message))}`);
  return new Interpreter(c.program, c.settings, { recordAllocations: true });
}

test('a loop with a ring of roots keeps exactly the last 4096 objects', () => {
  const it = load('model go1.10\nvar ring[4096]\nrepeat 100000 as i {\n  ring[i % 4096] = new 32\n}\ngc\n');
  assert.equal(it.run(), 'done');
  assert.equal(it.heap.h.memstats.heap_objects, 4096);
  assert.equal(it.heap.h.memstats.heap_alloc, 4096 * 32);
  // statements: var, repeat head, 100000 bodies, gc
  assert.equal(it.executed, 1 + 1 + 100000 + 1);
  assert.deepEqual(it.heap.checkInvariants(), []);
});

test('pointer stores keep objects alive; a nil store lets them go', () => {
  const it = load('model go1.14\nx = new 64\ny = new 48\nx.next = y\ndrop y\ngc\nexpect heap.objects == 2\nx.next = nil\ngc\nexpect heap.objects == 1\n');
  assert.equal(it.run(), 'done');
  assert.deepEqual(it.expectFailures, []);
});

test('a failed expect is recorded with the values; the run goes on', () => {
  const it = load('x = new 33\nexpect obj(x).elemsize == 32\nexpect class(33) == 48\n');
  assert.equal(it.run(), 'done');
  assert.equal(it.expectFailures.length, 1);
  assert.match(it.expectFailures[0].message, /48/);
  assert.match(it.expectFailures[0].message, /32/);
});

test('a failed assert stops the script', () => {
  const it = load('x = new 8\nassert heap.objects == 5\ny = new 8\n');
  assert.equal(it.run(), 'failed');
  assert.equal(it.heap.h.memstats.heap_objects, 1, 'the statement after the assert never ran');
});

test('freeing a stack twice is a runtime fault at that statement, with the heap intact', () => {
  const it = load('s = stackalloc 64KB\nrepeat 2 {\n  stackfree s\n}\nx = new 8\n');
  assert.equal(it.run(), 'faulted');
  assert.equal(it.fault!.kind, 'runtime');
  assert.match(it.fault!.message, /invalid span state/);
  assert.equal(it.program.statements[it.fault!.stmt].line, 2);
  assert.deepEqual(it.heap.checkInvariants(), []);
  assert.equal(it.heap.h.memstats.heap_objects, 0);
});

test('nil dereference and index out of range are script faults naming the culprit', () => {
  const a = load('x = new 8\ny = x.next\nz = y.next\n');
  assert.equal(a.run(), 'faulted');
  assert.equal(a.fault!.kind, 'script');
  assert.match(a.fault!.message, /nil pointer dereference: `y` is nil/);
  const b = load('var r[4]\nn = 4\nr[n] = new 8\n');
  assert.equal(b.run(), 'faulted');
  assert.match(b.fault!.message, /index 4 out of range \[0, 4\)/);
});

test('stepping walks statements, entering loops and coming back to the body each iteration', () => {
  const it = load('a = new 8\nrepeat 2 as i {\n  b = new 8\n}\nc = new 8\n');
  const lines: number[] = [];
  for (let s = it.current(); s !== null; s = it.current()) {
    lines.push(s.line);
    it.step();
  }
  assert.deepEqual(lines, [0, 1, 2, 2, 4]);
  assert.equal(it.status, 'done');
});

test('run with a stop predicate pauses before the statement and continues from there', () => {
  const it = load('a = new 8\nb = new 8\nc = new 8\n');
  assert.equal(it.run(Infinity, (s) => s.line === 2), 'paused');
  assert.equal(it.current()!.line, 2);
  assert.equal(it.heap.h.memstats.nmalloc, 2);
  assert.equal(it.run(), 'done');
  assert.equal(it.heap.h.memstats.nmalloc, 3);
});

test('on P1 allocates from P1\'s mcache', () => {
  const it = load('procs 2\na = new 32\non P1 {\n  b = new 32\n}\n');
  it.run();
  const [a, b] = it.allocations;
  assert.notEqual(a.span, b.span);
  assert.equal(it.heap.h.caches[1].alloc[(3 << 1) | 0]!.startAddr, b.span);
});

test('allocation records carry size class, element size, span and pages', () => {
  const it = load('model go1.10\nx = new 33\nt = new 5 noscan\nbig = new 40000 noscan\n');
  it.run();
  assert.deepEqual(
    it.allocations.map((a) => [a.size, a.sizeclass, a.elemsize, a.tiny, a.npages]),
    [
      [33, 4, 48, false, 1],
      [5, 2, 16, true, 1],
      [40000, 0, 40960, false, 5],
    ],
  );
});

test('print shows references in hex and facts as numbers', () => {
  const it = load('model go1.10\nx = new 8\nprint x, heap.objects, class(33)\n');
  it.run();
  assert.deepEqual(it.output, ['0xc420000000 1 48']);
});

test('the same script twice gives the same heap (determinism)', () => {
  const text = 'procs 3\nvar r[512]\nrepeat 20000 as i {\n  on P1 {\n    r[rand(512)] = new rand(3000) + 1\n  }\n  if i % 5000 == 0 {\n    gc\n  }\n}\ntick 3m\n';
  const run = (): string => {
    const it = load(text);
    it.run();
    return JSON.stringify([...it.heap.spans()].map((s) => [s.startAddr, s.npages, s.state, s.allocCount, s.sweepgen])) + JSON.stringify(it.heap.h.memstats);
  };
  assert.equal(run(), run());
});

test('settings from the CLI override the script', () => {
  const it = load('model go1.5\ngogc 100\nx = new 8\n', { model: 'go1.14', gogc: 'off' });
  assert.equal(it.settings.model, 'go1.14');
  assert.equal(it.heap.h.gogc, -1);
  it.run();
  assert.equal(it.allocations[0].addr, 0xc000000000);
});

test('run(n) executes exactly n statements, also through whole-iteration fast paths', () => {
  const text = 'model go1.14\nvar ring[64]\nrepeat 50 as i {\n  ring[i % 64] = new 32\n  x = new 16 noscan\n}\nrepeat 30 {\n  y = new 48\n}\ngc\n';
  // statements in all: var, repeat head, 50 × 2 bodies, repeat head, 30 bodies, gc = 134
  const total = 1 + 1 + 100 + 1 + 30 + 1;
  for (const n of [1, 2, 3, 44, 45, 46, 47, 101, 102, 103, 104, 133]) {
    const it = load(text);
    assert.equal(it.run(n), 'paused', `run(${n})`);
    assert.equal(it.executed, n, `run(${n}) executed`);
    // Chunked runs reach the same heap as one run.
    let left = total - n;
    while (left > 0) {
      const k = Math.min(left, 7);
      it.run(k);
      left -= k;
    }
    assert.equal(it.executed, total);
    const whole = load(text);
    whole.run();
    assert.equal(whole.executed, total);
    assert.equal(it.heap.h.memstats.heap_objects, whole.heap.h.memstats.heap_objects);
    assert.equal(it.heap.h.memstats.numgc, whole.heap.h.memstats.numgc);
  }
});
