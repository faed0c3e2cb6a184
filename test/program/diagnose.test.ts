/**
 * `diagnose` checks a script one top-level statement at a time and keeps no tree. Its promise is
 * exactness: the same diagnostics (codes, ranges, messages, order) and settings as `compile`, for
 * every input. Checked here over every script the repository holds, with and without overrides;
 * the fuzz suite checks the same on its thousands of random and mutated inputs. Expected values
 * in the rule tests below come from docs/script-language.md.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compile, DEFAULT_SETTINGS, diagnose, parse, type SettingOverrides, type Stmt } from '../../src/program/index';
import { assertDiagnostics } from './helpers';

function scripts(dir: string): string[] {
  let out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(scripts(p));
    else if (n.endsWith('.goheap')) out.push(p);
  }
  return out;
}

const files = [...scripts(join(process.cwd(), 'examples')), ...scripts(join(process.cwd(), 'test', 'fixtures'))];
const OVERRIDES: (SettingOverrides | undefined)[] = [undefined, { model: 'go1.5', procs: 4 }, { gogc: 'off' }, { procs: 0, nosuch: 1 }];

test('the corpus for the comparison is the repository\'s scripts (examples, good, broken, bad)', () => {
  assert.ok(files.length >= 60, `only ${files.length} scripts`);
  assert.ok(files.some((f) => f.includes('broken')) && files.some((f) => f.includes('examples')));
});

for (const f of files) {
  test(`diagnose ≡ compile: ${f.slice(process.cwd().length + 1)}`, () => {
    const text = readFileSync(f, 'utf8');
    for (const o of OVERRIDES) {
      const c = compile(text, o);
      const d = diagnose(text, o);
      assert.deepEqual(d.diagnostics, c.diagnostics, `overrides ${JSON.stringify(o)}`);
      assert.deepEqual(d.settings, c.settings);
      assert.equal(d.ok, c.ok);
    }
  });
}

test('a streaming parse hands over each top-level statement in order, with the ids compile gives, and keeps none', () => {
  const text = 'model go1.10\nvar ring[8]\nrepeat 3 as i {\n  ring[i] = new 16\n  if i == 1 {\n    gc\n  }\n}\nx = new 24\nprint x\n';
  const whole = compile(text).program;
  const got: Stmt[] = [];
  const streamed = parse(text, (s, context) => {
    assert.equal(context.settings.length, 1); // `model` came before the first statement
    got.push(s);
  });
  assert.deepEqual(got.map((s) => [s.kind, s.id, s.line]), whole.body.map((s) => [s.kind, s.id, s.line]));
  assert.deepEqual(got.map((s) => s.id), [0, 1, 5, 6]); // repeat (2) holds assign (3), if (4), gc (5)
  assert.equal(streamed.program.body.length, 0);
  assert.equal(streamed.program.statements.length, 0);
});

test('a setting after a statement is reported and has no effect (both ways)', () => {
  // procs stays at its default (1): `on P2` is out of range and says where procs came from.
  const text = 'x = new 8\nprocs 4\non P2 {\n  y = new 8\n  print y\n}\nprint x\n';
  for (const r of [compile(text), diagnose(text)]) {
    assert.equal(r.settings.procs, DEFAULT_SETTINGS.procs);
    assertDiagnostics(r.diagnostics, [
      { code: 'GH1304', severity: 'error', range: [1, 0, 1, 7], message: '`procs` must come before the first statement; move it to the top of the script' },
      { code: 'GH1207', severity: 'error', range: [2, 3, 2, 5], message: '`on P2` needs procs 3 or more (the Ps are P0..P0); this script runs with procs 1 (the default)' },
    ]);
  }
});

test('a name read before its first assignment, several statements later, is reported as such', () => {
  const text = 'print x\ny = 1\nprint y\nrepeat 2 {\n  x = 5\n}\nprint x\n';
  const want = [{ code: 'GH1402', severity: 'error' as const, range: [0, 6, 0, 7] as const, message: '`x` is used before it is assigned (its first assignment is at line 5); assign it before this line' }];
  assertDiagnostics(compile(text).diagnostics, want);
  assertDiagnostics(diagnose(text).diagnostics, want);
});

test('a name whose assignment failed to parse later in the file is not reported as unknown', () => {
  const text = 'print z\nz = )\n';
  for (const r of [compile(text), diagnose(text)]) {
    // Only the syntax error (GH1103, expected an expression); no GH1401 "unknown variable" for `z`.
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start.line]), [['GH1103', 1]]);
  }
});
