/**
 * The Heap View's extension-host side with fakes of the VS Code objects it uses: which custom
 * requests a ready page, a stop, a reset and a reload cause; that only deltas cross at a stop;
 * that invalid webview messages are dropped (logged) and never throw; that the selection syncs
 * both ways; that the panel's page carries the strict CSP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeapDelta, HostToWebview } from '../../src/protocol/heapview';
import { HeapViewController, type HeapViewApi, type PanelLike, type SessionLike } from '../../src/extension/heapview';
import { validateWebviewMessage } from '../../src/extension/heapviewMessages';
import { heapViewCsp, heapViewHtml, makeNonce } from '../../src/extension/heapviewHtml';
import { SpanSelection } from '../../src/extension/selection';
import { buildSnapshot, type Group } from './fixtures';

type Listener<T> = (x: T) => void;
const disposable = { dispose(): void {} };

function emitter<T>(): { fire(x: T): void; on(fn: Listener<T>): { dispose(): void } } {
  const fns = new Set<Listener<T>>();
  return { fire: (x) => fns.forEach((f) => f(x)), on: (fn) => (fns.add(fn), { dispose: () => fns.delete(fn) }) };
}

const recipe: Group[] = [
  { kind: 'inuse', count: 3, npages: 1, sizeclass: 5 },
  { kind: 'free', count: 1, npages: 5 },
];

/** A goheap session whose adapter answers the custom requests from a script of generations. */
function fakeSession(id = 'dbg-1'): SessionLike & { calls: [string, unknown][]; generation: number; resetNext: boolean } {
  const built = buildSnapshot(recipe, { sessionId: id });
  const s = {
    id,
    type: 'goheap',
    calls: [] as [string, unknown][],
    generation: 1,
    resetNext: false,
    customRequest(command: string, args?: unknown): Thenable<unknown> {
      s.calls.push([command, args]);
      switch (command) {
        case 'goheap/snapshot':
          return Promise.resolve({ ...built.snapshot, generation: s.generation });
        case 'goheap/spans':
          return Promise.resolve({ generation: s.generation, total: built.spans.length, spans: built.spans });
        case 'goheap/delta': {
          const since = (args as { since: number }).since;
          const d: HeapDelta = {
            sessionId: id, since, generation: s.generation, stop: built.snapshot.stop, memstats: built.snapshot.memstats, nspans: 3, spans: [], removed: [],
            breakdown: built.snapshot.breakdown, timeline: [], transitions: [], reset: s.resetNext,
          };
          return Promise.resolve(d);
        }
        case 'goheap/span':
          return Promise.resolve({ row: built.spans[0], objects: [], specials: [], allocCache: null, freelist: [], heapSweepgen: 4, referencedBy: [] });
        case 'goheap/travel':
          return Promise.resolve({});
        default:
          return Promise.reject(new Error(`unknown request ${command}`));
      }
    },
  };
  return s;
}

function setup(opts: { openOnDebug?: boolean; commands?: string[] } = {}) {
  const posted: HostToWebview[] = [];
  const logs: string[] = [];
  const executed: unknown[][] = [];
  const messages = emitter<unknown>();
  const dispose = emitter<void>();
  const viewState = emitter<void>();
  const started = emitter<SessionLike>();
  const terminated = emitter<SessionLike>();
  const custom = emitter<{ session: SessionLike; event: string; body?: unknown }>();
  const commands = new Map<string, (...a: unknown[]) => unknown>();
  let created = 0;
  const panel: PanelLike & { visibleNow: boolean } = {
    visibleNow: true,
    get visible() {
      return this.visibleNow;
    },
    webview: {
      html: '',
      options: {},
      cspSource: 'vscode-webview://fake',
      asWebviewUri: (u) => u,
      postMessage: (m) => {
        posted.push(m as HostToWebview);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: (fn) => messages.on(fn),
    },
    reveal() {},
    onDidDispose: (fn) => dispose.on(() => fn()),
    onDidChangeViewState: (fn) => viewState.on(() => fn()),
    dispose: () => dispose.fire(),
  };
  const uri = (p: string) => ({ toString: () => p, path: p }) as never;
  const api: HeapViewApi = {
    Uri: { joinPath: (base: { path?: string }, ...parts: string[]) => uri([base.path ?? '/ext', ...parts].join('/')) } as never,
    ViewColumn: { Beside: -2 } as never,
    window: {
      createWebviewPanel: () => {
        created++;
        return panel;
      },
      registerWebviewPanelSerializer: () => disposable,
      createOutputChannel: () => ({ appendLine: (s: string) => logs.push(s), dispose() {} }),
      showInformationMessage: (m) => Promise.resolve(logs.push(`info: ${m}`)),
      showWarningMessage: (m) => Promise.resolve(logs.push(`warn: ${m}`)),
    },
    debug: {
      activeDebugSession: undefined,
      onDidStartDebugSession: (fn) => started.on(fn),
      onDidTerminateDebugSession: (fn) => terminated.on(fn),
      onDidChangeActiveDebugSession: () => disposable,
      onDidReceiveDebugSessionCustomEvent: (fn) => custom.on(fn),
    },
    commands: {
      registerCommand: (id, fn) => (commands.set(id, fn), disposable),
      executeCommand: (id, ...args) => Promise.resolve(executed.push([id, ...args])),
      getCommands: () => Promise.resolve([...commands.keys(), ...(opts.commands ?? [])]),
    },
    workspace: { getConfiguration: () => ({ get: <T>(_k: string, def: T): T => (opts.openOnDebug === undefined ? def : (opts.openOnDebug as T)) }) },
  };
  const selection = new SpanSelection();
  const c = new HeapViewController(api, uri('/ext'), selection);
  return { c, panel, posted, logs, executed, messages, started, terminated, custom, commands, selection, created: () => created, viewState };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

test('a goheap session opens the panel with the strict CSP page; ready gets a snapshot with the first span page', async () => {
  const f = setup();
  const s = fakeSession();
  f.started.fire(s);
  assert.equal(f.created(), 1, 'opened on debug (setting default true)');
  assert.match(f.panel.webview.html, /default-src 'none'/);
  assert.match(f.panel.webview.html, /script-src 'nonce-[A-Za-z0-9]{32}'/);
  assert.doesNotMatch(f.panel.webview.html, /unsafe-(inline|eval)/);
  f.messages.fire({ type: 'ready', generation: 0 });
  await settle();
  assert.deepEqual(s.calls.map((c) => c[0]), ['goheap/snapshot', 'goheap/spans']);
  assert.deepEqual(s.calls[1][1], { start: 0, count: 2000 });
  assert.deepEqual(f.posted.map((m) => m.type), ['snapshot']);
});

test('the setting turns opening on debug off; the command still opens the panel and selects a span', async () => {
  const f = setup({ openOnDebug: false });
  f.started.fire(fakeSession());
  assert.equal(f.created(), 0);
  await f.commands.get('goheap.showHeapView')!(7);
  assert.equal(f.created(), 1);
  assert.equal(f.selection.span, 7);
});

test('at each stop only a delta crosses, asked since the generation the webview holds; a reset brings a snapshot', async () => {
  const f = setup();
  const s = fakeSession();
  f.started.fire(s);
  f.messages.fire({ type: 'ready', generation: 0 });
  await settle();
  s.calls.length = 0;
  f.posted.length = 0;
  s.generation = 2;
  f.custom.fire({ session: s, event: 'goheap/stopped', body: { sessionId: s.id, generation: 2 } });
  await settle();
  s.generation = 5;
  f.custom.fire({ session: s, event: 'goheap/stopped', body: { sessionId: s.id, generation: 5 } });
  await settle();
  assert.deepEqual(s.calls, [['goheap/delta', { since: 1 }], ['goheap/delta', { since: 2 }]]);
  assert.deepEqual(f.posted.map((m) => (m.type === 'delta' ? [m.type, m.delta.since, m.delta.generation] : [m.type])), [['delta', 1, 2], ['delta', 2, 5]]);
  s.resetNext = true;
  s.generation = 6;
  f.custom.fire({ session: s, event: 'goheap/stopped', body: { sessionId: s.id, generation: 6 } });
  await settle();
  assert.deepEqual(f.posted.map((m) => m.type), ['delta', 'delta', 'snapshot']);
});

test('a hidden panel gets nothing at a stop; shown again, its page says ready and gets a snapshot', async () => {
  const f = setup();
  const s = fakeSession();
  f.started.fire(s);
  f.messages.fire({ type: 'ready', generation: 0 });
  await settle();
  f.posted.length = 0;
  f.panel.visibleNow = false;
  f.viewState.fire();
  f.custom.fire({ session: s, event: 'goheap/stopped', body: { sessionId: s.id, generation: 2 } });
  await settle();
  assert.equal(f.posted.length, 0, 'nothing posted to a hidden panel');
  f.panel.visibleNow = true;
  f.viewState.fire();
  f.messages.fire({ type: 'ready', generation: 1 });
  await settle();
  assert.deepEqual(f.posted.map((m) => m.type), ['snapshot']);
});

test('requests from the page are answered through customRequest; invalid messages are logged and dropped', async () => {
  const f = setup();
  const s = fakeSession();
  f.started.fire(s);
  f.messages.fire({ type: 'requestSpans', args: { start: 2000, count: 2000 } });
  f.messages.fire({ type: 'requestSpan', id: 1 });
  f.messages.fire({ type: 'travel', executed: 12 });
  await settle();
  assert.deepEqual(s.calls, [['goheap/spans', { start: 2000, count: 2000 }], ['goheap/span', { id: 1 }], ['goheap/travel', { executed: 12 }]]);
  assert.deepEqual(f.posted.map((m) => m.type), ['spans', 'spanDetail']);
  s.calls.length = 0;
  for (const bad of [null, 'ready', { type: 'requestSpans', args: { start: 0, count: 1e9 } }, { type: 'travel', executed: -1 }, { type: 'select', span: 1.5 }, { type: 'rm -rf' }]) f.messages.fire(bad);
  await settle();
  assert.deepEqual(s.calls, [], 'nothing reached the adapter');
  assert.equal(f.logs.filter((l) => l.startsWith('ignored a message')).length, 6);
});

test('selection syncs both ways without echo; dataBreakpoint uses the tree view command when registered', async () => {
  const f = setup({ commands: ['goheap.heap.breakOnSpan'] });
  f.started.fire(fakeSession());
  f.messages.fire({ type: 'select', span: 3 });
  await settle();
  assert.equal(f.selection.span, 3);
  assert.deepEqual(f.posted.filter((m) => m.type === 'select'), [], 'the page made it: not echoed');
  f.selection.select(2, 'treeView');
  assert.deepEqual(f.posted.filter((m) => m.type === 'select'), [{ type: 'select', span: 2 }]);
  f.messages.fire({ type: 'dataBreakpoint', span: 3 });
  await settle();
  assert.equal(f.selection.span, 3);
  assert.deepEqual(f.executed, [['goheap.heap.breakOnSpan']]);
});

test('an adapter that fails or never answers does not throw out of the host', async () => {
  const f = setup();
  const s: SessionLike = { id: 'x', type: 'goheap', customRequest: () => Promise.reject(new Error('adapter exploded')) };
  f.started.fire(s);
  await assert.doesNotReject(f.c.receive({ type: 'ready', generation: 0 }));
  await settle();
  assert.ok(f.logs.some((l) => l.includes('adapter exploded')), f.logs.join('\n'));
  f.terminated.fire(s);
  await settle();
  assert.deepEqual(f.posted.at(-1), { type: 'ended' });
});

test('webview message validation, field by field', () => {
  assert.deepEqual(validateWebviewMessage({ type: 'requestSpans', args: { start: 0, count: 10, state: 'mSpanInUse', sizeclass: 5, extra: 1 } }), { ok: true, msg: { type: 'requestSpans', args: { start: 0, count: 10, state: 'mSpanInUse', sizeclass: 5 } } });
  assert.deepEqual(validateWebviewMessage({ type: 'requestSpans', args: { start: 0, count: 2001 } }), { ok: false, error: 'requestSpans.args.count: expected an integer from 1 to 2000' });
  assert.deepEqual(validateWebviewMessage({ type: 'requestSpans', args: { start: 0, count: 1, state: 'mSpanZombie' } }).ok, false);
  assert.deepEqual(validateWebviewMessage({ type: 'select', span: -1 }), { ok: true, msg: { type: 'select', span: -1 } });
  assert.deepEqual(validateWebviewMessage({ type: 'dataBreakpoint', span: -1 }).ok, false);
  assert.deepEqual(validateWebviewMessage({ type: 'ready', generation: Number.NaN }).ok, false);
  assert.equal((validateWebviewMessage({ type: 'error', message: 'x'.repeat(5000) }) as { msg: { message: string } }).msg.message.length, 2000);
});

test('the page: CSP has no wildcard, no inline, no eval, no network; the nonce is on the one script', () => {
  const nonce = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 7));
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  const csp = heapViewCsp({ cspSource: 'vscode-resource:', nonce });
  assert.equal(csp, `default-src 'none'; img-src vscode-resource: data:; style-src vscode-resource:; font-src vscode-resource:; script-src 'nonce-${nonce}'; connect-src 'none'; base-uri 'none'; form-action 'none'`);
  const html = heapViewHtml({ scriptUri: 'u/webview.js', styleUri: 'u/heapview.css', cspSource: 'vscode-resource:', nonce });
  assert.equal(html.match(/<script/g)?.length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="u/webview.js">`));
  assert.doesNotMatch(html, /style="/);
});
