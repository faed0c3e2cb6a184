/**
 * The Heap View in real headless Chromium, as VS Code would host it but without VS Code: the
 * page is the extension's own HTML and CSP (src/extension/heapviewHtml.ts), served from a
 * private origin by request interception (no network, no port), with `acquireVsCodeApi`
 * emulated (postMessage captured, get/setState kept in sessionStorage so that they survive a
 * reload like VS Code's webview state). The host's side is played by the test: messages go in
 * through window.postMessage, the real message path.
 *
 * Also `renderHeapViewPng`: render a snapshot to a PNG (for screenshots outside VS Code).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostToWebview, SpanDetail, SpanRow, HeapSnapshot, WebviewToHost } from '../../src/protocol/heapview';
import { heapViewHtml } from '../../src/extension/heapviewHtml';

/** Debian's chromium; HEAPVIEW_CHROMIUM overrides (e.g. to check that the tests skip without it). */
export const CHROMIUM = process.env.HEAPVIEW_CHROMIUM ?? '/usr/bin/chromium';
export const ORIGIN = 'https://heapview.test';
export const ROOT = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webview');

/** Why the Chromium tests cannot run here, or null. */
export function chromiumMissing(): string | null {
  if (!existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM} (apt-get install chromium); Heap View browser tests skipped`;
  if (!existsSync(join(ROOT, 'dist', 'webview.js'))) return 'dist/webview.js is not built (node esbuild.mjs); Heap View browser tests skipped';
  return null;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

const NONCE = 'TestNonce0123456789abcdefABCDEF0';

/**
 * The emulated webview API; runs before the page's scripts (a devtools init script, not subject
 * to the page's CSP). A string, not a function, so that no transpiler helper leaks into it.
 */
const VSCODE_API_SHIM = `
  // tsx (esbuild keepNames) wraps named functions in test callbacks with __name.
  window.__name = (f) => f;
  window.__posted = [];
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => {
        const s = sessionStorage.getItem('vscodeState');
        return s === null ? undefined : JSON.parse(s);
      },
      setState: (s) => sessionStorage.setItem('vscodeState', JSON.stringify(s)),
    };
  };
`;

export interface ViewPage {
  readonly page: Page;
  /** Messages the webview posted, in order. */
  posted(): Promise<WebviewToHost[]>;
  /** Wait until the webview has posted a message matching `pred` (after index `from`). */
  waitPosted(pred: (m: WebviewToHost) => boolean, from?: number): Promise<WebviewToHost>;
  send(m: HostToWebview | unknown): Promise<void>;
  /** Paint the page map now; resolves to the layout read back from the canvas. */
  paint(): Promise<{ cols: number; cell: number; ppc: number; topRow: number; pages: number; width: number; height: number }>;
  screenshot(name: string): Promise<string>;
}

export async function openView(browser: Browser, opts: { width?: number; height?: number; theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast'; dpr?: number } = {}): Promise<ViewPage> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 900 }, deviceScaleFactor: opts.dpr ?? 1 });
  const page = await ctx.newPage();
  if (process.env.HEAPVIEW_DEBUG) {
    page.on("console", (m) => console.log("console", m.type(), m.text()));
    page.on("pageerror", (e) => console.log("pageerror", e.message));
    page.on("requestfailed", (r) => console.log("failed", r.url(), r.failure()?.errorText));
  }
  const html = heapViewHtml({ scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/media/heapview.css`, cspSource: ORIGIN, nonce: NONCE }).replace('<body>', `<body class="${opts.theme ?? 'vscode-dark'}">`);
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/' || url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    const file = join(ROOT, url.pathname);
    if (!file.startsWith(ROOT) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream', body: readFileSync(file) });
  });
  await page.addInitScript(VSCODE_API_SHIM);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { goheapHeapView?: unknown }).goheapHeapView !== undefined, undefined, { timeout: 10000 });
  const posted = (): Promise<WebviewToHost[]> => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
  return {
    page,
    posted,
    async waitPosted(pred, from = 0) {
      for (let k = 0; k < 200; k++) {
        const all = await posted();
        const hit = all.slice(from).find(pred);
        if (hit !== undefined) return hit;
        await page.waitForTimeout(25);
      }
      throw new Error(`the webview did not post the expected message; it posted ${JSON.stringify((await posted()).map((m) => m.type))}`);
    },
    async send(m) {
      // As a JSON string: playwright's own serialisation of a 100,000-element object is slow.
      await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(m));
      // Message events are tasks: wait for one round-trip so the handler has run.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    },
    async paint() {
      return page.evaluate(() => {
        const app = (window as unknown as { goheapHeapView: { paintNow(): number } }).goheapHeapView;
        app.paintNow();
        const c = document.querySelector('canvas.pagemap-canvas') as HTMLCanvasElement;
        const d = c.dataset;
        return { cols: Number(d.cols), cell: Number(d.cell), ppc: Number(d.ppc), topRow: Number(d.topRow), pages: Number(d.pages), width: c.width, height: c.height };
      });
    },
    async screenshot(name) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}

/**
 * Count the page map's cells by colour, in the page: each cell's interior pixel (its top-left
 * pixel, which the painter fills with the run's colour) is classified by the legend swatches'
 * computed colours. Returns counts keyed `kind` or `inuse/<sizeclass>`, weighted by pages per
 * cell, plus `other` for a pixel matching no swatch.
 */
export async function countCells(v: ViewPage): Promise<Record<string, number>> {
  await v.paint();
  return v.page.evaluate(() => {
    const c = document.querySelector('canvas.pagemap-canvas') as HTMLCanvasElement;
    const d = c.dataset;
    const cols = Number(d.cols);
    const cell = Number(d.cell);
    const ppc = Number(d.ppc);
    const top = Number(d.topRow);
    const pages = Number(d.pages);
    const byRgb = new Map<string, string>();
    for (const sw of document.querySelectorAll<HTMLElement>('.legend .swatch')) {
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(sw).backgroundColor);
      if (m === null) continue;
      const kind = sw.dataset.kind!;
      byRgb.set(`${m[1]},${m[2]},${m[3]}`, kind === 'inuse' ? `inuse/${sw.dataset.sizeclass}` : kind);
    }
    const ctx = c.getContext('2d')!;
    const img = ctx.getImageData(0, 0, c.width, c.height).data;
    const out: Record<string, number> = {};
    const cells = Math.ceil(pages / ppc);
    for (let k = top * cols; k < cells; k++) {
      const row = Math.floor(k / cols) - top;
      const col = k % cols;
      const y = row * cell;
      const x = col * cell;
      if (y >= c.height) break;
      const o = (y * c.width + x) * 4;
      const key = byRgb.get(`${img[o]},${img[o + 1]},${img[o + 2]}`) ?? 'other';
      out[key] = (out[key] ?? 0) + Math.min(ppc, pages - k * ppc);
    }
    return out;
  });
}

/** Render a snapshot in the Heap View (no VS Code) and save a PNG; returns the file. */
export async function renderHeapViewPng(
  snapshot: HeapSnapshot,
  spans: readonly SpanRow[],
  file: string,
  opts: { selected?: number; detail?: (id: number) => SpanDetail | null; theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast'; width?: number; height?: number } = {},
): Promise<string> {
  const browser = await launch();
  try {
    const v = await openView(browser, opts);
    await v.send({ type: 'snapshot', snapshot, spans });
    if (opts.selected !== undefined) {
      await v.send({ type: 'select', span: opts.selected });
      const d = opts.detail?.(opts.selected) ?? null;
      if (d !== null) await v.send({ type: 'spanDetail', detail: d });
    }
    await v.paint();
    mkdirSync(dirname(file), { recursive: true });
    await v.page.screenshot({ path: file, fullPage: true });
    return file;
  } finally {
    await browser.close();
  }
}
