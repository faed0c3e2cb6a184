/**
 * mallocgc per model: zero-size, tiny packing, small objects and span layout, scan/noscan span
 * classes, large objects. Expected values come from malloc.go's rules and the size-class table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels, hex } from './helpers';
import { models } from '../../src/engine/modelconfig';
import { sizeClassTable } from '../../src/engine/sizeclasses';

for (const model of allModels) {
  const arena = models[model].arenaStart;

  test(`${model}: zero-size allocations all return zerobase and allocate nothing`, () => {
    const hp = new TestHeap({ model });
    const a = hp.malloc(0, false);
    const b = hp.malloc(0, true);
    assert.equal(a, b);
    assert.equal(a, hp.h.zerobase);
    assert.equal(hp.h.memstats.nmalloc, 0);
    assert.equal(hp.h.memstats.heap_sys, 0);
  });

  test(`${model}: first small objects are laid out back to back in the first span at the arena start`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 24); // rounds to the 32-byte class (class 3)
    const b = hp.keep('b', 32);
    const c = hp.keep('c', 17);
    assert.equal(hex(a), hex(arena));
    assert.equal(b - a, 32);
    assert.equal(c - b, 32);
    const s = hp.spanOf(a)!;
    assert.equal(s.sizeclass(), 3);
    assert.equal(s.elemsize, 32);
    assert.equal(s.npages, 1);
    assert.equal(s.nelems, 8192 / 32);
    assert.equal(s.allocCount, 3);
    assert.equal(s.state, 'mSpanInUse');
    assert.equal(hp.h.memstats.heap_alloc, 3 * 32);
    assert.equal(hp.h.memstats.heap_objects, 3);
    // The whole span's free slots are charged to heap_live when it is cached.
    assert.equal(hp.h.memstats.heap_live, 256 * 32);
    hp.assertSound();
  });

  test(`${model}: a full span makes the mcache refill from a new span`, () => {
    const hp = new TestHeap({ model });
    for (let i = 0; i < 257; i++) hp.keep(`o${i}`, 32);
    const first = hp.spanOf(hp.rootSet.get('o0')!)!;
    const last = hp.spanOf(hp.rootSet.get('o256')!)!;
    assert.notEqual(first, last);
    assert.equal(first.allocCount, 256);
    assert.equal(last.allocCount, 1);
    assert.equal(last.startAddr, first.startAddr + 8192);
    hp.assertSound();
  });

  test(`${model}: scan and noscan objects ${models[model].noscanSpanClasses ? 'use different' : 'share the same'} spans`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 48);
    const b = hp.keep('b', 48, true);
    const sa = hp.spanOf(a)!;
    const sb = hp.spanOf(b)!;
    if (models[model].noscanSpanClasses) {
      assert.notEqual(sa, sb);
      assert.equal(sa.spanclass, (4 << 1) | 0);
      assert.equal(sb.spanclass, (4 << 1) | 1);
    } else {
      assert.equal(sa, sb);
      assert.equal(b - a, 48);
    }
    hp.assertSound();
  });

  test(`${model}: tiny allocator packs noscan objects under 16 bytes with malloc.go's alignment`, () => {
    const hp = new TestHeap({ model });
    const x1 = hp.keep('x1', 1, true); // new block, offset 0
    const x2 = hp.keep('x2', 2, true); // even size: align 2 -> offset 2
    const x4 = hp.keep('x4', 4, true); // multiple of 4: offset 4
    const x8 = hp.keep('x8', 8, true); // multiple of 8: offset 8
    assert.deepEqual([x2 - x1, x4 - x1, x8 - x1], [2, 4, 8]);
    assert.equal(hp.h.caches[0].tinyoffset, 16);
    const y1 = hp.keep('y1', 1, true); // 16 + 1 > 16: a new block
    assert.equal(y1 - x1, 16, 'the next 16-byte object of the same span');
    const y12 = hp.keep('y12', 12, true); // multiple of 4: offset 4 in the new block
    assert.equal(y12 - y1, 4);
    assert.equal(hp.h.memstats.tinyallocs, 4, 'four allocations went into existing blocks');
    assert.equal(hp.h.memstats.nmalloc, 2, 'two 16-byte blocks were allocated');
    const s = hp.spanOf(x1)!;
    assert.equal(s.elemsize, 16);
    hp.assertSound();
  });

  test(`${model}: tiny allocator keeps the block with more free space`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 4, true); // block A, tinyoffset 4
    const b = hp.keep('b', 15, true); // 4+15 > 16: new block B holding 15 bytes; A has more room left
    assert.equal(b - a, 16);
    assert.equal(hp.h.caches[0].tiny, a, 'block A stays the tiny block (16-4 > 16-15)');
    const c = hp.keep('c', 8, true); // fits in A at offset 8
    assert.equal(c - a, 8);
    const d = hp.keep('d', 9, true); // 16+9 > 16: new block D; 9 < tinyoffset 16 so D replaces A
    assert.equal(d - a, 32);
    assert.equal(hp.h.caches[0].tiny, d);
    assert.equal(hp.h.caches[0].tinyoffset, 9);
    hp.assertSound();
  });

  test(`${model}: pointerful objects under 16 bytes do not use the tiny allocator`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 8, false);
    const b = hp.keep('b', 8, false);
    assert.equal(b - a, 8);
    assert.equal(hp.spanOf(a)!.elemsize, 8);
    assert.equal(hp.h.memstats.tinyallocs, 0);
  });

  test(`${model}: a 40000-byte object gets a 5-page span of its own`, () => {
    const hp = new TestHeap({ model });
    const big = hp.keep('big', 40000, true);
    const s = hp.spanOf(big)!;
    assert.equal(s.startAddr, big);
    assert.equal(s.npages, Math.ceil(40000 / 8192));
    assert.equal(s.elemsize, 5 * 8192);
    assert.equal(s.sizeclass(), 0);
    assert.equal(hp.h.memstats.heap_live, 5 * 8192);
    assert.equal(hp.h.memstats.heap_alloc, 5 * 8192);
    assert.equal(hp.h.memstats.nlargealloc, 1);
    assert.equal(hp.h.memstats.heap_inuse, 5 * 8192);
    hp.assertSound();
  });

  test(`${model}: every size class's first span has the table's pages and objects`, () => {
    const hp = new TestHeap({ model });
    const t = sizeClassTable(model);
    for (let c = 1; c < 67; c++) {
      const a = hp.keep(`c${c}`, t.class_to_size[c]);
      const s = hp.spanOf(a)!;
      assert.equal(s.elemsize, t.class_to_size[c], `class ${c}`);
      assert.equal(s.npages, t.class_to_allocnpages[c], `class ${c} pages`);
      assert.equal(s.nelems, Math.floor((t.class_to_allocnpages[c] * 8192) / t.class_to_size[c]), `class ${c} nelems`);
    }
    hp.assertSound();
  });

  test(`${model}: heap grows by the era's unit on the first allocation`, () => {
    const hp = new TestHeap({ model });
    hp.keep('a', 8);
    const want = model === 'go1.14' ? 64 << 20 : 1 << 20; // go1.14 maps a 64 MB arena (released), others 1 MB
    assert.equal(hp.h.memstats.heap_sys, want);
    // go1.14: the 8-byte span's page came out of the P's page cache; the cache's other 63 pages
    // stay counted as released until a span takes them (allocSpan subtracts `scav` only then).
    if (model === 'go1.14') assert.equal(hp.h.memstats.heap_released, (64 << 20) - 8192);
    else assert.equal(hp.h.memstats.heap_released, 0);
    hp.assertSound();
  });
}
