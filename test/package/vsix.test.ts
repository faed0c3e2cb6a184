/**
 * The packaged extension ships what its manifest names and nothing else: builds a .vsix from the
 * working tree with @vscode/vsce's API (as `npm run package` does, on the dist/ bundles that
 * `npm test` has just built), reads it with a small ZIP reader, and checks that `main`, the
 * debug adapter program, the webview bundle and every path the manifest names are inside, and
 * that sources, tests, maps and node_modules are not. Set GOHEAP_VSIX=path to check an existing
 * .vsix (e.g. the one `npm run package` wrote) instead of building one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listZip, readZipEntry, type ZipEntry } from './zip';
import { manifestPaths, vsixPath } from './manifest-paths';

const root = resolve(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let tmp = '';
let vsixFile = '';
let buf: Buffer;
let entries: ZipEntry[];
let names: Set<string>;

before(async () => {
  if (process.env.GOHEAP_VSIX) {
    vsixFile = resolve(process.env.GOHEAP_VSIX);
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'goheap-vsix-'));
    vsixFile = join(tmp, 'go-heap-debugger.vsix');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vsce = require('@vscode/vsce') as { createVSIX(o: Record<string, unknown>): Promise<unknown> };
    const log = console.log;
    console.log = () => {}; // vsce prints a "DONE Packaged" line; keep the test output clean
    try {
      await vsce.createVSIX({ cwd: root, packagePath: vsixFile, dependencies: false, rewriteRelativeLinks: false });
    } finally {
      console.log = log;
    }
  }
  buf = readFileSync(vsixFile);
  entries = listZip(buf);
  names = new Set(entries.map((e) => e.name));
});

after(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

test('the vsix is a zip whose listing matches what vsce says it packs', async (t) => {
  // Independent listing: vsce's own file selection (the .vscodeignore rules), without zipping.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vsce = require('@vscode/vsce') as { listFiles(o: Record<string, unknown>): Promise<string[]> };
  const listed = (await vsce.listFiles({ cwd: root, packageManager: 2 /* None */ })).map(vsixPath).sort();
  // vsce renames README/CHANGELOG/LICENSE on the way in and adds its two XML files.
  const renamed: Record<string, string> = {
    'extension/README.md': 'extension/readme.md',
    'extension/CHANGELOG.md': 'extension/changelog.md',
    'extension/LICENSE': 'extension/LICENSE.txt',
  };
  const expected = [...listed.map((n) => renamed[n] ?? n), '[Content_Types].xml', 'extension.vsixmanifest'].sort();
  assert.deepEqual([...names].sort(), expected);
  t.diagnostic(`vsix: ${entries.length} entries, ${statSync(vsixFile).size} bytes`);
});

test('the packed package.json is the manifest of the working tree', () => {
  const e = entries.find((x) => x.name === 'extension/package.json');
  assert.ok(e, 'extension/package.json missing');
  const packed = JSON.parse(readZipEntry(buf, e).toString('utf8'));
  assert.equal(packed.name, manifest.name);
  assert.equal(packed.version, manifest.version);
  assert.equal(packed.main, manifest.main);
  assert.deepEqual(packed.contributes, manifest.contributes);
});

test('main, the adapter program and every path the manifest names are inside', () => {
  const paths = manifestPaths(manifest);
  const wheres = paths.map((p) => p.where);
  // The manifest must name at least these; if one disappears the check below would pass vacuously.
  for (const w of ['main', 'icon', 'contributes.debuggers[0].program', 'contributes.grammars[0].path', 'contributes.languages[0].configuration'])
    assert.ok(wheres.includes(w), `manifest no longer names ${w}`);
  const missing = paths.filter((p) => !names.has(p.path)).map((p) => `${p.where} → ${p.path}`);
  assert.deepEqual(missing, []);
});

test('the webview bundle is inside when the project has a webview', () => {
  if (!existsSync(join(root, 'webview', 'main.ts'))) return;
  assert.ok(names.has('extension/dist/webview.js'), 'dist/webview.js missing from the vsix');
});

test('files inside are non-empty and the bundles are the built ones', () => {
  for (const f of ['extension/dist/extension.js', 'extension/dist/adapter.js']) {
    const e = entries.find((x) => x.name === f)!;
    const body = readZipEntry(buf, e);
    assert.equal(body.length, e.size, `${f}: inflated size differs from the directory's`);
    assert.ok(body.length > 1000, `${f} is suspiciously small (${body.length} bytes)`);
  }
  const ext = readZipEntry(buf, entries.find((x) => x.name === 'extension/dist/extension.js')!).toString('utf8');
  assert.match(ext, /activate/, 'extension bundle does not export activate');
  assert.doesNotMatch(ext, /require\(["']\.\.?\/src\//, 'extension bundle requires sources at run time');
});

test('sources, tests, maps, node_modules and build files are not inside', () => {
  const forbidden: [RegExp, string][] = [
    [/^extension\/src\//, 'sources'],
    [/^extension\/webview\//, 'webview sources'],
    [/^extension\/test\//, 'tests'],
    [/^extension\/bench\//, 'benchmarks'],
    [/^extension\/scripts\//, 'scripts'],
    [/^extension\/docs\//, 'docs'],
    [/(^|\/)node_modules\//, 'node_modules'],
    [/\.ts$/, 'TypeScript'],
    [/\.map$/, 'source maps'],
    [/\.vsix$/, 'another vsix'],
    [/^extension\/(test-artifacts|test-results|artifacts|\.ci|\.git|\.cache)\//, 'build or CI files'],
    [/^extension\/(tsconfig\.json|esbuild\.mjs|package-lock\.json)$/, 'build configuration'],
  ];
  const bad = [...names].flatMap((n) => forbidden.filter(([re]) => re.test(n)).map(([, why]) => `${n} (${why})`));
  assert.deepEqual(bad, []);
});

test('the package stays small', (t) => {
  const size = statSync(vsixFile).size;
  t.diagnostic(`vsix size: ${(size / 1024).toFixed(1)} KiB`);
  // A generous ceiling (bundles + screenshots); crossing it means something large slipped in.
  assert.ok(size < 5 * 1024 * 1024, `vsix is ${size} bytes`);
});
