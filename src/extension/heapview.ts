/**
 * The Heap View panel (webview type `goheap.heapView`): opens beside the editor when a goheap
 * debug session starts (setting `goheap.heapView.openOnDebug`, default true) and on the command
 * `goheap.showHeapView` (optionally with a span id to select), and carries the heap between the
 * adapter and the webview (webview/):
 *
 *   webview `ready`            → `goheap/snapshot` + first `goheap/spans` page → `snapshot`
 *   adapter `goheap/stopped`   → `goheap/delta {since: what the webview holds}` → `delta`
 *                                (a `reset` delta, or a view with nothing yet, gets a snapshot)
 *   `requestSpans`/`requestSpan` → `goheap/spans` / `goheap/span` → `spans` / `spanDetail`
 *   `travel`                   → `goheap/travel` (the adapter then stops and the above follows)
 *   `select` ↔ the shared `spanSelection`; `dataBreakpoint` → the tree view's break-on-span command
 *
 * Invariants: every WebviewToHost message is validated (heapviewMessages.ts) before use; nothing
 * the webview or the adapter sends can throw out of here (errors go to the "Go Heap View" log);
 * each custom request times out; answers for a session that is no longer the current one are
 * dropped; at a stop only the delta crosses to the webview. The page's state lives in the webview
 * (getState/setState) and a panel serializer brings the panel back after a reload; the context
 * is not retained while hidden (the page re-asks with `ready` when shown again).
 *
 * The vscode API is injected (`HeapViewApi`) so tests drive the controller with fakes.
 */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import {
  EVT_STOPPED, REQ_DELTA, REQ_SNAPSHOT, REQ_SPAN, REQ_SPANS, REQ_TRAVEL, SPANS_PAGE_MAX,
  type DeltaArgs, type HeapDelta, type HeapSnapshot, type HostToWebview, type SpanArgs, type SpanDetail, type SpansArgs, type SpansResult, type StoppedEventBody, type TravelArgs, type WebviewToHost,
} from '../protocol/heapview';
import { DEBUG_TYPE } from '../protocol/dap';
import { heapViewHtml, makeNonce } from './heapviewHtml';
import { validateWebviewMessage } from './heapviewMessages';
import { spanSelection as defaultSelection, type SpanSelection } from './selection';

export const VIEW_TYPE = 'goheap.heapView';
export const CMD_SHOW = 'goheap.showHeapView';
export const SETTING_OPEN_ON_DEBUG = 'goheap.heapView.openOnDebug';
/** The tree view's command; with no argument it breaks on the selected span. */
const CMD_BREAK_ON_SPAN = 'goheap.heap.breakOnSpan';
const REQ_BREAK_ON_SPAN = 'goheap/breakOnSpan';
export const REQUEST_TIMEOUT_MS = 10_000;

/** The part of a debug session the panel uses. */
export interface SessionLike {
  readonly id: string;
  readonly type: string;
  customRequest(command: string, args?: unknown): Thenable<unknown>;
}

/** The part of a webview panel the controller uses. */
export interface PanelLike {
  readonly visible: boolean;
  readonly webview: {
    html: string;
    options: vscode.WebviewOptions;
    readonly cspSource: string;
    asWebviewUri(u: vscode.Uri): vscode.Uri;
    postMessage(m: unknown): Thenable<boolean>;
    onDidReceiveMessage(fn: (m: unknown) => void): vscode.Disposable;
  };
  reveal(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  onDidDispose(fn: () => void): vscode.Disposable;
  onDidChangeViewState(fn: () => void): vscode.Disposable;
  dispose(): void;
}

export interface HeapViewApi {
  readonly Uri: Pick<typeof vscode.Uri, 'joinPath'>;
  readonly ViewColumn: Pick<typeof vscode.ViewColumn, 'Beside'>;
  readonly window: {
    createWebviewPanel(viewType: string, title: string, show: { viewColumn: vscode.ViewColumn; preserveFocus: boolean }, options: vscode.WebviewPanelOptions & vscode.WebviewOptions): PanelLike;
    registerWebviewPanelSerializer(viewType: string, s: { deserializeWebviewPanel(panel: PanelLike, state: unknown): Thenable<void> }): vscode.Disposable;
    createOutputChannel(name: string): { appendLine(s: string): void; dispose(): void };
    showInformationMessage(m: string): Thenable<unknown>;
    showWarningMessage(m: string): Thenable<unknown>;
  };
  readonly debug: {
    readonly activeDebugSession: SessionLike | undefined;
    onDidStartDebugSession(fn: (s: SessionLike) => void): vscode.Disposable;
    onDidTerminateDebugSession(fn: (s: SessionLike) => void): vscode.Disposable;
    onDidChangeActiveDebugSession(fn: (s: SessionLike | undefined) => void): vscode.Disposable;
    onDidReceiveDebugSessionCustomEvent(fn: (e: { session: SessionLike; event: string; body?: unknown }) => void): vscode.Disposable;
  };
  readonly commands: {
    registerCommand(id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable;
    executeCommand(id: string, ...args: unknown[]): Thenable<unknown>;
    getCommands(filterInternal?: boolean): Thenable<string[]>;
  };
  readonly workspace: { getConfiguration(section?: string): { get<T>(key: string, def: T): T } };
}

function withTimeout<T>(p: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    Promise.resolve(p).then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class HeapViewController {
  private panel: PanelLike | null = null;
  private panelSubs: vscode.Disposable[] = [];
  private session: SessionLike | null = null;
  /** The generation the webview holds, as far as this host knows (0: nothing). */
  private sent = 0;
  /** Serialises stop updates and snapshots so deltas go out in order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly log: { appendLine(s: string): void; dispose(): void };
  readonly subscriptions: { dispose(): unknown }[] = [];
  /** Every message posted to the webview (the bench and tests measure them). */
  onPost: ((m: HostToWebview) => void) | null = null;

  constructor(
    private readonly api: HeapViewApi,
    private readonly extensionUri: vscode.Uri,
    private readonly selection: SpanSelection = defaultSelection,
  ) {
    this.log = api.window.createOutputChannel('Go Heap View');
    const s = api.debug.activeDebugSession;
    if (s !== undefined && s.type === DEBUG_TYPE) this.session = s;
    this.subscriptions.push(
      this.log,
      api.debug.onDidStartDebugSession((s) => this.sessionStarted(s)),
      api.debug.onDidChangeActiveDebugSession((s) => {
        if (s !== undefined && s.type === DEBUG_TYPE && s !== this.session) this.useSession(s);
      }),
      api.debug.onDidTerminateDebugSession((s) => {
        if (s !== this.session) return;
        this.session = null;
        void this.post({ type: 'ended' });
      }),
      api.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.event !== EVT_STOPPED || e.session.type !== DEBUG_TYPE) return;
        if (e.session !== this.session) this.useSession(e.session);
        this.stopped(e.body as StoppedEventBody | undefined);
      }),
      api.commands.registerCommand(CMD_SHOW, (span?: unknown) => this.show(typeof span === 'number' && Number.isInteger(span) ? span : undefined)),
      api.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
      this.selection.onDidChange((c) => {
        if (c.source !== 'heapView') void this.post({ type: 'select', span: c.span });
      }),
      { dispose: () => this.panel?.dispose() },
    );
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private sessionStarted(s: SessionLike): void {
    if (s.type !== DEBUG_TYPE) return;
    this.useSession(s);
    if (this.api.workspace.getConfiguration().get<boolean>(SETTING_OPEN_ON_DEBUG, true)) this.show(undefined, true);
  }

  private useSession(s: SessionLike): void {
    this.session = s;
    this.sent = 0;
  }

  /** Open (or reveal) the panel beside the editor; optionally select a span. */
  show(span?: number, preserveFocus = false): void {
    if (this.panel === null) {
      const panel = this.api.window.createWebviewPanel(VIEW_TYPE, 'Heap View', { viewColumn: this.api.ViewColumn.Beside, preserveFocus }, { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: false, localResourceRoots: this.roots() });
      this.adopt(panel);
    } else this.panel.reveal(undefined, preserveFocus);
    if (span !== undefined && span >= 0) this.selection.select(span, 'command');
  }

  private roots(): vscode.Uri[] {
    return [this.api.Uri.joinPath(this.extensionUri, 'dist'), this.api.Uri.joinPath(this.extensionUri, 'media')];
  }

  /** Take a panel (new, or restored by the serializer after a reload) and load the page into it. */
  adopt(panel: PanelLike): void {
    for (const d of this.panelSubs.splice(0)) d.dispose();
    this.panel = panel;
    this.sent = 0;
    const w = panel.webview;
    w.options = { enableScripts: true, localResourceRoots: this.roots() };
    w.html = heapViewHtml({
      scriptUri: w.asWebviewUri(this.api.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: w.asWebviewUri(this.api.Uri.joinPath(this.extensionUri, 'media', 'heapview.css')).toString(),
      cspSource: w.cspSource,
      nonce: makeNonce((n) => new Uint8Array(randomBytes(n))),
    });
    this.panelSubs.push(
      w.onDidReceiveMessage((m) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down (no retained context); when shown it loads again and says `ready`.
        if (!panel.visible) this.sent = 0;
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = null;
        for (const d of this.panelSubs.splice(0)) d.dispose();
      }),
    );
  }

  private async post(m: HostToWebview): Promise<boolean> {
    const p = this.panel;
    if (p === null) return false;
    try {
      this.onPost?.(m);
      return await p.webview.postMessage(m);
    } catch (e) {
      this.log.appendLine(`post ${m.type} failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  private request<T>(s: SessionLike, command: string, args: unknown): Promise<T> {
    return withTimeout(s.customRequest(command, args) as Thenable<T>, REQUEST_TIMEOUT_MS, command);
  }

  private enqueue(what: string, fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn).catch((e: unknown) => this.log.appendLine(`${what}: ${e instanceof Error ? e.message : String(e)}`));
    return this.queue;
  }

  /** A stop: send the webview what changed since what it holds. */
  stopped(_body?: StoppedEventBody): Promise<void> {
    return this.enqueue('stop', async () => {
      const s = this.session;
      if (s === null || this.panel === null || !this.panel.visible) return;
      if (this.sent === 0) return this.sendSnapshot(s);
      const delta = await this.request<HeapDelta>(s, REQ_DELTA, { since: this.sent } satisfies DeltaArgs);
      if (s !== this.session) return;
      if (delta.reset || delta.since !== this.sent) return this.sendSnapshot(s);
      if (delta.generation === this.sent) return;
      if (await this.post({ type: 'delta', delta })) this.sent = delta.generation;
      else this.sent = 0;
    });
  }

  private async sendSnapshot(s: SessionLike): Promise<void> {
    const snapshot = await this.request<HeapSnapshot>(s, REQ_SNAPSHOT, {});
    const first = await this.request<SpansResult>(s, REQ_SPANS, { start: 0, count: SPANS_PAGE_MAX } satisfies SpansArgs);
    if (s !== this.session) return;
    if (await this.post({ type: 'snapshot', snapshot, spans: first.generation === snapshot.generation ? first.spans : [] })) this.sent = snapshot.generation;
    if (this.selection.span >= 0) await this.post({ type: 'select', span: this.selection.span });
  }

  /** A message from the webview; never throws. */
  receive(raw: unknown): Promise<void> {
    const c = validateWebviewMessage(raw);
    if (!c.ok) {
      this.log.appendLine(`ignored a message from the Heap View: ${c.error}`);
      return Promise.resolve();
    }
    return this.handle(c.msg).catch((e: unknown) => this.log.appendLine(`${c.msg.type}: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async handle(m: WebviewToHost): Promise<void> {
    const s = this.session;
    switch (m.type) {
      case 'ready':
        this.sent = 0;
        if (s === null) {
          if (this.selection.span >= 0) await this.post({ type: 'select', span: this.selection.span });
          return;
        }
        return this.enqueue('snapshot', () => this.sendSnapshot(s));
      case 'select':
        this.selection.select(m.span, 'heapView');
        return;
      case 'requestSpans': {
        if (s === null) return;
        const result = await this.request<SpansResult>(s, REQ_SPANS, m.args);
        if (s === this.session) await this.post({ type: 'spans', result });
        return;
      }
      case 'requestSpan': {
        if (s === null) return;
        const detail = await this.request<SpanDetail>(s, REQ_SPAN, { id: m.id } satisfies SpanArgs);
        if (s === this.session) await this.post({ type: 'spanDetail', detail });
        return;
      }
      case 'travel':
        if (s === null) return;
        await this.request(s, REQ_TRAVEL, { executed: m.executed } satisfies TravelArgs);
        return;
      case 'dataBreakpoint':
        return this.breakOn(m.span);
      case 'error':
        this.log.appendLine(`Heap View: ${m.message}`);
        return;
      default: {
        const never: never = m;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  }

  /** Break on a span's changes: the tree view's command when present, else the adapter directly. */
  private async breakOn(span: number): Promise<void> {
    this.selection.select(span, 'heapView');
    const cmds = await this.api.commands.getCommands(true);
    if (cmds.includes(CMD_BREAK_ON_SPAN)) {
      await this.api.commands.executeCommand(CMD_BREAK_ON_SPAN);
      return;
    }
    const s = this.session;
    if (s === null) {
      void this.api.window.showWarningMessage('Go Heap: start a debug session to break on a span.');
      return;
    }
    const res = (await this.request<{ verified?: boolean; message?: string } | undefined>(s, REQ_BREAK_ON_SPAN, { span })) ?? {};
    if (res.verified === false) void this.api.window.showWarningMessage(`Go Heap: cannot break on span ${span}: ${res.message ?? 'refused by the debugger'}`);
    else void this.api.window.showInformationMessage(`Go Heap: execution will stop when span ${span} changes.`);
  }
}

/** Called from activate(). */
export function registerHeapView(context: { readonly extensionUri: vscode.Uri; readonly subscriptions: { dispose(): unknown }[] }, api?: HeapViewApi): HeapViewController {
  const c = new HeapViewController(api ?? (require('vscode') as HeapViewApi), context.extensionUri);
  context.subscriptions.push(c);
  return c;
}
