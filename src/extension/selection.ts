/**
 * The selected span, shared by every view: the Heap View, the Go Heap tree view, the Variables
 * view's context actions. Selecting a span in one selects it everywhere. Plain TypeScript (no
 * vscode import) so the views' tests can use it directly.
 *
 * Invariant: listeners are told only about real changes, and never about a change they made
 * themselves (`source` is echoed so a view can ignore its own selection).
 */

export type SelectionSource = 'heapView' | 'treeView' | 'variables' | 'command';

export interface SpanSelectionChange {
  readonly span: number;
  readonly source: SelectionSource;
}

export class SpanSelection {
  private current = -1;
  private readonly listeners = new Set<(c: SpanSelectionChange) => void>();

  /** The selected span id, or -1. */
  get span(): number {
    return this.current;
  }

  select(span: number, source: SelectionSource): void {
    if (span === this.current) return;
    this.current = span;
    for (const l of [...this.listeners]) l({ span, source });
  }

  clear(): void {
    this.select(-1, 'command');
  }

  /** Subscribe; returns a disposable (VS Code's shape, so it can go in context.subscriptions). */
  onDidChange(fn: (c: SpanSelectionChange) => void): { dispose(): void } {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  }
}

/** The one selection of the extension host. */
export const spanSelection = new SpanSelection();
