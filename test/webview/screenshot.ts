/**
 * Render the Heap View for a .goheap script without VS Code, to a PNG (the page, CSS and bundle
 * that ship, in headless Chromium):
 *
 *   npx tsx test/webview/screenshot.ts examples/03-fragmentation.goheap out.png [--model go1.14] [--theme vscode-light] [--select SPAN]
 *
 * The script runs to the end; the snapshot is built by the adapter's builder. Needs
 * /usr/bin/chromium and a built dist/webview.js (node esbuild.mjs).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { heapSnapshot, spanDetail, spanRows } from '../../src/program/heapsnapshot';
import { chromiumMissing, renderHeapViewPng } from './harness';

async function main(argv: string[]): Promise<number> {
  const pos = argv.filter((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--'));
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (pos.length !== 2) {
    console.error('usage: npx tsx test/webview/screenshot.ts SCRIPT.goheap OUT.png [--model M] [--theme vscode-dark|vscode-light|vscode-high-contrast] [--select SPAN]');
    return 2;
  }
  const missing = chromiumMissing();
  if (missing !== null) {
    console.error(missing);
    return 1;
  }
  const c = compile(readFileSync(pos[0], 'utf8'), opt('model') ? { model: opt('model') } : {});
  if (!c.ok) {
    console.error(c.diagnostics.map((d) => d.message).join('\n'));
    return 1;
  }
  const it = new Interpreter(c.program, c.settings);
  it.run();
  const snapshot = heapSnapshot(it, { sessionId: 'screenshot', generation: 1, stop: { line: 0, executed: 0, reason: 'end', runtimeFrames: [] }, timeline: [], transitions: [] });
  const theme = opt('theme') as 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast' | undefined;
  const select = opt('select');
  const file = await renderHeapViewPng(snapshot, spanRows(it.heap.h).slice(0, 2000), resolve(pos[1]), { theme, selected: select === undefined ? undefined : Number(select), detail: (id) => spanDetail(it, id) });
  console.log(`wrote ${file}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (rc) => process.exit(rc),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
