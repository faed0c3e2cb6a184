/**
 * A small fake of the vscode API for the extension's unit tests: the classes and functions the
 * language features and the tree view use, recording what they are given. Tests cannot load the
 * real `vscode` module; the extension code takes the API as a parameter.
 */
import { readFileSync } from 'node:fs';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (fn: Listener<T>): { dispose(): void } => {
    this.listeners.add(fn);
    return { dispose: () => this.listeners.delete(fn) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  get size(): number {
    return this.listeners.size;
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(sl: number, sc: number, el: number, ec: number) {
    this.start = new Position(sl, sc);
    this.end = new Position(el, ec);
  }
}
export class MarkdownString {
  constructor(readonly value = '') {}
}
export class Hover {
  constructor(readonly contents: MarkdownString, readonly range?: Range) {}
}
export class SnippetString {
  constructor(readonly value = '') {}
}
export class CompletionItem {
  detail?: string;
  documentation?: MarkdownString;
  insertText?: string | SnippetString;
  constructor(readonly label: string, readonly kind?: number) {}
}
export class DocumentSymbol {
  children: DocumentSymbol[] = [];
  constructor(readonly name: string, readonly detail: string, readonly kind: number, readonly range: Range, readonly selectionRange: Range) {}
}
export class CodeLens {
  constructor(readonly range: Range, readonly command?: { title: string; command: string; arguments?: unknown[] }) {}
}
export class Diagnostic {
  code?: string;
  source?: string;
  constructor(readonly range: Range, readonly message: string, readonly severity: number) {}
}
export class EvaluatableExpression {
  constructor(readonly range: Range, readonly expression?: string) {}
}
export class ThemeIcon {
  constructor(readonly id: string) {}
}
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: MarkdownString;
  iconPath?: ThemeIcon;
  contextValue?: string;
  constructor(readonly label: string, readonly collapsibleState: number) {}
}

const names = (list: string[]): Record<string, number> => Object.fromEntries(list.map((n, i) => [n, i]));

export class FakeUri {
  constructor(readonly fsPath: string) {}
  toString(): string {
    return 'file://' + this.fsPath;
  }
}

export class FakeDocument {
  version = 1;
  isUntitled = false;
  isDirty = false;
  saved = 0;
  readonly uri: FakeUri;
  constructor(public text: string, path = '/tmp/test.goheap', readonly languageId = 'goheap') {
    this.uri = new FakeUri(path);
  }
  getText(): string {
    return this.text;
  }
  edit(text: string): void {
    this.text = text;
    this.version++;
  }
  async save(): Promise<boolean> {
    this.saved++;
    this.isDirty = false;
    return true;
  }
}

export class FakeTreeView<T> {
  message: string | undefined;
  visible = true;
  readonly reveals: { element: T; options: unknown }[] = [];
  readonly selectionEmitter = new EventEmitter<{ selection: readonly T[] }>();
  readonly onDidChangeSelection = this.selectionEmitter.event;
  readonly visibilityEmitter = new EventEmitter<{ visible: boolean }>();
  readonly onDidChangeVisibility = this.visibilityEmitter.event;
  /** Sets `visible` and fires the event, as VS Code does when the pane opens or closes. */
  show(visible: boolean): void {
    this.visible = visible;
    this.visibilityEmitter.fire({ visible });
  }
  disposed = false;
  constructor(readonly id: string, readonly options: { treeDataProvider: unknown }) {}
  async reveal(element: T, options: unknown): Promise<void> {
    this.reveals.push({ element, options });
  }
  dispose(): void {
    this.disposed = true;
  }
}

export interface FakeSessionLike {
  readonly type: string;
  readonly id: string;
  customRequest(command: string, args?: unknown): PromiseLike<unknown>;
}

/** The whole fake API, with what each call recorded. */
export function fakeVscode() {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const rec = {
    warnings: [] as string[],
    infos: [] as string[],
    clipboard: [] as string[],
    shown: [] as unknown[],
    debugStarts: [] as unknown[],
    collections: [] as Map<string, Diagnostic[]>[],
    providers: [] as { kind: string; selector: unknown; provider: unknown; triggers?: string[] }[],
    treeViews: [] as FakeTreeView<unknown>[],
    quickPicks: [] as unknown[][],
    executed: [] as { command: string; args: unknown[] }[],
  };
  const openEmitter = new EventEmitter<FakeDocument>();
  const changeEmitter = new EventEmitter<{ document: FakeDocument }>();
  const closeEmitter = new EventEmitter<FakeDocument>();
  const customEventEmitter = new EventEmitter<{ session: FakeSessionLike; event: string; body?: unknown }>();
  const activeEmitter = new EventEmitter<FakeSessionLike | undefined>();
  const terminateEmitter = new EventEmitter<FakeSessionLike>();
  const register = (kind: string) => (selector: unknown, provider: unknown, ...triggers: string[]) => {
    rec.providers.push({ kind, selector, provider, triggers });
    return { dispose() {} };
  };
  const api = {
    Range, Position, Hover, MarkdownString, CompletionItem, SnippetString, DocumentSymbol, CodeLens, Diagnostic, EvaluatableExpression,
    ThemeIcon, TreeItem, EventEmitter,
    CompletionItemKind: names(['Text', 'Method', 'Function', 'Constructor', 'Field', 'Variable', 'Class', 'Interface', 'Module', 'Property', 'Unit', 'Value', 'Enum', 'Keyword', 'Snippet', 'Color', 'File', 'Reference', 'Folder', 'EnumMember', 'Constant']),
    SymbolKind: names(['File', 'Module', 'Namespace', 'Package', 'Class', 'Method', 'Property', 'Field', 'Constructor', 'Enum', 'Interface', 'Function', 'Variable', 'Constant', 'String', 'Number', 'Boolean', 'Array']),
    DiagnosticSeverity: names(['Error', 'Warning', 'Information', 'Hint']),
    TreeItemCollapsibleState: names(['None', 'Collapsed', 'Expanded']),
    languages: {
      createDiagnosticCollection: () => {
        const m = new Map<string, Diagnostic[]>();
        rec.collections.push(m);
        return { set: (uri: FakeUri, ds: Diagnostic[]) => m.set(uri.toString(), ds), delete: (uri: FakeUri) => m.delete(uri.toString()), dispose: () => m.clear() };
      },
      registerHoverProvider: register('hover'),
      registerCompletionItemProvider: register('completion'),
      registerDocumentSymbolProvider: register('symbols'),
      registerCodeLensProvider: register('codelens'),
      registerEvaluatableExpressionProvider: register('evaluatable'),
    },
    workspace: {
      onDidOpenTextDocument: openEmitter.event,
      onDidChangeTextDocument: changeEmitter.event,
      onDidCloseTextDocument: closeEmitter.event,
      textDocuments: [] as FakeDocument[],
      openTextDocument: async (what: string | FakeUri) => {
        const path = typeof what === 'string' ? what : what.fsPath;
        return new FakeDocument(readFileSync(path, 'utf8'), path);
      },
    },
    window: {
      activeTextEditor: undefined as { document: FakeDocument } | undefined,
      showWarningMessage: async (m: string) => {
        rec.warnings.push(m);
        return undefined;
      },
      showInformationMessage: async (m: string) => {
        rec.infos.push(m);
        return undefined;
      },
      showQuickPick: async (items: unknown[]) => {
        rec.quickPicks.push(items);
        return items[0];
      },
      showTextDocument: async (doc: unknown) => {
        rec.shown.push(doc);
        return {};
      },
      createTreeView: (id: string, options: { treeDataProvider: unknown }) => {
        const v = new FakeTreeView<unknown>(id, options);
        rec.treeViews.push(v);
        return v;
      },
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, fn);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id: string, ...args: unknown[]) => {
        rec.executed.push({ command: id, args });
        const fn = commands.get(id);
        if (fn === undefined) throw new Error(`command '${id}' not found`);
        return fn(...args);
      },
    },
    debug: {
      activeDebugSession: undefined as FakeSessionLike | undefined,
      onDidReceiveDebugSessionCustomEvent: customEventEmitter.event,
      onDidChangeActiveDebugSession: activeEmitter.event,
      onDidTerminateDebugSession: terminateEmitter.event,
      startDebugging: async (_folder: unknown, config: unknown) => {
        rec.debugStarts.push(config);
        return true;
      },
    },
    env: {
      clipboard: {
        writeText: async (t: string) => {
          rec.clipboard.push(t);
        },
      },
    },
  };
  const emit = { open: openEmitter, change: changeEmitter, close: closeEmitter, custom: customEventEmitter, active: activeEmitter, terminate: terminateEmitter };
  return { api, rec, emit, commands };
}
