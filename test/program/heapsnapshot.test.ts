/**
 * Heap snapshots (src/program/heapsnapshot.ts) against memstats and the runtime's rules: page runs
 * tile the mapped arena and their page counts per kind are memstats' heap_inuse / stacks_inuse /
 * heap_idle / heap_released; the breakdown of heap_sys reconciles exactly and its parts equal
 * what the scripts asked for (sizes known from the script and the size-class table); mcentral
 * lists and mcaches agree with the spans; the page-heap views agree with the page runs; span
 * details (object grid, allocCache, go1.5 free list, references) match slot arithmetic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import {
  heapBreakdown, heapSnapshot, LIST_MAX, mcacheViews, mcentralViews, pageHeapView, pageRuns, spanDetail, spanRows, stacksInHeapSys,
} from '../../src/program/heapsnapshot';
import { radixPageHeap } from '../../src/engine/pageheap_radix';
import { sizeToClass } from '../../src/engine/sizeclasses';
import type { PageRun, TreapNodeView } from '../../src/protocol/heapview';

const MODELS = ['go1.5', 'go1.10', 'go1.14'] as const;
const PAGE = 8192;

function run(text: string, model: string): Interpreter {
  const c = compile(text, { model });
  assert.ok(c.ok, JSON.stringify(c.diagnostics.map((d) => d.message)));
  const it = new Interpreter(c.program, c.settings);
  it.run();
  assert.ok(it.status === 'done', `${model}: ${it.status} ${it.fault?.message ?? ''}`);
  return it;
}

const popcount = (x: number): number => {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
};

function pagesByKind(runs: readonly PageRun[]): Record<string, number> {
  const by: Record<string, number> = { inuse: 0, manual: 0, free: 0, released: 0, cached: 0, unused: 0 };
  for (const r of runs) by[r.kind] += r.npages;
  return by;
}

/** Every identity between page runs, breakdown and memstats for one heap. */
function checkAccounting(it: Interpreter, label: string): void {
  const h = it.heap.h;
  const st = h.memstats;
  const model = it.settings.model;
  const runs = pageRuns(h);
  const start = h.model.arenaStart;
  // Tiling: address order, no gap, no overlap, up to the mapped end.
  let at = start;
  for (const r of runs) {
    assert.equal(r.base, at, `${label}: run at ${r.base.toString(16)} should start at ${at.toString(16)}`);
    assert.ok(r.npages > 0, `${label}: empty run`);
    at = r.base + r.npages * PAGE;
  }
  assert.equal(at, start + h.pages.mappedBytes(), `${label}: runs end at the mapped end`);
  const by = pagesByKind(runs);
  const stacksIn = stacksInHeapSys(model);
  assert.equal((by.inuse + (stacksIn ? by.manual : 0)) * PAGE, st.heap_inuse, `${label}: in-use pages vs heap_inuse`);
  assert.equal(by.manual * PAGE, st.stacks_inuse, `${label}: manual pages vs stacks_inuse`);
  assert.equal((by.free + by.released + by.cached) * PAGE, st.heap_idle, `${label}: idle pages vs heap_idle`);
  let cachedScav = 0;
  if (h.pages instanceof radixPageHeap) for (const c of h.pages.pcache) cachedScav += popcount(c.scavLo) + popcount(c.scavHi);
  assert.equal((by.released + cachedScav) * PAGE, st.heap_released, `${label}: released pages vs heap_released`);
  assert.equal((by.inuse + by.free + by.released + by.cached + (stacksIn ? by.manual : 0)) * PAGE, st.heap_sys, `${label}: pages vs heap_sys`);
  // Every span is one run of its own, with its size class.
  const rows = spanRows(h);
  const spanRuns = new Map(runs.filter((r) => r.kind === 'inuse' || r.kind === 'manual').map((r) => [r.span, r]));
  for (const s of rows) {
    if (s.state !== 'mSpanInUse' && s.state !== 'mSpanManual') continue;
    const r = spanRuns.get(s.id);
    assert.ok(r !== undefined, `${label}: span ${s.id} has no run`);
    assert.deepEqual([r.base, r.npages, r.sizeclass], [s.base, s.npages, s.state === 'mSpanInUse' ? s.sizeclass : 0], `${label}: run of span ${s.id}`);
  }
  // Breakdown: sums to heap_sys (+ stacks outside it) + metadata; in-use parts are the in-use pages.
  const b = heapBreakdown(h, runs);
  const meta = b.metadata.mspan + b.metadata.mcache + b.metadata.gcbits;
  const sum = b.live + b.roundingWaste + b.freeSlots + b.tailWaste + b.largeWaste + b.stacks + b.freeRetained + b.released + meta;
  assert.equal(sum, st.heap_sys + (stacksIn ? 0 : st.stacks_inuse) + meta, `${label}: breakdown sum`);
  assert.equal(b.live + b.roundingWaste + b.freeSlots + b.tailWaste + b.largeWaste, by.inuse * PAGE, `${label}: object parts vs in-use pages`);
  assert.equal(b.stacks, by.manual * PAGE, `${label}: stacks`);
  assert.equal(b.heap_sys, st.heap_sys);
  // mcentral lists hold in-use spans of their class; every in-use small span is on one list of its class.
  const byId = new Map(rows.map((r) => [r.id, r]));
  const onList = new Map<number, number>();
  for (const c of mcentralViews(h)) {
    for (const id of [...c.nonempty, ...c.empty]) {
      const s = byId.get(id);
      assert.ok(s !== undefined && s.state === 'mSpanInUse' && s.spanclass === c.spanclass, `${label}: mcentral ${c.spanclass} holds span ${id}`);
      onList.set(id, (onList.get(id) ?? 0) + 1);
    }
    assert.ok(c.nonempty.length <= LIST_MAX && c.empty.length <= LIST_MAX);
    if (c.nonemptyTotal === undefined && c.emptyTotal === undefined) {
      for (const s of rows) if (s.state === 'mSpanInUse' && s.sizeclass > 0 && s.spanclass === c.spanclass) assert.equal(onList.get(s.id), 1, `${label}: span ${s.id} on its mcentral once`);
    }
  }
  // mcaches: cached spans are on mcentral's empty list, and their rows say which P holds them.
  const empties = new Set(mcentralViews(h).flatMap((c) => c.empty));
  for (const c of mcacheViews(h)) {
    for (const a of c.alloc) {
      assert.equal(byId.get(a.span)?.cachedBy, c.p, `${label}: span ${a.span} cachedBy`);
      assert.ok(empties.has(a.span), `${label}: cached span ${a.span} on empty`);
    }
  }
  assert.equal(rows.filter((r) => r.cachedBy >= 0).length, mcacheViews(h).reduce((n, c) => n + c.alloc.length, 0));
  checkPageHeapView(it, runs, label);
}

function treapNodes(t: TreapNodeView | null, out: TreapNodeView[] = []): TreapNodeView[] {
  if (t !== null) {
    out.push(t);
    treapNodes(t.left, out);
    treapNodes(t.right, out);
  }
  return out;
}

/** The model's page-heap view against the page runs. */
function checkPageHeapView(it: Interpreter, runs: readonly PageRun[], label: string): void {
  const h = it.heap.h;
  const v = pageHeapView(h);
  if (v.kind === 'lists') {
    // Free spans: pages per span id from the runs (a free span may be split into free + released runs).
    const freePages = new Map<number, number>();
    for (const r of runs) if (r.kind === 'free' || r.kind === 'released') freePages.set(r.span, (freePages.get(r.span) ?? 0) + r.npages);
    const small = [...freePages].filter(([, n]) => n < 128);
    const listed = v.free.flatMap((l) => l.spans.map((id) => [id, l.npages] as const));
    assert.deepEqual(new Map(listed), new Map(small), `${label}: free[n] lists vs free runs`);
    const large = [...freePages].filter(([, n]) => n >= 128).map(([id]) => id).sort((a, b) => a - b);
    const largeIds = (it.settings.model === 'go1.5' ? [...v.freelarge!] : treapNodes(v.treap).map((n) => n.span)).sort((a, b) => a - b);
    assert.deepEqual(largeIds, large, `${label}: freelarge/treap vs free runs of 128+ pages`);
    if (v.treap !== null) for (const n of treapNodes(v.treap)) assert.equal(n.npages, freePages.get(n.span), `${label}: treap node npages`);
    const busyLarge = spanRows(h).filter((s) => s.state === 'mSpanInUse' && s.sizeclass === 0);
    for (const b of v.busy) assert.equal(b.count, busyLarge.filter((s) => s.npages === b.npages).length, `${label}: busy[${b.npages}]`);
    assert.equal(v.busylarge, busyLarge.filter((s) => s.npages >= 128).length);
  } else {
    // Radix: chunk counts are the runs' pages inside each chunk; level 4 has one entry per chunk.
    for (const c of v.chunks) {
      let alloc = 0;
      let scav = 0;
      for (const r of runs) {
        const lo = Math.max(r.base, c.base);
        const hi = Math.min(r.base + r.npages * PAGE, c.base + 512 * PAGE);
        if (hi <= lo) continue;
        const n = (hi - lo) / PAGE;
        if (r.kind === 'inuse' || r.kind === 'manual' || r.kind === 'cached') alloc += n;
        if (r.kind === 'released') scav += n;
      }
      assert.deepEqual([c.alloc, c.scavenged], [alloc, scav], `${label}: chunk ${c.base.toString(16)}`);
    }
    assert.equal(v.levels.length, 5);
    // Only non-empty summaries are listed: one leaf per chunk with a free page.
    assert.equal(v.levels[4].length, v.chunks.filter((c) => c.alloc < 512).length, `${label}: one leaf summary per chunk with free pages`);
    for (const e of v.levels[4]) assert.ok(e.max <= 512 && e.start <= e.max && e.end <= e.max);
  }
}

const churn = `var keep[600]
repeat 300 as i {
  keep[i] = new 20
  keep[i + 300] = new 40000 noscan
}
s = stackalloc 32KB
t = stackalloc 8KB
repeat 100 as j {
  keep[j * 3] = nil
  keep[j * 3 + 301] = nil
}
gc
b = new 5 noscan
c = new 3 noscan
stackfree t
tick 6m
scavenge
x = new 2000000
y = new 300000
x = nil
gc
`;

for (const model of MODELS) {
  test(`${model}: page runs, breakdown, mcentral and page-heap views reconcile with memstats (churn script, every 40 statements)`, () => {
    const c = compile(churn, { model });
    assert.ok(c.ok);
    const it = new Interpreter(c.program, c.settings);
    let n = 0;
    while (it.status === 'ready' || it.status === 'paused') {
      it.run(40);
      checkAccounting(it, `${model} after ${it.executed} statements`);
      n++;
    }
    assert.equal(it.status, 'done');
    assert.ok(n > 10);
    assert.deepEqual(it.heap.checkInvariants(), []);
  });

  test(`${model}: the example scripts reconcile too`, () => {
    const dir = join(__dirname, '..', 'fixtures', 'scripts', 'good');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8').replace(/^model .*$/m, '');
      const c = compile(text, { model });
      if (!c.ok) continue;
      const it = new Interpreter(c.program, c.settings);
      it.run();
      checkAccounting(it, `${model} ${f}`);
    }
  });

  test(`${model}: live bytes, rounding and large-object waste are what the script asked for`, () => {
    const it = run('var keep[50]\nrepeat 40 as i {\n  keep[i] = new 20\n}\nrepeat 3 as j {\n  keep[40 + j] = new 40000 noscan\n}\n', model);
    const h = it.heap.h;
    const elem = h.sc.class_to_size[sizeToClass(h.sc, 20)];
    const b = heapBreakdown(h);
    assert.equal(b.live, 40 * 20 + 3 * 40000);
    assert.equal(b.roundingWaste, 40 * (elem - 20));
    assert.equal(b.largeWaste, 3 * (5 * PAGE - 40000));
    // One span of the class holds all 40: its free slots and tail are the rest of its pages.
    const npages = h.sc.class_to_allocnpages[sizeToClass(h.sc, 20)];
    const nelems = Math.floor((npages * PAGE) / elem);
    assert.equal(b.freeSlots, (nelems - 40) * elem);
    assert.equal(b.tailWaste, npages * PAGE - nelems * elem);
  });

  test(`${model}: tiny objects pack into 16-byte blocks; the grid marks them and live counts their bytes`, () => {
    const it = run('a = new 4 noscan\nb = new 4 noscan\nc = new 8 noscan\n', model);
    const h = it.heap.h;
    const s = it.heap.spanOf(it.vals[0] as number)!;
    const d = spanDetail(it, s.id)!;
    assert.equal(d.objects[0], 'tiny');
    assert.equal(d.objects.filter((o) => o !== 'free').length, 1, 'three tiny objects, one block');
    assert.equal(d.row.requestedBytes, 16);
    assert.equal(heapBreakdown(h).live, 16);
    assert.equal(heapBreakdown(h).roundingWaste, 0);
  });
}

test('go1.14: 100 one-page spans of one class, each a run of its own; mcentral holds exactly them', () => {
  const it = run('var keep[100]\nrepeat 100 as i {\n  keep[i] = new 8KB noscan\n}\n', 'go1.14');
  const h = it.heap.h;
  const cls = sizeToClass(h.sc, 8192);
  const rows = spanRows(h);
  assert.equal(rows.length, 100);
  for (const r of rows) assert.deepEqual([r.npages, r.nelems, r.allocCount, r.sizeclass, r.spanclass], [1, 1, 1, cls, (cls << 1) | 1]);
  const runs = pageRuns(h).filter((r) => r.kind === 'inuse');
  assert.equal(runs.length, 100);
  assert.ok(runs.every((r) => r.npages === 1 && r.sizeclass === cls));
  const c = mcentralViews(h).find((x) => x.spanclass === ((cls << 1) | 1))!;
  assert.deepEqual([...c.nonempty, ...c.empty].sort((a, b) => a - b), rows.map((r) => r.id).sort((a, b) => a - b));
  assert.equal(c.nonempty.length, 0, 'every span is full');
});

test('go1.10: a freed 25-page large span goes to free[25]; the rest of the 1 MB grow is in the treap or a free list', () => {
  const it = run('a = new 200000 noscan\nb = new 200000 noscan\nc = new 200000 noscan\n', 'go1.10');
  const h = it.heap.h;
  const mid = it.heap.spanOf(it.vals[1] as number)!;
  assert.equal(mid.npages, Math.ceil(200000 / PAGE));
  const c = compile('a = new 200000 noscan\nb = new 200000 noscan\nc = new 200000 noscan\nb = nil\ngc\n', { model: 'go1.10' });
  const it2 = new Interpreter(c.program, c.settings);
  it2.run();
  const v = pageHeapView(it2.heap.h);
  assert.equal(v.kind, 'lists');
  if (v.kind !== 'lists') return;
  const l25 = v.free.find((l) => l.npages === 25);
  assert.deepEqual(l25?.spans, [mid.id], 'same id: the engine is deterministic');
  // 1 MB = 128 pages grown; 3 × 25 taken: 53 pages left, below 128, so on free[53], and the treap is empty.
  assert.deepEqual(v.free.find((l) => l.npages === 128 - 75)?.spans.length, 1);
  assert.equal(v.treap, null);
  void h;
});

test('go1.10: span detail: object grid after a GC, allocCache as the complement of the alloc bits', () => {
  const text = 'var k[10]\nrepeat 10 as i {\n  k[i] = new 32\n}\nk[3] = nil\nk[4] = nil\nk[5] = nil\ngc\n';
  const it = run(text, 'go1.10');
  const s = it.heap.spanOf((it.vals[0] as Float64Array)[0])!;
  const d = spanDetail(it, s.id)!;
  const want = Array.from({ length: d.row.nelems }, (_, i) => (i < 10 && (i < 3 || i > 5) ? 'allocated' : 'free'));
  assert.deepEqual(d.objects, want);
  assert.equal(d.row.allocCount, 7);
  assert.equal(d.row.freeindex, 0);
  const bits = 0b1111000111n;
  assert.equal(d.allocCache, (~bits & 0xffffffffffffffffn).toString(16).padStart(16, '0'));
  assert.equal(d.freelist, null);
  assert.equal(d.heapSweepgen, it.heap.h.sweepgen);
  assert.deepEqual(d.referencedBy.map((r) => `${r.name}@${r.slot}`), ['k[0]@0', 'k[1]@1', 'k[2]@2', 'k[6]@6', 'k[7]@7', 'k[8]@8', 'k[9]@9']);
});

test('go1.5: span detail: the free list holds exactly the free slots, no allocCache', () => {
  const text = 'var k[10]\nrepeat 10 as i {\n  k[i] = new 32\n}\nk[3] = nil\nk[4] = nil\ngc\n';
  const it = run(text, 'go1.5');
  const s = it.heap.spanOf((it.vals[0] as Float64Array)[0])!;
  const d = spanDetail(it, s.id)!;
  assert.equal(d.allocCache, null);
  const free = d.objects.flatMap((o, i) => (o === 'free' ? [i] : []));
  assert.equal(free.length, d.row.nelems - 8);
  assert.deepEqual([...d.freelist!].sort((a, b) => a - b), free);
  assert.ok(free.includes(3) && free.includes(4));
});

test('snapshot: arena bounds, nspans and parts come from the same heap; unknown span id gives null', () => {
  const it = run('x = new 100\ny = new 40000\ns = stackalloc 8KB\nsetfinalizer x\n', 'go1.14');
  const snap = heapSnapshot(it, { sessionId: 's', generation: 3, stop: { line: 0, executed: it.executed, reason: 'step', runtimeFrames: [] }, timeline: [], transitions: [] });
  assert.equal(snap.nspans, spanRows(it.heap.h).length);
  assert.equal(snap.pages[0].base, snap.arenaStart);
  const last = snap.pages[snap.pages.length - 1];
  assert.equal(last.base + last.npages * snap.pageSize, snap.arenaEnd);
  assert.equal(snap.specials.length, 1);
  assert.equal(snap.specials[0].kind, 'finalizer');
  assert.equal(snap.specials[0].addr, it.vals[0]);
  assert.equal(snap.mcache.length, 1);
  assert.ok(snap.mcache[0].pageCache !== null);
  assert.equal(spanDetail(it, 999999), null);
  assert.ok(JSON.stringify(snap).length > 0);
});

test('go1.14 scavAddr is shown as Go holds it: minScavAddr wraps to 0xffff800000000000 before any scavenging', () => {
  const c = compile('model go1.14\nx = new 64\n');
  assert.ok(c.ok);
  const it = new Interpreter(c.program, c.settings, {});
  it.run();
  const ph = pageHeapView(it.heap.h);
  assert.equal(ph.kind, 'radix');
  if (ph.kind !== 'radix') return;
  // arenaBaseOffset on amd64 is 1<<47; (^arenaBaseOffset + 1) & (1<<64 - 1) = 2^64 - 2^47.
  assert.equal(ph.scavAddr, 2 ** 64 - 2 ** 47);
  assert.equal(ph.scavAddr.toString(16), 'ffff800000000000');
});
