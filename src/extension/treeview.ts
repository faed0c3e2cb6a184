/**
 * The "Go Heap" view in the Run and Debug side bar (view id `goheap.heap`): the HeapTreeModel
 * (treemodel.ts) as a vscode.TreeDataProvider, kept current at every stop and following the
 * shared span selection.
 *
 *  - At each `goheap/stopped` event of a goheap session the model asks for a delta (or a
 *    snapshot) and the tree refreshes once; a new active session starts from a snapshot; the end
 *    of the session empties the view.
 *  - Selecting an item that names a span selects it everywhere (`spanSelection`, source
 *    'treeView'); a span selected elsewhere is revealed here.
 *  - Context actions on span items: reveal in the Heap View (`goheap.showHeapView` with the span
 *    id), break on the span's transitions (custom request `goheap/breakOnSpan`: VS Code 1.80
 *    gives extensions no way to add a data breakpoint), copy address.
 *
 * The vscode API is injected (`TreeApi`), so tests drive the provider and the controller with
 * fakes; `registerTreeView(context)` passes the real module.
 */

import type * as vscode from 'vscode';
import { EVT_STOPPED, type StoppedEventBody } from '../protocol/heapview';
import { DEBUG_TYPE } from '../protocol/dap';
import { spanSelection as defaultSelection, type SpanSelection } from './selection';
import { HeapTreeModel, hex, REQ_BREAK_ON_SPAN, type BreakOnSpanArgs, type HeapSource, type TreeNode } from './treemodel';

export const VIEW_ID = 'goheap.heap';
export const CMD_REVEAL_IN_HEAP_VIEW = 'goheap.heap.revealInHeapView';
export const CMD_BREAK_ON_SPAN = 'goheap.heap.breakOnSpan';
export const CMD_COPY_ADDRESS = 'goheap.heap.copyAddress';
export const CMD_REFRESH = 'goheap.heap.refresh';
/** Owned by the Heap View; may not exist (the action then says so). */
export const CMD_SHOW_HEAP_VIEW = 'goheap.showHeapView';

/** The part of the vscode API the tree view uses. */
export interface TreeApi {
  readonly TreeItem: typeof vscode.TreeItem;
  readonly ThemeIcon: typeof vscode.ThemeIcon;
  readonly MarkdownString: typeof vscode.MarkdownString;
  readonly EventEmitter: typeof vscode.EventEmitter;
  readonly TreeItemCollapsibleState: typeof vscode.TreeItemCollapsibleState;
  readonly window: Pick<typeof vscode.window, 'createTreeView' | 'showWarningMessage' | 'showInformationMessage'>;
  readonly commands: Pick<typeof vscode.commands, 'registerCommand' | 'executeCommand'>;
  readonly debug: Pick<typeof vscode.debug, 'activeDebugSession' | 'onDidReceiveDebugSessionCustomEvent' | 'onDidChangeActiveDebugSession' | 'onDidTerminateDebugSession'>;
  readonly env: { readonly clipboard: Pick<vscode.Clipboard, 'writeText'> };
}

/** A debug session as far as the view is concerned. */
type Session = Pick<vscode.DebugSession, 'type' | 'id' | 'customRequest'>;

export class HeapTreeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter: vscode.EventEmitter<TreeNode | undefined | void>;
  readonly onDidChangeTreeData: vscode.Event<TreeNode | undefined | void>;

  constructor(
    private readonly api: TreeApi,
    readonly model: HeapTreeModel,
    private readonly source: () => HeapSource | null,
  ) {
    this.emitter = new api.EventEmitter<TreeNode | undefined | void>();
    this.onDidChangeTreeData = this.emitter.event;
  }

  /** One refresh per update. */
  refresh(): void {
    this.emitter.fire(undefined);
  }

  getTreeItem(n: TreeNode): vscode.TreeItem {
    const v = this.model.item(n);
    const S = this.api.TreeItemCollapsibleState;
    const item = new this.api.TreeItem(v.label, v.collapsible === 'none' ? S.None : v.collapsible === 'expanded' ? S.Expanded : S.Collapsed);
    item.id = n.key;
    item.description = v.description;
    if (v.tooltip !== '') item.tooltip = new this.api.MarkdownString(v.tooltip);
    item.iconPath = new this.api.ThemeIcon(v.icon);
    item.contextValue = v.contextValue;
    return item;
  }

  getChildren(n?: TreeNode): Promise<TreeNode[]> {
    return this.model.children(this.source(), n);
  }

  getParent(n: TreeNode): TreeNode | undefined {
    return this.model.parent(n);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/**
 * Span watches ("break on this span's transitions") asked for from the extension, shared by the
 * tree and the Heap View so neither undoes the other. `add` sends the custom request
 * `goheap/breakOnSpan` (adds one watch in the adapter); an adapter without it gets the standard
 * `setDataBreakpoints` with every span asked for in this session (data id `span:<id>`, as the
 * adapter's data breakpoints name spans). That fallback replaces the data breakpoints VS Code
 * itself sent, until VS Code sends them again.
 */
export class SpanWatches {
  private readonly ids = new Set<number>();
  private session = '';

  async add(session: Session, span: number): Promise<{ verified: boolean; message: string }> {
    const args: BreakOnSpanArgs = { span };
    try {
      const res = (await session.customRequest(REQ_BREAK_ON_SPAN, args)) as { verified?: boolean; message?: string } | undefined;
      return { verified: res?.verified !== false, message: res?.message ?? 'refused by the debugger' };
    } catch (first) {
      if (this.session !== session.id) {
        this.ids.clear();
        this.session = session.id;
      }
      this.ids.add(span);
      const ids = [...this.ids];
      try {
        const res = (await session.customRequest('setDataBreakpoints', { breakpoints: ids.map((id) => ({ dataId: `span:${id}` })) })) as
          { breakpoints?: { verified?: boolean; message?: string }[] } | undefined;
        const mine = res?.breakpoints?.[ids.indexOf(span)];
        if (mine !== undefined && mine.verified === false) {
          this.ids.delete(span);
          return { verified: false, message: mine.message ?? 'refused by the debugger' };
        }
        return { verified: true, message: '' };
      } catch {
        this.ids.delete(span);
        return { verified: false, message: first instanceof Error ? first.message : String(first) };
      }
    }
  }
}

/** The extension host's span watches. */
export const spanWatches = new SpanWatches();

/** Wires the provider to debug sessions, the shared selection and the context actions. */
export class HeapTreeController {
  readonly model = new HeapTreeModel();
  readonly provider: HeapTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  private session: Session | null = null;
  private readonly disposables: { dispose(): unknown }[] = [];

  constructor(
    private readonly api: TreeApi,
    private readonly selection: SpanSelection = defaultSelection,
    private readonly watches: SpanWatches = spanWatches,
  ) {
    this.provider = new HeapTreeProvider(api, this.model, () => this.session);
    this.view = api.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.setMessage();
    this.disposables.push(
      this.provider,
      this.view,
      api.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.session.type !== DEBUG_TYPE || e.event !== EVT_STOPPED) return;
        this.session = e.session;
        void this.update(e.session, (e.body as StoppedEventBody | undefined)?.sessionId, true);
      }),
      api.debug.onDidChangeActiveDebugSession((s) => {
        if (s === undefined || s.type !== DEBUG_TYPE || s.id === this.session?.id) return;
        this.session = s;
        this.model.clear();
        void this.update(s);
      }),
      api.debug.onDidTerminateDebugSession((s) => {
        if (s.id !== this.session?.id) return;
        this.session = null;
        this.model.clear();
        this.setMessage();
        this.provider.refresh();
      }),
      this.view.onDidChangeSelection((e) => {
        const n = e.selection[0];
        if (n === undefined) return;
        const span = this.model.item(n).span;
        if (span >= 0) this.selection.select(span, 'treeView');
      }),
      this.selection.onDidChange((c) => {
        if (c.source !== 'treeView' && c.span >= 0) void this.reveal(c.span);
      }),
      // A span selected while the view was hidden or collapsed is revealed when it shows.
      this.view.onDidChangeVisibility((e) => {
        if (!e.visible) return;
        if (!this.model.hasHeap && this.session !== null) void this.update(this.session);
        else if (this.selection.span >= 0) void this.reveal(this.selection.span);
      }),
      api.commands.registerCommand(CMD_REVEAL_IN_HEAP_VIEW, (n?: TreeNode) => this.revealInHeapView(n)),
      api.commands.registerCommand(CMD_BREAK_ON_SPAN, (n?: TreeNode) => this.breakOnSpan(n)),
      api.commands.registerCommand(CMD_COPY_ADDRESS, (n?: TreeNode) => this.copyAddress(n)),
      api.commands.registerCommand(CMD_REFRESH, () => {
        this.model.clear();
        return this.session === null ? this.provider.refresh() : this.update(this.session);
      }),
    );
    const active = api.debug.activeDebugSession;
    if (active !== undefined && active.type === DEBUG_TYPE) {
      this.session = active;
      void this.update(active);
    }
  }

  /**
   * The hint while there is no heap; the last request error when the heap shown is stale, or when
   * a stop could not be loaded (an error before the first stop — the adapter not launched yet —
   * is not worth a message).
   */
  private setMessage(afterStop = false): void {
    const err = this.model.lastError;
    if (this.model.hasHeap) this.view.message = err === null ? undefined : `Go Heap: ${err}`;
    else if (err !== null && this.session !== null && afterStop) this.view.message = `Go Heap: ${err}`;
    else this.view.message = 'Debug a .goheap script to see its heap here.';
  }

  /** Fetches what changed and refreshes the tree once; then shows the selected span. */
  async update(session: Session, sessionId?: string, afterStop = false): Promise<void> {
    const changed = await this.model.update(session, sessionId);
    this.setMessage(afterStop);
    if (!changed) return;
    this.provider.refresh();
    if (this.selection.span >= 0) await this.reveal(this.selection.span);
  }

  async reveal(span: number): Promise<void> {
    if (!this.view.visible) return;
    const n = this.model.spanNode(span);
    if (n === undefined) return;
    try {
      await this.view.reveal(n, { select: true, focus: false, expand: false });
    } catch {
      // The tree changed under the reveal (a newer stop): the next update reveals again.
    }
  }

  private spanOf(n?: TreeNode): number {
    if (n !== undefined) return this.model.item(n).span;
    return this.selection.span;
  }

  async revealInHeapView(n?: TreeNode): Promise<void> {
    const span = this.spanOf(n);
    if (span < 0) return;
    this.selection.select(span, 'treeView');
    try {
      await this.api.commands.executeCommand(CMD_SHOW_HEAP_VIEW, span);
    } catch (e) {
      void this.api.window.showWarningMessage(`Go Heap: the Heap View is not available (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  async breakOnSpan(n?: TreeNode): Promise<void> {
    const span = this.spanOf(n);
    if (span < 0) return;
    const session = this.session;
    if (session === null) {
      void this.api.window.showWarningMessage('Go Heap: start a debug session to break on a span.');
      return;
    }
    const base = this.model.spanBase(span);
    const where = base >= 0 ? hex(base) : `#${span}`;
    const res = await this.watches.add(session, span);
    if (res.verified) void this.api.window.showInformationMessage(`Go Heap: execution will stop when span ${where} changes (state, allocCount, sweepgen).`);
    else void this.api.window.showWarningMessage(`Go Heap: cannot break on span ${where}: ${res.message}`);
  }

  async copyAddress(n?: TreeNode): Promise<void> {
    const addr = n !== undefined ? this.model.addressOf(n) : -1;
    if (addr < 0) return;
    await this.api.env.clipboard.writeText(hex(addr));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Registers the Go Heap view and its commands (extension.ts calls this from activate). */
export function registerTreeView(context: { readonly subscriptions: { dispose(): unknown }[] }, api?: TreeApi): HeapTreeController {
  // The real module is loaded here, not imported, so tests can load this file without VS Code.
  const controller = new HeapTreeController(api ?? (require('vscode') as TreeApi));
  context.subscriptions.push(controller);
  return controller;
}
