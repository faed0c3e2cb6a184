/**
 * Private bundles of the stdio adapter and the CLI for the reliability suite, built from the
 * current sources with the project's own esbuild settings into a temp directory (once per test
 * process). The suite never depends on whether dist/ is fresh, and never writes into the repo.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

export const root = resolve(__dirname, '..', '..');

let dir: string | null = null;
const built = new Map<string, string>();

function bundle(entry: string, name: string): string {
  const hit = built.get(name);
  if (hit !== undefined) return hit;
  if (dir === null) {
    dir = mkdtempSync(join(tmpdir(), 'goheap-rel-bundle-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  const outfile = join(dir, `${name}.js`);
  buildSync({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
  built.set(name, outfile);
  return outfile;
}

/** The stdio debug adapter (src/adapter/stdio.ts), bundled. */
export function adapterBundle(): string {
  return bundle('src/adapter/stdio.ts', 'adapter');
}

/** The goheap CLI (src/cli/main.ts), bundled. */
export function cliBundle(): string {
  return bundle('src/cli/main.ts', 'cli');
}
