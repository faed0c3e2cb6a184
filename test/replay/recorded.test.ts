/**
 * Every recorded trace (test/fixtures/traces, written by examples/go/record-traces.sh) replayed
 * on all three models in one streamed pass: no errors, the invariant checker clean after every
 * collection and at the end, every record accounted for, and 100% size-class agreement wherever
 * the model has Go 1.19's class (Go 1.19's 24-byte class exists in no model, and go1.5's classes
 * differ from 1664 bytes up: those allocations are listed, not scored). Offset-in-span agreement
 * is printed (test diagnostics, one table per program and model), and held to a floor per model
 * so a regression shows.
 *
 * When Go 1.19 is installed, one program is also recorded afresh and replayed the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { comparableClasses, formatFidelityTable, formatTraceDiagnostic, replayTraceStream, type TraceReplayRun } from '../../src/program/replay/index';
import { allModels } from '../engine/helpers';

const root = resolve(__dirname, '..', '..');
const dir = join(root, 'test', 'fixtures', 'traces');
const traces = readdirSync(dir)
  .filter((f) => f.endsWith('.trace'))
  .sort();

/** Lowest offset agreement seen per model on the recorded programs, with a margin. */
const offsetFloor: Record<string, number> = { 'go1.5': 0.05, 'go1.10': 0.8, 'go1.14': 0.8 };

async function replayFile(path: string): Promise<TraceReplayRun> {
  // Small chunks: records cross chunk boundaries all the time.
  return replayTraceStream(
    createReadStream(path, { highWaterMark: 4096 }),
    allModels.map((model) => ({ model })),
  );
}

function checkRun(name: string, path: string, run: TraceReplayRun, log: (s: string) => void): void {
  const parseErrors = run.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(parseErrors.map((d) => formatTraceDiagnostic(d, path)), [], `${name}: parse errors`);
  assert.ok(run.stats.allocs > 100 && run.stats.gcs >= 2, `${name}: a real trace with collections`);
  for (const r of run.results) {
    const what = `${name} on ${r.model}`;
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => formatTraceDiagnostic(d, path)),
      [],
      `${what}: replay errors (invariant violations are errors)`,
    );
    assert.equal(r.failed, false);
    assert.equal(r.stats.gcs, run.stats.gcs, `${what}: one collection per tracegc`);
    assert.equal(r.stats.invariantChecks, run.stats.gcs + 1, `${what}: invariants checked after every collection and at the end`);
    assert.equal(r.stats.allocs, run.stats.allocs, `${what}: every tracealloc replayed`);
    assert.equal(r.stats.frees + r.stats.unknownFrees, run.stats.frees, `${what}: every tracefree accounted for`);
    assert.ok(r.stats.unknownFrees <= 5, `${what}: frees of unknown objects are only the few pre-trace ones (${r.stats.unknownFrees})`);
    assert.equal(r.stats.lateFrees, 0, `${what}: every free lands in its cycle`);
    assert.deepEqual(r.heap.checkInvariants(), []);
    const t = r.fidelity.totals;
    assert.ok(t.classComparable > 0, `${what}: some allocations are comparable`);
    assert.equal(t.classAgree, t.classComparable, `${what}: size-class agreement where the model has the class`);
    const have = comparableClasses(r.model);
    for (const row of r.fidelity.rows) assert.equal(row.comparable, row.realClass === 0 || have[row.realClass]);
    assert.ok(t.offsetAgree >= offsetFloor[r.model] * t.offsetComparable, `${what}: offset agreement ${t.offsetAgree}/${t.offsetComparable}`);
    log(formatFidelityTable(r.fidelity, `${r.model}  ${name}`));
  }
}

test('the recorded traces are there, and each is under 2 MB', () => {
  assert.ok(traces.length >= 3, `at least three recorded programs in ${dir}`);
  for (const f of traces) assert.ok(statSync(join(dir, f)).size < 2_000_000, f);
  for (const f of traces) assert.ok(existsSync(join(root, 'examples', 'go', f.replace(/\.trace$/, ''), 'main.go')), `the program of ${f}`);
});

for (const f of traces) {
  test(`replay ${f} on every model`, async (t) => {
    const path = join(dir, f);
    const run = await replayFile(path);
    checkRun(f, path, run, (s) => s.split('\n').forEach((l) => t.diagnostic(l)));
  });
}

const go = process.env.GO ?? '/usr/lib/go-1.19/bin/go';
test('a fresh recording (record-traces.sh) replays the same way', { skip: !existsSync(go) && 'Go 1.19 not installed', timeout: 180_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'goheap-traces-'));
  try {
    execFileSync('sh', [join(root, 'examples', 'go', 'record-traces.sh'), '-o', out, 'bintree'], { env: { ...process.env, GO: go }, stdio: 'pipe' });
    const path = join(out, 'bintree.trace');
    checkRun('bintree (fresh)', path, await replayFile(path), (s) => s.split('\n').forEach((l) => t.diagnostic(l)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
