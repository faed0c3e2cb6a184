/**
 * Report commands (category "Go Heap"): "Write Report…" (`goheap report`), "Export pprof Heap
 * Profile…" (`goheap profile`) and "Compare What-ifs…" (`goheap compare`, shown in a webview with
 * the table, the peak-memory curves and the variants' page maps side by side at the statement under
 * the cursor). Thin: every number and every byte of output comes from src/cli; this file asks the
 * user, writes through the CLI functions and shows the result. Errors become messages, never
 * exceptions out of the extension host. The webview runs no script (static HTML + SVG, strict CSP).
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { writeReport, defaultReportPath } from '../cli/reportmd';
import { writeProfile } from '../cli/profile';
import { pageMapsAt, parseWhatIfAxes, runWhatIfs, variantsOf, whatIfSvg } from '../cli/whatif';
import { whatIfHtml } from '../cli/whatifhtml';
import { MODELS } from '../program/settings';

function activeScript(uri?: vscode.Uri): Thenable<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const doc = vscode.window.activeTextEditor?.document;
  return Promise.resolve(doc !== undefined && doc.languageId === 'goheap' ? doc : undefined);
}

/** Where a file derived from the script goes by default: beside it, or in the first workspace folder. */
function besideScript(doc: vscode.TextDocument, name: string): vscode.Uri | undefined {
  if (doc.uri.scheme === 'file') return vscode.Uri.file(join(dirname(doc.uri.fsPath), name));
  const ws = vscode.workspace.workspaceFolders?.[0];
  return ws === undefined ? undefined : vscode.Uri.joinPath(ws.uri, name);
}

function collect(): { io: { out(s: string): void; err(s: string): void }; text: () => string } {
  let all = '';
  return { io: { out: (s) => void (all += s), err: (s) => void (all += s) }, text: () => all };
}

async function guarded(what: string, out: vscode.OutputChannel, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    out.appendLine(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage(`Go Heap: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function needScript(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  const doc = await activeScript(uri);
  if (doc === undefined) void vscode.window.showWarningMessage('Open a .goheap script first.');
  return doc;
}

/** Show what a CLI function printed; a non-zero exit is an error message with the output channel. */
function finish(out: vscode.OutputChannel, text: string, code: number, ok: string, actions: string[] = []): Thenable<string | undefined> {
  out.append(text);
  if (code === 2) {
    out.show(true);
    return vscode.window.showErrorMessage(`Go Heap: ${text.split('\n')[0]}`);
  }
  if (code === 1) out.show(true);
  return vscode.window.showInformationMessage(code === 0 ? ok : `${ok} (the script did not finish cleanly; see the Go Heap output)`, ...actions);
}

export function registerReportCommands(context: vscode.ExtensionContext): void {
  const out = vscode.window.createOutputChannel('Go Heap Reports');
  context.subscriptions.push(
    out,
    vscode.commands.registerCommand('goheap.writeReport', (uri?: vscode.Uri) =>
      guarded('Write Report', out, async () => {
        const doc = await needScript(uri);
        if (doc === undefined) return;
        const target = await vscode.window.showSaveDialog({ defaultUri: besideScript(doc, basename(defaultReportPath(doc.fileName))), filters: { Markdown: ['md'] }, title: 'Write heap report' });
        if (target === undefined) return;
        const c = collect();
        const code = writeReport(doc.getText(), doc.fileName, target.fsPath, {}, c.io);
        const pick = await finish(out, c.text(), code, `Wrote ${basename(target.fsPath)} and its SVG images.`, code === 2 ? [] : ['Open Preview']);
        if (pick === 'Open Preview') await vscode.commands.executeCommand('markdown.showPreview', target);
      }),
    ),
    vscode.commands.registerCommand('goheap.exportProfile', (uri?: vscode.Uri) =>
      guarded('Export pprof Heap Profile', out, async () => {
        const doc = await needScript(uri);
        if (doc === undefined) return;
        const name = basename(doc.fileName).replace(/\.goheap$/, '') + '.pb.gz';
        const target = await vscode.window.showSaveDialog({ defaultUri: besideScript(doc, name), filters: { 'pprof profile': ['gz', 'pb.gz'] }, title: 'Export pprof heap profile' });
        if (target === undefined) return;
        const c = collect();
        const code = writeProfile(doc.getText(), doc.fileName, target.fsPath, {}, c.io);
        await finish(out, c.text(), code, `Wrote ${basename(target.fsPath)}: view it with go tool pprof.`);
      }),
    ),
    vscode.commands.registerCommand('goheap.compareWhatIfs', (uri?: vscode.Uri) =>
      guarded('Compare What-ifs', out, async () => {
        const doc = await needScript(uri);
        if (doc === undefined) return;
        const picked = await vscode.window.showQuickPick(
          MODELS.map((m) => ({ label: m, picked: true })),
          { canPickMany: true, title: 'Compare What-ifs: models' },
        );
        if (picked === undefined || picked.length === 0) return;
        const gogc = await vscode.window.showInputBox({ title: 'Compare What-ifs: GOGC values', prompt: 'Comma-separated, e.g. 50,100,200 (off allowed)', value: '100', validateInput: (v) => check({ gogc: v }) });
        if (gogc === undefined) return;
        const procs = await vscode.window.showInputBox({ title: 'Compare What-ifs: numbers of Ps', prompt: 'Comma-separated, e.g. 1,4', value: '1', validateInput: (v) => check({ procs: v }) });
        if (procs === undefined) return;
        const axes = parseWhatIfAxes({ models: picked.map((p) => p.label), gogc, procs });
        if (typeof axes === 'string') {
          void vscode.window.showErrorMessage(`Go Heap: ${axes}`);
          return;
        }
        const editor = vscode.window.activeTextEditor;
        const line = editor !== undefined && editor.document === doc ? editor.selection.active.line : null;
        const variants = variantsOf(axes);
        const text = doc.getText();
        const name = basename(doc.fileName);
        const page = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${variants.length} variant${variants.length === 1 ? '' : 's'} of ${name}` }, async () => {
          const run = runWhatIfs(text, doc.fileName, variants, {});
          if (!run.ok) return run.error;
          const maps = pageMapsAt(text, variants, {}, line);
          if (typeof maps === 'string') return maps;
          const reached = maps.every((m) => m.reached);
          const where = line === null ? 'at the end of the run' : reached ? `before line ${line + 1} (first time it runs)` : `at line ${line + 1} where reached, else at the end`;
          return whatIfHtml({ fileName: name, results: run.results, curvesSvg: whatIfSvg(name, run.results), pageMaps: maps, where, nonce: randomBytes(16).toString('base64') });
        });
        if (!page.startsWith('<!DOCTYPE html>')) {
          out.appendLine(page);
          out.show(true);
          void vscode.window.showErrorMessage('Go Heap: the script has errors in some variant; see the Go Heap Reports output.');
          return;
        }
        const panel = vscode.window.createWebviewPanel('goheap.whatifs', `What-ifs: ${name}`, vscode.ViewColumn.Beside, { enableScripts: false, localResourceRoots: [] });
        panel.webview.html = page;
      }),
    ),
  );
}

function check(input: { gogc?: string; procs?: string }): string | undefined {
  const r = parseWhatIfAxes({ models: ['go1.14'], ...input });
  return typeof r === 'string' ? r : undefined;
}
