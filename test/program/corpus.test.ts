/**
 * The broken-script corpus: each `test/fixtures/scripts/broken/NAME.goheap` comes with
 * `NAME.expected.json`, its exact diagnostics (code, severity, 0-based range, message), written by
 * hand from the language rules in docs/script-language.md. The good corpus must compile clean.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, diagnose, formatDiagnostics } from '../../src/program/index';
import { assertDiagnostics, type ExpectedDiagnostic } from './helpers';

const root = join(process.cwd(), 'test', 'fixtures', 'scripts');
const broken = join(root, 'broken');
const good = join(root, 'good');

const brokenFiles = readdirSync(broken).filter((f) => f.endsWith('.goheap')).sort();

test('the broken corpus is not empty and every script has its expectations', () => {
  assert.ok(brokenFiles.length >= 15, `only ${brokenFiles.length} broken scripts`);
  for (const f of brokenFiles) {
    const exp = f.replace(/\.goheap$/, '.expected.json');
    assert.ok(readdirSync(broken).includes(exp), `${f} has no ${exp}`);
  }
});

for (const f of brokenFiles) {
  test(`broken/${f}`, () => {
    const text = readFileSync(join(broken, f), 'utf8');
    const want = JSON.parse(readFileSync(join(broken, f.replace(/\.goheap$/, '.expected.json')), 'utf8')) as ExpectedDiagnostic[];
    const got = compile(text).diagnostics;
    assertDiagnostics(got, want, `${f}:\n${formatDiagnostics(text, got, f)}`);
    assertDiagnostics(diagnose(text).diagnostics, want, `${f} (diagnose)`);
    assert.ok(want.length > 0, 'a broken script must report something');
  });
}

for (const f of readdirSync(good).filter((x) => x.endsWith('.goheap')).sort()) {
  test(`good/${f} compiles without errors or warnings`, () => {
    const text = readFileSync(join(good, f), 'utf8');
    const r = compile(text);
    assert.equal(formatDiagnostics(text, r.diagnostics, f), '');
    assert.ok(r.ok);
    assert.ok(r.program.statements.length > 0);
  });
}
