/** The event stream: what one allocation, a GC and a free emit, in order, with the details to explain them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap } from './helpers';
import type { HeapEvent } from '../../src/protocol/events';

test('go1.10: the first small allocation grows the heap, allocates and caches a span, then mallocs', () => {
  const hp = new TestHeap({ model: 'go1.10' });
  const evs: HeapEvent[] = [];
  hp.setListener((e) => evs.push(e));
  hp.keep('x', 32);
  assert.deepEqual(
    evs.map((e) => e.type),
    ['heapGrow', 'spanState', 'spanTrim', 'spanState', 'spanAlloc', 'spanState', 'spanCache', 'malloc'],
  );
  const grow = evs[0] as Extract<HeapEvent, { type: 'heapGrow' }>;
  assert.equal(grow.bytes, 1 << 20);
  const cache = evs.find((e) => e.type === 'spanCache') as Extract<HeapEvent, { type: 'spanCache' }>;
  assert.equal(cache.span.sizeclass, 3);
  assert.equal(cache.span.npages, 1);
  assert.equal(cache.p, 0);
});

test('go1.14: a dead large object is swept and its span freed to the heap', () => {
  const hp = new TestHeap({ model: 'go1.14' });
  hp.keep('big', 40000, true);
  hp.drop('big');
  const evs: HeapEvent[] = [];
  hp.setListener((e) => evs.push(e));
  hp.gc();
  const swept = evs.find((e) => e.type === 'spanSwept') as Extract<HeapEvent, { type: 'spanSwept' }>;
  assert.equal(swept.freed, 1);
  assert.equal(swept.freedToHeap, true);
  assert.equal(swept.span.npages, 5);
  const freed = evs.find((e) => e.type === 'spanFree') as Extract<HeapEvent, { type: 'spanFree' }>;
  assert.equal(freed.by, 'sweep');
  const phases = evs.filter((e) => e.type === 'gcPhase').map((e) => (e as Extract<HeapEvent, { type: 'gcPhase' }>).phase);
  assert.deepEqual(phases, ['_GCmark', '_GCmarktermination', '_GCoff']);
});

test('with no listener, no event objects are built (the listener is simply null)', () => {
  const hp = new TestHeap({ model: 'go1.5' });
  assert.equal(hp.h.listener, null);
  hp.keep('x', 8);
  let n = 0;
  hp.setListener(() => n++);
  hp.keep('y', 8);
  assert.equal(n, 1, 'one malloc event for an allocation from the cached span');
});
