/**
 * The end-to-end story, as a person would drive it: each stage acts through the workbench and
 * then waits for what a person would look for (a tab, a squiggle, a stack frame, a row in a
 * view). A stage that needs a part of the product not built yet (`available` returns a reason)
 * is reported as "not yet available" instead of failing; every other stage must pass.
 *
 * Stages run in order and share one debug session; after the first failure the rest are skipped
 * (they would only fail for the same reason).
 */
import type { Page } from 'playwright-core';
import {
  SEL,
  TIMEOUT,
  expandPane,
  focusEditor,
  frameLine,
  hasCommand,
  openFile,
  runCommand,
  waitForStopWhere,
  type StopView,
  type StopWanted,
  waitForWorkbench,
  webviewFrame,
} from './workbench';

export interface Manifest {
  readonly displayName: string;
  readonly contributes: {
    readonly commands?: readonly { command: string; title: string; category?: string }[];
    readonly views?: Record<string, readonly { id: string; name: string }[]>;
  };
}

export interface StageContext {
  readonly page: Page;
  readonly manifest: Manifest;
  /** The installed extension's main bundle, as text (to tell which features it has). */
  readonly extensionBundle: string;
  /** The script debugged: a copy of an example, in the workspace root. */
  readonly script: string;
  readonly broken: string;
  /** Values stages hand to later ones. */
  readonly memo: Map<string, unknown>;
  /** Where a stage may save an extra picture (e.g. the README's screenshot). */
  readonly saveExtraScreenshot: (name: string) => Promise<string>;
}

export interface Stage {
  readonly name: string;
  /** null when the stage can run; else why not ("not yet available: …"). */
  readonly available?: (ctx: StageContext) => string | null;
  /** Returns a short note for the report (a measured value, what was seen). */
  readonly run: (ctx: StageContext) => Promise<string | void>;
}

function commandTitle(m: Manifest, id: string): string | null {
  const c = m.contributes.commands?.find((x) => x.command === id);
  return c === undefined ? null : c.category ? `${c.category}: ${c.title}` : c.title;
}

function goHeapView(m: Manifest): { id: string; name: string } | undefined {
  return Object.values(m.contributes.views ?? {})
    .flat()
    .find((v) => /^go heap$/i.test(v.name) || v.id.startsWith('goheap'));
}

/** Wait for a stop matching `want`, remember it in memo ('stop'), return it. */
async function waitForStop(page: Page, memo: Map<string, unknown>, want: StopWanted, what: string): Promise<StopView> {
  const stop = await waitForStopWhere(page, want, what);
  await page.locator(SEL.debugToolbar).waitFor({ state: 'visible', timeout: TIMEOUT.ui });
  memo.set('stop', stop);
  return stop;
}

/** Variables view: collapse every scope (Runtime frame and Locals start open), then open Heap. */
async function showHeapScope(page: Page): Promise<void> {
  const watch = page.locator(SEL.paneHeader, { hasText: /^\s*Watch/ }).first();
  if ((await watch.getAttribute('aria-expanded')) === 'true') await watch.click();
  const header = await expandPane(page, /^\s*Variables/);
  // A toolbar tooltip (e.g. "Step Back" after clicking it) can cover the header: move away first.
  await page.mouse.move(700, 880);
  await header.hover();
  await header.locator('.action-label[aria-label^="Collapse All"]').click();
  const heap = page.locator(SEL.variablesRow, { hasText: /^\s*Heap\s*$/ }).first();
  await heap.waitFor({ timeout: TIMEOUT.ui });
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'false', await heap.elementHandle(), { timeout: TIMEOUT.ui });
  await heap.click();
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await heap.elementHandle(), { timeout: TIMEOUT.ui });
}

export const STAGES: readonly Stage[] = [
  {
    name: 'workbench',
    async run({ page }) {
      await waitForWorkbench(page);
      return 'workbench rendered, folder open';
    },
  },
  {
    name: 'open-goheap-file',
    async run({ page, script }) {
      await openFile(page, script);
      // The grammar is active when the editor's language mode says so and tokens are coloured.
      await page.locator('.statusbar-item', { hasText: /Go Heap Script/i }).first().waitFor({ timeout: TIMEOUT.ui });
      const kw = page.locator(`${SEL.editorLines} span`, { hasText: /^model$/ }).first();
      await kw.waitFor({ timeout: TIMEOUT.ui });
      const cls = (await kw.getAttribute('class')) ?? '';
      if (cls === 'mtk1') throw new Error('the `model` keyword is not highlighted (grammar not applied)');
      return `language mode "Go Heap Script", keyword token ${cls}`;
    },
  },
  {
    name: 'activation-time',
    async run({ page, manifest, memo, saveExtraScreenshot }) {
      await runCommand(page, 'Developer: Show Running Extensions');
      const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
      await rows.first().waitFor({ timeout: TIMEOUT.ui });
      // The list is sorted by activation time and virtualised: walk it from the end by keyboard.
      const row = rows.filter({ hasText: manifest.displayName }).first();
      await rows.first().click();
      await page.keyboard.press('End');
      for (let i = 0; ; i++) {
        try {
          await row.waitFor({ timeout: 1500 });
          break;
        } catch (e) {
          if (i === 20) throw new Error(`${manifest.displayName} is not among the running extensions`);
          await page.keyboard.press('PageUp');
        }
      }
      const time = row.locator('.activation-time');
      await time.waitFor({ timeout: TIMEOUT.ui });
      const text = ((await time.textContent()) ?? '').trim();
      const reason = ((await row.locator('.activation-reason, .msg-label').allTextContents()).join(' ') || '').trim();
      memo.set('activation', text);
      await saveExtraScreenshot('running-extensions');
      await runCommand(page, 'View: Close All Editors');
      await page.locator('.runtime-extensions-editor').waitFor({ state: 'hidden', timeout: TIMEOUT.ui });
      return `${manifest.displayName}: ${text}${reason ? ` (${reason})` : ''}`;
    },
  },
  {
    name: 'diagnostics-for-broken-script',
    available: ({ extensionBundle }) =>
      /createDiagnosticCollection/.test(extensionBundle) ? null : 'not yet available: the extension publishes no diagnostics (no createDiagnosticCollection in dist/extension.js)',
    async run({ page, broken }) {
      await openFile(page, broken);
      await page.locator(SEL.squiggleError).first().waitFor({ timeout: TIMEOUT.ui });
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator(SEL.problemsRow, { hasText: /unknown model/ }).first();
      await row.waitFor({ timeout: TIMEOUT.ui });
      const n = await page.locator(SEL.problemsRow).count();
      return `squiggles in the editor; ${n} rows in Problems, first "${(await row.innerText()).replace(/\s+/g, ' ').slice(0, 80)}"`;
    },
  },
  {
    name: 'f5-stop-on-entry',
    async run({ page, script, memo }) {
      await openFile(page, script);
      await focusEditor(page);
      await page.keyboard.press('F5');
      memo.delete('stop');
      const stop = await waitForStop(page, memo, { frame: new RegExp(script.replace(/[.]/g, '\\.')), state: /before the first statement/ }, 'F5');
      // Stopped before the first statement: the editor marks the line, and the frame names the script.
      await page.locator('.monaco-editor .debug-top-stack-frame-line').first().waitFor({ timeout: TIMEOUT.ui });
      if (!stop.frame.includes(script)) throw new Error(`top frame "${stop.frame}" is not in ${script}`);
      if (!/before the first statement/.test(stop.state)) throw new Error(`stopped with "${stop.state}", not on entry`);
      return `stopped on entry at "${stop.frame}" ("${stop.state}")`;
    },
  },
  {
    name: 'step-over',
    async run({ page, memo }) {
      const before = (memo.get('stop') as StopView).frame;
      await page.keyboard.press('F10');
      // The next statement: same script frame, a later line.
      const next = new RegExp(`^main .* ${frameLine(before) + 1}:\\d+$`);
      const after = (await waitForStop(page, memo, { frame: next }, 'F10')).frame;
      if (!(frameLine(after) > frameLine(before))) throw new Error(`step over went from "${before}" to "${after}"`);
      return `"${before}" → "${after}"`;
    },
  },
  {
    name: 'step-into-allocation',
    async run({ page, memo }) {
      await page.keyboard.press('F11');
      const stop = await waitForStop(page, memo, { frame: /mallocgc/ }, 'F11');
      const mallocgc = page.locator(SEL.callStackRow, { hasText: /mallocgc/ }).first();
      await mallocgc.waitFor({ timeout: TIMEOUT.ui });
      const frames = (await page.locator(SEL.stackFrame).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      return `"${stop.state}"; call stack: ${frames.join(' | ')}`;
    },
  },
  {
    name: 'variables-heap',
    async run({ page, memo }) {
      await showHeapScope(page);
      const allspans = page.locator(SEL.variablesRow, { hasText: /allspans/ }).first();
      await allspans.waitFor({ timeout: TIMEOUT.ui });
      const memstats = page.locator(SEL.variablesRow, { hasText: /memstats/ }).first();
      await memstats.waitFor({ timeout: TIMEOUT.ui });
      const n = /(\d+) spans?/.exec(await allspans.innerText());
      if (n === null) throw new Error(`allspans row reads "${await allspans.innerText()}"`);
      memo.set('nspans', Number(n[1]));
      return `${(await allspans.innerText()).replace(/\s+/g, ' ')}; ${(await memstats.innerText()).replace(/\s+/g, ' ')}`;
    },
  },
  {
    name: 'go-heap-tree-view',
    available: ({ manifest }) => (goHeapView(manifest) === undefined ? 'not yet available: no "Go Heap" tree view in the manifest' : null),
    async run({ page, manifest, memo }) {
      const tree = goHeapView(manifest)!;
      const title = new RegExp(`^\\s*${tree.name}`, 'i');
      await expandPane(page, title);
      const pane = page.locator('.pane', { has: page.locator(SEL.paneHeader, { hasText: title }) });
      const memstats = pane.locator('.monaco-list-row', { hasText: /memstats/ }).first();
      await memstats.waitFor({ timeout: TIMEOUT.ui });
      // The same stop seen two ways: the tree's span count equals the Variables view's allspans.
      const want = memo.get('nspans') as number;
      const spans = pane.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*spans\\s*${want} spans?\\b`) }).first();
      await spans.waitFor({ timeout: TIMEOUT.ui }).catch(async () => {
        throw new Error(`Go Heap view rows: ${(await pane.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ')).join(' | ')}; want ${want} spans`);
      });
      return `${(await memstats.innerText()).replace(/\s+/g, ' ')} | ${(await spans.innerText()).replace(/\s+/g, ' ')}`;
    },
  },
  {
    name: 'span-transition-breakpoint',
    async run({ page, memo }) {
      await expandPane(page, /^\s*Breakpoints/);
      const row = page.locator(SEL.breakpointsRow, { hasText: 'Span allocated' }).first();
      await row.waitFor({ timeout: TIMEOUT.ui });
      const box = row.locator('.monaco-checkbox');
      if ((await box.getAttribute('aria-checked')) !== 'true') await box.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-checked') === 'true', await box.elementHandle(), { timeout: TIMEOUT.ui });
      await page.keyboard.press('F5');
      // The stop's description shows in the Call Stack header (for a generated runtime page the
      // editor shows no exception widget): "span 0x… (class …) … allocated".
      const before = memo.get('stop') as StopView;
      const stop = await waitForStop(page, memo, { state: /^span 0x[0-9a-f]+ .*allocated/, frameNot: before.frame }, 'F5 to the transition');
      if (!/^span 0x[0-9a-f]+ .*allocated/.test(stop.state)) throw new Error(`stopped with "${stop.state}", not on a span allocation`);
      return `stopped: "${stop.state.slice(0, 120)}" at "${stop.frame}"`;
    },
  },
  {
    name: 'step-back',
    async run({ page, memo }) {
      const before = memo.get('stop') as StopView;
      const back = page.locator(SEL.stepBack).first();
      await back.waitFor({ timeout: TIMEOUT.ui });
      await back.click();
      const after = await waitForStop(page, memo, { state: /back/i, frameNot: before.frame }, 'Step Back');
      if (!/back/i.test(after.state)) throw new Error(`stopped with "${after.state}" after Step Back`);
      return `"${before.frame}" → "${after.frame}" ("${after.state.slice(0, 100)}")`;
    },
  },
  {
    name: 'step-out-to-statement',
    async run({ page, memo, script }) {
      // Finish the statement (stepOut inside the runtime): the heap is consistent again, as the
      // Heap View and the Debug Console queries below expect.
      // The Span allocated filter is still on and the statement's span allocation is still
      // ahead (we stepped back before it): untick it, or finishing the statement stops there.
      const row = page.locator(SEL.breakpointsRow, { hasText: 'Span allocated' }).first();
      const box = row.locator('.monaco-checkbox');
      if ((await box.getAttribute('aria-checked')) === 'true') await box.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-checked') === 'false', await box.elementHandle(), { timeout: TIMEOUT.ui });
      const before = memo.get('stop') as StopView;
      await page.keyboard.press('Shift+F11');
      const after = await waitForStop(page, memo, { frame: new RegExp(`^main ${script.replace(/[.]/g, '\\.')}`), stateNot: before.state }, 'Shift+F11');
      if (!after.frame.includes(script)) throw new Error(`step out stopped in "${after.frame}" ("${after.state}"), not in the script`);
      return `"${before.frame}" → "${after.frame}" ("${after.state}")`;
    },
  },
  {
    name: 'heap-view-shows-spans',
    available: ({ manifest }) => (commandTitle(manifest, 'goheap.showHeapView') === null ? 'not yet available: no goheap.showHeapView command in the manifest' : null),
    async run(ctx) {
      const { page, manifest, memo } = ctx;
      // The debugger's own count of spans at this stop: Variables › Heap › allspans.
      await showHeapScope(page);
      const allspans = page.locator(SEL.variablesRow, { hasText: /allspans/ }).first();
      await allspans.waitFor({ timeout: TIMEOUT.ui });
      const m = /(\d+) spans?/.exec(await allspans.innerText());
      if (m === null) throw new Error(`allspans row reads "${await allspans.innerText()}"`);
      const nspans = Number(m[1]);

      // The Heap View opens on debug start; the command reveals it (or opens it).
      await runCommand(page, commandTitle(manifest, 'goheap.showHeapView')!);
      const view = webviewFrame(page);
      // Its header describes the current stop, with the same span count as the debugger.
      const header = view.locator('header.stopline', { hasText: new RegExp(`\\b${nspans} spans?\\b`) }).first();
      await header.waitFor({ timeout: TIMEOUT.ui }).catch(async () => {
        const got = await view.locator('header.stopline').first().innerText().catch(() => '(no header)');
        throw new Error(`Heap View header "${got.replace(/\s+/g, ' ')}" does not show the debugger's ${nspans} spans`);
      });
      const spans = view.locator('[data-span]:not([data-span="-1"])');
      await spans.first().waitFor({ timeout: TIMEOUT.ui });
      const ids = new Set(await spans.evaluateAll((els) => els.map((e) => e.getAttribute('data-span'))));
      if (ids.size > nspans) throw new Error(`the Heap View names ${ids.size} distinct spans, the debugger has ${nspans}`);
      const shot = await ctx.saveExtraScreenshot('heap-view');
      memo.set('heapViewShot', shot);
      return `header "${(await header.innerText()).replace(/\s+/g, ' ').slice(0, 140)}"; ${ids.size} span ids in the DOM; debugger: ${nspans} spans`;
    },
  },
  {
    name: 'select-span-tree-follows',
    available: ({ manifest }) => {
      if (commandTitle(manifest, 'goheap.showHeapView') === null) return 'not yet available: no Heap View';
      return goHeapView(manifest) === undefined ? 'not yet available: no "Go Heap" tree view in the manifest' : null;
    },
    async run({ page, manifest, memo, saveExtraScreenshot }) {
      const view = webviewFrame(page);
      // A span of the current state: a chip of the mcentral lists or of a P's mcache.
      const span = view.locator('button.chip[data-span]:not([data-span="-1"])').first();
      await span.waitFor({ timeout: TIMEOUT.ui });
      const id = await span.getAttribute('data-span');
      await span.click();
      // The span inspector names the selected span and its base address.
      const title = view.locator('h3', { hasText: new RegExp(`^Span ${id} at 0x[0-9a-f]+`) }).first();
      await title.waitFor({ timeout: TIMEOUT.ui });
      const base = /0x[0-9a-f]+/.exec(await title.innerText())![0];
      // The debugger agrees that a span starts there (Debug Console query `span ADDR`).
      await page.locator(SEL.replInput).click();
      await page.keyboard.type(`span ${base}`);
      await page.keyboard.press('Enter');
      const answer = page.locator(SEL.replRow, { hasText: new RegExp(`span ${base} mSpan`) }).first();
      await answer.waitFor({ timeout: TIMEOUT.ui });
      // The Go Heap tree view follows: it reveals and selects the span's item (labelled by address).
      const tree = goHeapView(manifest)!;
      const paneTitle = new RegExp(`^\\s*${tree.name}`, 'i');
      await expandPane(page, paneTitle);
      const pane = page.locator('.pane', { has: page.locator(SEL.paneHeader, { hasText: paneTitle }) });
      const selected = pane.locator('.monaco-list-row.selected', { hasText: base }).first();
      await selected.waitFor({ timeout: TIMEOUT.ui });
      const note = `clicked span ${id} in the Heap View → inspector "${await title.innerText()}" → Debug Console "${(await answer.innerText()).replace(/\s+/g, ' ').slice(0, 80)}" → tree selected "${(await selected.innerText()).replace(/\s+/g, ' ')}"`;
      // The README's picture: the selected span in the Heap View, with the bottom panel hidden.
      await page.keyboard.press('Control+J');
      await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: TIMEOUT.ui });
      // Selecting a chip scrolled the view to the lists; the picture starts at the page map.
      await view.locator('canvas').first().scrollIntoViewIfNeeded({ timeout: TIMEOUT.ui }).catch(() => {});
      memo.set('heapViewShot', await saveExtraScreenshot('heap-view-selected'));
      return note;
    },
  },
  {
    name: 'stop-debugging',
    async run({ page }) {
      await page.keyboard.press('Shift+F5');
      await page.locator(SEL.debugToolbar).waitFor({ state: 'hidden', timeout: TIMEOUT.ui });
      const toasts = await page.locator(SEL.notificationToast).allTextContents();
      const errors = toasts.filter((t) => /error|failed|exception/i.test(t));
      if (errors.length > 0) throw new Error(`error notifications: ${errors.join(' | ')}`);
      return 'session ended, no error notifications';
    },
  },
];

export { hasCommand };
