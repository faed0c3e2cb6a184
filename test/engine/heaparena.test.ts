/**
 * go1.14's heap arenas keep Go's per-page span map (`heapArena.spans`) compactly: a shared
 * array while a single span (or none) covers the whole 64 MB arena, its own copy once a span
 * covers part of it. These tests check that every page still answers as Go's array would, including
 * after partial writes over a whole-arena entry, and that a span crossing arenas maps on every page.
 * Expected values are arithmetic on Go's constants: 8 KB pages, 8192 pages per 64 MB arena.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { _PageSize, heapArenaBytes, pagesPerArena } from '../../src/engine/constants';
import { heapArena } from '../../src/engine/heaparena';
import type { mspan } from '../../src/engine/mspan';
import type { radixPageHeap } from '../../src/engine/pageheap_radix';
import { TestHeap } from './helpers';

const fake = (name: string) => ({ name }) as unknown as mspan;

test('an arena answers spans[i] for every page, whole or in part', () => {
  assert.equal(pagesPerArena, 8192);
  const a = new heapArena(0);
  const big = fake('big');
  const small = fake('small');
  assert.equal(a.spans[0], null);
  a.setSpans(0, pagesPerArena, big); // one span covers the arena
  for (const i of [0, 1, 4095, 8191]) assert.equal(a.spans[i], big);
  assert.ok(a.mapsTo(0, pagesPerArena, big));
  a.setSpans(100, 110, small); // a span over part of it: the other pages keep `big`
  assert.equal(a.spans[99], big);
  assert.equal(a.spans[100], small);
  assert.equal(a.spans[109], small);
  assert.equal(a.spans[110], big);
  assert.ok(a.mapsTo(100, 110, small));
  assert.ok(!a.mapsTo(0, pagesPerArena, big));
  a.setSpans(0, pagesPerArena, null);
  for (const i of [0, 100, 8191]) assert.equal(a.spans[i], null);
});

test('arenas one span covers share one map; a partial write gives an arena its own, leaving the others', () => {
  const a = new heapArena(0);
  const b = new heapArena(heapArenaBytes);
  const big = fake('big');
  const small = fake('small');
  a.setSpans(0, pagesPerArena, big);
  b.setSpans(0, pagesPerArena, big);
  assert.equal(a.spans, b.spans, 'one shared array');
  b.setSpans(8000, 8192, small);
  assert.notEqual(a.spans, b.spans);
  assert.equal(a.spans[8100], big, 'the other arena still maps to big');
  assert.equal(b.spans[8100], small);
  assert.equal(b.spans[0], big);
  assert.ok(a.mapsTo(0, pagesPerArena, big) && !b.mapsTo(0, pagesPerArena, big) && b.mapsTo(8000, 8192, small));
  // A fresh arena shares the all-nil map until written.
  const c = new heapArena(2 * heapArenaBytes);
  c.setSpans(5, 6, small);
  assert.equal(new heapArena(3 * heapArenaBytes).spans[5], null, 'writing one arena leaves fresh ones nil');
});

test('go1.14: a 1 GiB object maps on every page of its 16 arenas, and its pages map elsewhere once reused', () => {
  const hp = new TestHeap({ model: 'go1.14' });
  const size = 1 << 30;
  const x = hp.keep('x', size, true);
  const ph = hp.h.pages as radixPageHeap;
  const s = ph.arenas.spanOf(x)!;
  assert.equal(s.npages, size / _PageSize); // 131072 pages
  assert.ok(ph.arenas.mapsTo(s.startAddr, s.npages, s));
  for (const off of [0, heapArenaBytes - 1, heapArenaBytes, 7 * heapArenaBytes + 12345, size - 1]) {
    assert.equal(ph.arenas.spanOf(x + off), s, `offset ${off}`);
  }
  assert.equal(ph.arenas.spanOf(x + size), null);
  hp.assertSound('after the 1 GiB allocation');
  hp.drop('x');
  hp.gc();
  hp.assertSound('after freeing it');
  assert.equal(ph.arenas.spanOf(x), null);
  // Small objects now reuse the start of that range: their span map entries are per page.
  const y = hp.keep('y', 64 * 1024, true);
  const t = ph.arenas.spanOf(y)!;
  assert.ok(t !== s && t.npages === 8);
  assert.ok(y >= x && y < x + size, 'first fit takes the lowest free pages: inside the freed range');
  assert.equal(ph.arenas.spanOf(y + 8 * _PageSize), null);
  hp.assertSound('after reusing the range');
});
