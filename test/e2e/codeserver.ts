/**
 * A real VS Code for the end-to-end suite: code-server (VS Code's workbench and extension host,
 * served to a browser) from the cache scripts/install-code-server.sh fills, run under the Node 24
 * that script installs. Installs a .vsix into a private extensions dir, then serves one folder on
 * a free loopback port with no auth, no telemetry, no update checks and no workspace-trust
 * prompt.
 *
 * Invariant: the server is started in its own process group and `stop()` ends exactly that
 * group; nothing else is signalled.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface CodeServerPaths {
  /** code-server's out/node/entry.js */
  readonly entry: string;
  /** a Node 24 binary */
  readonly node: string;
}

export interface CodeServer {
  readonly url: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** `code-server --install-extension VSIX`; throws with code-server's output when it fails. */
export function installExtension(cs: CodeServerPaths, vsix: string, userDataDir: string, extensionsDir: string): string {
  const r = spawnSync(cs.node, [cs.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`code-server --install-extension failed (status ${r.status}):\n${out}`);
  return out.trim();
}

/** Settings that keep the workbench quiet and deterministic: no welcome page, tips or prompts. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'editor.minimap.enabled': false,
  'debug.openDebug': 'openOnSessionStart',
  'debug.toolBarLocation': 'docked',
  'debug.showInStatusBar': 'never',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

export async function startCodeServer(cs: CodeServerPaths, opts: { folder: string; userDataDir: string; extensionsDir: string; logDir: string }): Promise<CodeServer> {
  const port = await freePort();
  mkdirSync(join(opts.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(opts.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = join(opts.logDir, 'code-server.log');
  const log = createWriteStream(logFile);
  const args = [
    cs.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', opts.userDataDir,
    '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--log', 'info',
    opts.folder,
  ];
  const child: ChildProcess = spawn(cs.node, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;

  // Ready when /healthz answers (code-server serves it as soon as the HTTP server is up).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
    try {
      const r = await fetch(`${url}healthz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`code-server did not answer on ${url} within 60 s; see ${logFile}`);
    }
    await new Promise<void>((r) => setTimeout(r, 200)); // poll interval of a readiness probe, not a wait for UI
  }

  return {
    url,
    userDataDir: opts.userDataDir,
    extensionsDir: opts.extensionsDir,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // gone
          }
        }, 5000);
        await exited;
        clearTimeout(t);
      }
      log.end();
    },
  };
}
