/**
 * Long runs: 10,000,000 allocations through the CLI to completion, with the engine's heap facts
 * checked against arithmetic (a ring of 4096 roots: after the final GC exactly the ring is live),
 * and what a run keeps for its report bounded (allocation records, output lines, failed expects).
 * Over DAP: Pause stops a 10,000,000-iteration run part-way, in a state consistent with the loop
 * counter. Speed and memory are measured in bench/longrun.ts, not asserted here.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MAX_KEPT } from '../../src/program/interpreter';
import { MAX_PRINTED_FAILURES } from '../../src/cli/runner';
import { Adapter, goheap, tempDir } from './harness';

const dir = tempDir('goheap-long-');
const N = 10_000_000;
const RING = 4096;

function script(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const ring = script('ring.goheap', `var ring[${RING}]\nrepeat ${N} as i {\n  ring[i % ${RING}] = new 32\n}\ngc\nexpect heap.objects == ${RING}\n`);

interface Report {
  status: string;
  memstats: Record<string, number>;
  allocations: unknown[];
  output: string[];
  expectFailures: unknown[];
  omitted: { output: number; expectFailures: number; allocations: number };
}

test('10,000,000 allocations into a ring of 4096 run to completion; after gc exactly the ring is live', async () => {
  const r = await goheap(['run', ring, '--json', '--no-allocations']);
  assert.equal(r.signal, null, 'killed by the hang guard');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Report;
  assert.equal(j.status, 'done');
  // One 32-byte pointerful object per iteration (not tiny: the tiny allocator is for noscan only).
  assert.equal(j.memstats.Mallocs, N);
  // Roots are the ring's 4096 slots, each holding the last object stored there; runtime.GC()
  // sweeps everything before returning, so HeapObjects counts exactly the live ones.
  assert.equal(j.memstats.HeapObjects, RING);
  assert.equal(j.memstats.Frees, N - RING);
  assert.equal(j.memstats.HeapAlloc, RING * 32);
  assert.ok(j.memstats.NumGC >= 1);
  assert.deepEqual(j.expectFailures, []);
});

test('--json of a 10,000,000-allocation run keeps MAX_KEPT allocation records and counts the rest', async () => {
  const r = await goheap(['run', ring, '--json']);
  assert.equal(r.signal, null, 'killed by the hang guard');
  assert.equal(r.code, 0, r.err.slice(0, 2000));
  const j = JSON.parse(r.out) as Report;
  assert.equal(j.allocations.length, MAX_KEPT);
  assert.equal(j.omitted.allocations, N - MAX_KEPT);
  assert.equal(j.memstats.Mallocs, N);
});

test('a loop that fails an expect 10,000,000 times: exit 1, MAX_PRINTED_FAILURES frames and one line for the rest', async () => {
  const f = script('expect.goheap', `repeat ${N} as i {\n  expect i < 0, "never"\n}\n`);
  const r = await goheap(['run', f]);
  assert.equal(r.signal, null, 'killed by the hang guard');
  assert.equal(r.code, 1);
  assert.equal(r.err.split('warning GH2003: never\n').length - 1, MAX_PRINTED_FAILURES);
  assert.ok(r.err.includes(`… and ${(N - MAX_PRINTED_FAILURES).toLocaleString('en-US')} more failed expects`), r.err.slice(-300));
  const j = JSON.parse((await goheap(['run', f, '--json'])).out) as Report;
  assert.equal(j.expectFailures.length, MAX_KEPT);
  assert.equal(j.omitted.expectFailures, N - MAX_KEPT);
});

test('a loop that prints 1,000,000 lines: --json keeps MAX_KEPT of them and counts the rest', async () => {
  const M = 1_000_000;
  const f = script('print.goheap', `repeat ${M} as i {\n  print i\n}\n`);
  const r = await goheap(['run', f, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Report;
  assert.equal(j.output.length, MAX_KEPT);
  assert.deepEqual([j.output[0], j.output[MAX_KEPT - 1]], ['0', String(MAX_KEPT - 1)]);
  assert.equal(j.omitted.output, M - MAX_KEPT);
});

test('Pause stops a 10,000,000-iteration run part-way, at a state consistent with the loop counter', async () => {
  const a = await Adapter.start();
  try {
    assert.deepEqual(await a.launch({ program: ring, stopOnEntry: false }), { ok: true });
    // Running: the adapter answers between slices of the run.
    await a.assertAlive('while running');
    const [stop] = await Promise.all([a.nextStop(), a.dc.pauseRequest({ threadId: 1 })]);
    assert.equal(stop.body.reason, 'pause');
    const frames = (await a.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const m = /^main · i (\d+)\/10000000$/.exec(frames[frames.length - 1].name);
    assert.ok(m !== null, frames[frames.length - 1].name);
    const i = Number(m[1]);
    assert.ok(i > 0 && i < N, `paused part-way (i = ${i})`);
    assert.equal(frames[frames.length - 1].line, 3, 'stopped at the loop body');
    const ev = async (expression: string): Promise<string> => (await a.dc.evaluateRequest({ expression, context: 'repl', frameId: frames[frames.length - 1].id })).body.result;
    // Iterations 0..i-1 are done, each one malloc: the allocator's count agrees with the counter.
    assert.equal(await ev('i'), String(i));
    assert.equal(await ev('heap.mallocs'), String(i));
    // Continue, then pause again: it moved on.
    await a.dc.continueRequest({ threadId: 1 });
    await a.assertAlive('running again');
    const [stop2] = await Promise.all([a.nextStop(), a.dc.pauseRequest({ threadId: 1 })]);
    assert.equal(stop2.body.reason, 'pause');
    const f2 = (await a.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const i2 = Number(/ i (\d+)\//.exec(f2[f2.length - 1].name)?.[1]);
    assert.ok(i2 > i, `i went from ${i} to ${i2}`);
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('a loop printing 200,000 lines under the debugger: every line reaches the Debug Console, batched into few output events', { timeout: 300_000 }, async () => {
  const M = 200_000;
  const f = script('print-dap.goheap', `repeat ${M} as i {\n  print i\n}\n`);
  const a = await Adapter.start();
  try {
    assert.deepEqual(await a.launch({ program: f, stopOnEntry: false }), { ok: true });
    await a.next('terminated');
    const lines = a.output.join('').split('\n').filter((l) => /^\d+$/.test(l));
    assert.equal(lines.length, M);
    assert.deepEqual([lines[0], lines[M - 1]], ['0', String(M - 1)]);
    assert.ok(a.output.length < 1000, `${a.output.length} output events for ${M} lines`);
  } finally {
    await a.dc.stop();
    a.kill();
  }
});
