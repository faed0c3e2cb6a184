/**
 * Extension entry point. Activated by a `.goheap` file, a `goheap` debug session or a command.
 * The debugger, views and language features are registered here as they arrive; today it offers
 * "Go Heap: Run Script Headless", which runs the active script through the engine and shows the
 * CLI's report in an output channel.
 */
import * as vscode from 'vscode';
import { runScriptText } from '../cli/runner';
import { registerDebugger } from './debug';
import { registerReportCommands } from './reports';
import { registerLanguageFeatures } from './language';
import { registerTreeView } from './treeview';
import { registerHeapView } from './heapview';

export function activate(context: vscode.ExtensionContext): void {
  registerDebugger(context);
  registerReportCommands(context);
  registerLanguageFeatures(context);
  registerTreeView(context);
  registerHeapView(context);
  const out = vscode.window.createOutputChannel('Go Heap');
  context.subscriptions.push(
    out,
    vscode.commands.registerCommand('goheap.runScript', async (uri?: vscode.Uri) => {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (doc === undefined || doc.languageId !== 'goheap') {
        void vscode.window.showWarningMessage('Open a .goheap script first.');
        return;
      }
      const result = runScriptText(doc.getText(), doc.fileName, {});
      out.clear();
      out.append(result.stdout);
      if (result.stderr !== '') out.append(result.stderr);
      out.show(true);
    }),
  );
}

export function deactivate(): void {}
