/**
 * A replay written as a script (src/program/replay/toscript.ts) is the same run: for every
 * recorded trace and model, the script compiles clean, runs to the end, allocates the same number
 * of objects with the same sizes and noscan-ness in the same order as the replay, and — up to the
 * first background (lazily swept) cycle, where the script's runtime.GC() sweeps at once — at the
 * same simulated addresses. Past that point the share of equal addresses is printed, not held.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { parseTrace, replayEvents, ReplayScriptWriter, type ReplayOp } from '../../src/program/replay/index';
import { allModels } from '../engine/helpers';

const dir = join(resolve(__dirname, '..', '..'), 'test', 'fixtures', 'traces');
const traces = readdirSync(dir).filter((f) => f.endsWith('.trace')).sort();

test('there are recorded traces to write as scripts', () => assert.ok(traces.length >= 3, traces.join(', ')));

for (const file of traces) {
  for (const model of allModels) {
    test(`${file} on ${model}: the script does what the replay does`, (t) => {
      const { events } = parseTrace(readFileSync(join(dir, file), 'utf8'));
      const w = new ReplayScriptWriter();
      const ops: ReplayOp[] = [];
      const replayAddrs: number[] = [];
      const r = replayEvents(events, {
        model,
        onOp: (op) => {
          ops.push(op);
          w.onOp(op);
        },
        onAllocation: (a) => replayAddrs.push(a.sim.addr),
      });
      assert.equal(r.failed, false);
      const text = w.text({ source: file, model });
      const c = compile(text);
      assert.deepEqual(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      assert.equal(c.settings.model, model);
      assert.equal(c.settings.gogc, 'off', 'GOGC off: collections only where the trace has them');

      const it = new Interpreter(c.program, c.settings, { recordAllocations: true });
      assert.equal(it.run(), 'done', it.fault?.message);
      const allocOps = ops.filter((o) => o.kind === 'alloc');
      const gcOps = ops.filter((o) => o.kind === 'gc');
      assert.equal(it.allocations.length, allocOps.length, 'one allocation per tracealloc (and inferred object)');
      for (let i = 0; i < allocOps.length; i++) {
        const o = allocOps[i] as Extract<ReplayOp, { kind: 'alloc' }>;
        assert.equal(it.allocations[i].size, o.size, `allocation ${i + 1}: size`);
        assert.equal(it.allocations[i].noscan, o.noscan, `allocation ${i + 1}: noscan`);
      }
      assert.equal(it.heap.h.memstats.numgc, gcOps.length, 'one collection per tracegc()');

      // Addresses: the replay scores traced allocations only (not inferred pre-trace objects).
      const traced = it.allocations.filter((_, i) => !(allocOps[i] as Extract<ReplayOp, { kind: 'alloc' }>).preTrace);
      assert.equal(traced.length, replayAddrs.length);
      // Up to the first background cycle both runs are the same operations on the same heap.
      let exactUntil = traced.length;
      let seenAllocs = 0;
      for (const op of ops) {
        if (op.kind === 'alloc' && !op.preTrace) seenAllocs++;
        if (op.kind === 'gc' && !op.forced) {
          exactUntil = seenAllocs;
          break;
        }
      }
      for (let i = 0; i < exactUntil; i++) assert.equal(traced[i].addr, replayAddrs[i], `allocation ${i + 1} (before any background cycle): address`);
      const same = traced.filter((a, i) => a.addr === replayAddrs[i]).length;
      t.diagnostic(`${file} ${model}: ${allocOps.length} allocations, ${gcOps.length} collections; same address as the replay ${same}/${traced.length} (exact for the first ${exactUntil})`);
      assert.ok(exactUntil > 0, 'the comparison covers some allocations');
    });
  }
}

test('the writer refuses an impossible operation order instead of writing a wrong script', () => {
  const w = new ReplayScriptWriter();
  assert.throws(() => w.onOp({ kind: 'drop', id: 1, line: 0 }), /before it was allocated/);
  w.onOp({ kind: 'alloc', id: 1, size: 48, noscan: true, line: 3, type: 'main.node', preTrace: false });
  w.onOp({ kind: 'drop', id: 1, line: 4 });
  assert.throws(() => w.onOp({ kind: 'drop', id: 1, line: 5 }), /dropped twice/);
  assert.throws(() => w.onOp({ kind: 'alloc', id: 1, size: 48, noscan: true, line: 6, type: '', preTrace: false }), /allocated twice/);
  const text = w.text({ source: 'x.trace', model: 'go1.14' });
  assert.match(text, /^o1 = new 48 noscan  # trace line 4: main\.node$/m);
  assert.match(text, /^drop o1$/m);
  assert.ok(compile(text).ok, text);
});
