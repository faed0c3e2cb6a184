/**
 * What-if comparisons (`goheap compare`): the variants crossed from the flags, the pacer's effect
 * of GOGC on the number of cycles (derived from the pacer's rules), sampling that does not change
 * the run, P-count variants, the SVG and JSON written, and the errors for bad input.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { parseWhatIfAxes, runSampled, runWhatIfs, variantsOf, type VariantResult, type WhatIfAxes } from '../../src/cli/whatif';
import { compareWhatIfs } from '../../src/cli/compare';
import { parseArgs } from '../../src/cli/main';
import { findAll, parseXml, textOf } from './svgcheck';

const dir = mkdtempSync(join(tmpdir(), 'goheap-compare-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;
/** 200,000 allocations of 1000 bytes (class 1024) into a ring of 256: 256 KiB live at any time. */
const churn = 'var ring[256]\nrepeat 200000 as i {\n  ring[i % 256] = new 1000\n}\n';

function axes(input: Parameters<typeof parseWhatIfAxes>[0]): WhatIfAxes {
  const a = parseWhatIfAxes(input);
  if (typeof a === 'string') throw new Error(a);
  return a;
}

function run(text: string, input: Parameters<typeof parseWhatIfAxes>[0], base: Record<string, unknown> = {}): VariantResult[] {
  const r = runWhatIfs(text, 'x.goheap', variantsOf(axes(input)), base);
  if (!r.ok) throw new Error(r.error);
  return r.results;
}

function capture(): { io: { out(s: string): void; err(s: string): void }; out: () => string; err: () => string } {
  let o = '';
  let e = '';
  return { io: { out: (s) => void (o += s), err: (s) => void (e += s) }, out: () => o, err: () => e };
}

test('variants are the cross product of the lists, models outermost; labels name what varies', () => {
  const v = variantsOf(axes({ models: ['go1.5', 'go1.10', 'go1.14'], gogc: '50,100,200', procs: '1,4' }));
  assert.equal(v.length, 3 * 3 * 2);
  assert.deepEqual(v.slice(0, 3).map((x) => x.label), ['go1.5 GOGC=50 P=1', 'go1.5 GOGC=50 P=4', 'go1.5 GOGC=100 P=1']);
  assert.equal(v[17].label, 'go1.14 GOGC=200 P=4');
  // GOGC varied alone: the script's own model, labels by GOGC only
  const g = variantsOf(axes({ gogc: '50,200' }));
  assert.deepEqual(g.map((x) => [x.model, x.gogc, x.label]), [
    [null, 50, 'GOGC=50'],
    [null, 200, 'GOGC=200'],
  ]);
  // nothing varied: all three models, as compare always did; a single GOGC applies to each
  assert.deepEqual(variantsOf(axes({ gogc: 50 })).map((x) => [x.label, x.gogc]), [
    ['go1.5', 50],
    ['go1.10', 50],
    ['go1.14', 50],
  ]);
  assert.deepEqual(variantsOf(axes({ model: 'go1.10' })).map((x) => x.label), ['go1.10']);
  assert.deepEqual(variantsOf(axes({ gogc: 'off,100', models: ['go1.14'] })).map((x) => x.gogc), ['off', 100]);
});

test('bad lists are rejected with a sentence naming the bad item', () => {
  assert.match(parseWhatIfAxes({ gogc: '50,abc' }) as string, /--gogc: `abc` is not a percentage or `off`/);
  assert.match(parseWhatIfAxes({ gogc: '50,,100' }) as string, /--gogc: `` is not/);
  assert.match(parseWhatIfAxes({ gogc: '-5' }) as string, /--gogc: `-5`/);
  assert.match(parseWhatIfAxes({ gogc: '2000000' }) as string, /--gogc: gogc must be a percentage between 0 and 1000000/);
  assert.match(parseWhatIfAxes({ models: ['go1.10', 'go1.99'] }) as string, /unknown model `go1\.99`; valid models: go1\.5, go1\.10, go1\.14/);
  assert.match(parseWhatIfAxes({ model: 'go1.4,go2' }) as string, /unknown models `go1\.4`, `go2`/);
  assert.match(parseWhatIfAxes({ procs: '1,0' }) as string, /--procs: procs must be between 1 and 256 \(got 0\)/);
  assert.match(parseWhatIfAxes({ procs: '1,four' }) as string, /--procs: `four` is not a number of Ps/);
});

test('GOGC 50/100/200 on a churn script: GC count follows the pacer (trigger = heapminimum = 4 MiB × GOGC/100)', () => {
  const rs = run(churn, { models: ['go1.10'], gogc: '50,100,200' });
  const live = 256 * 1024;
  const total = 200_000 * 1024;
  for (const [k, gogc] of [50, 100, 200].entries()) {
    const r = rs[k];
    // marked ≈ 256 objects of 1024 bytes; goal and trigger floor at heapminimum since
    // live × (1 + 7/8 × GOGC/100) < 4 MiB × GOGC/100 for every GOGC here.
    const trigger = (4 * MiB * gogc) / 100;
    assert.ok(live * (1 + (7 / 8) * (gogc / 100)) < trigger);
    // The first cycle starts when heap_live reaches the trigger; each later one after (trigger − marked) more bytes.
    const expected = 1 + (total - trigger) / (trigger - live);
    assert.ok(Math.abs(r.numgc - expected) <= 1, `GOGC=${gogc}: ${r.numgc} cycles, pacer says ${expected.toFixed(2)}`);
    // heap_inuse peaks at the trigger (within one 8 KiB span per P) and never goes far beyond
    assert.ok(Math.abs(r.peak_heap_inuse - trigger) <= 64 * 1024, `peak heap_inuse ${r.peak_heap_inuse} vs trigger ${trigger}`);
    assert.ok(r.heap_sys >= r.peak_heap_inuse);
    assert.equal(r.status, 'ok');
  }
  assert.ok(rs[0].numgc > rs[1].numgc && rs[1].numgc > rs[2].numgc);
});

test('sampling does not change the run: the final state equals an unsampled run, statement for statement', () => {
  for (const model of ['go1.5', 'go1.10', 'go1.14']) {
    const c = compile(churn, { model, gogc: 50 });
    const a = new Interpreter(c.program, c.settings);
    const s = runSampled(a, { maxPoints: 50 });
    const b = new Interpreter(c.program, c.settings);
    b.run();
    assert.equal(a.status, 'done');
    assert.equal(a.executed, b.executed);
    assert.deepEqual({ ...a.heap.h.memstats }, { ...b.heap.h.memstats }, model);
    assert.deepEqual(a.output, b.output, 'same gctrace lines');
    // samples: increasing in statements, last one is the end, at most 2 × maxPoints kept
    for (let i = 1; i < s.samples.length; i++) assert.ok(s.samples[i].executed >= s.samples[i - 1].executed);
    assert.equal(s.samples[s.samples.length - 1].executed, a.executed);
    assert.ok(s.samples.length <= 100 && s.samples.length >= 25, `${s.samples.length} samples`);
    // every cycle was seen, in order
    assert.equal(s.gcAt.length, a.heap.h.memstats.numgc);
    for (let i = 1; i < s.gcAt.length; i++) assert.ok(s.gcAt[i] >= s.gcAt[i - 1]);
    assert.ok(s.peakHeapSys >= Math.max(...s.samples.map((x) => x.heap_sys)));
  }
});

test('the peak catches a maximum that the end of the run does not show', () => {
  // 8 MiB of large objects, dropped, collected and released: heap_inuse peaks mid-run
  const text = 'var a[8]\nrepeat 8 as i {\n  a[i] = new 1MB noscan\n}\nrepeat 8 as i {\n  a[i] = nil\n}\ngc\n';
  const [r] = run(text, { model: 'go1.10' });
  assert.equal(r.heap_inuse, 0);
  // 1 MiB = 128 pages exactly (large objects take whole pages): 8 × 128 pages = 8 MiB
  assert.equal(r.peak_heap_inuse, 8 * MiB);
});

test('procs variants: a script that only runs on P0 has the same heap with 1 or 4 Ps, in every model', () => {
  const rs = run('var r[64]\nrepeat 20000 as i {\n  r[i % 64] = new (i % 300 + 1)\n}\n', { models: ['go1.5', 'go1.10', 'go1.14'], procs: '1,4' });
  for (let m = 0; m < 3; m++) {
    const [one, four] = [rs[2 * m], rs[2 * m + 1]];
    assert.equal(one.settings.procs, 1);
    assert.equal(four.settings.procs, 4);
    for (const f of ['heap_sys', 'heap_inuse', 'heap_idle', 'live', 'numgc', 'peak_heap_inuse'] as const) assert.equal(one[f], four[f], `${one.label} ${f}`);
  }
});

test('procs variants: allocating on every P needs one cached span per P and size class', () => {
  // 4 Ps each take one 16-byte object: each P's mcache holds its own span of class 16 (8 KiB)
  const text = 'a = new 16\non P1 {\n  b = new 16\n}\non P2 {\n  c = new 16\n}\non P3 {\n  d = new 16\n}\n';
  const rs = run(text, { models: ['go1.10'], procs: '4,8' });
  for (const r of rs) {
    assert.equal(r.heap_inuse, 4 * 8192, r.label);
    assert.equal(r.live, 4 * 16);
  }
  // with fewer Ps than the script names, the variant is a script error, reported with its label
  const bad = runWhatIfs(text, 'x.goheap', variantsOf(axes({ models: ['go1.10'], procs: '1,4' })), {});
  assert.equal(bad.ok, false);
  assert.match((bad as { error: string }).error, /^P=1:\n[\s\S]*P1/);
});

test('compare writes the table with its footnote and one SVG: one path per variant in each panel, axis labels', () => {
  const f = join(dir, 'churn.goheap');
  writeFileSync(f, churn);
  const c = capture();
  const code = compareWhatIfs(churn, f, { models: ['go1.10', 'go1.14'], overrides: { gogc: '50,200' }, json: false }, c.io);
  assert.equal(code, 0, c.err());
  const lines = c.out().split('\n');
  assert.match(lines[0], /^\s+go1\.10 GOGC=50\s+go1\.10 GOGC=200\s+go1\.14 GOGC=50\s+go1\.14 GOGC=200$/);
  for (const row of ['heap_sys', 'heap_inuse', 'heap_idle', 'heap_released', 'live bytes', 'fragmentation\\*', 'GC cycles', 'peak heap_sys', 'peak heap_inuse', 'result']) assert.match(c.out(), new RegExp(`^${row} `, 'm'));
  assert.match(c.out(), /^\* fragmentation = 1 − heap_alloc \/ heap_inuse/m);
  const svgPath = join(dir, 'churn.compare.svg');
  assert.match(c.out(), new RegExp(`peak-memory curves: ${svgPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const root = parseXml(readFileSync(svgPath, 'utf8'));
  const panels = findAll(root, (e) => e.attrs.class === 'panel');
  assert.equal(panels.length, 2);
  for (const p of panels) {
    const paths = findAll(p, (e) => e.name === 'path' && e.attrs.class === 'series');
    assert.deepEqual(paths.map((x) => x.attrs['data-series']), ['go1.10 GOGC=50', 'go1.10 GOGC=200', 'go1.14 GOGC=50', 'go1.14 GOGC=200']);
    const labels = findAll(p, (e) => e.attrs.class === 'axis-label').map(textOf);
    assert.equal(labels[0], 'statements executed');
  }
  assert.deepEqual(panels.map((p) => findAll(p, (e) => e.attrs.class === 'axis-label').map(textOf)[1]), ['heap_sys', 'heap_inuse']);
});

test('compare --json: rows agree with the engine after a plain run; svg path recorded', () => {
  const f = join(dir, 'j.goheap');
  writeFileSync(f, churn);
  const c = capture();
  assert.equal(compareWhatIfs(churn, f, { models: ['go1.14'], overrides: { gogc: '100,200' }, json: true, svg: join(dir, 'j.svg') }, c.io), 0, c.err());
  const j = JSON.parse(c.out());
  assert.equal(j.svg, join(dir, 'j.svg'));
  assert.ok(existsSync(j.svg));
  assert.equal(j.rows.length, 2);
  for (const [k, gogc] of [100, 200].entries()) {
    const cc = compile(churn, { model: 'go1.14', gogc });
    const it = new Interpreter(cc.program, cc.settings);
    it.run();
    const st = it.heap.h.memstats;
    const row = j.rows[k];
    assert.equal(row.gogc, gogc);
    assert.deepEqual([row.heap_sys, row.heap_inuse, row.heap_idle, row.heap_released, row.live, row.numgc, row.statements], [st.heap_sys, st.heap_inuse, st.heap_idle, st.heap_released, st.heap_alloc, st.numgc, it.executed]);
    assert.equal(row.fragmentation, st.heap_inuse === 0 ? 0 : 1 - st.heap_alloc / st.heap_inuse);
    assert.deepEqual(row.sampleFields, ['executed', 'heap_sys', 'heap_inuse', 'heap_alloc', 'heap_released', 'numgc']);
    assert.deepEqual(row.samples[row.samples.length - 1], [it.executed, st.heap_sys, st.heap_inuse, st.heap_alloc, st.heap_released, st.numgc]);
  }
});

test('compare: -o DIR is created; --no-svg writes nothing; unwritable destinations and bad lists exit 2', { timeout: 60_000 }, () => {
  const f = join(dir, 'small.goheap');
  writeFileSync(f, 'x = new 8\n');
  let c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', f, { models: ['go1.14'], overrides: {}, json: false, outDir: join(dir, 'out', 'deeper') }, c.io), 0, c.err());
  assert.ok(existsSync(join(dir, 'out', 'deeper', 'small.compare.svg')));
  const nosvg = join(dir, 'nosvg.goheap');
  writeFileSync(nosvg, 'x = new 8\n');
  c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', nosvg, { models: ['go1.14'], overrides: {}, json: false, noSvg: true }, c.io), 0);
  assert.ok(!existsSync(join(dir, 'nosvg.compare.svg')));
  assert.doesNotMatch(c.out(), /peak-memory curves/);
  c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', f, { models: ['go1.14'], overrides: {}, json: false, svg: join(dir, 'no-such-dir', 'x.svg') }, c.io), 2);
  assert.match(c.err(), /^compare: cannot write .*no-such-dir\/x\.svg: ENOENT/);
  c = capture();
  writeFileSync(join(dir, 'afile'), '');
  assert.equal(compareWhatIfs('x = new 8\n', f, { models: ['go1.14'], overrides: {}, json: false, outDir: join(dir, 'afile', 'sub') }, c.io), 2);
  assert.match(c.err(), /^compare: cannot create directory/);
  if (existsSync('/proc/self')) {
    // Node's recursive mkdirSync never returns for this path; ours must come back with an error
    c = capture();
    assert.equal(compareWhatIfs('x = new 8\n', f, { models: ['go1.14'], overrides: {}, json: false, outDir: '/proc/goheap-no-such-dir/sub' }, c.io), 2);
    assert.match(c.err(), /^compare: cannot create directory \/proc\/goheap-no-such-dir\/sub: ENOENT/);
  }
  // the default destination (beside the script) cannot be written: a warning, the table still printed, exit 0
  c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', join(dir, 'gone', 'x.goheap'), { models: ['go1.14'], overrides: {}, json: false }, c.io), 0);
  assert.match(c.err(), /^compare: cannot write .*gone\/x\.compare\.svg: ENOENT/);
  assert.match(c.out(), /^heap_sys /m);
  c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', f, { models: null, overrides: { gogc: '100,x' }, json: false }, c.io), 2);
  assert.equal(c.err(), 'compare: --gogc: `x` is not a percentage or `off` (expected a list such as 50,100,200)\n');
  c = capture();
  assert.equal(compareWhatIfs('x = new 8\n', f, { models: ['go1.14', 'go9'], overrides: {}, json: false }, c.io), 2);
  assert.match(c.err(), /unknown model `go9`/);
});

test('the CLI passes lists through: --gogc and --procs keep their comma lists, --svg and --no-svg parse', () => {
  const p = parseArgs(['compare', 'f.goheap', '--gogc', '50,100,200', '--procs=1,4', '--models', 'go1.5,go1.14', '--svg', 'c.svg', '--no-svg']);
  assert.equal(p.overrides.gogc, '50,100,200');
  assert.equal(p.overrides.procs, '1,4');
  assert.deepEqual(p.models, ['go1.5', 'go1.14']);
  assert.equal(p.svg, 'c.svg');
  assert.ok(p.flags.has('no-svg'));
});

test('goheap compare as a process: exit 0 with the variant columns; a junk list exits 2', () => {
  const f = join(dir, 'proc.goheap');
  writeFileSync(f, 'var r[16]\nrepeat 5000 as i {\n  r[i % 16] = new 512\n}\n');
  const root = join(__dirname, '..', '..');
  const goheap = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  const r = goheap(['compare', f, '--gogc', '50,200', '--procs', '1,2', '--model', 'go1.10', '--no-svg']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.split('\n')[0], /GOGC=50 P=1\s+GOGC=50 P=2\s+GOGC=200 P=1\s+GOGC=200 P=2$/);
  const bad = goheap(['compare', f, '--procs', '1,two']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--procs: `two` is not a number of Ps/);
});
