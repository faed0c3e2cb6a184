/**
 * HeapTracker (src/adapter/heapdelta.ts) in process, on every model: a view that applies each
 * delta holds exactly what a fresh snapshot and span table say (rows, removed ids, page runs,
 * mcentral, mcache, page heap, breakdown), statement after statement of a script that frees,
 * coalesces, scavenges and collects; a travel backwards or a stale `since` answers a reset; a
 * replayed interpreter (new mspan objects, same ids) is diffed by value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { finalizerQueue, heapBreakdown, pageHeapView, pageRuns, spanRows, specialViews } from '../../src/program/heapsnapshot';
import { HeapTracker } from '../../src/adapter/heapdelta';
import type { HeapDelta, McacheView, McentralView, PageHeapView, PageRun, SpanRow, SpecialView, StopPoint } from '../../src/protocol/heapview';

const script = `var keep[400]
repeat 200 as i {
  keep[i] = new 20
  keep[i + 200] = new 40000 noscan
}
s = stackalloc 32KB
repeat 60 as j {
  keep[j * 3] = nil
  keep[j * 3 + 201] = nil
}
gc
x = new 3000000
setfinalizer keep[1]
setfinalizer keep[2]
keep[1] = nil
gc
tick 6m
scavenge
x = nil
gc
freeosmemory
y = new 200000
`;

const stop: StopPoint = { line: 0, executed: 0, reason: 'step', runtimeFrames: [] };

interface View {
  generation: number;
  pages: PageRun[];
  spans: Map<number, SpanRow>;
  mcentral: Map<number, McentralView>;
  mcache: readonly McacheView[];
  pageHeap: PageHeapView;
  specials: readonly SpecialView[];
  finq: readonly number[];
}

function load(model: string): Interpreter {
  const c = compile(script, { model });
  assert.ok(c.ok);
  return new Interpreter(c.program, c.settings);
}

function freshView(tr: HeapTracker, it: Interpreter): View {
  const snap = tr.snapshot(it, stop);
  return { generation: snap.generation, pages: [...snap.pages], spans: new Map(spanRows(it.heap.h).map((r) => [r.id, r])), mcentral: new Map(snap.mcentral.map((c) => [c.spanclass, c])), mcache: snap.mcache, pageHeap: snap.pageHeap, specials: snap.specials, finq: snap.finalizerQueue };
}

function apply(v: View, d: HeapDelta): void {
  assert.equal(d.reset, false);
  for (const id of d.removed) assert.ok(v.spans.delete(id), `removed ${id} was in the view`);
  for (const r of d.spans) v.spans.set(r.id, r);
  if (d.pages !== undefined) {
    const { from, to, runs } = d.pages;
    for (const r of v.pages) if (r.base < to && r.base + r.npages * 8192 > from) assert.ok(r.base >= from && r.base + r.npages * 8192 <= to, 'a replaced run lies inside [from, to)');
    v.pages = [...v.pages.filter((r) => r.base + r.npages * 8192 <= from || r.base >= to), ...runs].sort((a, b) => a.base - b.base);
  }
  for (const c of d.mcentral ?? []) v.mcentral.set(c.spanclass, c);
  if (d.mcache !== undefined) v.mcache = d.mcache;
  if (d.pageHeap !== undefined) v.pageHeap = d.pageHeap;
  if (d.specials !== undefined) v.specials = d.specials;
  if (d.finalizerQueue !== undefined) v.finq = d.finalizerQueue;
  v.generation = d.generation;
}

for (const model of ['go1.5', 'go1.10', 'go1.14'] as const) {
  test(`${model}: deltas applied statement by statement equal the heap`, () => {
    const it = load(model);
    const tr = new HeapTracker();
    tr.stopped(it, 0, true);
    const view = freshView(tr, it);
    let resets = 0;
    let steps = 0;
    while (it.status === 'ready' || it.status === 'paused') {
      it.run(it.executed < 300 ? 7 : 1);
      tr.stopped(it, 0, true);
      const d = tr.delta(it, view.generation, stop);
      if (d.reset) {
        // Only a step that changed more than a page of spans may answer a reset.
        resets++;
        Object.assign(view, freshView(tr, it));
        continue;
      }
      apply(view, d);
      steps++;
      const h = it.heap.h;
      assert.deepEqual(view.pages, pageRuns(h), `${model} after ${it.executed}: page runs`);
      assert.deepEqual([...view.spans.values()].sort((a, b) => a.base - b.base), spanRows(h), `${model} after ${it.executed}: span table`);
      assert.deepEqual(d.breakdown, heapBreakdown(h), `${model} after ${it.executed}: breakdown`);
      assert.deepEqual(view.pageHeap, pageHeapView(h), `${model} after ${it.executed}: page heap`);
      assert.equal(d.nspans, h.allspans.size);
      assert.deepEqual(view.specials, specialViews(it), `${model} after ${it.executed}: specials`);
      assert.deepEqual(view.finq, finalizerQueue(h), `${model} after ${it.executed}: finalizer queue`);
      for (const [k, c] of view.mcentral) if (c.nonempty.length + c.empty.length > 0 || h.central[k].nonempty.n + h.central[k].empty.n > 0) assert.deepEqual([c.nonempty, c.empty], [h.central[k].nonempty.toArray().map((s) => s.id), h.central[k].empty.toArray().map((s) => s.id)], `mcentral ${k}`);
    }
    assert.equal(it.status, 'done');
    assert.ok(steps > 20 && resets <= 2, `${steps} deltas, ${resets} resets`);
  });
}

test('travel backwards and stale generations answer resets; a replayed interpreter is diffed by value', () => {
  const tr = new HeapTracker();
  let it = load('go1.10');
  it.run(50);
  tr.stopped(it, 0, true);
  const v = freshView(tr, it);
  assert.equal(tr.delta(it, v.generation - 1, stop).reset, true, 'stale since');
  Object.assign(v, freshView(tr, it));
  // The same state rebuilt by a replay: new mspan objects, nothing changed.
  const again = load('go1.10');
  again.run(50);
  tr.stopped(again, 0, true);
  const d = tr.delta(again, v.generation, stop);
  assert.equal(d.reset, false);
  assert.deepEqual([d.spans.length, d.removed.length, d.pages], [0, 0, undefined]);
  apply(v, d);
  it = again;
  // Backwards: a reset, whatever `since` says.
  const back = load('go1.10');
  back.run(20);
  tr.stopped(back, 0, false);
  assert.equal(tr.delta(back, v.generation, stop).reset, true);
});
