/**
 * GC, sweep generations, finalizers, profile specials, stacks and faults, per model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels } from './helpers';
import { isRuntimeFault } from '../../src/engine/heap';
import { sweepone } from '../../src/engine/mgcsweep';

for (const model of allModels) {
  test(`${model}: unreachable objects are freed by sweep; reachable ones survive through pointers`, () => {
    const hp = new TestHeap({ model });
    const a = hp.keep('a', 64);
    const b = hp.malloc(64, false); // reachable only through a
    hp.writePointer(a, 0, b);
    hp.malloc(64, false); // garbage
    hp.gc();
    const s = hp.spanOf(a)!;
    assert.equal(s.allocCount, 2, 'a and b survive, the third object is freed');
    assert.equal(hp.h.memstats.heap_objects, 2);
    assert.equal(hp.h.memstats.nfree, 1);
    assert.equal(hp.h.memstats.heap_marked, 128);
    hp.writePointer(a, 0, 0);
    hp.gc();
    assert.equal(s.allocCount, 1);
    hp.assertSound();
  });

  test(`${model}: sweep generations: a cycle makes spans unswept (h-2), sweeping makes them h`, () => {
    const hp = new TestHeap({ model });
    for (let i = 0; i < 600; i++) hp.keep(`o${i}`, 32); // 3 spans of 256 objects
    const sg0 = hp.h.sweepgen;
    hp.h.startGC(false, 0); // automatic-style cycle: no sweeping afterwards
    const sg = hp.h.sweepgen;
    assert.equal(sg, sg0 + 2);
    const spans = [...hp.spans()].filter((s) => s.state === 'mSpanInUse');
    assert.equal(spans.length, 3);
    for (const s of spans) assert.equal(s.sweepgen, sg - 2);
    assert.equal(hp.h.sweepdone, false);
    assert.notEqual(sweepone(hp.h, 'bgsweep'), -1);
    assert.equal(spans.filter((s) => s.sweepgen === sg).length, 1, 'sweepone swept exactly one span');
    hp.sweep();
    for (const s of spans) assert.equal(s.sweepgen, sg);
    assert.equal(hp.h.sweepdone, true);
    hp.assertSound();
  });

  test(`${model}: an empty small span returns to the heap when swept`, () => {
    const hp = new TestHeap({ model });
    for (let i = 0; i < 300; i++) hp.keep(`o${i}`, 32);
    const inuse0 = hp.h.memstats.heap_inuse;
    for (let i = 0; i < 256; i++) hp.drop(`o${i}`);
    hp.gc();
    // the mcache flush returned the partly used span; the full first span is now empty
    assert.equal(hp.h.memstats.heap_inuse, inuse0 - 8192);
    hp.assertSound();
  });

  test(`${model}: a finalizer resurrects its object (and what it reaches) for one cycle`, () => {
    const hp = new TestHeap({ model });
    const x = hp.keep('x', 64);
    const y = hp.malloc(48, false);
    hp.writePointer(x, 1, y);
    assert.equal(hp.setFinalizer(x), true);
    assert.equal(hp.setFinalizer(x), false, 'a second finalizer is refused');
    hp.drop('x');
    hp.gc();
    assert.equal(hp.h.finq.length, 1, 'finalizer queued');
    assert.ok(hp.spanOf(x)!.isAllocated(hp.spanOf(x)!.objIndex(x)), 'x survives the cycle');
    assert.ok(hp.spanOf(y)!.isAllocated(hp.spanOf(y)!.objIndex(y)), 'y, reachable from x, survives');
    assert.equal(hp.spanOf(x)!.specials.length, 0, 'the finalizer record is gone');
    hp.gc();
    assert.equal(hp.h.memstats.heap_objects, 2, 'queued objects stay live until the finalizer runs');
    assert.equal(hp.runFinalizers(), 1);
    hp.gc();
    assert.equal(hp.h.memstats.heap_objects, 0, 'after the finalizer ran, both are freed');
    hp.assertSound();
  });

  test(`${model}: MemProfileRate=1 samples every allocation; dead objects free their profile records`, () => {
    const hp = new TestHeap({ model, memProfileRate: 1 });
    const a = hp.keep('a', 100);
    hp.malloc(100, false);
    assert.equal(hp.spanOf(a)!.specials.length, 2);
    hp.gc();
    assert.equal(hp.spanOf(a)!.specials.length, 1);
    const b = [...hp.h.mProf.values()][0];
    assert.deepEqual([b.allocs, b.frees], [2, 1]);
    hp.assertSound();
  });

  test(`${model}: the first automatic GC starts when heap_live reaches 4 MB (GOGC=100)`, () => {
    const hp = new TestHeap({ model });
    let i = 0;
    while (hp.h.memstats.numgc === 0) hp.keep(`o${i++}`, 1024, true);
    // heap_live counts whole cached spans: the GC starts at the first refill past 4 MB.
    assert.ok(i * 1024 >= (4 << 20) - 64 * 1024 && i * 1024 <= (4 << 20) + 8192, `GC after ${i} KB`);
    assert.equal(hp.h.memstats.next_gc, Math.max(2 * hp.h.memstats.heap_marked, 4 << 20));
    hp.assertSound();
  });

  test(`${model}: GOGC=off never collects automatically`, () => {
    const hp = new TestHeap({ model, gogc: -1 });
    for (let i = 0; i < 10000; i++) hp.malloc(1024, true);
    assert.equal(hp.h.memstats.numgc, 0);
  });

  test(`${model}: stacks are manual spans; freeing one twice is a runtime fault with the heap intact`, () => {
    const hp = new TestHeap({ model });
    const sys0 = hp.h.memstats.heap_sys;
    const s = hp.stackAlloc(64 * 1024); // 64 KB: a large stack, its own 8-page manual span
    assert.equal(s.span.state, 'mSpanManual');
    assert.equal(hp.h.memstats.stacks_inuse, 8 * 8192);
    const growth = model === 'go1.14' ? 64 << 20 : 1 << 20;
    if (model === 'go1.5') assert.equal(hp.h.memstats.heap_sys, sys0 + growth, 'go1.5 counts stacks in heap_sys');
    else assert.equal(hp.h.memstats.heap_sys, sys0 + growth - 8 * 8192, 'manual spans leave heap_sys');
    hp.assertSound();
    hp.stackFree(s);
    assert.equal(hp.h.memstats.stacks_inuse, 0);
    hp.assertSound();
    let fault: unknown;
    try {
      hp.stackFree(s);
    } catch (e) {
      fault = e;
    }
    assert.ok(isRuntimeFault(fault));
    assert.match((fault as Error).message, /invalid span state/);
    hp.assertSound('after the fault');
  });

  test(`${model}: a pointer cannot be stored in a noscan object (go1.5: known from the heap bitmap)`, () => {
    const hp = new TestHeap({ model });
    const b = hp.keep('b', 100, true);
    const a = hp.keep('a', 100);
    assert.equal(hp.isNoscan(b), true);
    assert.equal(hp.isNoscan(a), false);
    assert.throws(() => hp.writePointer(b, 0, a), /noscan/);
    hp.writePointer(a, 0, b);
    assert.equal(hp.readPointer(a, 0), b);
  });

  test(`${model}: same operations give the same heap, byte for byte`, () => {
    const run = (): string => {
      const hp = new TestHeap({ model, memProfileRate: 4096, procs: 2 });
      for (let i = 0; i < 3000; i++) {
        const n = `o${i % 700}`;
        hp.keep(n, ((i * 7919) % 5000) + 1, i % 3 === 0, i % 2);
        if (i % 500 === 0) hp.gc();
      }
      hp.tick(6 * 60e9);
      const spans = [...hp.spans()].map((s) => [s.startAddr, s.npages, s.state, s.spanclass, s.allocCount, s.sweepgen, s.specials.length]);
      return JSON.stringify({ spans, st: hp.h.memstats });
    };
    assert.equal(run(), run());
  });
}
