/**
 * The invariant checker catches what it claims to: each test breaks one invariant by hand and
 * expects the checker to name it (a checker that always returns [] would fail here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels } from './helpers';
import type { listsPageHeap } from '../../src/engine/pageheap_lists';

function heapWithSpans(model: (typeof allModels)[number]): TestHeap {
  const hp = new TestHeap({ model });
  for (let i = 0; i < 300; i++) hp.keep(`o${i}`, 48);
  hp.keep('big', 200 * 8192, true);
  hp.assertSound('before breaking it');
  return hp;
}

const expectViolation = (hp: TestHeap, re: RegExp): void => {
  const bad = hp.checkInvariants();
  assert.ok(bad.some((v) => re.test(v)), `expected a violation matching ${re}, got:\n${bad.join('\n')}`);
};

for (const model of allModels) {
  test(`${model}: accounting identity heap_sys = heap_inuse + heap_idle is checked`, () => {
    const hp = heapWithSpans(model);
    hp.h.memstats.heap_idle += 8192;
    expectViolation(hp, /heap_sys \d+ != heap_inuse/);
  });

  test(`${model}: allocCount against the alloc bits or free list is checked`, () => {
    const hp = heapWithSpans(model);
    const s = hp.spanOf(hp.rootSet.get('o0')!)!;
    s.allocCount--;
    expectViolation(hp, /allocCount \d+ but \d+ objects allocated/);
  });

  test(`${model}: list membership of small spans is checked`, () => {
    const hp = heapWithSpans(model);
    const s = hp.spanOf(hp.rootSet.get('o0')!)!;
    s.list!.remove(s);
    expectViolation(hp, /is on no list of its mcentral|not on mcentral's empty list/);
  });

  test(`${model}: the span map is checked`, () => {
    const hp = heapWithSpans(model);
    const big = hp.spanOf(hp.rootSet.get('big')!)!;
    big.npages += 1; // claims a page the map gives to someone else (or nobody)
    expectViolation(hp, /span map|pagesInUse|pageAlloc|heap_alloc/);
  });

  test(`${model}: illegal sweep generations are checked`, () => {
    const hp = heapWithSpans(model);
    hp.spanOf(hp.rootSet.get('o0')!)!.sweepgen = hp.h.sweepgen + 2;
    expectViolation(hp, /sweepgen/);
  });
}

for (const model of ['go1.5', 'go1.10'] as const) {
  test(`${model}: two adjacent free spans (missed coalescing) are reported`, () => {
    const hp = new TestHeap({ model });
    hp.keep('a', 20 * 8192, true);
    hp.keep('guard', 5 * 8192, true);
    hp.drop('a');
    hp.gc();
    hp.assertSound();
    // Split the 20-page free span into two free spans of 10 pages by hand.
    const pages = hp.h.pages as listsPageHeap;
    const s = pages.free[20].first!;
    pages.free[20].remove(s);
    const t = hp.h.newSpan(s.startAddr + 10 * 8192, 10);
    s.npages = 10;
    t.state = 'mSpanFree';
    const p0 = (s.startAddr - pages.arena_start) / 8192;
    pages.spans[p0 + 9] = s;
    pages.spans[p0 + 10] = t;
    pages.spans[p0 + 19] = t;
    pages.free[10].insert(s);
    pages.free[10].insert(t);
    expectViolation(hp, /adjacent free spans .* not coalesced/);
  });
}

test('go1.14: a page-allocator summary that disagrees with the bitmaps is reported', () => {
  const hp = heapWithSpans('go1.14');
  const pa = (hp.h.pages as unknown as { pages: { summary: { set(i: number, a: number, b: number, c: number): boolean }[] } }).pages;
  const leaf = pa.summary[4];
  const view = (hp.h.pages as unknown as { pages: { chunkList(): { ci: number }[] } }).pages.chunkList()[0];
  leaf.set(view.ci, 512, 512, 512); // claims the chunk is entirely free
  expectViolation(hp, /pageAlloc: /);
});
