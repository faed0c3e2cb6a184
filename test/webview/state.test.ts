/**
 * The webview's model and validator without a browser: page runs replaced by a delta keep the
 * PageRun invariant (address order, no gap, no overlap; cut runs keep their outside part); a
 * delta applies only at its `since`; a stored view state is accepted field by field; every
 * fixture snapshot passes the validator and each corruption is named by path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeapDelta, PageRun } from '../../src/protocol/heapview';
import { validateHostMessage } from '../../webview/messages';
import { HeapModel, replaceRuns, restoreViewState } from '../../webview/state';
import { ARENA, PAGE, buildSnapshot } from './fixtures';

const run = (page: number, npages: number, kind: PageRun['kind'], span = -1, sizeclass = 0): PageRun => ({ base: ARENA + page * PAGE, npages, kind, span, sizeclass });

/** [first page, pages, kind] triples, for readable comparisons. */
const shape = (rs: readonly PageRun[]) => rs.map((r) => [(r.base - ARENA) / PAGE, r.npages, r.kind]);

test('replaceRuns: a span carved from the middle of a free run leaves free on both sides', () => {
  const before = [run(0, 2, 'inuse', 1, 5), run(2, 10, 'free'), run(12, 4, 'unused')];
  const after = replaceRuns(before, [run(5, 3, 'inuse', 9, 7)], ARENA + 5 * PAGE, ARENA + 8 * PAGE, PAGE);
  assert.deepEqual(shape(after), [[0, 2, 'inuse'], [2, 3, 'free'], [5, 3, 'inuse'], [8, 4, 'free'], [12, 4, 'unused']]);
  // No gap, no overlap: each run starts where the previous ended, and the total is unchanged.
  for (let i = 1; i < after.length; i++) assert.equal(after[i].base, after[i - 1].base + after[i - 1].npages * PAGE);
  assert.equal(after.reduce((s, r) => s + r.npages, 0), 16);
});

test('replaceRuns: runs covering several old runs (coalescing) replace all of them', () => {
  const before = [run(0, 1, 'inuse', 1, 5), run(1, 1, 'free'), run(2, 1, 'inuse', 2, 5), run(3, 1, 'free'), run(4, 4, 'released')];
  const after = replaceRuns(before, [run(1, 3, 'free')], ARENA + 1 * PAGE, ARENA + 4 * PAGE, PAGE);
  assert.deepEqual(shape(after), [[0, 1, 'inuse'], [1, 3, 'free'], [4, 4, 'released']]);
  const atEnd = replaceRuns(before, [run(6, 2, 'inuse', 3, 2)], ARENA + 6 * PAGE, ARENA + 8 * PAGE, PAGE);
  assert.deepEqual(shape(atEnd).slice(-2), [[4, 2, 'released'], [6, 2, 'inuse']]);
});

test('HeapModel.applyDelta: applies at its since, is stale below, asks for a snapshot on a gap, a reset or another session', () => {
  const { snapshot, spans } = buildSnapshot([{ kind: 'inuse', count: 2, npages: 1, sizeclass: 5 }, { kind: 'free', count: 1, npages: 6 }]);
  const m = new HeapModel();
  m.applySnapshot(snapshot, spans);
  const d = (since: number, generation: number, extra: Partial<HeapDelta> = {}): HeapDelta => ({
    sessionId: 's1', since, generation, stop: snapshot.stop, memstats: snapshot.memstats, nspans: 2, spans: [], removed: [], breakdown: snapshot.breakdown, timeline: [], transitions: [], reset: false, ...extra,
  });
  assert.equal(m.applyDelta(d(3, 4)), 'resync');
  assert.equal(m.applyDelta(d(1, 2, { removed: [1], pages: { from: ARENA, to: ARENA + PAGE, runs: [run(0, 1, 'free')] } })), 'applied');
  assert.equal(m.generation, 2);
  assert.equal(m.spans.has(1), false);
  assert.deepEqual(shape(m.runs), [[0, 1, 'free'], [1, 1, 'inuse'], [2, 6, 'free']]);
  assert.equal(m.applyDelta(d(1, 2)), 'stale');
  assert.equal(m.applyDelta(d(2, 3, { reset: true })), 'resync');
  assert.equal(m.applyDelta(d(2, 3, { sessionId: 's2' })), 'resync');
  // Growth: new addresses are unused until runs say otherwise.
  assert.equal(m.applyDelta(d(2, 3, { arenaEnd: snapshot.arenaEnd + 4 * PAGE })), 'applied');
  assert.deepEqual(shape(m.runs).at(-1), [8, 4, 'unused']);
  assert.equal(m.runAt(9)?.kind, 'unused');
  assert.equal(m.runAt(1)?.span, 2);
  assert.equal(m.runAt(12), null);
});

test('restoreViewState keeps good fields and replaces bad ones with defaults', () => {
  const v = restoreViewState({ version: 1, zoom: 8, topPage: 100, selected: 5, highlight: 'free', transitionFilter: 'x', collapsed: ['specials', 3], generation: 'nine' });
  assert.deepEqual([v.zoom, v.topPage, v.selected, v.highlight, v.transitionFilter, v.collapsed, v.generation], [8, 100, 5, 'free', 'x', ['specials'], 0]);
  const w = restoreViewState({ zoom: -1, topPage: 1.5, highlight: 'everything' });
  assert.deepEqual([w.zoom, w.topPage, w.highlight], [4, 0, null]);
  assert.equal(restoreViewState('garbage').zoom, 4);
});

test('the host-message validator accepts the fixtures and names the first bad path', () => {
  const { snapshot, spans } = buildSnapshot([{ kind: 'inuse', count: 3, npages: 2, sizeclass: 10 }, { kind: 'released', count: 1, npages: 4 }]);
  assert.deepEqual(validateHostMessage({ type: 'snapshot', snapshot, spans }).ok, true);
  const cases: [unknown, RegExp][] = [
    [{ type: 'snapshot', snapshot: { ...snapshot, arenaEnd: snapshot.arenaEnd + PAGE }, spans }, /snapshot\.pages: runs end at/],
    [{ type: 'snapshot', snapshot, spans: [{ ...spans[0], state: 'mSpanZombie' }] }, /spans\[0\]\.state/],
    [{ type: 'snapshot', snapshot: { ...snapshot, memstats: { ...snapshot.memstats, heap_sys: Infinity } }, spans }, /snapshot\.memstats\.heap_sys: expected a finite number/],
    [{ type: 'snapshot', snapshot: { ...snapshot, model: 'go1.99' }, spans }, /snapshot\.model/],
    [{ type: 'spans', result: { generation: 1, total: 1, spans: [{ ...spans[0], id: '1' }] } }, /result\.spans\[0\]\.id/],
    [{ type: 'select' }, /message\.span/],
  ];
  for (const [m, re] of cases) {
    const r = validateHostMessage(m);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, re);
  }
});
