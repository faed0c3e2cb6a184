/**
 * `goheap report`: the Markdown report's numbers against the engine's memstats and size-class
 * arithmetic, the page runs against heap_sys / heap_released, the GC section, the images written
 * beside the report, and the errors.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { buildReport, defaultReportPath, writeReport } from '../../src/cli/reportmd';
import { classWaste } from '../../src/cli/spanwaste';
import { pageRuns } from '../../src/cli/pageruns';
import { findAll, parseXml } from './svgcheck';

const dir = mkdtempSync(join(tmpdir(), 'goheap-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { io: { out(s: string): void; err(s: string): void }; out: () => string; err: () => string } {
  let o = '';
  let e = '';
  return { io: { out: (s) => void (o += s), err: (s) => void (e += s) }, out: () => o, err: () => e };
}

function built(text: string, overrides: Record<string, unknown>) {
  const r = buildReport(text, 'demo.goheap', overrides, 'demo');
  if (!r.ok) throw new Error(r.error);
  return r.report;
}

/** The Markdown table row whose first cell is `first`, as cells. */
function row(md: string, first: string): string[] {
  const line = md.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line !== undefined, `no row ${first}`);
  return line.slice(2, -2).split(' | ');
}

const tenAndLarge = 'gogc off\nvar a[10]\nrepeat 10 as i {\n  a[i] = new 100\n}\nb = new 40000 noscan\n';

test('spans by class: 10 × 100 bytes in the 112-byte class and one 40000-byte large object, by hand', () => {
  const r = built(tenAndLarge, { model: 'go1.10' });
  const md = r.markdown;
  // Go's classes ... 96, 112, 128 ...: 100 bytes take 112. One 8 KiB page holds floor(8192/112) = 73
  // objects, leaving a 8192 − 73×112 = 16-byte tail. 10 objects: 1120 object bytes, 1000
  // requested, 120 rounding, 63 × 112 = 7056 in free slots.
  const small = r.classes.find((c) => c.elemsize === 112)!;
  assert.deepEqual(
    [small.spans, small.pages, small.objects, small.capacity, small.objectBytes, small.requested, small.rounding, small.freeSlots, small.tail],
    [1, 1, 10, 73, 1120, 1000, 120, 7056, 16],
  );
  assert.deepEqual(row(md, `${small.sizeclass} (112 B)`), [`${small.sizeclass} (112 B)`, '1', '1', '10', '73', '1120', '1000', '120', '7056', '16']);
  // 40000 bytes round up to 5 pages (40960): a large span with one object
  assert.deepEqual(row(md, 'large'), ['large', '1', '5', '1', '1', '40960', 'n/a', 'n/a', '0', '0']);
  assert.deepEqual(row(md, 'total'), ['total', '2', '6', '11', '74', '42080', '1000', '120', '7056', '16']);
  // memstats table: HeapAlloc = 1120 + 40960; HeapInuse = 6 pages; HeapObjects = 11
  assert.deepEqual(row(md, 'HeapAlloc').slice(0, 2), ['HeapAlloc', '42080']);
  assert.deepEqual(row(md, 'HeapInuse').slice(0, 2), ['HeapInuse', String(6 * 8192)]);
  assert.deepEqual(row(md, 'HeapObjects').slice(0, 2), ['HeapObjects', '11']);
  assert.deepEqual(row(md, 'NumGC').slice(0, 2), ['NumGC', '0']);
  assert.deepEqual(row(md, 'model'), ['model', 'go1.10']);
  assert.deepEqual(row(md, 'gogc (GOGC)'), ['gogc (GOGC)', 'off']);
  // fragmentation = 1 − 42080 / 49152
  assert.match(md, new RegExp(`Fragmentation: ${(100 * (1 - 42080 / 49152)).toFixed(1)}%`));
  assert.match(md, /No GC cycle ran\./);
});

const messy = 'var r[300]\nrepeat 30000 as i {\n  r[(i * 7) % 300] = new (i % 700 + 1)\n  if i % 5 == 0 {\n    t = new (i % 12 + 1) noscan\n  }\n  if i % 97 == 0 {\n    big = new (i % 5 + 5) * 8KB\n  }\n}\n';

test('every class row adds up (span bytes = requested + rounding + free slots + tail) and the rows add up to memstats, in every model', () => {
  for (const model of ['go1.5', 'go1.10', 'go1.14']) {
    const c = compile(messy, { model });
    assert.ok(c.ok, c.diagnostics.map((d) => d.message).join('; '));
    const it = new Interpreter(c.program, c.settings);
    it.run();
    const st = it.heap.h.memstats;
    const rows = classWaste(it.heap);
    let objectBytes = 0;
    let pages = 0;
    for (const r of rows) {
      objectBytes += r.objectBytes;
      pages += r.pages;
      if (r.sizeclass === 0) continue;
      assert.equal(r.pages * 8192, r.requested! + r.rounding! + r.freeSlots + r.tail, `${model} class ${r.sizeclass}`);
      assert.equal(r.objectBytes, r.objects * r.elemsize);
      assert.ok(r.rounding! >= 0);
      // tail from the class's own arithmetic: npages × 8192 mod elemsize per span
      assert.equal(r.tail, r.spans * ((r.pages / r.spans) * 8192 - Math.floor(((r.pages / r.spans) * 8192) / r.elemsize) * r.elemsize));
    }
    assert.equal(objectBytes, st.heap_alloc, `${model}: Σ object bytes = heap_alloc`);
    assert.equal(pages * 8192, st.heap_inuse, `${model}: Σ pages = heap_inuse (no stacks in this script)`);
  }
});

test('page runs: released pages = heap_released, all drawn pages = heap_sys (+ stacks in go1.10+), address order without gaps', () => {
  const text = 'var r[64]\nrepeat 4000 as i {\n  r[i % 64] = new (i % 50 + 1) * 1KB\n}\ns = stackalloc 32KB\nrepeat 64 as i {\n  r[i] = nil\n}\ngc\nscavenge 1MB\n';
  for (const model of ['go1.5', 'go1.10', 'go1.14']) {
    const c = compile(text, { model });
    assert.ok(c.ok, c.diagnostics.map((d) => d.message).join('; '));
    const it = new Interpreter(c.program, c.settings);
    it.run();
    assert.equal(it.status, 'done', it.fault?.message);
    const st = it.heap.h.memstats;
    const runs = pageRuns(it.heap);
    const pagesOf = (pred: (k: string) => boolean): number => runs.filter((r) => pred(r.kind)).reduce((a, r) => a + r.npages, 0);
    assert.equal(pagesOf((k) => k === 'released') * 8192, st.heap_released, `${model} released`);
    const stacksOutside = model === 'go1.5' ? 0 : st.stacks_inuse;
    assert.equal(pagesOf((k) => k !== 'unused') * 8192, st.heap_sys + stacksOutside, `${model} heap_sys`);
    assert.equal(pagesOf((k) => k === 'manual') * 8192, 32 * 1024, `${model} stack`);
    assert.equal(runs[0].base, it.heap.h.model.arenaStart);
    for (let i = 1; i < runs.length; i++) assert.equal(runs[i].base, runs[i - 1].base + runs[i - 1].npages * 8192, `${model} run ${i}`);
    assert.ok(st.heap_released > 0, `${model}: the test means something only if pages were released`);
  }
});

test('GC section: one gctrace line per cycle in the era\'s format; long runs show the first 100 and last 20', () => {
  const churn = (n: number) => `var ring[256]\nrepeat ${n} as i {\n  ring[i % 256] = new 1000\n}\n`;
  const short = built(churn(20000), { model: 'go1.5' });
  const st = short.interpreter.heap.h.memstats;
  const gcLines = short.markdown.split('\n').filter((l) => l.startsWith('gc #'));
  assert.equal(gcLines.length, st.numgc);
  assert.ok(st.numgc > 0);
  assert.match(gcLines[0], /^gc #1 @\d+\.\d{3}s 0%: 0\+0\+0\+0\+0 ms clock, .* MB goal, 1 P$/);
  const long = built(churn(200000), { model: 'go1.14', gogc: 25 });
  const n = long.interpreter.heap.h.memstats.numgc;
  assert.ok(n > 120, `${n} cycles`);
  const lines = long.markdown.split('\n');
  const shown = lines.filter((l) => /^gc \d+ @/.test(l));
  assert.equal(shown.length, 120);
  assert.ok(shown[0].startsWith('gc 1 @') && shown[99].startsWith('gc 100 @') && shown[100].startsWith(`gc ${n - 19} @`) && shown[119].startsWith(`gc ${n} @`));
  assert.ok(lines.includes(`… ${n - 120} cycles not shown …`));
});

test('the report is deterministic: the same script and settings give the same bytes', () => {
  const a = built(messy, { model: 'go1.14' });
  const b = built(messy, { model: 'go1.14' });
  assert.equal(a.markdown, b.markdown);
  assert.deepEqual(a.images, b.images);
});

test('writeReport writes the report and its three SVG images beside it, linked by relative name', () => {
  const f = join(dir, 'frag.goheap');
  writeFileSync(f, messy);
  const out = join(dir, 'r.md');
  const c = capture();
  assert.equal(writeReport(messy, f, out, { model: 'go1.10' }, c.io), 0, c.err());
  const md = readFileSync(out, 'utf8');
  const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(links, ['r.classes.svg', 'r.pagemap.svg', 'r.timeline.svg']);
  for (const l of links) {
    const root = parseXml(readFileSync(join(dir, l), 'utf8'));
    assert.equal(root.name, 'svg');
  }
  const timeline = parseXml(readFileSync(join(dir, 'r.timeline.svg'), 'utf8'));
  assert.deepEqual(
    findAll(timeline, (e) => e.name === 'path' && e.attrs.class === 'series').map((p) => p.attrs['data-series']),
    ['heap_sys', 'heap_inuse', 'heap_alloc', 'heap_released', 'NumGC'],
  );
  const pagemap = parseXml(readFileSync(join(dir, 'r.pagemap.svg'), 'utf8'));
  const spans = [...compileAndRun(messy, 'go1.10').heap.spans()].filter((s) => s.state === 'mSpanInUse').length;
  assert.equal(findAll(pagemap, (e) => e.name === 'g' && e.attrs.class === 'run inuse').length, spans, 'one run per in-use span');
  assert.match(c.out(), /^wrote .*r\.md and .*r\.classes\.svg, .*r\.pagemap\.svg, .*r\.timeline\.svg\n$/);
});

function compileAndRun(text: string, model: string): Interpreter {
  const c = compile(text, { model });
  const it = new Interpreter(c.program, c.settings);
  it.run();
  return it;
}

test('report: default path beside the script; unwritable -o, script errors and faults', () => {
  const f = join(dir, 'plain.goheap');
  writeFileSync(f, 'x = new 8\n');
  assert.equal(defaultReportPath(f), join(dir, 'plain.report.md'));
  let c = capture();
  assert.equal(writeReport('x = new 8\n', f, null, {}, c.io), 0, c.err());
  assert.ok(existsSync(join(dir, 'plain.report.md')) && existsSync(join(dir, 'plain.report.pagemap.svg')));
  c = capture();
  assert.equal(writeReport('x = new 8\n', f, join(dir, 'missing', 'r.md'), {}, c.io), 2);
  assert.match(c.err(), /^report: cannot write .*missing\/r\.md: ENOENT/);
  c = capture();
  assert.equal(writeReport('x = new\n', f, join(dir, 'e.md'), {}, c.io), 2);
  assert.match(c.err(), /GH\d{4}/);
  assert.ok(!existsSync(join(dir, 'e.md')));
  c = capture();
  assert.equal(writeReport('x = new 8\n', f, join(dir, 'm.md'), { model: 'go1.99' }, c.io), 2);
  assert.match(c.err(), /unknown model `go1\.99`/);
  // a fault: the report is still written (it documents the run up to the fault), exit 1
  c = capture();
  assert.equal(writeReport('x = new 8\nassert heap.inuse == 0\n', f, join(dir, 'fault.md'), {}, c.io), 1);
  assert.match(readFileSync(join(dir, 'fault.md'), 'utf8'), /^Run: stopped by a failed assert at line 2/m);
});
