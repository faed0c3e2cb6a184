/**
 * Page heaps: which free range a large allocation takes (go1.5 best fit over freelarge, go1.10's
 * treap walk, go1.14 address-ordered first fit), coalescing of neighbours, the span map, growth.
 * Expected choices are computed from each era's rule applied to the free layout the test built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels, freeRanges, hex } from './helpers';
import { models } from '../../src/engine/modelconfig';
import { isRuntimeFault } from '../../src/engine/heap';

const P = 8192;

/** Large objects of the given page counts, separated by 1-page guards; then the listed ones are freed. */
function carve(model: (typeof allModels)[number], pages: number[], freeIdx: number[]): TestHeap {
  const hp = new TestHeap({ model });
  pages.forEach((n, i) => {
    hp.keep(`big${i}`, n * P, true);
    hp.keep(`guard${i}`, P * 5, true); // 5-page guard keeps neighbours apart
  });
  for (const i of freeIdx) hp.drop(`big${i}`);
  hp.gc();
  hp.assertSound('after carving');
  return hp;
}

for (const model of allModels) {
  test(`${model}: a large allocation takes the range its era's search picks`, () => {
    const hp = carve(model, [130, 200, 150, 300], [0, 1, 2]);
    const holes = freeRanges(hp).filter(([, n]) => n >= 140);
    const bestFit = holes.reduce((b, h) => (h[1] < b[1] || (h[1] === b[1] && h[0] < b[0]) ? h : b));
    const firstFit = holes[0];
    const x = hp.keep('x', 140 * P, true);
    if (model === 'go1.14') assert.equal(hex(x), hex(firstFit[0]), 'address-ordered first fit');
    else if (model === 'go1.5') assert.equal(hex(x), hex(bestFit[0]), 'bestFit: fewest pages, then lowest address');
    else assert.ok(holes.some(([b]) => b === x), 'the treap returns one of the fitting free spans');
    hp.assertSound();
  });

  test(`${model}: a request no larger than any free span takes the smallest (best fit = first fit here)`, () => {
    const hp = carve(model, [130, 200, 150], [0, 1, 2]);
    const holes = freeRanges(hp);
    const smallestLarge = holes.filter(([, n]) => n >= 128).reduce((b, h) => (h[1] < b[1] ? h : b));
    const x = hp.keep('x', 128 * P, true);
    // 130-page hole is both the first in address order and the best fit.
    assert.equal(hex(x), hex(smallestLarge[0]));
    hp.assertSound();
  });

  test(`${model}: freeing neighbours coalesces them into one free range`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 40 * P, true);
    const b = hp.keep('b', 40 * P, true);
    const c = hp.keep('c', 40 * P, true);
    hp.keep('guard', 5 * P, true);
    assert.equal(b - a, 40 * P);
    assert.equal(c - b, 40 * P);
    hp.drop('b');
    hp.gc();
    assert.ok(freeRanges(hp).some(([base, n]) => base === b && n === 40));
    hp.drop('a');
    hp.drop('c');
    hp.gc();
    const merged = freeRanges(hp).find(([base]) => base === a);
    assert.ok(merged, 'a free range starts at a');
    assert.equal(merged![1], 120, 'a, b and c form one 120-page free range');
    hp.assertSound();
    if (model !== 'go1.14') {
      const s = hp.h.pages.spanOf(a);
      assert.equal(s, null, 'free spans are not returned by spanOf');
      const list = hp.h.pages as unknown as { spans: ({ state: string; npages: number } | null)[] };
      const first = list.spans[(a - models[model].arenaStart) / P]!;
      assert.equal(first.state, 'mSpanFree');
      assert.equal(first.npages, 120);
    }
  });

  test(`${model}: every page of an in-use span maps to it`, () => {
    const hp = new TestHeap({ model });
    const big = hp.keep('big', 20 * P + 1, true);
    const s = hp.spanOf(big)!;
    assert.equal(s.npages, 21);
    for (let i = 0; i < 21; i++) assert.equal(hp.spanOf(big + i * P + 100), s);
    assert.equal(hp.spanOf(big - 1)?.startAddr === s.startAddr, false);
  });

  test(`${model}: running out of address space is a runtime fault and the heap stays sound`, () => {
    const hp = new TestHeap({ model, arenaReserve: model === 'go1.14' ? 64 << 20 : 4 << 20 });
    const limit = model === 'go1.14' ? 64 << 20 : 4 << 20;
    let fault: unknown = null;
    try {
      for (let i = 0; i < 100; i++) hp.keep(`b${i}`, limit / 8, true);
    } catch (e) {
      fault = e;
    }
    assert.ok(isRuntimeFault(fault), `expected a runtime fault, got ${String(fault)}`);
    assert.match((fault as Error).message, /out of memory/);
    hp.assertSound('after the fault');
  });
}

test('go1.5: heap grows by at least 1 MB, rounded to 64 KB', () => {
  const hp = new TestHeap({ model: 'go1.5' });
  hp.keep('a', 200 * P, true); // 200 pages = 1.5625 MB: already a multiple of 8 pages
  assert.equal(hp.h.memstats.heap_sys, 200 * P);
  hp.keep('b', 129 * P, true); // 129 pages round up to 136 (64 KB = 8 pages)
  assert.equal(hp.h.memstats.heap_sys, 200 * P + 136 * P);
  hp.assertSound();
});

test('go1.14: heap grows in 512-page chunks inside 64 MB arenas', () => {
  const hp = new TestHeap({ model: 'go1.14' });
  hp.keep('a', 600 * P, true); // 600 pages need two chunks
  const st = hp.h.memstats;
  assert.equal(st.heap_sys, 64 << 20);
  assert.equal(st.heap_inuse, 600 * P);
  assert.equal(st.heap_released, (64 << 20) - 600 * P, 'only the taken pages are no longer released');
  hp.assertSound();
});

for (const model of allModels) {
  test(`${model}: sizes beyond 2^32 bytes use exact page arithmetic; beyond the arena they are out of memory`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 3e9, true);
    assert.equal(hp.spanOf(a)!.npages, Math.ceil(3e9 / 8192));
    assert.equal(hp.h.memstats.heap_inuse, Math.ceil(3e9 / 8192) * 8192);
    hp.assertSound();
    const reserve = models[model].arenaReserve;
    let fault: unknown = null;
    try {
      hp.malloc(reserve, true);
    } catch (e) {
      fault = e;
    }
    assert.ok(isRuntimeFault(fault), `${reserve} bytes cannot fit beside 3 GB in a ${reserve}-byte arena`);
    assert.match((fault as Error).message, /out of memory/);
    hp.assertSound('after the fault');
  });
}
