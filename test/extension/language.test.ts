/**
 * The language features (src/extension/language.ts) run against a fake of the vscode API: what
 * gets registered, diagnostics as you type (codes, 0-based ranges, debouncing, closing), the
 * providers' conversions, and the Debug / Open Sample commands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BUILTIN_SAMPLE, CMD_DEBUG, CMD_OPEN_SAMPLE, DiagnosticsController, DocumentCache, GoHeapLanguageProviders, listSamples, openSample, registerLanguageFeatures, type LanguageApi,
} from '../../src/extension/language';
import { compile } from '../../src/program/index';
import { fakeVscode, FakeDocument, Position, type CodeLens, type CompletionItem, type Diagnostic, type DocumentSymbol, type Hover, SnippetString, type EvaluatableExpression } from './vscodefake';

const root = resolve(__dirname, '..', '..');

function setup() {
  const f = fakeVscode();
  const api = f.api as unknown as LanguageApi;
  const context = { subscriptions: [] as { dispose(): unknown }[], extensionPath: root };
  const providers = registerLanguageFeatures(context, api);
  return { ...f, api, context, providers };
}

test('registers every provider for the goheap language and the commands', () => {
  const { rec, commands, context } = setup();
  assert.deepEqual(rec.providers.map((p) => p.kind), ['hover', 'completion', 'symbols', 'codelens', 'evaluatable']);
  for (const p of rec.providers) assert.deepEqual(p.selector, { language: 'goheap' });
  assert.deepEqual(rec.providers[1].triggers, ['.', ' ']);
  assert.ok(commands.has(CMD_DEBUG) && commands.has(CMD_OPEN_SAMPLE));
  assert.ok(context.subscriptions.length >= 11);
  for (const d of context.subscriptions) d.dispose();
  assert.ok(!commands.has(CMD_DEBUG), 'disposing the subscriptions unregisters the commands');
});

test('diagnostics on open carry the checker\'s codes and 0-based ranges', () => {
  const { rec, emit } = setup();
  const doc = new FakeDocument('b = new 8 noscan\nb.next = b\n');
  emit.open.fire(doc);
  const got = rec.collections[0].get(doc.uri.toString())!;
  // The language doc's example: storing into a noscan object is GH1203 on `b.next` (line 2, columns 1-6).
  const d = got.find((x) => x.code === 'GH1203')!;
  assert.ok(d !== undefined, JSON.stringify(got));
  assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [1, 0, 1, 6]);
  assert.equal(d.severity, 0, 'Error');
  assert.equal(d.source, 'goheap');
  assert.equal(got.length, compile(doc.text).diagnostics.length);
  const warn = new FakeDocument('n = 3\n', '/tmp/w.goheap');
  emit.open.fire(warn);
  const w = rec.collections[0].get(warn.uri.toString())!;
  assert.deepEqual(w.map((x) => [x.code, x.severity]), [['GH1901', 1]], 'an unused integer is a warning');
  const other = new FakeDocument('not a script', '/tmp/x.txt', 'plaintext');
  emit.open.fire(other);
  assert.equal(rec.collections[0].has(other.uri.toString()), false, 'other languages are left alone');
});

test('diagnostics as you type are debounced, and dropped on close', async () => {
  const f = fakeVscode();
  const api = f.api as unknown as LanguageApi;
  const sets: string[] = [];
  const m = new Map<string, Diagnostic[]>();
  const collection = { set: (u: { toString(): string }, ds: Diagnostic[]) => { sets.push(u.toString()); m.set(u.toString(), ds); }, delete: (u: { toString(): string }) => m.delete(u.toString()), dispose() {} };
  const ctl = new DiagnosticsController(api, collection as never, new DocumentCache(), 5);
  const doc = new FakeDocument('gc\n');
  for (const text of ['g', 'gc\nx', 'gc\nx =', 'gc\nx = new 0\n']) {
    doc.edit(text);
    ctl.schedule(doc as never);
  }
  assert.equal(sets.length, 0, 'nothing before the delay');
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(sets.length, 1, 'one publication for a burst of edits');
  assert.deepEqual(m.get(doc.uri.toString())!.map((d) => d.code), ['GH1201'], 'computed from the last text: new 0 is too small');
  ctl.schedule(doc as never);
  ctl.close(doc as never);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(sets.length, 1, 'a pending publication is cancelled by close');
  assert.equal(m.has(doc.uri.toString()), false);
});

test('hover, completion, symbols, CodeLens and debug hover through the providers', () => {
  const { providers } = setup();
  const doc = new FakeDocument('# header\nmodel go1.14\nx = new 33\nrepeat 2 as i {\n  y = new 8\n}\nprint x, y\n');
  const hover = providers.provideHover(doc as never, new Position(2, 9) as never) as unknown as Hover;
  assert.match(hover.contents.value, /\| elemsize \| 48 B \|/);
  assert.deepEqual([hover.range!.start.line, hover.range!.start.character, hover.range!.end.character], [2, 4, 10]);
  assert.equal(providers.provideHover(doc as never, new Position(0, 3) as never), undefined);

  const items = providers.provideCompletionItems(doc as never, new Position(4, 2) as never) as unknown as CompletionItem[];
  const rep = items.find((i) => i.label === 'repeat')!;
  assert.ok(rep.insertText instanceof SnippetString && rep.insertText.value.startsWith('repeat ${1:10}'));
  assert.equal(rep.kind, 13, 'Keyword');
  const x = items.find((i) => i.label === 'x')!;
  assert.equal(x.kind, 5, 'Variable');
  assert.ok(items.some((i) => i.label === 'i'), 'the loop counter inside its loop');
  assert.deepEqual(providers.provideCompletionItems(doc as never, new Position(6, 6) as never, undefined, { triggerCharacter: ' ' }), [], 'a space after print opens nothing');
  assert.deepEqual((providers.provideCompletionItems(new FakeDocument('x = new 33 \n', '/tmp/n.goheap') as never, new Position(0, 11) as never, undefined, { triggerCharacter: ' ' }) as unknown as CompletionItem[]).map((i) => i.label), ['noscan']);

  const syms = providers.provideDocumentSymbols(doc as never) as unknown as DocumentSymbol[];
  assert.deepEqual(syms.map((s) => [s.name, s.kind]), [['model', 13], ['x', 12], ['repeat 2 as i', 2]]);
  assert.deepEqual(syms[2].children.map((s) => s.name), ['y']);

  const lenses = providers.provideCodeLenses(doc as never) as unknown as CodeLens[];
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.command, l.command!.arguments![0]]), [[1, 'goheap.runScript', doc.uri], [1, 'goheap.debugScript', doc.uri]]);

  const ev = providers.provideEvaluatableExpression(doc as never, new Position(6, 9) as never) as unknown as EvaluatableExpression;
  assert.equal(ev.expression, 'y');
});

test('providers never throw, even when the document does', () => {
  const { providers } = setup();
  const bad = { uri: { toString: () => 'x' }, version: 1, languageId: 'goheap', getText: () => { throw new Error('boom'); } };
  assert.equal(providers.provideHover(bad as never, new Position(0, 0) as never), undefined);
  assert.deepEqual(providers.provideCompletionItems(bad as never, new Position(0, 0) as never), []);
  assert.deepEqual(providers.provideDocumentSymbols(bad as never), []);
  assert.deepEqual(providers.provideCodeLenses(bad as never), []);
  assert.equal(providers.provideEvaluatableExpression(bad as never, new Position(0, 0) as never), undefined);
  const cache = new DocumentCache();
  const p2 = new GoHeapLanguageProviders(setup().api, cache);
  assert.equal(p2.provideHover(new FakeDocument('\u0000'.repeat(10)) as never, new Position(5, 99) as never), undefined);
});

test('Debug Script starts a goheap launch of the saved file; untitled and other files are refused', async () => {
  const { commands, rec, api } = setup();
  const doc = new FakeDocument('gc\n', join(root, 'examples', '01-tiny-allocator.goheap'));
  doc.isDirty = true;
  (api.window as { activeTextEditor?: unknown }).activeTextEditor = { document: doc };
  assert.equal(await commands.get(CMD_DEBUG)!(), true);
  assert.equal(doc.saved, 1, 'a dirty script is saved first');
  assert.deepEqual(rec.debugStarts, [{ type: 'goheap', request: 'launch', name: 'Debug 01-tiny-allocator.goheap', program: doc.uri.fsPath, stopOnEntry: true }]);
  doc.isUntitled = true;
  assert.equal(await commands.get(CMD_DEBUG)!(), false);
  assert.match(rec.warnings[0], /Save the script first/);
  (api.window as { activeTextEditor?: unknown }).activeTextEditor = { document: new FakeDocument('x', '/tmp/a.txt', 'plaintext') };
  assert.equal(await commands.get(CMD_DEBUG)!(), false);
  assert.equal(rec.debugStarts.length, 1);
});

test('Open Sample Script copies the picked example to a temp file and opens it', async () => {
  const { api, rec } = setup();
  const examples = join(root, 'examples');
  const samples = listSamples(examples);
  assert.equal(samples.length, readdirSync(examples).filter((n) => n.endsWith('.goheap')).length);
  assert.equal(samples[0].label, '01-tiny-allocator');
  assert.equal('# ' + samples[0].description, readFileSync(samples[0].file, 'utf8').split('\n')[0]);
  const out = mkdtempSync(join(tmpdir(), 'goheap-test-'));
  const path = await openSample(api, examples, out);
  assert.equal(path, join(out, '01-tiny-allocator.goheap'));
  assert.equal(readFileSync(path!, 'utf8'), readFileSync(samples[0].file, 'utf8'));
  assert.equal(rec.shown.length, 1);
  assert.equal((rec.quickPicks[0] as unknown[]).length, samples.length);
  // No examples shipped: the built-in sample, which compiles cleanly.
  const path2 = await openSample(api, join(out, 'none'), out);
  assert.equal(readFileSync(path2!, 'utf8'), BUILTIN_SAMPLE);
  const c = compile(BUILTIN_SAMPLE);
  assert.ok(c.ok && c.diagnostics.length === 0, JSON.stringify(c.diagnostics));
});
