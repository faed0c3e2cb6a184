/**
 * The Go Heap tree's model (src/extension/treemodel.ts) fed with snapshots of real heaps (a
 * script run by the interpreter, snapshot by src/program/heapsnapshot.ts) and with a synthetic
 * 100,000-span heap built by arithmetic. Expected group counts come from the engine's span list
 * (spanRows) and from size-class arithmetic, not from the model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapTreeModel, BUCKET, splicePageRuns, type TreeNode } from '../../src/extension/treemodel';
import { REQ_DELTA, REQ_SNAPSHOT, REQ_SPANS, type PageRun } from '../../src/protocol/heapview';
import { ARENA, dump, FakeSession, fullDelta, runScript, syntheticHeap } from './heapfixture';

const script = (model: string) => `model ${model}
procs 2
memprofilerate 1
var keep[600]
repeat 600 as i {
  keep[i] = new 48
}
big = new 100000
st = stackalloc 64KB
setfinalizer big
repeat 300 as i {
  keep[i*2] = nil
}
drop big
gc
on P1 {
  y = new 1000 noscan
}
print y
`;

function q_(h: { rows: readonly { id: number }[] }, id: number): unknown {
  return h.rows.find((r) => r.id === id);
}

async function childByLabel(model: HeapTreeModel, source: FakeSession | null, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const kids = await model.children(source, parent);
  const n = kids.find((k) => model.item(k).label === label);
  assert.ok(n !== undefined, `no child ${label} under ${parent === undefined ? 'root' : model.item(parent).label}: ${kids.map((k) => model.item(k).label).join(', ')}`);
  return n;
}

test('spans are grouped by state and size class as the engine holds them', async () => {
  const h = runScript(script('go1.10'), 1);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  const src = new FakeSession(h);
  const spans = await childByLabel(model, src, undefined, 'spans');
  const states = (await model.children(src, spans)).map((n) => model.item(n).label);
  const want = ['mSpanInUse', 'mSpanManual', 'mSpanFree'].filter((s) => h.rows.some((r) => r.state === s && r.npages > 0));
  assert.deepEqual(states, want);
  const inuse = await childByLabel(model, src, spans, 'mSpanInUse');
  const classes = await model.children(src, inuse);
  // Independent count per class from the engine's rows.
  const byClass = new Map<number, number>();
  for (const r of h.rows) if (r.state === 'mSpanInUse') byClass.set(r.sizeclass, (byClass.get(r.sizeclass) ?? 0) + 1);
  for (const c of classes) {
    const v = model.item(c);
    const sc = v.label === 'large' ? 0 : Number(/class (\d+)/.exec(v.label)![1]);
    assert.match(v.description, new RegExp(`^${byClass.get(sc)} spans? · `), v.label);
  }
  assert.equal(classes.length, byClass.size);
  // 600 objects of 48 B (class 4: 170 per 8 KB span) need ceil(600/170) = 4 spans; half survive the GC in every span.
  const c4 = await childByLabel(model, src, inuse, 'class 4');
  assert.match(model.item(c4).description, new RegExp(`^${Math.ceil(600 / 170)} spans · 4 pages$`));
  // big: 100000 B → ceil(100000/8192) = 13 pages; still in use (its finalizer is queued).
  const large = await childByLabel(model, src, inuse, 'large');
  assert.equal(model.item(large).description, '1 span · 13 pages');
  const bigSpan = (await model.children(src, large))[0];
  assert.match(model.item(bigSpan).description, /^13 pages · large · 1\/1 objects/);
});

test('expanding a class fetches its rows with one paged goheap/spans request', async () => {
  const h = runScript(script('go1.14'), 1);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  const src = new FakeSession(h);
  const inuse = await childByLabel(model, src, await childByLabel(model, src, undefined, 'spans'), 'mSpanInUse');
  assert.equal(src.count(REQ_SPANS), 0, 'groups come from the page runs');
  const c4 = await childByLabel(model, src, inuse, 'class 4');
  const kids = await model.children(src, c4);
  assert.deepEqual(src.requests.filter((r) => r.command === REQ_SPANS).map((r) => r.args), [{ state: 'mSpanInUse', sizeclass: 4, start: 0, count: 4 }]);
  const rows = h.rows.filter((r) => r.state === 'mSpanInUse' && r.sizeclass === 4);
  assert.deepEqual(kids.map((k) => model.item(k).label), rows.map((r) => '0x' + r.base.toString(16)));
  for (const [i, k] of kids.entries()) {
    assert.ok(model.item(k).description.includes(`${rows[i].allocCount}/170 objects`), model.item(k).description);
    assert.equal(model.item(k).contextValue, 'span');
    assert.equal(model.item(k).span, rows[i].id);
  }
  await model.children(src, c4);
  assert.equal(src.count(REQ_SPANS), 1, 'rows are cached within a generation');
});

test('mcentral lists, mcaches, specials and the finalizer queue', async () => {
  const h = runScript(script('go1.10'), 1);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  const src = new FakeSession(h);
  // mcentral: class 4 scan objects are spanclass 8; its lists as the snapshot has them.
  const central = await childByLabel(model, src, undefined, 'mcentral');
  const c8 = await childByLabel(model, src, central, 'class 4');
  const view = h.snapshot.mcentral.find((c) => c.spanclass === 8)!;
  assert.match(model.item(c8).description, new RegExp(`spanclass 8 · nonempty ${view.nonempty.length} · empty ${view.empty.length}`));
  const ne = await childByLabel(model, src, c8, 'nonempty');
  assert.deepEqual((await model.children(src, ne)).map((n) => model.item(n).span), view.nonempty);
  // mcache: P1 holds the span y came from (1000 B noscan → class of 1024).
  const mcache = await childByLabel(model, src, undefined, 'mcache');
  const p1 = await childByLabel(model, src, mcache, 'P1');
  const cachedByP1 = h.rows.filter((r) => r.cachedBy === 1).map((r) => r.id).sort();
  assert.deepEqual((await model.children(src, p1)).map((n) => model.item(n).span).sort(), cachedByP1);
  assert.ok(h.rows.some((r) => r.cachedBy === 1 && r.elemsize === 1024 && r.noscan), 'y\'s span is cached by P1');
  // The finalizer of big was queued by the GC: the queue holds big's address (its span's base).
  const specials = await childByLabel(model, src, undefined, 'specials');
  const finq = await childByLabel(model, src, specials, 'finalizer queue');
  const bigRow = h.rows.find((r) => r.npages === 13)!;
  assert.deepEqual((await model.children(src, finq)).map((n) => model.item(n).label), ['0x' + bigRow.base.toString(16)]);
  // memprofilerate 1 samples every allocation: each live sampled object has a profile record.
  const profiles = (await model.children(src, specials)).filter((n) => model.item(n).label.startsWith('profile'));
  assert.equal(profiles.length, h.snapshot.specials.filter((s) => s.kind === 'profile').length);
  assert.ok(profiles.length >= 300 + 1, 'the 300 surviving keep objects and y');
  assert.match(model.item(profiles[0]).description, /allocated at line 6$/, 'keep[i] = new 48 is line 6');
});

test('the page heap is shown as each model has it', async () => {
  const labels = async (model: string): Promise<string[]> => {
    const h = runScript(script(model), 1);
    const m = new HeapTreeModel();
    m.setSnapshot(h.snapshot);
    const ph = await childByLabel(m, null, undefined, 'page heap');
    return (await m.children(null, ph)).map((n) => m.item(n).label);
  };
  const l14 = await labels('go1.14');
  assert.deepEqual(l14, ['chunks', 'summary levels', 'searchAddr', 'scavAddr']);
  const l5 = await labels('go1.5');
  assert.ok(l5.some((l) => /^free\[\d+\]$/.test(l)) && l5.includes('busy'), l5.join(','));
  const l10 = await labels('go1.10');
  assert.ok(l10.some((l) => /^free\[\d+\]$/.test(l)), l10.join(','));
  assert.ok(!l10.includes('freelarge'), 'go1.10 keeps large free spans in the treap');
});

test('a delta brings the tree to the state a fresh snapshot shows', async () => {
  for (const model of ['go1.5', 'go1.10', 'go1.14']) {
    const first = runScript(script(model), 1, 400);
    const last = runScript(script(model), 2);
    assert.notEqual(first.snapshot.memstats.nmalloc, last.snapshot.memstats.nmalloc, 'the two states differ');
    assert.ok(first.rows.some((r) => !last.rows.some((q) => q.id === r.id) || JSON.stringify(q_(last, r.id)) !== JSON.stringify(r)), 'rows changed');
    const viaDelta = new HeapTreeModel();
    viaDelta.setSnapshot(first.snapshot);
    const src1 = new FakeSession(first);
    await dump(viaDelta, src1); // fill the row cache at generation 1
    assert.ok(viaDelta.applyDelta(fullDelta(first, last)));
    assert.equal(viaDelta.generation, 2);
    const fresh = new HeapTreeModel();
    fresh.setSnapshot(last.snapshot);
    const src2 = new FakeSession(last);
    assert.deepEqual(await dump(viaDelta, src2), await dump(fresh, src2), model);
  }
});

test('update: a snapshot first, then deltas; a stale or reset delta falls back to a snapshot; errors never throw', async () => {
  const a = runScript(script('go1.14'), 1, 400);
  const b = runScript(script('go1.14'), 2);
  const src = new FakeSession(a);
  const model = new HeapTreeModel();
  assert.equal(await model.update(src), true);
  assert.deepEqual(src.requests.map((r) => r.command), [REQ_SNAPSHOT]);
  src.state = b;
  src.deltas.set(1, fullDelta(a, b));
  assert.equal(await model.update(src, 'S1'), true);
  assert.deepEqual(src.requests.map((r) => r.command), [REQ_SNAPSHOT, REQ_DELTA]);
  assert.equal(model.generation, 2);
  // Nothing new: the adapter answers a delta at our generation.
  assert.equal(await model.update(src, 'S1'), false);
  // A delta that does not start at our generation (reset): a snapshot is fetched.
  const c = runScript(script('go1.14'), 5);
  src.state = c;
  src.deltas.clear();
  assert.equal(await model.update(src, 'S1'), true);
  assert.deepEqual(src.requests.slice(-2).map((r) => r.command), [REQ_DELTA, REQ_SNAPSHOT]);
  assert.equal(model.generation, 5);
  // A new session: straight to a snapshot.
  src.state = runScript(script('go1.14'), 1, Infinity, 'S2');
  assert.equal(await model.update(src, 'S2'), true);
  assert.equal(src.requests[src.requests.length - 1].command, REQ_SNAPSHOT);
  assert.equal(model.sessionId, 'S2');
  // An adapter that fails: no throw, the error is kept, the heap stays.
  src.failing.add(REQ_DELTA);
  src.failing.add(REQ_SNAPSHOT);
  assert.equal(await model.update(src, 'S2'), false);
  assert.match(model.lastError ?? '', /unrecognized request goheap\/delta/);
  assert.equal(model.hasHeap, true);
  src.failing.add(REQ_SPANS);
  const fresh = new HeapTreeModel();
  fresh.setSnapshot(b.snapshot);
  const lines = await dump(fresh, src);
  assert.ok(lines.some((l) => /^ {6}0x[0-9a-f]+ — 1 page · class 4$/.test(l)), 'spans still listed from the page runs, without counts');
});

test('splicePageRuns replaces exactly the runs that intersect [from, to)', () => {
  const P = 8192;
  const run = (page: number, npages: number, span: number): PageRun => ({ base: ARENA + page * P, npages, kind: span < 0 ? 'free' : 'inuse', span, sizeclass: 1 });
  const runs = [run(0, 2, 1), run(2, 3, -1), run(5, 1, 2), run(6, 4, -1), run(10, 1, 3)];
  // [6.5 pages, 7 pages) intersects only the free run 6..10; replace it with a span and a free run.
  splicePageRuns(runs, ARENA + 6.5 * P, ARENA + 7 * P, [run(6, 1, 4), run(7, 3, -1)], P);
  assert.deepEqual(runs.map((r) => [(r.base - ARENA) / P, r.npages, r.span]), [[0, 2, 1], [2, 3, -1], [5, 1, 2], [6, 1, 4], [7, 3, -1], [10, 1, 3]]);
  // [2, 6) covers the free run 2..5 and span 2 exactly; the new runs merge them.
  splicePageRuns(runs, ARENA + 2 * P, ARENA + 6 * P, [run(2, 4, -1)], P);
  assert.deepEqual(runs.map((r) => [(r.base - ARENA) / P, r.npages, r.span]), [[0, 2, 1], [2, 4, -1], [6, 1, 4], [7, 3, -1], [10, 1, 3]]);
  // Growth past the end.
  splicePageRuns(runs, ARENA + 11 * P, ARENA + 20 * P, [run(11, 9, -1)], P);
  assert.equal(runs.length, 6);
});

test('a 100,000-span heap: buckets of 1000 without a request, one request per bucket, reveal walks through the bucket', async () => {
  const n = 100_000;
  const h = syntheticHeap(n);
  const src = new FakeSession(h);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  const inuse = await childByLabel(model, src, await childByLabel(model, src, undefined, 'spans'), 'mSpanInUse');
  const c1 = await childByLabel(model, src, inuse, 'class 1');
  assert.equal(model.item(c1).description, '100,000 spans · 100,000 pages');
  const buckets = await model.children(src, c1);
  assert.equal(buckets.length, n / BUCKET);
  assert.equal(src.count(REQ_SPANS), 0);
  assert.equal(model.item(buckets[57]).label, 'spans 57,000–57,999');
  assert.equal(model.item(buckets[57]).description, `0x${(ARENA + 57000 * 8192).toString(16)} – 0x${(ARENA + 57999 * 8192).toString(16)}`);
  const kids = await model.children(src, buckets[57]);
  assert.deepEqual(src.requests.map((r) => r.args), [{ state: 'mSpanInUse', sizeclass: 1, start: 57000, count: 1000 }]);
  assert.equal(kids.length, 1000);
  // Span id 57124 is the 57,124th one-page span: index 57123, allocCount 57123 mod 1025.
  assert.match(model.item(kids[123]).description, new RegExp(`^1 page · class 1 · ${57123 % 1025}/1,024 objects$`));
  // reveal: the span's node, its parents up to the root, each listing it among its children.
  const node = model.spanNode(57124)!;
  assert.equal(node, kids[123], 'the same handle as the bucket lists');
  const chain: string[] = [];
  for (let x: TreeNode | undefined = node; x !== undefined; x = model.parent(x)) chain.push(model.item(x).label);
  assert.deepEqual(chain, ['0x' + (ARENA + 57123 * 8192).toString(16), 'spans 57,000–57,999', 'class 1', 'mSpanInUse', 'spans']);
});

test('reveal paths of a real heap: every parent lists its child', async () => {
  const h = runScript(script('go1.5'), 1);
  const src = new FakeSession(h);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  let checked = 0;
  for (const r of h.rows) {
    const node = model.spanNode(r.id);
    if (r.npages === 0 || r.state === 'mSpanDead') continue;
    assert.ok(node !== undefined, `span ${r.id} (${r.state})`);
    for (let x: TreeNode = node; ; ) {
      const p = model.parent(x);
      const siblings = await model.children(src, p);
      assert.ok(siblings.includes(x), `${model.item(x).label} listed under ${p === undefined ? 'root' : model.item(p).label}`);
      if (p === undefined) break;
      x = p;
    }
    checked++;
  }
  assert.ok(checked >= 6);
  const stacks = await childByLabel(model, src, await childByLabel(model, src, undefined, 'spans'), '_MSpanStack');
  assert.match(model.item(stacks).description, /^\d+ spans? · /, 'go1.5 names manual spans _MSpanStack');
  assert.equal(model.spanNode(987654), undefined);
});

test('a delta without page runs updates rows and memstats and keeps the groups', async () => {
  const h = syntheticHeap(3000);
  const src = new FakeSession(h);
  const model = new HeapTreeModel();
  model.setSnapshot(h.snapshot);
  const c1 = await childByLabel(model, src, await childByLabel(model, src, await childByLabel(model, src, undefined, 'spans'), 'mSpanInUse'), 'class 1');
  const b0 = (await model.children(src, c1))[0];
  const first = (await model.children(src, b0))[0];
  assert.match(model.item(first).description, / 0\/1,024 objects$/);
  const row = { ...h.rows[0], allocCount: 1024, cachedBy: 0 };
  const s = h.snapshot;
  assert.ok(model.applyDelta({
    sessionId: 'S1', since: 1, generation: 2, stop: s.stop, memstats: { ...s.memstats, heap_objects: 1024 }, nspans: s.nspans, spans: [row], removed: [],
    breakdown: s.breakdown, timeline: [], transitions: [], reset: false,
  }));
  const again = model.spanNode(row.id)!;
  assert.match(model.item(again).description, / 1,024\/1,024 objects · cached by P0$/);
  assert.equal(model.item(await childByLabel(model, src, await childByLabel(model, src, undefined, 'memstats'), 'heap_objects')).description, '1,024');
  assert.equal(model.item(c1).label, 'class 1');
  assert.equal(src.count(REQ_SPANS), 1, 'the cached rows and groups were kept');
  assert.equal(model.applyDelta({ ...fullDelta(h, h), since: 1, generation: 3 }), false, 'a delta from another generation does not apply');
});
