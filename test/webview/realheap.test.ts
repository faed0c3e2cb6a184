/**
 * The Heap View fed with real heaps: the example scripts run by the interpreter on each model,
 * snapshots built by the adapter's builder (src/program/heapsnapshot.ts). The webview's validator
 * accepts them all (node), and in Chromium the page map's cells, counted from the canvas pixels,
 * agree with memstats: in-use + manual pages × 8192 = heap_inuse (+ stacks_inuse outside it in
 * go1.10+), free + released + cached pages × 8192 = heap_idle. Screenshots per model.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { heapSnapshot, spanRows, spanDetail } from '../../src/program/heapsnapshot';
import type { HeapSnapshot, SpanRow, TreapNodeView } from '../../src/protocol/heapview';
import { validateHostMessage } from '../../webview/messages';
import { chromiumMissing, countCells, launch, openView, ROOT } from './harness';

const EXAMPLES: [string, string][] = [
  ['03-fragmentation.goheap', 'go1.10'],
  ['04-best-fit-go1.5.goheap', 'go1.5'],
  ['05-first-fit-go1.14.goheap', 'go1.14'],
  ['06-finalizers.goheap', 'go1.10'],
  ['09-stacks.goheap', 'go1.14'],
];

function snapshotOf(file: string, model: string): { it: Interpreter; snapshot: HeapSnapshot; spans: SpanRow[] } {
  const c = compile(readFileSync(join(ROOT, 'examples', file), 'utf8'), { model });
  assert.ok(c.ok, `${file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const it = new Interpreter(c.program, c.settings);
  it.run();
  const snapshot = heapSnapshot(it, { sessionId: `real-${file}`, generation: 1, stop: { line: 0, executed: 0, reason: 'end', runtimeFrames: [] }, timeline: [], transitions: [] });
  return { it, snapshot, spans: spanRows(it.heap.h) };
}

test('every snapshot and span detail the builder makes for the examples passes the webview validator', () => {
  for (const [file, model] of EXAMPLES) {
    const { it, snapshot, spans } = snapshotOf(file, model);
    const r = validateHostMessage({ type: 'snapshot', snapshot, spans: spans.slice(0, 2000) });
    assert.equal(r.ok ? 'ok' : r.error, 'ok', `${file} on ${model}`);
    for (const row of spans.slice(0, 50)) {
      const d = spanDetail(it, row.id);
      assert.notEqual(d, null);
      const c = validateHostMessage({ type: 'spanDetail', detail: d });
      assert.equal(c.ok ? 'ok' : c.error, 'ok', `${file} span ${row.id}`);
    }
  }
});

const missing = chromiumMissing();
describe('real heaps in headless Chromium', { skip: missing ?? false }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [file, model] of EXAMPLES) {
    test(`${file} on ${model}: cells by kind agree with memstats`, async () => {
      const { snapshot, spans } = snapshotOf(file, model);
      const v = await openView(browser, { width: 1400, height: 1000 });
      await v.send({ type: 'snapshot', snapshot, spans: spans.slice(0, 2000) });
      const layout = await v.paint();
      assert.ok(Math.ceil(layout.pages / layout.ppc / layout.cols) * layout.cell <= layout.height, 'fitted');
      const cells = await countCells(v);
      assert.equal(cells.other ?? 0, 0, `every cell has a legend colour: ${JSON.stringify(cells)}`);
      let inuse = 0;
      for (const [k, n] of Object.entries(cells)) if (k.startsWith('inuse/')) inuse += n;
      const m = snapshot.memstats;
      const manual = cells.manual ?? 0;
      const idle = (cells.free ?? 0) + (cells.released ?? 0) + (cells.cached ?? 0);
      assert.equal(layout.ppc, 1, 'these arenas fit at one page per cell');
      // go1.5 counts stacks inside heap_inuse; go1.10+ outside (stacks_inuse).
      if (model === 'go1.5') assert.equal((inuse + manual) * 8192, m.heap_inuse);
      else {
        assert.equal(inuse * 8192, m.heap_inuse);
        assert.equal(manual * 8192, m.stacks_inuse);
      }
      assert.equal(idle * 8192, m.heap_idle);
      // The page-heap part draws the model's structure: every treap node (in-order left to right) or every chunk.
      const ph = snapshot.pageHeap;
      if (ph.kind === 'lists' && ph.treap !== null) {
        const inorder: number[] = [];
        const walk = (n: TreapNodeView | null): void => {
          if (n === null) return;
          walk(n.left);
          inorder.push(n.span);
          walk(n.right);
        };
        walk(ph.treap);
        const drawn = await v.page.locator('svg.treap g.node').evaluateAll((gs) =>
          gs.map((g) => ({ span: Number(g.getAttribute('data-span')), x: Number(g.querySelector('circle')!.getAttribute('cx')) })).sort((a, b) => a.x - b.x).map((n) => n.span),
        );
        assert.deepEqual(drawn, inorder);
      }
      if (ph.kind === 'radix') assert.equal(await v.page.locator('.pageheap .chunk').count(), ph.chunks.length);
      if (ph.kind === 'lists') {
        const free = ph.free.reduce((n, f) => n + f.spans.length, 0);
        assert.equal(await v.page.locator('.pageheap .freelists .chip').count(), free);
      }
      const rows = snapshot.mcentral.filter((c) => c.nonempty.length + c.empty.length > 0);
      assert.equal(await v.page.locator('.mcentral .mcentral-row').count(), rows.length);
      assert.equal(await v.page.locator('.mcentral .mcentral-lists .chip').count(), rows.reduce((n, c) => n + c.nonempty.length + c.empty.length, 0));
      await v.screenshot(`real-${model}-${file.replace('.goheap', '')}`);
      await v.page.context().close();
    });
  }
});
