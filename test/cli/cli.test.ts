/**
 * The goheap CLI as a user runs it: a real process (the built bundle when present, else the
 * TypeScript entry), its stdout, stderr and exit status.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const bundle = join(root, 'dist', 'cli.js');

function goheap(args: string[]): { code: number; out: string; err: string } {
  const cmd = existsSync(bundle) ? [bundle, ...args] : ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args];
  const r = spawnSync(process.execPath, cmd, { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'goheap-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let nscripts = 0;

function script(text: string): string {
  const f = join(dir, `s${nscripts++}.goheap`);
  writeFileSync(f, text);
  return f;
}

test('run prints gctrace lines, the memstats table, spans by class and fragmentation; exit 0', () => {
  const f = script('model go1.10\nvar r[64]\nrepeat 200000 as i {\n  r[i % 64] = new 100\n}\n');
  const r = goheap(['run', f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^gc 1 @\d+\.\d{3}s 0%: .* MB, 4 MB goal, 1 P$/m);
  assert.match(r.out, /^HeapInuse\s+\d+/m);
  assert.match(r.out, /^mSpanInUse\s+8\s+112 /m, '100 bytes use the 112-byte class (8, 16, 32, 48, 64, 80, 96, 112: class 8)');
  assert.match(r.out, /^fragmentation: /m);
});

test('go1.5 gctrace lines use that era\'s format', () => {
  const f = script('gc\n');
  const r = goheap(['run', f, '--model', 'go1.5']);
  assert.match(r.out, /^gc #1 @0\.000s 0%: 0\+0\+0\+0\+0 ms clock/m);
});

test('with GOGC off, go1.10 and go1.14 print the goal ^uint64(0)>>20 = 2^44-1 MB, as gcSetTriggerRatio leaves it', () => {
  const f = script('gogc off\nx = new 8\ngc\nprint x\n');
  for (const model of ['go1.10', 'go1.14']) {
    const r = goheap(['run', f, '--model', model]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^gc 1 @\d+\.\d{3}s 0%: .* MB, 17592186044415 MB goal, 1 P \(forced\)$/m, model);
  }
});

test('--json gives allocations, stacks, spans and memstats with Go names', () => {
  const f = script('model go1.14\nx = new 24\ns = stackalloc 8KB\nb = new 40000 noscan\n');
  const r = goheap(['run', f, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.model, 'go1.14');
  assert.deepEqual(j.allocations[0], { line: 2, var: 'x', size: 24, addr: '0xc000000000', sizeclass: 3, elemsize: 32, noscan: false, tiny: false, span: '0xc000000000', npages: 1 });
  assert.equal(j.allocations[1].npages, 5);
  assert.equal(j.stacks.length, 1);
  assert.equal(j.stacks[0].var, 's');
  assert.equal(j.memstats.HeapObjects, 2);
  assert.equal(j.memstats.StackInuse, 32768);
  assert.ok(j.spans.some((s: { state: string }) => s.state === 'mSpanManual'));
  assert.deepEqual(j.errors, []);
});

test('--model overrides the script; a bad model is a script error with exit 2', () => {
  const f = script('x = new 8\n');
  const ok = JSON.parse(goheap(['run', f, '--model', 'go1.5', '--json']).out);
  assert.equal(ok.allocations[0].addr, '0xc820000000');
  const bad = goheap(['run', f, '--model', 'go2']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown model `go2`/);
});

test('a failed expect exits 1 with a code frame on stderr', () => {
  const f = script('x = new 33\nexpect obj(x).elemsize == 32\n');
  const r = goheap(['run', f]);
  assert.equal(r.code, 1);
  assert.match(r.err, /expect failed/);
  assert.match(r.err, / 2 \| expect obj\(x\)\.elemsize == 32/);
});

test('a runtime fault exits 1 and names the runtime function', () => {
  // In a loop the checker cannot see the second free coming: the runtime catches it.
  const f = script('s = stackalloc 64KB\nrepeat 2 {\n  stackfree s\n}\n');
  const r = goheap(['run', f]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /invalid span state/);
  assert.match(r.err, / 3 \|   stackfree s/);
});

test('script errors exit 2 with every diagnostic', () => {
  const f = script('model go1.14\nx = new 8 noscan\nx.next = y\nzz = new\n');
  const r = goheap(['run', f]);
  assert.equal(r.code, 2);
  assert.match(r.err, /error GH\d{4}/);
  assert.ok((r.err.match(/^error GH/gm) ?? []).length >= 2, r.err);
});

test('--trace prints one line per heap event', () => {
  const f = script('model go1.10\nx = new 8\n');
  const r = goheap(['run', f, '--trace']);
  assert.match(r.out, /^heapGrow 1048576 bytes at 0xc420000000/m);
  assert.match(r.out, /^spanCache span 0xc420000000 \(1 page, class 1\) into P0's mcache$/m);
  assert.match(r.out, /^malloc 0xc420000000 size 8 -> class 1 elemsize 8/m);
});

test('compare runs the script on every model side by side', () => {
  const f = script('var r[100]\nrepeat 100 as i {\n  r[i] = new 40000 noscan\n}\n');
  const r = goheap(['compare', f, '--models', 'go1.5,go1.10,go1.14']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0], /go1\.5\s+go1\.10\s+go1\.14/);
  const inuse = lines.find((l) => l.startsWith('heap_inuse'))!;
  // 100 objects of 5 pages each: 500 pages = 3.91 MiB in every model
  assert.equal((inuse.match(/3\.91 MiB/g) ?? []).length, 3);
  assert.match(r.out, /^heap_sys\s+4\.0\d MiB\s+4\.0\d MiB\s+64\.00 MiB$/m);
});

test('usage errors exit 2; a missing file exits 2 with a message', () => {
  assert.equal(goheap(['frobnicate']).code, 2);
  const r = goheap(['run', '/nonexistent/x.goheap']);
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot read/);
});

test('profile writes a gzipped pprof heap profile whose stacks are the script\'s statements', async () => {
  const { gunzipSync } = await import('node:zlib');
  const { readFileSync } = await import('node:fs');
  const { decodeProfile } = await import('../../src/program/pprof/index');
  const f = script('var r[10]\nrepeat 10 as i {\n  r[i] = new 1000 noscan\n}\n');
  const out = f + '.pb.gz';
  const r = goheap(['profile', f, '-o', out, '--memprofilerate', '1']);
  assert.equal(r.code, 0, r.err);
  const p = decodeProfile(gunzipSync(readFileSync(out)));
  const names = p.function.map((fn) => p.stringTable[Number(fn.name)]);
  assert.ok(names.includes('r[i] = new 1000 noscan'), names.join(', '));
  assert.ok(names.includes('repeat@2'));
  assert.ok(names.includes('main'));
  // every allocation is sampled at rate 1: 10 objects of the 1024-byte class
  const types = p.sampleType.map((t) => p.stringTable[Number(t.type)]);
  const allocSpace = types.indexOf('alloc_space');
  const total = p.sample.reduce((n, s) => n + Number(s.value[allocSpace]), 0);
  assert.equal(total, 10 * 1024);
});

test('replay of a recorded real trace prints the fidelity table with 100% size-class agreement', () => {
  const r = goheap(['replay', 'test/fixtures/traces/bintree.trace', '--model', 'go1.10']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^go1\.10 {2}test\/fixtures\/traces\/bintree\.trace$/m);
  // Rows: class size allocs frees simsize "a/b pct" ... — the class agreement column is n/a or a full match.
  const rows = r.out.split('\n').filter((l) => /^\s*\d+\s+\d+\s+\d+\s+\d+/.test(l));
  assert.ok(rows.length > 5, r.out);
  for (const row of rows) {
    const m = /(\d+)\/(\d+) (\d+\.\d)%/.exec(row);
    if (m === null) assert.match(row, /n\/a/, row);
    else assert.equal(m[1], m[2], `class agreement in: ${row}`);
  }
  assert.equal(goheap(['replay', 'test/fixtures/traces/bintree.trace', '--model', 'go2']).code, 2);
});
