/**
 * Language features for `.goheap` files: diagnostics as you type, hover on allocation sizes and
 * facts, completion, the outline, "Run" / "Debug" CodeLenses, debugger hover expressions, and
 * the commands "Go Heap: Debug Script" and "Go Heap: Open Sample Script".
 *
 * The logic lives in src/program/editor (no vscode); this file only converts to and from VS Code
 * objects. The vscode API is injected (`LanguageApi`) so tests run the providers with fakes;
 * `registerLanguageFeatures(context)` passes the real module.
 *
 * Invariants: one compile per document version, shared by every provider; diagnostics are
 * recomputed at most once per `DIAGNOSTIC_DELAY_MS` of typing and dropped when the document
 * closes; nothing here throws into VS Code (a failure yields no hover / no items).
 */

import type * as vscode from 'vscode';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEBUG_TYPE } from '../protocol/dap';
import type { Diagnostic as ScriptDiagnostic } from '../program/index';
import type { Range as ScriptRange } from '../program/positions';
import { EditorDocument } from '../program/editor/document';
import { hoverAt } from '../program/editor/hover';
import { completionsAt, type CompletionKind } from '../program/editor/completion';
import { documentSymbols, type OutlineSymbol, type SymbolKind as OutlineKind } from '../program/editor/symbols';
import { codeLensPositions } from '../program/editor/codelens';
import { evaluatableAt } from '../program/editor/evaluatable';

export const LANGUAGE_ID = 'goheap';
export const CMD_RUN = 'goheap.runScript';
export const CMD_DEBUG = 'goheap.debugScript';
export const CMD_OPEN_SAMPLE = 'goheap.openSample';
export const DIAGNOSTIC_DELAY_MS = 250;

/** The part of the vscode API the language features use. */
export interface LanguageApi {
  readonly Range: typeof vscode.Range;
  readonly Position: typeof vscode.Position;
  readonly Hover: typeof vscode.Hover;
  readonly MarkdownString: typeof vscode.MarkdownString;
  readonly CompletionItem: typeof vscode.CompletionItem;
  readonly CompletionItemKind: typeof vscode.CompletionItemKind;
  readonly SnippetString: typeof vscode.SnippetString;
  readonly DocumentSymbol: typeof vscode.DocumentSymbol;
  readonly SymbolKind: typeof vscode.SymbolKind;
  readonly CodeLens: typeof vscode.CodeLens;
  readonly Diagnostic: typeof vscode.Diagnostic;
  readonly DiagnosticSeverity: typeof vscode.DiagnosticSeverity;
  readonly EvaluatableExpression: typeof vscode.EvaluatableExpression;
  readonly languages: Pick<typeof vscode.languages,
    'createDiagnosticCollection' | 'registerHoverProvider' | 'registerCompletionItemProvider' | 'registerDocumentSymbolProvider' | 'registerCodeLensProvider' | 'registerEvaluatableExpressionProvider'>;
  readonly workspace: Pick<typeof vscode.workspace, 'onDidOpenTextDocument' | 'onDidChangeTextDocument' | 'onDidCloseTextDocument' | 'textDocuments' | 'openTextDocument'>;
  readonly window: Pick<typeof vscode.window, 'showTextDocument' | 'showWarningMessage' | 'showQuickPick' | 'activeTextEditor'>;
  readonly commands: Pick<typeof vscode.commands, 'registerCommand'>;
  readonly debug: Pick<typeof vscode.debug, 'startDebugging'>;
}

/** What the providers read from a vscode.TextDocument. */
type TextDoc = Pick<vscode.TextDocument, 'uri' | 'version' | 'getText' | 'languageId'>;

/** One EditorDocument per document version (the last few documents). */
export class DocumentCache {
  private readonly docs = new Map<string, { version: number; doc: EditorDocument }>();

  get(d: TextDoc): EditorDocument {
    const key = d.uri.toString();
    const hit = this.docs.get(key);
    if (hit !== undefined && hit.version === d.version) return hit.doc;
    const doc = new EditorDocument(d.getText());
    this.docs.set(key, { version: d.version, doc });
    return doc;
  }

  delete(d: TextDoc): void {
    this.docs.delete(d.uri.toString());
  }
}

function toRange(api: LanguageApi, r: ScriptRange): vscode.Range {
  return new api.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

export function toDiagnostic(api: LanguageApi, d: ScriptDiagnostic): vscode.Diagnostic {
  const v = new api.Diagnostic(toRange(api, d.range), d.message, d.severity === 'error' ? api.DiagnosticSeverity.Error : api.DiagnosticSeverity.Warning);
  v.code = d.code;
  v.source = 'goheap';
  return v;
}

/** Diagnostics as you type: immediately on open, debounced on change, cleared on close. */
export class DiagnosticsController {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly api: LanguageApi,
    private readonly collection: Pick<vscode.DiagnosticCollection, 'set' | 'delete' | 'dispose'>,
    private readonly cache: DocumentCache,
    private readonly delayMs = DIAGNOSTIC_DELAY_MS,
  ) {}

  /** Computes and publishes now. */
  publish(d: TextDoc): void {
    if (d.languageId !== LANGUAGE_ID) return;
    const key = d.uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
    try {
      const doc = this.cache.get(d);
      this.collection.set(d.uri, doc.checked.diagnostics.map((x) => toDiagnostic(this.api, x)));
    } catch {
      // The front end never throws; if it did, the previous diagnostics stay.
    }
  }

  /** Publishes after `delayMs` without a newer change. */
  schedule(d: TextDoc): void {
    if (d.languageId !== LANGUAGE_ID) return;
    const key = d.uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.set(key, setTimeout(() => this.publish(d), this.delayMs));
  }

  close(d: TextDoc): void {
    const key = d.uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(key);
    this.collection.delete(d.uri);
    this.cache.delete(d);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.collection.dispose();
  }
}

function completionKind(api: LanguageApi, k: CompletionKind): vscode.CompletionItemKind {
  const K = api.CompletionItemKind;
  switch (k) {
    case 'keyword':
      return K.Keyword;
    case 'setting':
      return K.Property;
    case 'value':
      return K.Constant;
    case 'variable':
    case 'array':
      return K.Variable;
    case 'counter':
      return K.Variable;
    case 'fact':
    case 'field':
      return K.Field;
    case 'function':
      return K.Function;
    case 'proc':
      return K.EnumMember;
    case 'model':
      return K.EnumMember;
  }
}

function symbolKind(api: LanguageApi, k: OutlineKind): vscode.SymbolKind {
  const S = api.SymbolKind;
  switch (k) {
    case 'setting':
      return S.Constant;
    case 'array':
      return S.Array;
    case 'variable':
      return S.Variable;
    case 'loop':
      return S.Namespace;
    case 'on':
      return S.Module;
  }
}

export class GoHeapLanguageProviders
  implements vscode.HoverProvider, vscode.CompletionItemProvider, vscode.DocumentSymbolProvider, vscode.CodeLensProvider, vscode.EvaluatableExpressionProvider {
  constructor(
    private readonly api: LanguageApi,
    private readonly cache: DocumentCache,
  ) {}

  provideHover(document: TextDoc, position: vscode.Position): vscode.Hover | undefined {
    try {
      const h = hoverAt(this.cache.get(document), position.line, position.character);
      if (h === null) return undefined;
      return new this.api.Hover(new this.api.MarkdownString(h.markdown), toRange(this.api, h.range));
    } catch {
      return undefined;
    }
  }

  provideCompletionItems(document: TextDoc, position: vscode.Position, _token?: unknown, context?: Pick<vscode.CompletionContext, 'triggerCharacter'>): vscode.CompletionItem[] {
    try {
      return completionsAt(this.cache.get(document), position.line, position.character, context?.triggerCharacter).map((e) => {
        const item = new this.api.CompletionItem(e.label, completionKind(this.api, e.kind));
        item.detail = e.detail;
        if (e.documentation !== undefined) item.documentation = new this.api.MarkdownString(e.documentation);
        if (e.insertText !== undefined) item.insertText = e.snippet === true ? new this.api.SnippetString(e.insertText) : e.insertText;
        return item;
      });
    } catch {
      return [];
    }
  }

  provideDocumentSymbols(document: TextDoc): vscode.DocumentSymbol[] {
    try {
      const doc = this.cache.get(document);
      const convert = (s: OutlineSymbol): vscode.DocumentSymbol => {
        const d = new this.api.DocumentSymbol(s.name, s.detail, symbolKind(this.api, s.kind), toRange(this.api, s.range), toRange(this.api, s.selectionRange));
        d.children = s.children.map(convert);
        return d;
      };
      return documentSymbols(doc.program, doc.text).map(convert);
    } catch {
      return [];
    }
  }

  provideCodeLenses(document: TextDoc): vscode.CodeLens[] {
    try {
      const doc = this.cache.get(document);
      return codeLensPositions(doc.program).map(
        (l) => new this.api.CodeLens(toRange(this.api, l.range), { title: l.title, command: l.command === 'run' ? CMD_RUN : CMD_DEBUG, arguments: [document.uri] }),
      );
    } catch {
      return [];
    }
  }

  provideEvaluatableExpression(document: TextDoc, position: vscode.Position): vscode.EvaluatableExpression | undefined {
    try {
      const e = evaluatableAt(this.cache.get(document), position.line, position.character);
      return e === null ? undefined : new this.api.EvaluatableExpression(toRange(this.api, e.range), e.expression);
    } catch {
      return undefined;
    }
  }
}

/** "Go Heap: Debug Script": debug a saved .goheap file (the adapter reads it from disk). */
export async function debugScript(api: LanguageApi, uri?: vscode.Uri): Promise<boolean> {
  const doc = uri !== undefined ? await api.workspace.openTextDocument(uri) : api.window.activeTextEditor?.document;
  if (doc === undefined || doc.languageId !== LANGUAGE_ID) {
    void api.window.showWarningMessage('Open a .goheap script first.');
    return false;
  }
  if (doc.isUntitled) {
    void api.window.showWarningMessage('Save the script first: the debugger reads it from disk.');
    return false;
  }
  if (doc.isDirty && !(await doc.save())) return false;
  return api.debug.startDebugging(undefined, {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug ${basename(doc.uri.fsPath)}`,
    program: doc.uri.fsPath,
    stopOnEntry: true,
  });
}

export interface Sample {
  readonly file: string;
  readonly label: string;
  readonly description: string;
}

/** The example scripts shipped in `dir` (examples/*.goheap), with each header's first line. */
export function listSamples(dir: string): Sample[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.goheap'))
    .sort()
    .map((n) => {
      const first = readFileSync(join(dir, n), 'utf8').split(/\r?\n/, 1)[0] ?? '';
      return { file: join(dir, n), label: n.replace(/\.goheap$/, ''), description: first.replace(/^#\s*/, '') };
    });
}

/** Used when the extension ships no examples. */
export const BUILTIN_SAMPLE = `# Size-class rounding: hover a size to see the class it rounds to, then press F5.
model go1.14

var ring[256]
repeat 1000 as i {
  ring[i % 256] = new 33        # 33 bytes take a 48-byte slot
}
gc
expect heap.objects == 256
print "inuse", heap.inuse
`;

/**
 * "Go Heap: Open Sample Script": pick an example, copy it to a temp folder (so it can be debugged
 * and edited without touching the installed extension) and open it.
 */
export async function openSample(api: LanguageApi, examplesDir: string, outDir = join(tmpdir(), 'goheap-samples')): Promise<string | undefined> {
  const samples = listSamples(examplesDir);
  let source: Sample | undefined;
  if (samples.length > 0) {
    const pick = await api.window.showQuickPick(
      samples.map((s) => ({ label: s.label, description: s.description, sample: s })),
      { placeHolder: 'Open an example allocation script', matchOnDescription: true },
    );
    if (pick === undefined) return undefined;
    source = pick.sample;
  }
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, source === undefined ? 'sample.goheap' : basename(source.file));
  if (source === undefined) writeFileSync(target, BUILTIN_SAMPLE);
  else copyFileSync(source.file, target);
  const doc = await api.workspace.openTextDocument(target);
  await api.window.showTextDocument(doc);
  return target;
}

/** Registers every language feature and command (extension.ts calls this from activate). */
export function registerLanguageFeatures(
  context: { readonly subscriptions: { dispose(): unknown }[]; readonly extensionPath: string },
  api?: LanguageApi,
): GoHeapLanguageProviders {
  // The real module is loaded here, not imported, so tests can load this file without VS Code.
  const a = api ?? (require('vscode') as LanguageApi);
  const cache = new DocumentCache();
  const providers = new GoHeapLanguageProviders(a, cache);
  const diagnostics = new DiagnosticsController(a, a.languages.createDiagnosticCollection(LANGUAGE_ID), cache);
  const selector = { language: LANGUAGE_ID };
  context.subscriptions.push(
    diagnostics,
    a.languages.registerHoverProvider(selector, providers),
    a.languages.registerCompletionItemProvider(selector, providers, '.', ' '),
    a.languages.registerDocumentSymbolProvider(selector, providers),
    a.languages.registerCodeLensProvider(selector, providers),
    a.languages.registerEvaluatableExpressionProvider(selector, providers),
    a.workspace.onDidOpenTextDocument((d) => diagnostics.publish(d)),
    a.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
    a.workspace.onDidCloseTextDocument((d) => diagnostics.close(d)),
    a.commands.registerCommand(CMD_DEBUG, (uri?: vscode.Uri) => debugScript(a, uri)),
    a.commands.registerCommand(CMD_OPEN_SAMPLE, () => openSample(a, join(context.extensionPath, 'examples'))),
  );
  for (const d of a.workspace.textDocuments) diagnostics.publish(d);
  return providers;
}
