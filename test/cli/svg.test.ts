/**
 * The SVG builders: well-formed XML whatever the labels contain, one path per series, axis labels,
 * page runs laid out at the right cells, bar parts summing to the row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linePlot } from '../../src/cli/svg/lineplot';
import { pageMapSvg } from '../../src/cli/svg/pagemap';
import { classBarsSvg } from '../../src/cli/svg/classbars';
import { esc, niceStep } from '../../src/cli/svg/xml';
import type { PageRun } from '../../src/protocol/heapview';
import { findAll, parseXml, textOf } from './svgcheck';

test('the XML checker rejects what is not well-formed (so the tests below can fail)', () => {
  assert.throws(() => parseXml('<svg><g></svg>'), /mismatched/);
  assert.throws(() => parseXml('<svg a="1 & 2"/>'), /bad entity/);
  assert.throws(() => parseXml('<svg><text>a < b</text></svg>'), /bad tag name/);
  assert.doesNotThrow(() => parseXml('<svg a="x &amp; y"><text>a &lt; b</text></svg>'));
});

test('esc makes any label safe in text and attributes', () => {
  const nasty = `a<b>&"c'</svg>`;
  const el = parseXml(`<svg t="${esc(nasty)}"><text>${esc(nasty)}</text></svg>`);
  assert.equal(el.attrs.t, nasty);
  assert.equal(textOf(el), nasty);
});

test('niceStep gives 1-2-5 steps covering the range in at most maxTicks steps, powers of two for bytes', () => {
  for (const [max, ticks] of [
    [7, 5],
    [200002, 8],
    [13, 3],
  ] as const) {
    const s = niceStep(max, ticks);
    assert.ok(Math.ceil(max / s) <= ticks, `${max}/${s}`);
    assert.match(String(s / 10 ** Math.floor(Math.log10(s))), /^[125]$/);
  }
  assert.equal(niceStep(64 << 20, 5, true), 16 << 20, '64 MiB over at most 5 ticks: the smallest power of two ≥ 12.8 MiB');
});

test('line plot: one path per series per panel, axis labels on every panel, y axis covers the maximum', () => {
  const svg = linePlot({
    title: 'curves <&> "quoted"',
    xLabel: 'statements executed',
    panels: [
      { title: 'heap_sys', yLabel: 'heap_sys', bytes: true, series: [{ name: 'GOGC=50', points: [[0, 0], [10, 3 << 20]] }, { name: 'GOGC=200', points: [[0, 0], [10, 9 << 20]] }] },
      { title: 'heap_inuse', yLabel: 'heap_inuse', bytes: true, series: [{ name: 'GOGC=50', points: [[0, 0], [10, 1 << 20]] }, { name: 'GOGC=200', points: [[0, 0], [10, 2 << 20]] }] },
    ],
    markers: [{ x: 5, label: 'GC 1' }],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  const paths = findAll(root, (e) => e.name === 'path' && e.attrs.class === 'series');
  assert.equal(paths.length, 4);
  assert.deepEqual(paths.map((p) => p.attrs['data-series']), ['GOGC=50', 'GOGC=200', 'GOGC=50', 'GOGC=200']);
  const labels = findAll(root, (e) => e.attrs.class === 'axis-label').map(textOf);
  assert.deepEqual(labels, ['statements executed', 'heap_sys', 'statements executed', 'heap_inuse']);
  // 9 MiB over ≤5 ticks: step 2 MiB, so the top tick is 10 MiB and it is labelled.
  assert.ok(findAll(root, (e) => e.name === 'text' && textOf(e) === '10 MiB').length >= 1);
  assert.equal(findAll(root, (e) => e.attrs.class === 'marker').length, 2, 'one marker line per panel');
  // The highest point of the 9 MiB series sits below the 10 MiB tick: its y is greater (SVG y grows downwards).
  const panel = findAll(root, (e) => e.attrs.class === 'panel')[0];
  const top = findAll(panel, (e) => e.name === 'text' && textOf(e) === '10 MiB')[0];
  const d = paths[1].attrs.d.split(' ');
  assert.ok(Number(d[d.length - 1]) > Number(top.attrs.y));
});

test('page map: runs land on their cells, rows split at the row end, unused pages are not drawn', () => {
  const base = 0xc000000000;
  const P = 8192;
  const runs: PageRun[] = [
    { base, npages: 3, kind: 'inuse', span: 1, sizeclass: 5 },
    { base: base + 3 * P, npages: 70, kind: 'inuse', span: 2, sizeclass: 0 }, // crosses the end of row 0 (64 cells)
    { base: base + 73 * P, npages: 5, kind: 'released', span: -1, sizeclass: 0 },
    { base: base + 78 * P, npages: 50, kind: 'unused', span: -1, sizeclass: 0 },
  ];
  const root = parseXml(pageMapSvg(runs, { title: 'm', arenaStart: base, pagesPerRow: 64, cell: 10 }));
  const groups = findAll(root, (e) => e.name === 'g' && (e.attrs.class ?? '').startsWith('run '));
  assert.deepEqual(groups.map((g) => g.attrs.class), ['run inuse', 'run inuse', 'run released']);
  const rects = groups.map((g) => g.children.filter((c) => c.name === 'rect').map((r) => [Number(r.attrs.x), Number(r.attrs.y), Number(r.attrs.width)]));
  const [x0, y0] = rects[0][0];
  assert.deepEqual(rects[0], [[x0, y0, 30]]);
  // pages 3..72: 61 cells on row 0, 9 on row 1
  assert.deepEqual(rects[1], [
    [x0 + 30, y0, 610],
    [x0, y0 + 10, 90],
  ]);
  assert.deepEqual(rects[2], [[x0 + 90, y0 + 10, 50]]);
});

test('page map: a heap too big for maxRows is scaled, and says so', () => {
  const base = 0xc000000000;
  const runs: PageRun[] = [{ base, npages: 100_000, kind: 'free', span: -1, sizeclass: 0 }];
  const root = parseXml(pageMapSvg(runs, { title: 'big', arenaStart: base, pagesPerRow: 100, maxRows: 100 }));
  // 100,000 pages in at most 100 × 100 cells: 10 pages a cell
  assert.ok(findAll(root, (e) => e.name === 'text' && /1 cell = 10 pages/.test(textOf(e))).length === 1);
  const rects = findAll(root, (e) => e.name === 'g' && e.attrs.class === 'run free')[0].children.filter((c) => c.name === 'rect');
  assert.equal(rects.length, 100, 'one rect per row');
});

test('class bars: one bar per row, parts laid end to end in proportion to their bytes', () => {
  const rows = [
    { label: '5 (64 B)', requested: 1000, rounding: 24, freeSlots: 7168, tail: 0 },
    { label: '31 (1024 B)', requested: 8000, rounding: 96, freeSlots: 0, tail: 96 },
  ];
  const root = parseXml(classBarsSvg(rows, 'bars'));
  const bars = findAll(root, (e) => e.name === 'g' && e.attrs.class === 'bar');
  assert.equal(bars.length, 2);
  const parts = bars.map((b) => b.children.filter((c) => c.name === 'rect'));
  assert.deepEqual(parts[0].map((r) => r.attrs.class), ['requested', 'rounding', 'freeSlots']);
  assert.deepEqual(parts[1].map((r) => r.attrs.class), ['requested', 'rounding', 'tail']);
  const w = (r: { attrs: Record<string, string> }): number => Number(r.attrs.width);
  // widths are proportional to bytes: requested/rounding = 1000/24 within coordinate rounding (0.01 px)
  assert.ok(Math.abs(w(parts[0][0]) / w(parts[0][1]) - 1000 / 24) < 0.5);
  // contiguous: each part starts where the previous ended
  for (const p of parts) for (let i = 1; i < p.length; i++) assert.ok(Math.abs(Number(p[i].attrs.x) - (Number(p[i - 1].attrs.x) + w(p[i - 1]))) < 0.02);
  // both rows total 8192 bytes, so both bars have the same length
  const len = (p: typeof parts[0]): number => p.reduce((a, r) => a + w(r), 0);
  assert.ok(Math.abs(len(parts[0]) - len(parts[1])) < 0.05);
});
