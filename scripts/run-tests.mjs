// Runs every test/**/*.test.ts with node's test runner (Node 20's --test does not expand globs).
// Extra arguments are passed to node before the files (e.g. --test-name-pattern=...).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  let out = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) {
      if (n !== 'fixtures' && n !== 'node_modules') out = out.concat(find(p));
    } else if (n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = find('test');
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
