/**
 * The end-to-end suite's runner (not a *.test.ts: `npm test` does not collect it; run it with
 * `npm run test:e2e`, i.e. scripts/e2e.sh). Installs the packaged .vsix into code-server, serves
 * a scratch workspace (copies of examples/*.goheap and a broken script), drives it from Debian's
 * Chromium with playwright-core through STAGES, saves a screenshot per stage and a report.json
 * in test-artifacts/e2e/, prints a table, and exits 1 when a stage failed.
 *
 * Environment (scripts/e2e.sh sets them from scripts/install-code-server.sh's output):
 *   CODE_SERVER       code-server's out/node/entry.js
 *   CODE_SERVER_NODE  a Node 24 binary
 *   CHROMIUM          the browser (default /usr/bin/chromium)
 *   GOHEAP_VSIX       the package to install (default ./go-heap-debugger.vsix)
 *   E2E_ARTIFACTS     output folder (default test-artifacts/e2e)
 *   E2E_SCREENSHOTS   when set (and nothing failed), a folder to copy the README's pictures into:
 *                     debug-1..3-*.png (a debug session) and heap-view.png (media/screenshots)
 *   E2E_KEEP=1        keep the scratch folders (workspace, user data, logs)
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installExtension, startCodeServer, type CodeServer } from './codeserver';
import { STAGES, type Manifest, type StageContext } from './stages';
import { TIMEOUT } from './workbench';

const root = resolve(__dirname, '..', '..');

interface StageReport {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'not yet available' | 'skipped';
  readonly ms: number;
  readonly note: string;
  readonly screenshot: string;
}

/** Stage → file name of its picture in the README's image sequence of a debug session. */
const README_PICTURES: Record<string, string> = {
  'step-into-allocation': 'debug-1-step-into-mallocgc.png',
  'span-transition-breakpoint': 'debug-2-span-allocated.png',
  'step-back': 'debug-3-step-back.png',
};

const BROKEN = `# A script with errors, for the end-to-end suite: the editor must flag every one.
model go1.99
a = new
b = new 32 noscan
expect b ==
repeat x { }
`;

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') {
    console.error(`e2e: ${name} is not set; run the suite with \`npm run test:e2e\` (scripts/e2e.sh)`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const cs = { entry: env('CODE_SERVER'), node: env('CODE_SERVER_NODE') };
  const browserPath = env('CHROMIUM', '/usr/bin/chromium');
  const vsix = resolve(env('GOHEAP_VSIX', join(root, 'go-heap-debugger.vsix')));
  const artifacts = resolve(env('E2E_ARTIFACTS', join(root, 'test-artifacts', 'e2e')));
  if (!existsSync(vsix)) throw new Error(`no package at ${vsix}; run \`npm run package\` first`);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const scratch = mkdtempSync(join(tmpdir(), 'goheap-e2e-'));
  const ws = join(scratch, 'workspace');
  const userDataDir = join(scratch, 'user');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(ws, { recursive: true });
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.goheap'))) copyFileSync(join(root, 'examples', f), join(ws, f));
  const script = '01-tiny-allocator.goheap';
  const broken = 'broken.goheap';
  writeFileSync(join(ws, broken), BROKEN);

  const timings: Record<string, number> = {};
  let t = Date.now();
  installExtension(cs, vsix, userDataDir, extensionsDir);
  timings.installExtension = Date.now() - t;
  const installed = readdirSync(extensionsDir).find((d) => d.startsWith('goheap.go-heap-debugger'));
  if (installed === undefined) throw new Error(`the extension is not in ${extensionsDir} after --install-extension`);
  const manifest = JSON.parse(readFileSync(join(extensionsDir, installed, 'package.json'), 'utf8')) as Manifest & { main: string };
  const extensionBundle = readFileSync(join(extensionsDir, installed, manifest.main), 'utf8');

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const reports: StageReport[] = [];
  try {
    t = Date.now();
    server = await startCodeServer(cs, { folder: ws, userDataDir, extensionsDir, logDir: join(scratch, 'logs') });
    timings.serverUp = Date.now() - t;
    t = Date.now();
    browser = await chromium.launch({
      executablePath: browserPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
    });
    const page: Page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(TIMEOUT.ui);
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(server.url, { waitUntil: 'domcontentloaded' });
    timings.browser = Date.now() - t;

    const ctx: StageContext = {
      page,
      manifest,
      extensionBundle,
      script,
      broken,
      memo: new Map(),
      saveExtraScreenshot: async (name) => {
        const p = join(artifacts, `${name}.png`);
        await page.screenshot({ path: p });
        return p;
      },
    };
    let failed = false;
    for (const [i, stage] of STAGES.entries()) {
      const shot = join(artifacts, `${String(i + 1).padStart(2, '0')}-${stage.name}.png`);
      const s0 = Date.now();
      if (failed) {
        reports.push({ name: stage.name, status: 'skipped', ms: 0, note: 'after an earlier failure', screenshot: '' });
        continue;
      }
      const why = stage.available?.(ctx) ?? null;
      if (why !== null) {
        reports.push({ name: stage.name, status: 'not yet available', ms: 0, note: why, screenshot: '' });
        continue;
      }
      try {
        const note = (await stage.run(ctx)) ?? '';
        await page.screenshot({ path: shot });
        const readme = README_PICTURES[stage.name];
        // The README's copy: the window without the bottom panel (smaller file, same story).
        if (readme) await page.screenshot({ path: join(artifacts, readme), clip: { x: 0, y: 0, width: 1440, height: 570 } });
        reports.push({ name: stage.name, status: 'pass', ms: Date.now() - s0, note, screenshot: shot });
      } catch (e) {
        failed = true;
        await page.screenshot({ path: shot }).catch(() => {});
        reports.push({ name: stage.name, status: 'fail', ms: Date.now() - s0, note: (e as Error).message.split('\n').slice(0, 3).join(' '), screenshot: shot });
      }
    }
    if (consoleErrors.length > 0) writeFileSync(join(artifacts, 'page-errors.txt'), consoleErrors.join('\n'));

    // The README's pictures: an image sequence of the debug session, and the Heap View.
    const shotsDir = process.env.E2E_SCREENSHOTS;
    if (shotsDir && reports.every((r) => r.status !== 'fail')) {
      mkdirSync(shotsDir, { recursive: true });
      for (const name of Object.values(README_PICTURES)) if (existsSync(join(artifacts, name))) copyFileSync(join(artifacts, name), join(shotsDir, name));
      const heapShot = ctx.memo.get('heapViewShot') as string | undefined;
      if (heapShot) copyFileSync(heapShot, join(shotsDir, 'heap-view.png'));
    }
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (server) copyFileSync(server.logFile, join(artifacts, 'code-server.log'));
    copyExtHostLog(userDataDir, artifacts);
    if (process.env.E2E_KEEP !== '1') rmSync(scratch, { recursive: true, force: true });
    else console.log(`scratch kept: ${scratch}`);
  }

  timings.total = Date.now() - t0;
  const width = Math.max(...reports.map((r) => r.name.length));
  for (const r of reports) console.log(`${r.status.padEnd(17)} ${r.name.padEnd(width)} ${String(r.ms).padStart(6)} ms  ${r.note}`);
  console.log(`timings: ${Object.entries(timings).map(([k, v]) => `${k} ${v} ms`).join(', ')}`);
  writeFileSync(join(artifacts, 'report.json'), JSON.stringify({ vsix, timings, stages: reports }, null, 2));
  return reports.some((r) => r.status === 'fail') ? 1 : 0;
}

/** The extension host's log, for post-mortems (activation and adapter errors land there). */
function copyExtHostLog(userDataDir: string, artifacts: string): void {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return;
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const f of walk(logs).filter((p) => /exthost\d*\.log$|remoteexthost\.log$/.test(p))) copyFileSync(f, join(artifacts, f.split('/').slice(-2).join('-')));
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
