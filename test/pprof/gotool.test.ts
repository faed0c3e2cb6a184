/**
 * The real consumer: `go tool pprof` reads the .pb.gz we write. Skipped when Go is not installed
 * (/usr/lib/go-1.19/bin/go, or $GO). HOME and GOCACHE point into a temporary directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Heap } from '../../src/engine/heap';
import { buildHeapProfile, encodeProfile, type Profile } from '../../src/program/pprof/index';
import { replayTraceStream } from '../../src/program/replay/index';

const go = process.env.GO ?? '/usr/lib/go-1.19/bin/go';
const skip = !existsSync(go) && 'Go not installed';

/** `go tool pprof -top` on a profile, by sample type (sizes in bytes), every node shown. */
function pprofTop(p: Profile, sampleIndex: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'goheap-pprof-'));
  try {
    const file = join(dir, 'heap.pb.gz');
    writeFileSync(file, gzipSync(encodeProfile(p)));
    return execFileSync(go, ['tool', 'pprof', '-top', '-nodefraction=0', `-sample_index=${sampleIndex}`, ...(sampleIndex.endsWith('space') ? ['-unit=B'] : []), file], {
      env: { ...process.env, HOME: dir, GOCACHE: join(dir, 'cache'), PPROF_TMPDIR: dir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The function column of -top's rows. */
const functions = (top: string): string[] =>
  top
    .split('\n')
    .filter((l) => /^\s+\d/.test(l))
    .map((l) => l.trim().split(/\s+/).slice(5).join(' '));

test('go tool pprof reads an engine heap profile: functions and totals per sample type', { skip, timeout: 60_000 }, () => {
  const hp = new Heap({ model: 'go1.14', memProfileRate: 1 });
  const keep: number[] = [];
  hp.setRoots((visit) => keep.forEach(visit));
  for (let i = 0; i < 3; i++) keep.push(hp.malloc(1024, false, 0, 1));
  hp.malloc(4096, true, 0, 2);
  hp.gc();
  const stacks = new Map([
    [1, [{ func: 'loop@3', file: 'demo.goheap', line: 4 }, { func: 'main', file: 'demo.goheap', line: 3 }]],
    [2, [{ func: 'main', file: 'demo.goheap', line: 7 }]],
  ]);
  const p = buildHeapProfile({ buckets: hp.h.mProf, stacks, rate: 1 });
  const alloc = pprofTop(p, 'alloc_space');
  assert.match(alloc, /Type: alloc_space/);
  assert.match(alloc, /Showing nodes accounting for 7168B, 100% of 7168B total/);
  assert.deepEqual(functions(alloc), ['main', 'loop@3']);
  assert.match(alloc, /^\s+4096B\s+57\.14%\s+57\.14%\s+7168B\s+100%\s+main$/m);
  const inuse = pprofTop(p, 'inuse_space');
  assert.match(inuse, /Showing nodes accounting for 3072B, 100% of 3072B total/);
  assert.match(pprofTop(p, 'alloc_objects'), /Showing nodes accounting for 4, 100% of 4 total/);
});

test('go tool pprof reads the profile of a replayed real trace, with the Go program’s functions', { skip, timeout: 60_000 }, async () => {
  const trace = resolve(__dirname, '..', 'fixtures', 'traces', 'pipeline.trace');
  const run = await replayTraceStream(createReadStream(trace), [{ model: 'go1.14', memProfileRate: 1 }]);
  const r = run.results[0];
  const p = buildHeapProfile({ buckets: r.heap.h.mProf, stacks: r.sites, rate: 1 });
  let total = 0;
  for (const b of r.heap.h.mProf.values()) total += b.allocBytes;
  const top = pprofTop(p, 'alloc_space');
  assert.match(top, new RegExp(`Showing nodes accounting for ${total}B, 100% of ${total}B total`));
  const fns = functions(top);
  for (const f of ['main.stage', 'main.main.func1', 'main.main', '(allocated before tracing began)']) assert.ok(fns.includes(f), `${f} in ${fns.join(', ')}`);
  assert.ok(!fns.includes('[goheap]'), 'every location has a function name');
});
