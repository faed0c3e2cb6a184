/**
 * Driving VS Code's workbench as a person does — keyboard, command palette, clicks on the views —
 * through playwright-core. Every helper waits on something it can see (a selector, a text, an
 * attribute), never on a fixed delay; each wait has a timeout and fails with what it was
 * waiting for.
 *
 * The selectors are the workbench's own CSS classes (code-server serves VS Code's workbench
 * unchanged); they are gathered in SEL so a VS Code update that renames one needs one edit.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

export const SEL = {
  workbench: '.monaco-workbench',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  activeTab: '.tabs-container .tab.active',
  editorLines: '.editor-group-container.active .monaco-editor .view-lines',
  squiggleError: '.monaco-editor .squiggly-error',
  problemsRow: '.markers-panel .monaco-list-row',
  // The debug actions (settings dock them in the Run and Debug view's title); present while a session is.
  debugToolbar: '.action-label[aria-label^="Step Over"]',
  stepBack: '.action-label[aria-label^="Step Back"]',
  callStackRow: '.debug-call-stack .monaco-list-row',
  stackFrame: '.debug-call-stack .monaco-list-row .stack-frame',
  variablesRow: '.debug-variables .monaco-list-row',
  breakpointsRow: '.debug-breakpoints .monaco-list-row',
  callStackState: '.call-stack-state-message',
  replInput: '.repl-input-wrapper .monaco-editor',
  replRow: '.repl .monaco-list-row',
  notificationToast: '.notifications-toasts .notification-toast',
  paneHeader: '.pane-header',
  webview: 'iframe.webview.ready',
  webviewInner: 'iframe#active-frame',
} as const;

export const TIMEOUT = { ui: 20_000, boot: 90_000 } as const;

/** Wait for the workbench to render and the extension host to be up (explorer has the folder). */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator(SEL.workbench).waitFor({ state: 'visible', timeout: TIMEOUT.boot });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: TIMEOUT.boot });
}

async function openQuickInput(page: Page, prefix: string): Promise<Locator> {
  const box = page.locator(SEL.quickInputBox);
  // F1 opens the palette with '>'; the same box with the prefix replaced is Quick Open.
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    try {
      await box.waitFor({ state: 'visible', timeout: 5000 });
      break;
    } catch (e) {
      if (attempt === 2) throw e;
    }
  }
  await box.fill(prefix);
  return box;
}

/** Run a command by its palette title ("Category: Title"); waits for the exact row. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const box = await openQuickInput(page, `>${title}`);
  const row = page.locator(SEL.quickInputRow).filter({ has: page.locator('.monaco-highlighted-label', { hasText: title }) }).first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT.ui });
  await row.click();
  await box.waitFor({ state: 'hidden', timeout: TIMEOUT.ui });
}

/** Whether the palette offers a command with this title. */
export async function hasCommand(page: Page, title: string): Promise<boolean> {
  await openQuickInput(page, `>${title}`);
  const row = page.locator(SEL.quickInputRow).filter({ hasText: title }).first();
  const empty = page.locator('.quick-input-widget .quick-input-message', { hasText: /no matching/i });
  const which = await Promise.race([
    row.waitFor({ state: 'visible', timeout: TIMEOUT.ui }).then(() => true),
    empty.waitFor({ state: 'visible', timeout: TIMEOUT.ui }).then(() => false),
  ]);
  await page.keyboard.press('Escape');
  return which;
}

/** Quick Open a workspace file by name; waits until its tab is active and its text rendered. */
export async function openFile(page: Page, name: string): Promise<void> {
  const box = await openQuickInput(page, name);
  const row = page.locator(SEL.quickInputRow).filter({ hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: TIMEOUT.ui });
  await row.click();
  await box.waitFor({ state: 'hidden', timeout: TIMEOUT.ui });
  await page.locator(SEL.activeTab).filter({ hasText: name }).waitFor({ state: 'visible', timeout: TIMEOUT.ui });
  await page.locator(SEL.editorLines).first().waitFor({ state: 'visible', timeout: TIMEOUT.ui });
}

/** Put the keyboard focus in the active editor's text (F5 then debugs that file). */
export async function focusEditor(page: Page): Promise<void> {
  await page.locator(SEL.editorLines).first().click({ position: { x: 200, y: 5 } });
  await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: TIMEOUT.ui });
}

export interface StopView {
  /** Top stack frame row, whitespace collapsed ("main 01-tiny-allocator.goheap 8:1"). */
  readonly frame: string;
  /** The Call Stack header's description of the stop ("step", "span 0x… allocated", …). */
  readonly state: string;
  /** frame + state: two different stops never share it, even at the same frame and line. */
  readonly key: string;
}

/** What the next stop must look like; every field given must hold (regex sources, flags "i"). */
export interface StopWanted {
  readonly frame?: RegExp;
  readonly frameNot?: string;
  readonly state?: RegExp;
  readonly stateNot?: string;
}

/**
 * Wait until the Call Stack shows a stop matching `want`: a top frame and a header description
 * (not empty, not "Running"). After a stopped event VS Code updates the header before it has
 * fetched the new frames, and keeps stale frames on screen for a moment after a continue, so
 * each stage says what the *new* stop looks like (frame, description, or both) rather than
 * waiting for "something changed".
 */
export async function waitForStopWhere(page: Page, want: StopWanted, what: string): Promise<StopView> {
  const spec = {
    frameSel: SEL.stackFrame,
    stateSel: SEL.callStackState,
    frame: want.frame ? [want.frame.source, want.frame.flags] : null,
    frameNot: want.frameNot ?? null,
    state: want.state ? [want.state.source, want.state.flags] : null,
    stateNot: want.stateNot ?? null,
  };
  const handle = await page
    .waitForFunction(
      (sp) => {
        // (No helper functions in here: tsx would wrap them in a `__name` the page does not have.)
        const frameEl = document.querySelector(sp.frameSel) as HTMLElement | null;
        const frame = (frameEl?.innerText ?? '').replace(/\s+/g, ' ').trim();
        const stateEl = document.querySelector(sp.stateSel) as HTMLElement | null;
        const state = (stateEl?.getAttribute('title') || stateEl?.innerText || '').replace(/\s+/g, ' ').trim();
        if (frame === '' || state === '' || /^running$/i.test(state)) return null;
        if (sp.frame && !new RegExp(sp.frame[0], sp.frame[1]).test(frame)) return null;
        if (sp.frameNot !== null && frame === sp.frameNot) return null;
        if (sp.state && !new RegExp(sp.state[0], sp.state[1]).test(state)) return null;
        if (sp.stateNot !== null && state === sp.stateNot) return null;
        return { frame, state, key: `${frame} | ${state}` };
      },
      spec,
      { timeout: TIMEOUT.ui },
    )
    .catch(async (e: Error) => {
      const now = await page.evaluate((sel) => (document.querySelector(sel) as HTMLElement | null)?.innerText ?? '', SEL.stackFrame).catch(() => '?');
      throw new Error(`${what}: no stop matching ${JSON.stringify({ ...want, frame: want.frame?.source, state: want.state?.source })}; top frame now "${now.replace(/\s+/g, ' ')}" (${e.message.split('\n')[0]})`);
    });
  return (await handle.jsonValue()) as StopView;
}

/** The line number shown in a stack frame row's text ("… 12:1" → 12), or NaN. */
export function frameLine(text: string): number {
  const m = /(\d+):\d+\s*$/.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Expand a pane of the Run and Debug side bar (Variables, Breakpoints, Go Heap …) if collapsed. */
export async function expandPane(page: Page, title: string | RegExp): Promise<Locator> {
  const header = page.locator(SEL.paneHeader).filter({ hasText: title }).first();
  await header.waitFor({ state: 'visible', timeout: TIMEOUT.ui });
  if ((await header.getAttribute('aria-expanded')) === 'false') {
    await header.click();
    await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await header.elementHandle(), { timeout: TIMEOUT.ui });
  }
  return header;
}

/** The webview's document, two iframes deep (VS Code hosts each webview in iframe > iframe). */
export function webviewFrame(page: Page, nth = 0): FrameLocator {
  return page.frameLocator(SEL.webview).nth(nth).frameLocator(SEL.webviewInner);
}
