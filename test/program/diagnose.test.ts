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
import { compile, DEFAULT_SETTINGS, diagnose, LineIndex, parse, type SettingOverrides, type Stmt } from '../../src/program/index';
import { DiagnosticSink } from '../../src/program/diagnostics';
import { lex, lexChunks, type TokenStream } from '../../src/program/lexer';
import { CHUNK_TOKENS } from '../../src/program/parser';
import { T } from '../../src/program/tokens';
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
      // Token chunks as shipped, a boundary at every top-level line end, and no chunks.
      for (const chunk of [CHUNK_TOKENS, 1, 0]) {
        const d = diagnose(text, o, chunk);
        assert.deepEqual(d.diagnostics, c.diagnostics, `overrides ${JSON.stringify(o)}, chunks of ${chunk}`);
        assert.deepEqual(d.settings, c.settings);
        assert.equal(d.ok, c.ok);
      }
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

/** Tokens of a stream as [kind, start, end, id-or-flag-or-string], for comparison. */
function tokens(ts: TokenStream, dropSentinel: boolean): unknown[] {
  const out: unknown[] = [];
  let str = 0;
  for (let k = 0; k < ts.count; k++) {
    if (dropSentinel && ts.more && k === ts.count - 1) {
      assert.equal(ts.kinds[k], T.EOF, 'a chunk that is not the last ends with an EOF token');
      assert.equal(ts.kinds[k - 1], T.Newline, 'and a line end before it');
      continue;
    }
    const extra = ts.kinds[k] === T.Ident ? ts.names[ts.ids[k]] : ts.kinds[k] === T.Int ? ts.flags[k]
      : ts.kinds[k] === T.String ? ts.strings[str++] : null;
    out.push([ts.kinds[k], ts.starts[k], ts.ends[k], extra]);
  }
  return out;
}

test('chunked scanning gives the tokens, diagnostics and line starts of one scan, at any chunk size', () => {
  let boundaries = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const sink = new DiagnosticSink();
    const whole = lex(text, sink);
    assert.deepEqual(whole.lineStarts, new LineIndex(text).starts, `${f}: line starts`);
    for (const chunk of [1, 7, 64]) {
      const s2 = new DiagnosticSink();
      const chunks = lexChunks(text, s2, chunk);
      assert.deepEqual(chunks.lineStarts, whole.lineStarts, `${f}: line starts given to the chunks`);
      const got: unknown[] = [];
      for (let ts = chunks.next(); ts !== null; ts = chunks.next()) {
        got.push(...tokens(ts, true));
        if (ts.more) boundaries++;
      }
      assert.deepEqual(got, tokens(whole, false), `${f}: chunks of ${chunk}`);
      assert.deepEqual(s2.list, sink.list, `${f}: lexical diagnostics`);
    }
  }
  assert.ok(boundaries > 500, `only ${boundaries} chunk boundaries exercised`);
});

test('a chunk does not end inside a block: an open `{` keeps the rest of the file in one chunk', () => {
  const text = 'x = new 8\nrepeat 3 {\n  y = new 8\n  print y\n}\nprint x\nrepeat 2 {\n  gc\n';
  const chunks = lexChunks(text, new DiagnosticSink(), 1);
  const firstLines: number[] = [];
  for (let ts = chunks.next(); ts !== null; ts = chunks.next()) firstLines.push(new LineIndex(text).lineAt(ts.starts[0]));
  // Chunks start at lines 1 (x), 2 (the first repeat, through its `}`), 6 (print x), 7 (the unclosed repeat to the end).
  assert.deepEqual(firstLines, [0, 1, 5, 6]);
});
