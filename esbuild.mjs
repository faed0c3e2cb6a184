// One build script, one entry per bundle: the extension, the stdio debug adapter, the CLI and the
// Heap View webview. `node esbuild.mjs [--watch] [--minify]`.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const node = { platform: 'node', target: 'node20', format: 'cjs', bundle: true, sourcemap: true, minify };
const bundles = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/adapter/stdio.ts'], outfile: 'dist/adapter.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { platform: 'browser', target: 'es2022', format: 'iife', bundle: true, sourcemap: true, minify, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' },
].filter((b) => existsSync(b.entryPoints[0]));

if (watch) {
  for (const b of bundles) await (await esbuild.context(b)).watch();
  console.log(`watching ${bundles.length} bundles`);
} else {
  const t0 = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  console.log(`built ${bundles.map((b) => b.outfile).join(', ')} in ${Date.now() - t0} ms`);
}
