/**
 * The extension-host suite @vscode/test-electron runs (entry `run()`; bundled by
 * test/vscode/runTest.ts). Small on purpose: what only a real extension host can show — the
 * extension activates from a .goheap document, its commands are registered, and F5's
 * configuration debugs a script to a stop on entry and inside the runtime. The deep behaviour
 * is covered by test/adapter (DAP) and test/e2e (the workbench, driven as a person would).
 *
 * Every wait is on an event with a timeout; no sleeps.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'goheap.go-heap-debugger';
const WAIT_MS = 20_000;

type Case = [name: string, fn: () => Promise<void>];

function within<T>(p: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Resolves with the next DAP `stopped` event body of a goheap session. */
function nextStop(): { stopped: Promise<{ reason: string; description?: string }>; dispose(): void } {
  let resolve!: (b: { reason: string; description?: string }) => void;
  const stopped = new Promise<{ reason: string; description?: string }>((r) => (resolve = r));
  const reg = vscode.debug.registerDebugAdapterTrackerFactory('goheap', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: { type?: string; event?: string; body?: { reason: string; description?: string } }) => {
        if (m.type === 'event' && m.event === 'stopped' && m.body) resolve(m.body);
      },
    }),
  });
  return { stopped, dispose: () => reg.dispose() };
}

const ws = (): string => process.env.GOHEAP_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;

const CASES: Case[] = [
  [
    'activates on a .goheap document',
    async () => {
      const doc = await vscode.workspace.openTextDocument(join(ws(), '01-tiny-allocator.goheap'));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, 'goheap');
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed in the development host`);
      await within(Promise.resolve(ext.activate()), 'activation');
      assert.equal(ext.isActive, true);
    },
  ],
  [
    'registers every command of the manifest',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const declared: string[] = (ext.packageJSON.contributes.commands ?? []).map((c: { command: string }) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
    },
  ],
  [
    'debugs the active script: stop on entry, then inside mallocgc',
    async () => {
      const first = nextStop();
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'goheap',
        request: 'launch',
        name: 'test',
        program: join(ws(), '01-tiny-allocator.goheap'),
        stopOnEntry: true,
      });
      assert.equal(started, true);
      const entry = await within(first.stopped, 'the stop on entry');
      first.dispose();
      assert.equal(entry.reason, 'entry');
      const session = vscode.debug.activeDebugSession!;
      const threads = await session.customRequest('threads');
      const threadId = threads.threads[0].id as number;
      const second = nextStop();
      await session.customRequest('stepIn', { threadId });
      await within(second.stopped, 'the stop after stepIn');
      second.dispose();
      const st = await session.customRequest('stackTrace', { threadId });
      const names = (st.stackFrames as { name: string }[]).map((f) => f.name);
      assert.ok(names.some((n) => /mallocgc/.test(n)), `no runtime frame in ${names.join(', ')}`);
      const ended = new Promise<void>((r) => vscode.debug.onDidTerminateDebugSession(() => r()));
      await vscode.debug.stopDebugging(session);
      await within(ended, 'the session to end');
    },
  ],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, fn] of CASES) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (e) {
      failures.push(name);
      console.log(`FAIL ${name}\n     ${(e as Error).stack ?? e}`);
    }
  }
  console.log(`${CASES.length - failures.length}/${CASES.length} passed`);
  if (failures.length > 0) throw new Error(`${failures.length} extension-host test(s) failed: ${failures.join('; ')}`);
}
