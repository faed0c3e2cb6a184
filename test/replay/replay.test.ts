/**
 * Replay semantics on hand-written traces: the GC window (frees after a tracegc are that cycle's
 * sweep), objects allocated before tracing began, request sizes and tiny blocks, noscan
 * inference, and the replay's diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace, replayEvents, type AllocationFidelity, type ReplayOptions, type ReplayResult } from '../../src/program/replay/index';
import { allModels } from '../engine/helpers';
import { alloc, free, gc } from './snippets';

const A = 0xc000010000; // a real span base

function replay(text: string, opts: ReplayOptions): { r: ReplayResult; allocs: AllocationFidelity[] } {
  const parsed = parseTrace(text);
  assert.deepEqual(parsed.diagnostics, [], 'the snippet parses');
  const allocs: AllocationFidelity[] = [];
  const r = replayEvents(parsed.events, { ...opts, onAllocation: (a) => allocs.push(a) });
  return { r, allocs };
}

const errors = (r: ReplayResult): string[] => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line + 1}: ${d.message}`);

for (const model of allModels) {
  test(`${model}: an object freed after a tracegc is dead at that collection, so its slot is reused at once`, () => {
    const text = alloc(A, 0x20) + alloc(A + 0x20, 0x20) + gc() + free(A, 0x20) + alloc(A, 0x20);
    const { r, allocs } = replay(text, { model });
    assert.deepEqual(errors(r), []);
    assert.equal(allocs[2].sim.addr, allocs[0].sim.addr, 'the third object takes the first one’s slot');
    assert.equal(allocs[2].offsetAgree, true);
    assert.deepEqual([r.stats.allocs, r.stats.frees, r.stats.gcs, r.stats.lateFrees, r.stats.liveAtEnd], [3, 1, 1, 0, 2]);
    assert.equal(r.stats.invariantChecks, 2, 'after the collection and at the end');
    assert.equal(r.heap.h.memstats.numgc, 1);
  });

  test(`${model}: slots before a span's first traced object are objects allocated before tracing began`, () => {
    // The first traced 32-byte object is the span's fourth; the second pre-trace object is freed later.
    const text = alloc(A + 3 * 0x20, 0x20) + gc() + free(A + 0x20, 0x20);
    const { r, allocs } = replay(text, { model });
    assert.equal(r.stats.preTraceObjects, 3);
    assert.equal(allocs[0].sim.offset, 3 * 0x20);
    assert.equal(allocs[0].offsetAgree, true);
    assert.deepEqual([r.stats.frees, r.stats.unknownFrees], [1, 0]);
    assert.deepEqual(r.diagnostics, []);
    const off = replay(text, { model, preTrace: 'ignore' });
    assert.equal(off.allocs[0].sim.offset, 0);
    assert.equal(off.r.stats.unknownFrees, 1);
    assert.deepEqual(
      off.r.diagnostics.map((d) => `${d.line + 1} ${d.code} ${d.severity} ${d.text}`),
      ['13 GH2201 warning tracefree(0xc000010020, 0x20)'],
    );
  });

  test(`${model}: the request from the mallocgc frame is replayed; a traced 16-byte block for a small request is a tiny block`, () => {
    const text =
      alloc(A, 0x20, '*main.T', 0x1c) + // request 28 → 32
      alloc(A + 0x2000, 0x10, null, 0x4) + // a new tiny block for a 4-byte string
      alloc(A + 0x2010, 0x10, 'main.small', 0x8) + // unknown type, but a 16-byte object for 8 bytes is a tiny block
      alloc(A + 0x4000, 0x18, '*main.T', 0x14) + // request 20 → Go 1.19's 24-byte class
      alloc(A + 0x6000, 0x20, '*main.T', 0x40); // a request larger than the traced size is not believed
    const { r, allocs } = replay(text, { model });
    assert.deepEqual(errors(r), []);
    assert.deepEqual(
      allocs.map((a) => [a.replayedSize, a.noscan, a.noscanSource, a.sim.elemsize]),
      [
        [28, false, 'type', 32],
        [16, true, 'untyped', 16],
        [16, true, 'tiny', 16],
        [20, false, 'type', 32], // no 24-byte class before Go 1.19
        [32, false, 'type', 32],
      ],
    );
    assert.deepEqual(
      allocs.map((a) => [a.classComparable, a.classAgree]),
      [
        [true, true],
        [true, true],
        [true, true],
        [false, false],
        [true, true],
      ],
    );
    assert.equal(r.fidelity.totals.requestKnown, 4);
  });

  test(`${model}: a named type's noscan-ness is learned from the real span it shares with a typed object`, () => {
    const text =
      alloc(A, 0x10, '[2]int64') + // noscan by type: the span at A is a noscan span
      alloc(A + 0x10, 0x10, 'main.point') + // same span → noscan, and main.point is learned
      alloc(A + 0x6000, 0x10, 'main.point') + // elsewhere: learned
      alloc(A + 0x8000, 0x10, 'main.thing') + // nothing known: assumed to hold pointers
      alloc(A + 0xa000, 0x10, 'main.hinted');
    const { r, allocs } = replay(text, { model, typeHints: { 'main.hinted': false } });
    assert.deepEqual(
      allocs.map((a) => [a.noscan, a.noscanSource]),
      [
        [true, 'type'],
        [true, 'span'],
        [true, 'span'],
        [false, 'assumed'],
        [true, 'hint'],
      ],
    );
    assert.deepEqual(r.fidelity.assumedTypes, [['main.thing', 1]]);
  });
}

test('inconsistent records are warnings at their line, with the record as text', () => {
  const text = alloc(A, 0x20) + alloc(A, 0x20) + gc() + free(A, 0x30) + free(A + 0x20, 0x20);
  const { r } = replay(text, { model: 'go1.14' });
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line + 1} ${d.code} ${d.severity}: ${d.message}`),
    [
      '6 GH2202 warning: tracealloc at 0xc000010000, where an object is still live (its tracefree is missing); the old object is dropped',
      '18 GH2203 warning: tracefree(0xc000010000, 0x30) but the object there has size 0x20',
      '23 GH2201 warning: tracefree(0xc000010020) of an object the trace never allocated, or freed already (objects allocated before tracing began are freed like this); ignored',
    ],
  );
  assert.equal(r.diagnostics[0].text, 'tracealloc(0xc000010000, 0x20, *main.T)');
});

test('an allocation the model cannot map stops the replay with an error, the heap kept for inspection', () => {
  const text = alloc(A, 0x20) + alloc(A + 0x1000000, 2 ** 46) + alloc(A + 0x20, 0x20);
  const { r, allocs } = replay(text, { model: 'go1.14' });
  assert.equal(r.failed, true);
  assert.equal(allocs.length, 1, 'nothing after the fault is replayed');
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line + 1} ${d.code} ${d.severity}`),
    ['6 GH2204 error'],
  );
  assert.equal(r.heap.h.memstats.nmalloc, 1);
});

test('a GC window longer than windowLimit is cut: the frees after the cut apply one cycle late', () => {
  const text = alloc(A, 0x20) + alloc(A + 0x20, 0x20) + gc() + alloc(A + 0x40, 0x20) + alloc(A + 0x60, 0x20) + free(A, 0x20);
  const { r } = replay(text, { model: 'go1.10', windowLimit: 2 });
  assert.equal(r.stats.lateFrees, 1);
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line + 1} ${d.code}`),
    ['23 GH2207'],
  );
});

test('an unforced cycle sweeps lazily; eager sweeping and a forced cycle sweep everything', () => {
  const text = alloc(A, 0x20) + alloc(A + 0x2000, 0x400) + gc(false);
  const lazy = replay(text, { model: 'go1.14' }).r;
  assert.equal(lazy.heap.h.sweepdone, false);
  assert.equal(replay(text, { model: 'go1.14', sweep: 'eager' }).r.heap.h.sweepdone, true);
  const forced = replay(alloc(A, 0x20) + gc(true), { model: 'go1.14' }).r;
  assert.equal(forced.stats.forcedGCs, 1);
  assert.equal(forced.heap.h.sweepdone, true);
});

test('profile sites are the records’ stacks without the runtime frames', () => {
  const text = alloc(A, 0x20, '*main.T', 0x20) + alloc(A + 0x20, 0x20, '*main.T', 0x20);
  const { r } = replay(text, { model: 'go1.14', memProfileRate: 1 });
  assert.deepEqual([...r.sites], [[1, [{ func: 'main.main', file: 'x/main.go', line: 10 }]]]);
  assert.deepEqual(r.heap.h.mProf.get(1), { allocs: 2, allocBytes: 64, frees: 0, freeBytes: 0 });
});

test('sizes Go 1.19 never prints are warnings; a zero-size record is not replayed', () => {
  const text = alloc(A, 0x19) + alloc(A + 0x2000, 0);
  const { r, allocs } = replay(text, { model: 'go1.10' });
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.line + 1} ${d.code} ${d.severity}`),
    ['1 GH2206 warning', '6 GH2206 warning'],
  );
  assert.equal(allocs.length, 1);
  assert.equal(allocs[0].real.elemsize, 32);
  assert.deepEqual(errors(r), []);
});
