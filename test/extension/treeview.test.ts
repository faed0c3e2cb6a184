/**
 * The Go Heap view (src/extension/treeview.ts) against a fake vscode API and a fake debug
 * session answering from a real heap: updates at `goheap/stopped`, tree items, the shared span
 * selection both ways, and the context actions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapTreeController, SpanWatches, registerTreeView, VIEW_ID, CMD_BREAK_ON_SPAN, CMD_COPY_ADDRESS, CMD_REVEAL_IN_HEAP_VIEW, CMD_REFRESH, type TreeApi } from '../../src/extension/treeview';
import { SpanSelection } from '../../src/extension/selection';
import { REQ_BREAK_ON_SPAN, type TreeNode } from '../../src/extension/treemodel';
import { EVT_STOPPED, REQ_DELTA, REQ_SNAPSHOT } from '../../src/protocol/heapview';
import { fakeVscode, type FakeTreeView, type TreeItem, type MarkdownString, type ThemeIcon } from './vscodefake';
import { FakeSession, fullDelta, runScript } from './heapfixture';

const SCRIPT = 'model go1.14\nvar a[400]\nrepeat 400 as i {\n  a[i] = new 48\n}\nbig = new 40000\nst = stackalloc 64KB\ngc\nprint big\n';

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function setup(selection = new SpanSelection()) {
  const f = fakeVscode();
  const api = f.api as unknown as TreeApi;
  const ctl = new HeapTreeController(api, selection, new SpanWatches());
  const view = f.rec.treeViews[0] as FakeTreeView<TreeNode>;
  let refreshes = 0;
  ctl.provider.onDidChangeTreeData(() => refreshes++);
  return { ...f, ctl, view, selection, refreshes: () => refreshes };
}

async function findSpanNode(ctl: HeapTreeController, id: number): Promise<TreeNode> {
  const n = ctl.model.spanNode(id)!;
  // Expand the path so rows are loaded (as a user expanding it would).
  const path: TreeNode[] = [];
  for (let x: TreeNode | undefined = n; x !== undefined; x = ctl.model.parent(x)) path.unshift(x);
  for (const p of path) await ctl.provider.getChildren(p);
  return n;
}

test('the view is created empty with a hint, and registers its commands', () => {
  const { rec, view, commands, ctl } = setup();
  assert.equal(view.id, VIEW_ID);
  assert.equal(view.message, 'Debug a .goheap script to see its heap here.');
  for (const c of [CMD_BREAK_ON_SPAN, CMD_COPY_ADDRESS, CMD_REVEAL_IN_HEAP_VIEW, CMD_REFRESH]) assert.ok(commands.has(c), c);
  ctl.dispose();
  assert.ok(view.disposed && !commands.has(CMD_COPY_ADDRESS));
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  registerTreeView(context, fakeVscode().api as unknown as TreeApi);
  assert.equal(context.subscriptions.length, 1);
  void rec;
});

test('each goheap/stopped event updates the tree once: a snapshot, then deltas', async () => {
  const { emit, ctl, view, refreshes } = setup();
  const first = runScript(SCRIPT, 1, 100);
  const session = new FakeSession(first);
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  assert.deepEqual(session.requests.map((r) => r.command), [REQ_SNAPSHOT]);
  assert.equal(refreshes(), 1);
  assert.equal(view.message, undefined);
  assert.equal(ctl.model.generation, 1);
  const last = runScript(SCRIPT, 2);
  session.state = last;
  session.deltas.set(1, fullDelta(first, last));
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 2 } });
  await settle();
  assert.deepEqual(session.requests.map((r) => r.command), [REQ_SNAPSHOT, REQ_DELTA]);
  assert.equal(refreshes(), 2);
  assert.equal(ctl.model.generation, 2);
  // Other debuggers' events and other goheap events are ignored.
  emit.custom.fire({ session: { ...session, type: 'node', id: 'n', customRequest: session.customRequest.bind(session) }, event: EVT_STOPPED, body: {} });
  emit.custom.fire({ session, event: 'output', body: {} });
  await settle();
  assert.equal(session.requests.length, 2);
  // The session ends: the view empties.
  emit.terminate.fire(session);
  assert.equal(ctl.model.hasHeap, false);
  assert.equal(refreshes(), 3);
  assert.match(view.message ?? '', /Debug a \.goheap script/);
});

test('tree items: ids, icons, tooltips, descriptions, context values', async () => {
  const { emit, ctl } = setup();
  const h = runScript(SCRIPT, 1);
  const session = new FakeSession(h);
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  const roots = await ctl.provider.getChildren();
  const items = roots.map((n) => ctl.provider.getTreeItem(n) as unknown as TreeItem);
  assert.deepEqual(items.map((i) => i.label), ['memstats', 'spans', 'mcentral', 'mcache', 'specials', 'page heap']);
  assert.deepEqual(items.map((i) => i.id), ['memstats', 'spans', 'mcentral', 'mcache', 'specials', 'pageheap']);
  assert.equal(items[0].collapsibleState, 1, 'Collapsed');
  assert.equal((items[1].iconPath as ThemeIcon).id, 'layers');
  const stats = await ctl.provider.getChildren(roots[0]);
  const inuse = stats.map((n) => ctl.provider.getTreeItem(n) as unknown as TreeItem).find((i) => i.label === 'heap_inuse')!;
  const heapInuse = h.snapshot.memstats.heap_inuse;
  assert.ok(inuse.description!.endsWith(`(${heapInuse.toLocaleString('en-US')})`), inuse.description);
  assert.match((inuse.tooltip as MarkdownString).value, /MemStats\.HeapInuse/);
  // The large object's span: 40000 B → ceil(40000/8192) = 5 pages.
  const big = h.rows.find((r) => r.npages === 5 && r.state === 'mSpanInUse')!;
  const node = await findSpanNode(ctl, big.id);
  const item = ctl.provider.getTreeItem(node) as unknown as TreeItem;
  assert.equal(item.label, '0x' + big.base.toString(16));
  assert.equal(item.contextValue, 'span');
  assert.equal(item.collapsibleState, 0);
  assert.match(item.description!, /^5 pages · large · 1\/1 objects$/);
  assert.match((item.tooltip as MarkdownString).value, /\| npages \| 5 \(40 KB\) \|/);
  assert.equal(ctl.provider.getParent(node), ctl.model.parent(node));
  assert.equal(item.id, node.key);
});

test('selection: tree → shared selection, shared selection → reveal', async () => {
  const selection = new SpanSelection();
  const seen: string[] = [];
  selection.onDidChange((c) => seen.push(`${c.source}:${c.span}`));
  const { emit, ctl, view } = setup(selection);
  const h = runScript(SCRIPT, 1);
  const session = new FakeSession(h);
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  const row = h.rows.find((r) => r.state === 'mSpanInUse' && r.sizeclass === 4)!;
  const node = await findSpanNode(ctl, row.id);
  view.selectionEmitter.fire({ selection: [node] });
  assert.deepEqual(seen, [`treeView:${row.id}`]);
  assert.equal(view.reveals.length, 0, 'no echo of its own selection');
  const other = h.rows.find((r) => r.state === 'mSpanManual')!;
  selection.select(other.id, 'heapView');
  await settle();
  assert.equal(view.reveals.length, 1);
  assert.equal(view.reveals[0].element, ctl.model.spanNode(other.id));
  assert.deepEqual(view.reveals[0].options, { select: true, focus: false, expand: false });
  view.show(false);
  selection.select(row.id, 'variables');
  await settle();
  assert.equal(view.reveals.length, 1, 'a hidden view does not reveal');
  view.show(true);
  await settle();
  assert.equal(view.reveals.length, 2, '... until it shows');
  assert.equal(view.reveals[1].element, ctl.model.spanNode(row.id));
  // Selecting a non-span item changes nothing.
  const roots = await ctl.provider.getChildren();
  view.selectionEmitter.fire({ selection: [roots[0]] });
  assert.equal(selection.span, row.id);
});

test('context actions: copy address, reveal in the Heap View, break on the span', async () => {
  const { emit, ctl, rec, commands, api } = setup();
  const h = runScript(SCRIPT, 1);
  const session = new FakeSession(h);
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  const row = h.rows.find((r) => r.state === 'mSpanInUse' && r.sizeclass === 4)!;
  const node = await findSpanNode(ctl, row.id);
  await commands.get(CMD_COPY_ADDRESS)!(node);
  assert.deepEqual(rec.clipboard, ['0x' + row.base.toString(16)]);
  // The Heap View command does not exist yet: a warning, no throw.
  await commands.get(CMD_REVEAL_IN_HEAP_VIEW)!(node);
  assert.match(rec.warnings[0], /Heap View is not available/);
  const shown: unknown[] = [];
  api.commands.registerCommand('goheap.showHeapView', (span: unknown) => shown.push(span));
  await commands.get(CMD_REVEAL_IN_HEAP_VIEW)!(node);
  assert.deepEqual(shown, [row.id]);
  // Break on the span: the custom request when the adapter has it ...
  session.custom = (command, args) => (command === REQ_BREAK_ON_SPAN ? { verified: true, echo: args } : undefined);
  await commands.get(CMD_BREAK_ON_SPAN)!(node);
  assert.deepEqual(session.requests[session.requests.length - 1], { command: REQ_BREAK_ON_SPAN, args: { span: row.id } });
  assert.match(rec.infos[0], /will stop when span 0x[0-9a-f]+ changes/);
  // ... else standard setDataBreakpoints with every span asked for in this session.
  session.custom = (command, args) =>
    command === 'setDataBreakpoints' ? { breakpoints: (args as { breakpoints: unknown[] }).breakpoints.map(() => ({ verified: true })) } : undefined;
  session.failing.add(REQ_BREAK_ON_SPAN);
  const other = h.rows.find((r) => r.state === 'mSpanManual')!;
  await commands.get(CMD_BREAK_ON_SPAN)!(node);
  await commands.get(CMD_BREAK_ON_SPAN)!(await findSpanNode(ctl, other.id));
  const sets = session.requests.filter((r) => r.command === 'setDataBreakpoints').map((r) => r.args);
  assert.deepEqual(sets, [
    { breakpoints: [{ dataId: `span:${row.id}` }] },
    { breakpoints: [{ dataId: `span:${row.id}` }, { dataId: `span:${other.id}` }] },
  ]);
  // Neither works: a warning that says why.
  session.custom = null;
  session.failing.add('setDataBreakpoints');
  await commands.get(CMD_BREAK_ON_SPAN)!(node);
  assert.match(rec.warnings[rec.warnings.length - 1], /cannot break on span 0x[0-9a-f]+: unrecognized request goheap\/breakOnSpan/);
  // From the Heap View: the command with no item acts on the selected span.
  session.failing.clear();
  session.custom = (command) => (command === REQ_BREAK_ON_SPAN ? { verified: true } : undefined);
  ctl.model.clear();
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  await commands.get(CMD_REVEAL_IN_HEAP_VIEW)!(node);
  await commands.get(CMD_BREAK_ON_SPAN)!();
  assert.deepEqual(session.requests[session.requests.length - 1], { command: REQ_BREAK_ON_SPAN, args: { span: row.id } });
  assert.match(rec.infos[rec.infos.length - 1], new RegExp(`span 0x${row.base.toString(16)} changes`));
  // Actions on items that name no span do nothing.
  const roots = await ctl.provider.getChildren();
  await commands.get(CMD_COPY_ADDRESS)!(roots[0]);
  assert.equal(rec.clipboard.length, 1);
});

test('an active goheap session at registration is loaded at once; refresh reloads', async () => {
  const f = fakeVscode();
  const h = runScript(SCRIPT, 1);
  const session = new FakeSession(h);
  f.api.debug.activeDebugSession = session;
  const ctl = new HeapTreeController(f.api as unknown as TreeApi, new SpanSelection());
  await settle();
  assert.equal(ctl.model.generation, 1);
  await f.commands.get(CMD_REFRESH)!();
  assert.deepEqual(session.requests.map((r) => r.command), [REQ_SNAPSHOT, REQ_SNAPSHOT]);
});

test('messages: the hint before the first stop, the error when a stop cannot be loaded; showing the view loads the heap', async () => {
  const { emit, ctl, view } = setup();
  const session = new FakeSession(runScript(SCRIPT, 1));
  session.failing.add(REQ_SNAPSHOT);
  emit.active.fire(session);
  await settle();
  assert.equal(session.count(REQ_SNAPSHOT), 1, 'a new active session is loaded');
  assert.match(view.message ?? '', /^Debug a \.goheap script/, 'not launched yet: no error shown');
  emit.custom.fire({ session, event: EVT_STOPPED, body: { sessionId: 'S1', generation: 1 } });
  await settle();
  assert.equal(view.message, 'Go Heap: unrecognized request goheap/snapshot');
  session.failing.delete(REQ_SNAPSHOT);
  view.show(false);
  view.show(true);
  await settle();
  assert.equal(ctl.model.generation, 1);
  assert.equal(view.message, undefined);
});
