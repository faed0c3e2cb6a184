/**
 * Stepping into the runtime: the internal steps of a statement carry Go's function names for the
 * era, down to heap growth on a fresh heap, and the heap can be inspected part-way through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/program/index';
import { pauseInside, runtimeSteps } from '../../src/program/stepinto';

function prog(text: string) {
  const c = compile(text);
  assert.ok(c.ok, JSON.stringify(c.diagnostics));
  return c;
}

/** The call path (innermost first) at the first step whose innermost frame is `fn`. */
const pathTo = (steps: { frames: { fn: string }[] }[], fn: string): string[] => steps.find((s) => s.frames[0].fn === fn)?.frames.map((f) => f.fn) ?? [];

test('go1.10: the first small allocation goes mallocgc -> nextFree -> refill -> cacheSpan -> grow -> mheap.alloc -> allocSpanLocked -> grow', () => {
  const c = prog('model go1.10\nx = new 32\n');
  const steps = runtimeSteps(c.program, c.settings, 0);
  assert.deepEqual(pathTo(steps, '(*mheap).grow').reverse(), ['mallocgc', '(*mcache).nextFree', '(*mcache).refill', '(*mcentral).cacheSpan', '(*mcentral).grow', '(*mheap).alloc', '(*mheap).allocSpanLocked', '(*mheap).grow']);
});

test('go1.5 names the same path the way that runtime did (mCache_Refill, mHeap_Grow, ...)', () => {
  const c = prog('model go1.5\nx = new 32\n');
  const names = pathTo(runtimeSteps(c.program, c.settings, 0), 'mHeap_Grow').reverse();
  assert.deepEqual(names, ['mallocgc', 'mCache_Refill', 'mCentral_CacheSpan', 'mCentral_Grow', 'mHeap_Alloc', 'mHeap_AllocSpanLocked', 'mHeap_Grow']);
});

test('go1.14 allocates the span through allocSpan and the page cache', () => {
  const c = prog('model go1.14\nx = new 32\n');
  const steps = runtimeSteps(c.program, c.settings, 0);
  const all = new Set(steps.flatMap((s) => s.frames.map((f) => f.fn)));
  for (const fn of ['(*mheap).allocSpan', '(*pageCache).alloc', '(*mheap).grow']) assert.ok(all.has(fn), `${fn} in ${[...all].join(', ')}`);
});

test('a second allocation in the same span is a single mallocgc step (no refill)', () => {
  const c = prog('model go1.10\nx = new 32\ny = new 32\n');
  const steps = runtimeSteps(c.program, c.settings, 1);
  assert.ok(steps.every((s) => !s.frames.some((f) => f.fn === '(*mcache).refill')));
  assert.ok(steps.length >= 1);
});

test('frames carry arguments and locals (npage, spanclass, size)', () => {
  const c = prog('model go1.10\nx = new 100 noscan\n');
  const steps = runtimeSteps(c.program, c.settings, 0);
  const alloc = steps.flatMap((s) => s.frames).find((f) => f.fn === '(*mheap).alloc')!;
  assert.equal(alloc.locals.npage, 1);
  assert.equal(alloc.locals.spanclass, (8 << 1) | 1, '100 bytes: class 8 (112 B), noscan bit set');
});

test('pausing inside: after mheap.grow the heap has grown but no span is cached yet', () => {
  const c = prog('model go1.10\nx = new 32\n');
  const steps = runtimeSteps(c.program, c.settings, 0);
  const k = steps.findIndex((s) => s.what.startsWith('mapped '));
  assert.ok(k > 0, 'a step reports the mapping');
  const { interpreter, step } = pauseInside(c.program, c.settings, 0, k);
  assert.equal(interpreter.status, 'inside');
  assert.equal(step!.frames[0].fn, '(*mheap).grow');
  const st = interpreter.heap.h.memstats;
  assert.equal(st.heap_sys, 1 << 20, 'grow mapped 1 MB');
  assert.equal(st.heap_inuse, 0, 'no span is in use yet');
  assert.equal(interpreter.heap.h.caches[0].alloc.filter((s) => s !== null).length, 0);
});

test('a GC statement steps through gcStart, gcMark and gcMarkTermination', () => {
  const c = prog('model go1.14\nx = new 32\ngc\n');
  const names = new Set(runtimeSteps(c.program, c.settings, 1).flatMap((s) => s.frames.map((f) => f.fn)));
  for (const fn of ['gcStart', 'gcMark', 'gcMarkTermination', '(*mcache).releaseAll']) assert.ok(names.has(fn), fn);
});
