/**
 * The reliability suite's tools: the CLI as a process, the stdio debug adapter as a process
 * driven through DebugClient (every event queued from the start, so a test awaits "the next
 * stop" and never sleeps), and a directory fingerprint to prove nothing was written.
 *
 * Timeouts here are hang guards, not performance assertions: a run that does not finish within
 * them is a hang (a bug), however slow the machine; speed is measured in bench/longrun.ts.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterBundle, cliBundle, root } from './bundles';

export { root };

/** A hang guard for one CLI run. */
export const CLI_GUARD_MS = 120_000;

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** `goheap ARGS` as a user runs it (the bundled CLI), in `cwd`. */
export function goheap(args: readonly string[], cwd: string = root): Promise<CliResult> {
  return new Promise((resolve) => {
    const cp = execFile(process.execPath, [cliBundle(), ...args], { cwd, encoding: 'utf8', timeout: CLI_GUARD_MS, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024 }, (_e, out, err) =>
      resolve({ code: cp.exitCode, signal: cp.signalCode, out, err }),
    );
  });
}

/** A fresh temp directory, removed at exit. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Every file under `dir` (relative path → size, mtime and content hash): equal before and after means nothing was written. */
export function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) {
        out.set(`${rel}${n}/`, 'dir');
        walk(p, `${rel}${n}/`);
      } else out.set(`${rel}${n}`, `${st.size} ${st.mtimeMs} ${createHash('sha1').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}

export function assertUnchanged(before: Map<string, string>, after: Map<string, string>, what: string): void {
  assert.deepEqual([...after.entries()], [...before.entries()], `${what} changed the directory`);
}

type Event = DebugProtocol.Event;

/** The stdio adapter as a child process, with an event queue and the process itself. */
export class Adapter {
  readonly dc: DebugClient;
  readonly proc: ChildProcess;
  readonly output: string[] = [];
  /** Resolves when the adapter process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly queue: Event[] = [];
  private readonly waiters: { types: string[]; resolve: (e: Event) => void }[] = [];

  private constructor(dc: DebugClient, proc: ChildProcess) {
    this.dc = dc;
    this.proc = proc;
    this.exited = new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) resolve({ code: proc.exitCode, signal: proc.signalCode });
      else proc.once('exit', (code, signal) => resolve({ code, signal }));
    });
    for (const ev of ['stopped', 'terminated', 'initialized', 'exited', 'continued']) dc.on(ev, (e: Event) => this.push(ev, e));
    dc.on('output', (e: DebugProtocol.OutputEvent) => this.output.push(e.body.output));
  }

  /** Started and initialized (as VS Code does: lines and columns 1-based). */
  static async start(): Promise<Adapter> {
    const dc = new DebugClient(process.execPath, adapterBundle(), 'goheap', { shell: false }, process.env.GOHEAP_TEST_STDERR === '1');
    dc.defaultTimeout = 60_000;
    await dc.start();
    const proc = (dc as unknown as { _adapterProcess: ChildProcess })._adapterProcess;
    const a = new Adapter(dc, proc);
    await dc.initializeRequest({ adapterID: 'goheap', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    return a;
  }

  /** Launch, configure (fault filter only) and return the launch response (or the error message). */
  async launch(args: Record<string, unknown>): Promise<{ ok: true } | { ok: false; message: string }> {
    const launched = this.dc.send('launch', args).then(
      () => ({ ok: true as const }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    );
    const first = await Promise.race([launched, this.next('initialized').then(() => null)]);
    if (first !== null) return first;
    await this.dc.setExceptionBreakpointsRequest({ filters: ['fault'] });
    await this.dc.configurationDoneRequest();
    return launched;
  }

  /** A request that may fail: the response body, or the error message. Never throws. */
  async request(command: string, args?: unknown): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> {
    try {
      const r = await this.dc.send(command, args);
      return { ok: true, body: r.body };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }

  /** The adapter still answers: threads returns the one thread. */
  async assertAlive(what: string): Promise<void> {
    assert.equal(this.proc.exitCode, null, `${what}: the adapter exited`);
    const t = await this.dc.threadsRequest();
    assert.deepEqual(t.body.threads.map((x) => x.name), ['main'], `${what}: threads after`);
  }

  private push(type: string, e: Event): void {
    const i = this.waiters.findIndex((w) => w.types.includes(type));
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(e);
    else this.queue.push(e);
  }

  /** The next event of one of these types (queued or future); each is delivered once. */
  next(...types: string[]): Promise<Event> {
    const i = this.queue.findIndex((e) => types.includes(e.event));
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ types, resolve }));
  }

  async nextStop(): Promise<DebugProtocol.StoppedEvent> {
    const e = await this.next('stopped', 'terminated');
    assert.equal(e.event, 'stopped', `expected a stop; output:\n${this.output.join('').slice(-2000)}`);
    return e as DebugProtocol.StoppedEvent;
  }

  /** The script frame's line (1-based). */
  async line(): Promise<number> {
    const f = (await this.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    return f[f.length - 1].line;
  }

  /** Kill the process if still running. */
  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

/** Resolves with `p`'s value, or with `fallback` after `ms` (a hang guard for an awaited event). */
export function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}
