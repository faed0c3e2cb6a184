/**
 * The layering rule of docs/architecture.md, enforced: each layer imports only the layers below
 * it; the engine is pure (no vscode, no node:*, no clock, no Math.random); the webview sees the
 * protocol only through `import type`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(__dirname, '..', '..');
const layers = ['protocol', 'engine', 'program', 'adapter', 'cli', 'extension'] as const;
type Layer = (typeof layers)[number] | 'webview';
const allowed: Record<Layer, Layer[]> = {
  protocol: [],
  engine: ['protocol'],
  program: ['engine', 'protocol'],
  adapter: ['program', 'engine', 'protocol'],
  cli: ['program', 'engine', 'protocol'],
  extension: ['adapter', 'program', 'engine', 'protocol', 'cli'],
  webview: ['protocol'],
};
/** Packages (not relative imports) each layer may use. */
const packages: Record<Layer, RegExp> = {
  protocol: /^$/,
  engine: /^$/,
  program: /^$/,
  adapter: /^(@vscode\/debugadapter|@vscode\/debugprotocol|node:.*)$/,
  cli: /^node:.*$/,
  extension: /^(vscode|@vscode\/debugadapter|@vscode\/debugprotocol|node:.*)$/,
  webview: /^$/,
};

function files(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.(ts|mts)$/.test(n)) out.push(p);
  }
  return out;
}

function layerOf(path: string): Layer | null {
  const rel = relative(root, path).split(/[\\/]/);
  if (rel[0] === 'webview') return 'webview';
  if (rel[0] === 'src' && (layers as readonly string[]).includes(rel[1])) return rel[1] as Layer;
  return null;
}

const importRe = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

test('every source file imports only what its layer may', () => {
  const bad: string[] = [];
  const all = [...files(join(root, 'src')), ...files(join(root, 'webview'))];
  assert.ok(all.length > 10, 'found the sources');
  for (const f of all) {
    const from = layerOf(f);
    if (from === null) continue;
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(importRe)) {
      const spec = m[3] ?? m[4] ?? m[5] ?? m[6];
      const typeOnly = m[2] !== undefined;
      if (spec.startsWith('.')) {
        const to = layerOf(resolve(dirname(f), spec));
        if (to === null || to === from) continue;
        if (!allowed[from].includes(to)) bad.push(`${relative(root, f)}: ${from} imports ${to} (${spec})`);
        if (from === 'webview' && !typeOnly) bad.push(`${relative(root, f)}: webview must use \`import type\` for ${spec}`);
      } else if (!packages[from].test(spec)) bad.push(`${relative(root, f)}: ${from} imports package ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the engine is pure: no clock, no Math.random, no I/O', () => {
  const bad: string[] = [];
  for (const f of files(join(root, 'src', 'engine'))) {
    const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const pat of [/Math\.random/, /Date\.now/, /new Date\(/, /performance\.now/, /process\./, /setTimeout|setInterval/]) {
      if (pat.test(text)) bad.push(`${relative(root, f)}: ${pat.source}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the layer checker itself catches a forbidden import (self-test)', () => {
  const text = "import { Heap } from '../engine/heap';\nimport * as vscode from 'vscode';\n";
  const specs = [...text.matchAll(importRe)].map((m) => m[3] ?? m[4] ?? m[5] ?? m[6]);
  assert.deepEqual(specs, ['../engine/heap', 'vscode']);
  assert.equal(packages.engine.test('vscode'), false);
  assert.equal(allowed.engine.includes('program'), false);
});
