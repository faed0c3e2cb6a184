/**
 * The Heap View's custom requests, checked before they reach the heap: each good shape becomes
 * its typed request, each bad one a sentence naming the argument.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHeapRequest, parseHeapRequest } from '../../src/adapter/heaprequests';

test('good arguments become typed requests', () => {
  assert.deepEqual(parseHeapRequest('goheap/snapshot', undefined), { type: 'snapshot' });
  assert.deepEqual(parseHeapRequest('goheap/delta', { since: 4 }), { type: 'delta', since: 4 });
  assert.deepEqual(parseHeapRequest('goheap/spans', { count: 10 }), { type: 'spans', start: 0, count: 10, state: undefined, sizeclass: undefined });
  assert.deepEqual(parseHeapRequest('goheap/spans', { start: 20, count: 10, state: 'mSpanFree', sizeclass: 5 }), { type: 'spans', start: 20, count: 10, state: 'mSpanFree', sizeclass: 5 });
  assert.deepEqual(parseHeapRequest('goheap/span', { id: 7 }), { type: 'span', id: 7 });
  assert.deepEqual(parseHeapRequest('goheap/travel', { executed: 0 }), { type: 'travel', executed: 0 });
  assert.equal(isHeapRequest('goheap/travel'), true);
  assert.equal(isHeapRequest('goheap/other'), false);
});

test('bad arguments are refused with a sentence naming the argument', () => {
  const cases: [string, unknown, RegExp][] = [
    ['goheap/delta', {}, /`since` must be a number/],
    ['goheap/delta', { since: '3' }, /`since`/],
    ['goheap/delta', null, /`since`/],
    ['goheap/spans', { start: 0 }, /`count` must be a number \(at most 2000\)/],
    ['goheap/spans', { start: -1, count: 5 }, /`start`/],
    ['goheap/spans', { count: Number.NaN }, /`count`/],
    ['goheap/spans', { count: 5, state: 'busy' }, /`state` must be mSpanInUse, mSpanManual, mSpanFree, mSpanDead \(got "busy"\)/],
    ['goheap/spans', { count: 5, sizeclass: 'small' }, /`sizeclass`/],
    ['goheap/span', { id: '0xc000' }, /`id` must be a span id/],
    ['goheap/travel', { executed: -2 }, /`executed`/],
    ['goheap/travel', 'ten', /`executed`/],
    ['goheap/frobnicate', {}, /unknown request `goheap\/frobnicate`/],
  ];
  for (const [cmd, args, want] of cases) {
    const r = parseHeapRequest(cmd, args);
    assert.ok('error' in r, `${cmd} ${JSON.stringify(args)} should be refused`);
    assert.match(r.error, want);
  }
});
