/**
 * The debugger's registration in VS Code: a configuration provider (F5 on a .goheap file with no
 * launch.json debugs that file; missing attributes get their defaults) and an inline adapter
 * factory that runs the same GoHeapSession as the stdio adapter (dist/adapter.js), in the
 * extension host. extension.ts calls `registerDebugger(context)` from activate().
 */
import * as vscode from 'vscode';
import { GoHeapSession } from '../adapter/session';
import { DEBUG_TYPE } from '../protocol/dap';

export class GoHeapConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      const editor = vscode.window.activeTextEditor;
      if (editor === undefined || editor.document.languageId !== 'goheap') {
        void vscode.window.showInformationMessage('Open a .goheap script to debug it, or add a "goheap" launch configuration.');
        return undefined;
      }
      return { type: DEBUG_TYPE, request: 'launch', name: 'Debug allocation script', program: editor.document.uri.fsPath, stopOnEntry: true };
    }
    if ((config.program === undefined || config.program === '') && config.trace === undefined) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc?.languageId === 'goheap') config.program = doc.uri.fsPath;
    }
    return config;
  }

  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Debug allocation script', program: '${file}', stopOnEntry: true }];
  }
}

export class GoHeapInlineFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new GoHeapSession());
  }
}

/** Go Heap: Replay Go Allocation Trace… — pick a GODEBUG=allocfreetrace=1 trace and a model, debug the replay. */
async function replayTraceCommand(uri?: vscode.Uri): Promise<void> {
  const trace = uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Replay a Go allocation trace (GODEBUG=allocfreetrace=1)', openLabel: 'Replay' }))?.[0];
  if (trace === undefined) return;
  const model = await vscode.window.showQuickPick(['go1.14', 'go1.10', 'go1.5'], { title: 'Replay on which runtime model?' });
  if (model === undefined) return;
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(trace), {
    type: DEBUG_TYPE, request: 'launch', name: `Replay ${trace.path.split('/').pop()} (${model})`, trace: trace.fsPath, model, stopOnEntry: true,
  });
}

export function registerDebugger(context: vscode.ExtensionContext): void {
  const provider = new GoHeapConfigurationProvider();
  context.subscriptions.push(
    vscode.commands.registerCommand('goheap.replayTrace', (uri?: vscode.Uri) => replayTraceCommand(uri)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new GoHeapInlineFactory()),
  );
}
