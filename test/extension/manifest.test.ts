/**
 * The manifest parts of the Go Heap view and the editor features: every command the code
 * registers is contributed with the "Go Heap" category, menus name contributed commands, the view
 * sits in the Run and Debug container under the id the code uses, snippet and walkthrough files
 * exist, and each snippet expanded with its defaults is a script the checker accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CMD_BREAK_ON_SPAN, CMD_COPY_ADDRESS, CMD_REFRESH, CMD_REVEAL_IN_HEAP_VIEW, VIEW_ID } from '../../src/extension/treeview';
import { CMD_DEBUG, CMD_OPEN_SAMPLE, CMD_RUN } from '../../src/extension/language';
import { compile } from '../../src/program/index';

const root = resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;

test('commands are contributed with the Go Heap category; menus name contributed commands', () => {
  const contributed = new Map<string, { category?: string }>(c.commands.map((x: { command: string }) => [x.command, x]));
  for (const id of [CMD_RUN, CMD_DEBUG, CMD_OPEN_SAMPLE, CMD_REFRESH, CMD_REVEAL_IN_HEAP_VIEW, CMD_BREAK_ON_SPAN, CMD_COPY_ADDRESS]) {
    assert.ok(contributed.has(id), id);
    assert.equal(contributed.get(id)!.category, 'Go Heap', id);
  }
  for (const [menu, entries] of Object.entries(c.menus as Record<string, { command: string; when?: string }[]>)) {
    for (const e of entries) assert.ok(contributed.has(e.command), `${menu}: ${e.command}`);
  }
  const ctx = c.menus['view/item/context'].filter((e: { when: string }) => e.when.includes(`view == ${VIEW_ID}`)).map((e: { command: string }) => e.command);
  for (const id of [CMD_REVEAL_IN_HEAP_VIEW, CMD_BREAK_ON_SPAN, CMD_COPY_ADDRESS]) assert.ok(ctx.includes(id), id);
});

test('the Go Heap view is in the Run and Debug container and activates the extension', () => {
  assert.deepEqual(c.views.debug.map((v: { id: string; name: string }) => [v.id, v.name]), [[VIEW_ID, 'Go Heap']]);
  assert.ok(pkg.activationEvents.includes(`onView:${VIEW_ID}`));
});

test('snippet and walkthrough files exist', () => {
  for (const s of c.snippets) assert.ok(existsSync(join(root, s.path)), s.path);
  for (const w of c.walkthroughs) {
    for (const step of w.steps) assert.ok(existsSync(join(root, step.media.markdown)), step.media.markdown);
  }
});

/** A snippet body with every placeholder at its default (first choice), tab stops removed. */
function expand(body: string[]): string {
  let s = body.join('\n');
  for (let i = 0; i < 5; i++) s = s.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1');
  return s.replace(/\$\d+/g, '').replace(/\\"/g, '"');
}

test('every snippet, expanded with its defaults, is a valid script', () => {
  const snippets = JSON.parse(readFileSync(join(root, 'snippets', 'goheap.code-snippets'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;
  const context: Record<string, string> = { on: 'procs 2\n', ifelse: 'cond = true\n' };
  assert.ok(Object.keys(snippets).length >= 10);
  for (const [name, s] of Object.entries(snippets)) {
    const text = (context[s.prefix] ?? '') + expand(s.body) + '\n';
    const r = compile(text);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`), [], `${name}:\n${text}`);
  }
  assert.equal(expand(['x = new ${1:32}${2: noscan}', '$0']), 'x = new 32 noscan\n');
});
