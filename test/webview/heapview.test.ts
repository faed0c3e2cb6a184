/**
 * The Heap View in real headless Chromium (Debian's chromium through playwright-core), fed
 * through the real message protocol with synthetic heaps whose page counts are known by
 * arithmetic (fixtures.ts): what is drawn matches the snapshot (cells per kind counted from the
 * canvas pixels), selection syncs both ways, deltas apply, state survives a reload, the CSP
 * blocks injected script, malformed messages are dropped with an error posted back.
 * Screenshots go to test-artifacts/webview/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HeapDelta, WebviewToHost } from '../../src/protocol/heapview';
import { ARENA, PAGE, buildSnapshot, detailFor, expectedPages, type Group } from './fixtures';
import { chromiumMissing, countCells, launch, openView } from './harness';

const missing = chromiumMissing();
if (missing !== null) console.log(`# ${missing}`);

/** 4096 pages: spans of four size classes and large objects, stacks, free, released, unused. */
const mixed: Group[] = [
  { kind: 'inuse', count: 40, npages: 1, sizeclass: 5 },
  { kind: 'free', count: 1, npages: 12 },
  { kind: 'inuse', count: 30, npages: 2, sizeclass: 20 },
  { kind: 'manual', count: 8, npages: 4 },
  { kind: 'inuse', count: 5, npages: 10, sizeclass: 0 },
  { kind: 'released', count: 1, npages: 300 },
  { kind: 'inuse', count: 100, npages: 1, sizeclass: 2 },
  { kind: 'free', count: 1, npages: 64 },
  { kind: 'inuse', count: 20, npages: 5, sizeclass: 30 },
  { kind: 'unused', count: 1, npages: 4096 - (40 + 12 + 60 + 32 + 50 + 300 + 100 + 64 + 100) },
];

const asRecord = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort());
const sorted = (r: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(r).sort());

describe('Heap View in headless Chromium', { skip: missing ?? false }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('the page posts ready, then draws every page of a 4096-page snapshot in its kind colour', async () => {
    const v = await openView(browser);
    const ready = await v.waitPosted((m) => m.type === 'ready');
    assert.deepEqual(ready, { type: 'ready', generation: 0 });
    const { snapshot, spans } = buildSnapshot(mixed);
    assert.equal(snapshot.arenaEnd - snapshot.arenaStart, 4096 * PAGE);
    await v.send({ type: 'snapshot', snapshot, spans });
    const layout = await v.paint();
    assert.equal(layout.pages, 4096);
    assert.equal(layout.ppc, 1);
    assert.ok(layout.cell >= 4, `default zoom draws page cells with gaps (cell ${layout.cell})`);
    assert.deepEqual(sorted(await countCells(v)), asRecord(expectedPages(mixed)));
    // The span boundary: the last pixel column of a span's last cell is background, of an inner cell a shade.
    const px = await v.page.evaluate(
      ([cell, cols]) => {
        const c = document.querySelector('canvas.pagemap-canvas') as HTMLCanvasElement;
        const g = c.getContext('2d')!;
        const at = (page: number, dx: number): string => {
          const x = (page % cols) * cell + dx;
          const y = Math.floor(page / cols) * cell + 1;
          return [...g.getImageData(x, y, 1, 1).data.slice(0, 3)].join(',');
        };
        const bg = getComputedStyle(document.body).getPropertyValue('--gh-background');
        return { endOfSpan: at(0, cell - 1), inside: at(0, 1), page41inner: at(41, cell - 1), page41: at(41, 1), bg };
      },
      [layout.cell, layout.cols] as const,
    );
    assert.notEqual(px.endOfSpan, px.inside, 'a one-page span ends with a boundary column');
    assert.notEqual(px.page41inner, px.endOfSpan, 'inside a free run the page edge is a shade, not the boundary');
    await v.screenshot('mixed-dark');
    // Zoomed in past the frame, a drag pans (rows scroll by the dragged distance) and selects nothing.
    await v.page.locator('canvas.pagemap-canvas').focus();
    for (let k = 0; k < 3; k++) await v.page.keyboard.press('+');
    const zoomed = await v.paint();
    const box = (await v.page.locator('canvas.pagemap-canvas').boundingBox())!;
    const n0 = (await v.posted()).length;
    await v.page.mouse.move(box.x + 50, box.y + 200);
    await v.page.mouse.down();
    await v.page.mouse.move(box.x + 50, box.y + 200 - 5 * zoomed.cell, { steps: 5 });
    await v.page.mouse.up();
    const panned = await v.paint();
    assert.equal(panned.topRow, zoomed.topRow + 5, 'dragging up by five cells scrolls five rows');
    assert.deepEqual((await v.posted()).slice(n0).filter((m) => m.type === 'select'), []);
    await v.page.context().close();
  });

  test('a 1 GiB heap (131,072 pages) at one pixel per page: every page counted by kind', async () => {
    const big: Group[] = [
      { kind: 'inuse', count: 20000, npages: 1, sizeclass: 3 },
      { kind: 'free', count: 1, npages: 5000 },
      { kind: 'inuse', count: 10000, npages: 4, sizeclass: 10 },
      { kind: 'released', count: 1, npages: 40000 },
      { kind: 'manual', count: 1000, npages: 2 },
      { kind: 'inuse', count: 12, npages: 1000, sizeclass: 0 },
      { kind: 'unused', count: 1, npages: 131072 - (20000 + 5000 + 40000 + 40000 + 2000 + 12000) },
    ];
    const v = await openView(browser, { width: 1000, height: 900 });
    const { snapshot, spans } = buildSnapshot(big);
    assert.equal(snapshot.arenaEnd - snapshot.arenaStart, 1 << 30);
    await v.send({ type: 'snapshot', snapshot, spans: spans.slice(0, 2000) });
    const req = await v.waitPosted((m) => m.type === 'requestSpans');
    assert.deepEqual(req, { type: 'requestSpans', args: { start: 2000, count: 2000 } }, 'the span table is fetched in pages');
    const n0 = (await v.posted()).length;
    await v.send({ type: 'spans', result: { generation: 1, total: spans.length, spans: spans.slice(2000, 4000) } });
    assert.deepEqual(await v.waitPosted((m) => m.type === 'requestSpans', n0), { type: 'requestSpans', args: { start: 4000, count: 2000 } }, 'the next page follows the answer');
    // A page of another generation is not taken and asks for nothing more.
    const n1 = (await v.posted()).length;
    await v.send({ type: 'spans', result: { generation: 9, total: spans.length, spans: spans.slice(4000, 6000) } });
    assert.equal((await v.posted()).slice(n1).filter((m) => m.type === 'requestSpans').length, 0);
    const layout = await v.paint();
    assert.equal(layout.cell, 1, 'a new session fits the arena: 1 px per page here');
    assert.ok(Math.ceil(layout.pages / layout.cols) <= Math.ceil(layout.height / layout.cell), 'the whole arena fits');
    assert.deepEqual(sorted(await countCells(v)), asRecord(expectedPages(big)));
    await v.screenshot('gib-1px');
    await v.page.context().close();
  });

  test('an 8 GiB heap zoomed out to 8 pages per pixel is still drawn run by run', async () => {
    // Groups aligned to 8 pages, so every 8-page cell has one kind.
    const huge: Group[] = [
      { kind: 'inuse', count: 100000, npages: 4, sizeclass: 5 },
      { kind: 'free', count: 1, npages: 200000 },
      { kind: 'inuse', count: 50, npages: 4000, sizeclass: 0 },
      { kind: 'released', count: 1, npages: 148576 },
      { kind: 'unused', count: 1, npages: 1048576 - (400000 + 200000 + 200000 + 148576) },
    ];
    const v = await openView(browser, { width: 1000, height: 900 });
    const { snapshot, spans } = buildSnapshot(huge);
    assert.equal(snapshot.arenaEnd - snapshot.arenaStart, 8 * 2 ** 30);
    await v.send({ type: 'snapshot', snapshot, spans: spans.slice(0, 2000) });
    const layout = await v.paint();
    assert.equal(layout.ppc, 8, 'a new session fits the arena: 8 pages per pixel here');
    assert.ok(Math.ceil(layout.pages / layout.ppc / layout.cols) <= layout.height, 'the whole arena fits');
    assert.deepEqual(sorted(await countCells(v)), asRecord(expectedPages(huge)));
    await v.page.context().close();
  });

  test('selection syncs: a click on a cell posts select; a host select shows that span in the inspector', async () => {
    const v = await openView(browser);
    const { snapshot, spans, spanRuns } = buildSnapshot(mixed);
    await v.send({ type: 'snapshot', snapshot, spans });
    const layout = await v.paint();
    // Click the middle of the first page of span #45 (a size-class 20 span).
    const target = spanRuns[44];
    const page = (target.base - ARENA) / PAGE;
    const box = (await v.page.locator('canvas.pagemap-canvas').boundingBox())!;
    const n0 = (await v.posted()).length;
    await v.page.mouse.click(box.x + (page % layout.cols) * layout.cell + layout.cell / 2, box.y + Math.floor(page / layout.cols) * layout.cell + layout.cell / 2);
    const sel = await v.waitPosted((m) => m.type === 'select', n0);
    assert.deepEqual(sel, { type: 'select', span: target.span });
    assert.deepEqual(await v.waitPosted((m) => m.type === 'requestSpan', n0), { type: 'requestSpan', id: target.span });
    const row = spans.find((s) => s.id === target.span)!;
    await v.send({ type: 'spanDetail', detail: detailFor(row) });
    const counts = await v.page.locator('.inspector .counts').getAttribute('data-counts');
    // detailFor: allocated when i%3==0, marked when i%3==1, else free.
    const n = row.nelems;
    const alloc = Math.ceil(n / 3);
    const marked = Math.ceil((n - 1) / 3);
    assert.equal(counts, `${n - alloc - marked},${alloc},${marked},0`);
    assert.equal(await v.page.locator('.inspector .obj').count(), n);
    assert.equal(await v.page.locator('.inspector .obj.special').count(), 1);
    assert.match((await v.page.locator('.inspector dd[data-field="sweepgen"]').textContent()) ?? '', /swept, ready to use/);
    await v.screenshot('selected-span');

    // Host → webview: select another span; the inspector follows and nothing is echoed back.
    const other = spanRuns[2];
    const n1 = (await v.posted()).length;
    await v.send({ type: 'select', span: other.span });
    assert.equal(await v.page.locator('.inspector dd[data-field="id"]').textContent(), String(other.span));
    const after = (await v.posted()).slice(n1);
    assert.deepEqual(after.filter((m) => m.type === 'select'), [], 'a host selection is not echoed');
    assert.deepEqual(after.filter((m) => m.type === 'requestSpan'), [{ type: 'requestSpan', id: other.span }]);
    assert.equal(await v.page.locator(`.mcentral .chip.selected[data-span="${other.span}"]`).count(), 1, 'the mcentral chip of the span is marked selected');

    // Keyboard: on the focused page map, ArrowRight selects the next span in address order.
    const n5 = (await v.posted()).length;
    await v.page.locator('canvas.pagemap-canvas').focus();
    await v.page.keyboard.press('ArrowRight');
    assert.deepEqual(await v.waitPosted((m) => m.type === 'select', n5), { type: 'select', span: spanRuns[3].span });
    await v.page.keyboard.press('b');
    assert.deepEqual(await v.waitPosted((m) => m.type === 'dataBreakpoint', n5), { type: 'dataBreakpoint', span: spanRuns[3].span });
    // Ended: the header says so.
    await v.send({ type: 'ended' });
    assert.match((await v.page.locator('header.stopline').textContent()) ?? '', /session ended/);
    // Chips, transitions and the context menu select / break too.
    const chip = spanRuns[4].span;
    const n2 = (await v.posted()).length;
    await v.page.locator(`.mcentral .chip[data-span="${chip}"]`).first().click();
    assert.deepEqual(await v.waitPosted((m) => m.type === 'select', n2), { type: 'select', span: chip });
    await v.page.locator('.inspector [data-action="break"]').click();
    assert.deepEqual(await v.waitPosted((m) => m.type === 'dataBreakpoint', n2), { type: 'dataBreakpoint', span: chip });
    const n3 = (await v.posted()).length;
    await v.page.locator('.transitions-list button[data-span]').first().click();
    const tsel = await v.waitPosted((m) => m.type === 'select', n3);
    assert.equal((tsel as { span: number }).span, snapshot.transitions.at(-1)!.span, 'the newest transition is first');
    await v.page.locator('canvas.pagemap-canvas').click({ position: { x: 2, y: 2 }, button: 'right' });
    const n4 = (await v.posted()).length;
    await v.page.getByRole('menuitem', { name: "Break on this span's changes" }).click();
    assert.deepEqual(await v.waitPosted((m) => m.type === 'dataBreakpoint', n4), { type: 'dataBreakpoint', span: spanRuns[0].span });
    await v.page.context().close();
  });

  test('a timeline click travels; a delta repaints what changed; a delta out of order asks for a snapshot', async () => {
    const v = await openView(browser);
    const small: Group[] = [
      { kind: 'inuse', count: 10, npages: 1, sizeclass: 5 },
      { kind: 'free', count: 1, npages: 20 },
      { kind: 'unused', count: 1, npages: 98 },
    ];
    const { snapshot, spans } = buildSnapshot(small);
    await v.send({ type: 'snapshot', snapshot, spans });
    const tl = (await v.page.locator('canvas.timeline-canvas').boundingBox())!;
    const n0 = (await v.posted()).length;
    await v.page.mouse.click(tl.x + tl.width - 2, tl.y + tl.height / 2);
    assert.deepEqual(await v.waitPosted((m) => m.type === 'travel', n0), { type: 'travel', executed: snapshot.timeline.at(-1)!.executed });

    // Delta: pages 10..13 of the free run become one 4-page span of size class 10 (id 11).
    const base = ARENA + 10 * PAGE;
    const row = { ...spans[0], id: 11, base, npages: 4, spanclass: 20, sizeclass: 10, elemsize: 144, nelems: Math.floor((4 * PAGE) / 144), allocCount: 1 };
    const delta: HeapDelta = {
      sessionId: 's1', since: 1, generation: 2, stop: { ...snapshot.stop, executed: 50 }, memstats: snapshot.memstats, nspans: 11,
      spans: [row], removed: [],
      pages: { from: base, to: base + 4 * PAGE, runs: [{ base, npages: 4, kind: 'inuse', span: 11, sizeclass: 10 }] },
      breakdown: snapshot.breakdown, timeline: [], transitions: [], reset: false,
    };
    await v.send({ type: 'delta', delta });
    assert.deepEqual(sorted(await countCells(v)), { free: 16, 'inuse/10': 4, 'inuse/5': 10, unused: 98 });
    // A delta from a generation the view does not hold: dropped, and the view asks again.
    const n1 = (await v.posted()).length;
    await v.send({ type: 'delta', delta: { ...delta, since: 7, generation: 8 } });
    assert.deepEqual(await v.waitPosted((m) => m.type === 'ready', n1), { type: 'ready', generation: 0 });
    assert.deepEqual(sorted(await countCells(v)), { free: 16, 'inuse/10': 4, 'inuse/5': 10, unused: 98 }, 'the view is unchanged');
    await v.page.context().close();
  });

  test('view state survives a reload: zoom, scroll, selection, filter, collapsed parts', async () => {
    const v = await openView(browser);
    const { snapshot, spans, spanRuns } = buildSnapshot(mixed);
    await v.send({ type: 'snapshot', snapshot, spans });
    const fitted = await v.paint();
    await v.send({ type: 'select', span: spanRuns[7].span });
    await v.page.locator('canvas.pagemap-canvas').focus();
    await v.page.keyboard.press('+');
    await v.page.keyboard.press('+');
    await v.paint();
    await v.page.keyboard.press('ArrowDown');
    await v.page.locator('.transitions input.filter').fill('cached');
    await v.page.locator('#specials > summary').click();
    const before = await v.paint();
    assert.ok(before.cell > fitted.cell && before.topRow === 1, `zoomed in and scrolled (${JSON.stringify(before)})`);
    await v.page.reload();
    await v.page.waitForFunction(() => (window as unknown as { goheapHeapView?: unknown }).goheapHeapView !== undefined);
    const ready = await v.waitPosted((m) => m.type === 'ready');
    assert.deepEqual(ready, { type: 'ready', generation: 1 }, 'the reloaded page says which generation it had');
    await v.send({ type: 'snapshot', snapshot, spans });
    const afterL = await v.paint();
    assert.deepEqual({ cell: afterL.cell, topRow: afterL.topRow }, { cell: before.cell, topRow: before.topRow });
    assert.equal(await v.page.locator('.inspector dd[data-field="id"]').textContent(), String(spanRuns[7].span));
    assert.equal(await v.page.locator('.transitions input.filter').inputValue(), 'cached');
    assert.equal(await v.page.locator('.transitions-list li[data-seq]').count(), snapshot.transitions.filter((t) => t.text.includes('cached')).length);
    assert.equal(await v.page.locator('#specials').getAttribute('open'), null, 'a collapsed part stays collapsed');
    await v.page.context().close();
  });

  test('the CSP blocks injected inline script, inline event handlers and inline styles; the page itself loads under it', async () => {
    const v = await openView(browser);
    const csp = await v.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    const r = await v.page.evaluate(() => {
      const w = window as unknown as { __pwned?: number; __evald?: number };
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 1';
      document.body.append(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__evald = 1');
      img.setAttribute('src', 'data:image/png;base64,broken');
      document.body.append(img);
      const d = document.createElement('div');
      d.setAttribute('style', 'width: 123px');
      document.body.append(d);
      return { pwned: w.__pwned ?? null, width: getComputedStyle(d).width };
    });
    await v.page.waitForTimeout(100);
    const handler = await v.page.evaluate(() => (window as unknown as { __evald?: number }).__evald ?? null);
    assert.deepEqual({ pwned: r.pwned, handler }, { pwned: null, handler: null }, 'neither the inline script nor the inline event handler ran');
    assert.notEqual(r.width, '123px', 'an inline style attribute is ignored');
    const violations = await v.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
    assert.ok(violations.some((x) => x.startsWith('script-src')), `violations: ${violations.join('; ')}`);
    assert.ok(await v.page.locator('#pagemap').isVisible(), 'the nonce script built the view');
    await v.page.context().close();
  });

  test('malformed messages are ignored and an error naming the bad field is posted back', async () => {
    const v = await openView(browser);
    const { snapshot, spans } = buildSnapshot(mixed);
    await v.send({ type: 'snapshot', snapshot, spans });
    const before = sorted(await countCells(v));
    const bad: unknown[] = [
      42,
      { type: 'explode' },
      { type: 'snapshot', snapshot: { ...snapshot, pages: [{ ...snapshot.pages[0], kind: 'lava' }, ...snapshot.pages.slice(1)] }, spans },
      { type: 'snapshot', snapshot: { ...snapshot, pages: snapshot.pages.slice(1) }, spans },
      { type: 'select', span: 'seven' },
      { type: 'spanDetail', detail: { ...detailFor(spans[0]), objects: ['free', 'zombie'] } },
      { type: 'delta', delta: { sessionId: 's1', since: 1 } },
    ];
    const n0 = (await v.posted()).length;
    for (const m of bad) await v.send(m);
    const errors = (await v.posted()).slice(n0).filter((m): m is Extract<WebviewToHost, { type: 'error' }> => m.type === 'error');
    assert.equal(errors.length, bad.length);
    assert.match(errors[0].message, /message: expected an object/);
    assert.match(errors[1].message, /unknown message type "explode"/);
    assert.match(errors[2].message, /snapshot\.pages\[0\]\.kind: "lava"/);
    assert.match(errors[3].message, /snapshot\.pages\[0\]\.base: runs must be contiguous/);
    assert.match(errors[4].message, /message\.span: expected a finite number/);
    assert.match(errors[5].message, /detail\.objects\[1\]/);
    assert.match(errors[6].message, /delta\.generation/);
    assert.deepEqual(sorted(await countCells(v)), before, 'the picture is unchanged');
    await v.page.context().close();
  });

  test('themes: light, dark and high contrast give distinct palettes; screenshots saved', async () => {
    const { snapshot, spans, spanRuns } = buildSnapshot(mixed, { model: 'go1.10' });
    const seen = new Map<string, string>();
    for (const theme of ['vscode-light', 'vscode-dark', 'vscode-high-contrast'] as const) {
      const v = await openView(browser, { theme });
      await v.send({ type: 'snapshot', snapshot, spans });
      await v.send({ type: 'select', span: spanRuns[3].span });
      await v.paint();
      const bg = await v.page.evaluate(() => {
        const c = document.querySelector('canvas.pagemap-canvas') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(c.width - 1, c.height - 1, 1, 1).data;
        return `${d[0]},${d[1]},${d[2]}`;
      });
      seen.set(theme, bg);
      // Every legend entry has a distinct colour (so a pixel names its kind).
      const swatches = await v.page.locator('.legend .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
      assert.equal(new Set(swatches).size, swatches.length, `${theme}: legend colours are distinct: ${swatches.join(' ')}`);
      await v.screenshot(`theme-${theme}`);
      await v.page.context().close();
    }
    assert.notEqual(seen.get('vscode-light'), seen.get('vscode-dark'), 'light and dark backgrounds differ');
  });
});
