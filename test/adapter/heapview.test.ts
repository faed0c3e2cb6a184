/**
 * Stories of the Heap View's custom requests (src/protocol/heapview.ts) over the stdio adapter:
 * every stop is followed by `goheap/stopped`; a view that applies `goheap/delta` to what it had
 * ends up with exactly what a fresh `goheap/snapshot` + `goheap/spans` says; stepping back makes
 * the next delta a reset; spans come in pages with filters; `goheap/span` gives the object grid;
 * `goheap/travel` goes to a statement count and stops with reason `goto`; a step on a heap of
 * 100,000 spans sends a delta far under 64 KB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HeapDelta, HeapSnapshot, McentralView, PageRun, SpanDetail, SpanRow, SpansResult } from '../../src/protocol/heapview';
import { Story } from './story';

/** What a view holds: the snapshot's parts and the span table, kept current by deltas. */
interface View {
  generation: number;
  pages: PageRun[];
  spans: Map<number, SpanRow>;
  mcentral: Map<number, McentralView>;
  snapshot: HeapSnapshot;
}

async function allSpans(story: Story): Promise<Map<number, SpanRow>> {
  const out = new Map<number, SpanRow>();
  for (let start = 0; ; start += 2000) {
    const r = await story.custom<SpansResult>('goheap/spans', { start, count: 2000 });
    for (const s of r.spans) out.set(s.id, s);
    if (start + 2000 >= r.total) return out;
  }
}

async function fresh(story: Story): Promise<View> {
  const snapshot = await story.custom<HeapSnapshot>('goheap/snapshot');
  return { generation: snapshot.generation, pages: [...snapshot.pages], spans: await allSpans(story), mcentral: new Map(snapshot.mcentral.map((c) => [c.spanclass, c])), snapshot };
}

function apply(v: View, d: HeapDelta): void {
  assert.equal(d.since, v.generation);
  assert.equal(d.reset, false);
  for (const id of d.removed) v.spans.delete(id);
  for (const r of d.spans) v.spans.set(r.id, r);
  if (d.pages !== undefined) {
    const { from, to, runs } = d.pages;
    const keep = v.pages.filter((r) => r.base + r.npages * 8192 <= from || r.base >= to);
    v.pages = [...keep, ...runs].sort((a, b) => a.base - b.base);
  }
  for (const c of d.mcentral ?? []) v.mcentral.set(c.spanclass, c);
  v.generation = d.generation;
}

function sameView(got: View, want: View): void {
  assert.deepEqual(got.pages, want.pages, 'page runs');
  assert.deepEqual([...got.spans.entries()].sort((a, b) => a[0] - b[0]), [...want.spans.entries()].sort((a, b) => a[0] - b[0]), 'span table');
  for (const [k, c] of want.mcentral) assert.deepEqual(got.mcentral.get(k), c, `mcentral ${k}`);
}

const script = `model go1.14
var keep[64]
repeat 40 as i {
  keep[i] = new 24
  keep[i + 20] = new 9000 noscan
}
s = stackalloc 16KB
keep[3] = nil
gc
z = new 100000
print "end"
`;

test('goheap/stopped follows each stop; deltas applied to a view equal a fresh snapshot; step back resets', async () => {
  const { story, stop } = await Story.launch(script);
  try {
    assert.equal(stop!.body.reason, 'entry');
    const first = await story.heapStopped();
    assert.equal(first.generation, 1);
    const view = await fresh(story);
    assert.equal(view.snapshot.sessionId, first.sessionId);
    assert.equal(view.snapshot.generation, 1);
    assert.equal(view.snapshot.nspans, 0);
    // Through the loop and on: apply every delta, and compare with a fresh look every few steps.
    for (let k = 0; k < 12; k++) {
      await story.motion('next');
      const hs = await story.heapStopped();
      assert.equal(hs.generation, view.generation + 1);
      assert.equal(hs.sessionId, first.sessionId);
      const d = await story.custom<HeapDelta>('goheap/delta', { since: view.generation });
      apply(view, d);
      if (k % 4 === 3) sameView(view, await fresh(story));
    }
    await story.motion('continue').catch(() => undefined);
  } finally {
    await story.close();
  }
});

test('stepping back makes the next delta a reset; a stale `since` is a reset too; travel stops with reason goto', async () => {
  const { story } = await Story.launch(script);
  try {
    await story.heapStopped();
    for (let k = 0; k < 6; k++) {
      await story.motion('next');
      await story.heapStopped();
    }
    let view = await fresh(story);
    assert.equal(view.generation, 7);
    const back = await story.motion('stepBack');
    assert.equal(back.body.reason, 'step');
    assert.equal((await story.heapStopped()).generation, 8);
    const d = await story.custom<HeapDelta>('goheap/delta', { since: 7 });
    assert.equal(d.reset, true);
    view = await fresh(story);
    await story.motion('next');
    await story.heapStopped();
    assert.equal((await story.custom<HeapDelta>('goheap/delta', { since: 3 })).reset, true, 'a view at another generation must start over');
    // Travel: to the state after 2 statements (var, repeat head), then forward to after the loop.
    const stopped = story.nextStop();
    await story.custom('goheap/travel', { executed: 2 });
    const t = await stopped;
    assert.equal(t.body.reason, 'goto');
    assert.match(t.body.description ?? '', /travelled back to the state after 2 statements/);
    await story.heapStopped();
    assert.equal((await story.where()).line, 4, 'first statement of the loop body');
    const snap = await story.custom<HeapSnapshot>('goheap/snapshot');
    assert.equal(snap.stop.executed, 2);
    assert.equal(snap.nspans, 0);
    const s2 = story.nextStop();
    await story.custom('goheap/travel', { executed: 2 + 80 });
    assert.equal((await s2).body.reason, 'goto');
    await story.heapStopped();
    assert.equal((await story.where()).line, 7, 'after 40 iterations of two statements: stackalloc');
    await assert.rejects(story.custom('goheap/travel', { executed: 'ten' }), /executed/);
  } finally {
    await story.close();
  }
});

test('goheap/spans pages and filters; goheap/span gives the object grid and who points in; bad arguments are refused in words', async () => {
  const { story } = await Story.launch(script, {}, { breakpoints: [10] });
  try {
    await story.motion('continue');
    const snap = await story.custom<HeapSnapshot>('goheap/snapshot');
    const all = await allSpans(story);
    assert.equal(all.size, snap.nspans);
    const page = await story.custom<SpansResult>('goheap/spans', { start: 1, count: 2 });
    assert.equal(page.spans.length, 2);
    assert.equal(page.total, snap.nspans);
    const sorted = [...all.values()].sort((a, b) => a.base - b.base);
    assert.deepEqual(page.spans, sorted.slice(1, 3));
    const manual = await story.custom<SpansResult>('goheap/spans', { start: 0, count: 100, state: 'mSpanManual' });
    assert.equal(manual.total, sorted.filter((s) => s.state === 'mSpanManual').length);
    assert.ok(manual.total >= 1);
    const cls = sorted.find((s) => s.elemsize === 32 || s.elemsize === 24)!.sizeclass;
    const small = await story.custom<SpansResult>('goheap/spans', { start: 0, count: 100, sizeclass: cls });
    assert.ok(small.spans.every((s) => s.sizeclass === cls && s.state === 'mSpanInUse'));
    // keep[0..2] and keep[4..19] hold class objects of the first span: 19 allocated, slot 3 freed by the GC.
    const addr = (await story.value('keep[0]')).split(' ')[0];
    const span = sorted.find((s) => s.base <= Number(addr) && Number(addr) < s.base + s.npages * 8192)!;
    const d = await story.custom<SpanDetail>('goheap/span', { id: span.id });
    assert.equal(d.objects.length, span.nelems);
    assert.equal(d.objects.filter((o) => o !== 'free').length, d.row.allocCount);
    assert.equal(d.objects[3], 'free');
    assert.ok(d.referencedBy.some((r) => r.name === 'keep[0]' && r.slot === 0));
    assert.match(d.allocCache ?? '', /^[0-9a-f]{16}$/);
    await assert.rejects(story.custom('goheap/span', { id: 987654 }), /no live span has id 987654/);
    await assert.rejects(story.custom('goheap/spans', { start: 0 }), /count/);
    await assert.rejects(story.custom('goheap/spans', { start: 0, count: 5, state: 'busy' }), /state/);
    await assert.rejects(story.custom('goheap/nothing'), /unknown request/);
  } finally {
    await story.close();
  }
});

test('a step on a heap of 100,000 spans sends a delta far under 64 KB', async () => {
  const text = 'model go1.14\nvar keep[100000]\nrepeat 100000 as i {\n  keep[i] = new 8KB noscan\n}\nrepeat 10 as j {\n  y = new 8KB noscan\n}\n';
  const { story } = await Story.launch(text, {}, { breakpoints: [7] });
  try {
    await story.heapStopped();
    await story.motion('continue');
    const hs = await story.heapStopped();
    const snap = await story.custom<HeapSnapshot>('goheap/snapshot');
    assert.ok(snap.nspans >= 100000);
    assert.equal(snap.generation, hs.generation);
    let largest = 0;
    for (let k = 0; k < 4; k++) {
      await story.motion('next');
      const g = await story.heapStopped();
      const d = await story.custom<HeapDelta>('goheap/delta', { since: g.generation - 1 });
      assert.equal(d.reset, false);
      largest = Math.max(largest, JSON.stringify(d).length);
    }
    assert.ok(largest < 16 * 1024, `largest delta ${largest} bytes`);
  } finally {
    await story.close();
  }
});

test('restart is a new session: a new sessionId, generations from 1', async () => {
  const { story } = await Story.launch(script);
  try {
    const a = await story.heapStopped();
    await story.motion('next');
    await story.heapStopped();
    const stopped = story.nextStop();
    await story.dc.send('restart', {} as DebugProtocol.RestartArguments);
    await stopped;
    const b = await story.heapStopped();
    assert.notEqual(b.sessionId, a.sessionId);
    assert.equal(b.generation, 1);
  } finally {
    await story.close();
  }
});

test('the transition log follows time travel inside a statement: nothing from the future, nothing twice', async () => {
  const { story } = await Story.launch('model go1.14\nx = new 24\ny = new 24\nprint "end"\n', {}, { filters: ['spanAlloc'] });
  try {
    const count = async (): Promise<number> => {
      const snap = await story.custom<HeapSnapshot>('goheap/snapshot');
      return snap.transitions.filter((t) => t.type === 'spanAlloc').length;
    };
    assert.equal(await count(), 0); // the first snapshot also turns the log on
    const hit = await story.motion('continue');
    assert.equal(hit.body.reason, 'exception');
    // x = new 24 takes one fresh span for its size class: exactly one spanAlloc so far.
    assert.equal(await count(), 1);
    await story.motion('stepBack'); // one runtime step earlier: the span is not allocated yet
    assert.equal(await count(), 0);
    const again = await story.motion('continue'); // the same transition, met again
    assert.equal(again.body.reason, 'exception');
    assert.equal(await count(), 1);
    await story.motion('stepOut'); // finish the statement
    assert.equal(await count(), 1);
    await story.motion('next'); // y = new 24 fits in the same span: no new spanAlloc
    assert.equal(await count(), 1);
  } finally {
    await story.close();
  }
});
