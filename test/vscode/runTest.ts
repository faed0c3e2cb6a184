/**
 * `npm run test:vscode`: extension-host tests in a downloaded VS Code, with @vscode/test-electron
 * (the standard runner, for machines with internet). Bundles test/vscode/suite/ with esbuild into
 * out/vscode-suite/index.js, downloads VS Code into .vscode-test/ (cached), and runs the suite in
 * an Extension Development Host on a scratch copy of examples/.
 *
 * Where no VS Code can be downloaded (only the npm registry reachable, as on this project's CI
 * machines) it prints why and exits 0 with "SKIPPED" — the end-to-end suite (`npm run test:e2e`,
 * code-server + Chromium) is the one that runs there. On Linux without a display it says to use
 * `xvfb-run -a npm run test:vscode`. VSCODE_TEST_VERSION picks the version (default: stable).
 */
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

function skip(why: string): never {
  console.log(`test:vscode SKIPPED: ${why}`);
  console.log('  (the end-to-end suite in a real VS Code without downloads: npm run test:e2e)');
  process.exit(0);
}

async function main(): Promise<void> {
  const suiteDir = join(root, 'out', 'vscode-suite');
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile: join(suiteDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: true,
    logLevel: 'warning',
  });

  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      cachePath: join(root, '.vscode-test'),
      timeout: 30_000,
    });
  } catch (e) {
    skip(`cannot download VS Code (${(e as Error).message.split('\n')[0]})`);
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    skip('no display for VS Code\'s Electron window; run `xvfb-run -a npm run test:vscode`');

  const ws = mkdtempSync(join(tmpdir(), 'goheap-vscode-'));
  cpSync(join(root, 'examples'), ws, { recursive: true, filter: (src) => !src.includes(`${join('examples', 'go')}`) });
  try {
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteDir,
      launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { GOHEAP_TEST_WORKSPACE: ws },
    });
    process.exitCode = code;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`test:vscode failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
