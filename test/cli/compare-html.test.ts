/**
 * The what-if webview page (static HTML + inline SVG under a strict CSP) and the page maps at a
 * chosen statement that it shows side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageMapsAt, parseWhatIfAxes, runWhatIfs, variantsOf, whatIfSvg, type WhatIfAxes } from '../../src/cli/whatif';
import { whatIfHtml } from '../../src/cli/whatifhtml';
import { findAll, parseXml } from './svgcheck';

const script = 'a = new 8\nb = new 40000 noscan\nc = new 8\nif false {\n  d = new 16\n}\n';
const axes = parseWhatIfAxes({ models: ['go1.10', 'go1.14'] }) as WhatIfAxes;

test('page maps at a statement: the heap just before that line first runs, in every variant', () => {
  const maps = pageMapsAt(script, variantsOf(axes), {}, 2);
  assert.ok(Array.isArray(maps));
  for (const m of maps) {
    assert.equal(m.reached, true);
    assert.equal(m.executed, 2, 'lines 1 and 2 ran');
    // a small span of class 8 bytes (1 page) and a large span of 40000 bytes → 5 pages
    const inuse = m.runs.filter((r) => r.kind === 'inuse').map((r) => r.npages).sort();
    assert.deepEqual(inuse, [1, 5], m.label);
    assert.equal(findAll(parseXml(m.svg), (e) => e.name === 'g' && e.attrs.class === 'run inuse').length, 2);
  }
  // a line that never runs: the end of the run, said so
  const never = pageMapsAt(script, variantsOf(axes), {}, 4) as Exclude<ReturnType<typeof pageMapsAt>, string>;
  assert.equal(never[0].reached, false);
  assert.equal(never[0].executed, 4, 'three assignments and the if head');
  assert.match(never[0].svg, /line never reached/);
});

test('the webview page: CSP with the nonce, no script, the table, one curves SVG and one page map per variant', () => {
  const run = runWhatIfs(script, 'a<b>&.goheap', variantsOf(axes), {});
  assert.ok(run.ok);
  const maps = pageMapsAt(script, variantsOf(axes), {}, null) as Exclude<ReturnType<typeof pageMapsAt>, string>;
  const html = whatIfHtml({ fileName: 'a<b>&.goheap', results: run.results, curvesSvg: whatIfSvg('a<b>&.goheap', run.results), pageMaps: maps, where: 'at the end', nonce: 'AAAAbbbbCCCC1234' });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-AAAAbbbbCCCC1234'; img-src data:;">/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, / style="/, 'no inline style attributes (CSP)');
  assert.doesNotMatch(html, /a<b>&\.goheap/, 'the file name is escaped');
  assert.match(html, /What-ifs: a&lt;b&gt;&amp;\.goheap/);
  assert.equal((html.match(/<svg /g) ?? []).length, 1 + 2);
  // the body (everything but the doctype) is well-formed, so the inline SVGs are too
  const root = parseXml(html.replace('<!DOCTYPE html>', '').replace('<meta charset="utf-8">', '<meta charset="utf-8"/>').replace(/(<meta http-equiv[^>]*)>/, '$1/>'));
  const ths = findAll(root, (e) => e.name === 'thead')[0].children[0].children.map((c) => c.text);
  assert.deepEqual(ths, ['', 'go1.10', 'go1.14']);
  const rowHeads = findAll(root, (e) => e.name === 'th' && e.attrs.scope === 'row').map((e) => e.text);
  assert.deepEqual(rowHeads, ['heap_sys', 'heap_inuse', 'heap_idle', 'heap_released', 'live bytes', 'fragmentation*', 'GC cycles', 'peak heap_sys', 'peak heap_inuse', 'result']);
  assert.throws(() => whatIfHtml({ fileName: 'x', results: [], curvesSvg: '', pageMaps: [], where: '', nonce: "x' 'unsafe-inline" }), /nonce/);
});
