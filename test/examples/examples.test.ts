/**
 * Every example under examples/ runs green (exit 0: no failed expect, no fault) on every model
 * its `# models:` header claims, and says what it shows in a comment header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScriptText } from '../../src/cli/runner';

const dir = join(__dirname, '..', '..', 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.goheap')).sort();

test('there are at least eight examples, each with a header and a models line', () => {
  assert.ok(files.length >= 8, `${files.length} examples`);
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    assert.match(text, /^# \S/, `${f} starts with a comment saying what it shows`);
    assert.match(text, /^# models: (go1\.(5|10|14) ?)+$/m, `${f} lists its models`);
  }
});

for (const f of files) {
  const text = readFileSync(join(dir, f), 'utf8');
  const models = /^# models: (.*)$/m.exec(text)![1].trim().split(/\s+/);
  for (const model of models) {
    test(`${f} on ${model}`, () => {
      const r = runScriptText(text, `examples/${f}`, { overrides: { model } });
      assert.equal(r.exitCode, 0, `${f} on ${model} failed:\n${r.stderr}`);
      assert.equal(r.stderr, '', 'no diagnostics or expect failures');
    });
  }
}
