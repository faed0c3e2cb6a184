/**
 * go1.14's heap arenas keep Go's per-page span map (`heapArena.spans`) compactly: one reference
 * while a single span (or none) covers the whole 64 MB arena, the 8192 entries once a span covers
 * part of it. These tests check that every page still answers as Go's array would, including
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
  assert.equal(a.spanAt(0), null);
  a.setSpans(0, pagesPerArena, big); // one span covers the arena
  for (const i of [0, 1, 4095, 8191]) assert.equal(a.spanAt(i), big);
  assert.ok(a.mapsTo(0, pagesPerArena, big));
  a.setSpans(100, 110, small); // a span over part of it: the other pages keep `big`
  assert.equal(a.spanAt(99), big);
  assert.equal(a.spanAt(100), small);
  assert.equal(a.spanAt(109), small);
  assert.equal(a.spanAt(110), big);
  assert.ok(a.mapsTo(100, 110, small));
  assert.ok(!a.mapsTo(0, pagesPerArena, big));
  a.setSpans(0, pagesPerArena, null);
  for (const i of [0, 100, 8191]) assert.equal(a.spanAt(i), null);
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
