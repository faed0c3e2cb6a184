/**
 * Section `debugger`: the debug adapter as VS Code drives it, over stdio with DebugClient against
 * dist/adapter.js (built first, as `node esbuild.mjs` builds it). Issue 4/5 bars:
 *  - one step cycle (`next` → `stopped` → `threads` → `stackTrace` → `scopes` → `variables` of
 *    every scope) on a heap of 100,000 spans: p50 < 4 ms, p95 < 15 ms;
 *  - Step Back from statement 1,000,000 of a loop, right after stopping there: < 200 ms;
 *  - the largest `goheap/delta` message per stop on the 100,000-span heap: < 64 KB;
 *  - soak: 1,000 debug sessions started and stopped in one process (GoHeapSession driven through
 *    its handleMessage API, as the inline adapter is): JS heap used after 50 sessions and after
 *    1,000 (must not grow).
 * Every measurement runs in a fresh child process (`ctx.inChild`), one adapter process each.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchSection } from './lib/types';
import { heading, table } from './table';

const root = resolve(__dirname, '..');
const adapterJs = join(root, 'dist', 'adapter.js');

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

type DC = import('@vscode/debugadapter-testsupport').DebugClient;

async function client(): Promise<DC> {
  const { DebugClient } = await import('@vscode/debugadapter-testsupport');
  const dc = new DebugClient('node', adapterJs, 'goheap', { shell: false });
  dc.defaultTimeout = 120_000;
  await dc.start();
  await dc.initializeRequest({ adapterID: 'goheap', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsVariablePaging: true });
  return dc;
}

/** Launch `program` and run to the breakpoint at `line` (1-based), with an optional condition. */
async function launchTo(dc: DC, program: string, line: number, condition?: string): Promise<void> {
  const launched = dc.launchRequest({ program, stopOnEntry: false } as never);
  await dc.waitForEvent('initialized');
  await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line, condition }] });
  await dc.setExceptionBreakpointsRequest({ filters: ['fault'] });
  const stopped = dc.waitForEvent('stopped');
  await dc.configurationDoneRequest();
  await launched;
  await stopped;
}

/** A heap of 100,000 one-page spans (go1.14, 8 KB noscan objects), then a loop to step through. */
const heap100k = 'model go1.14\nvar keep[100000]\nrepeat 100000 as i {\n  keep[i] = new 8KB noscan\n}\nrepeat 100000 as j {\n  y = new 8KB noscan\n}\n';

export interface CycleResult {
  readonly spans: number;
  readonly cycles: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly deltaMaxBytes: number;
  readonly deltaP50Ms: number;
  readonly snapshotBytes: number;
  readonly firstPageOfSpansMs: number;
}

/** Child: step cycles and deltas on the 100,000-span heap. */
export async function measureCycle(args: { dir: string; cycles: number }): Promise<CycleResult> {
  const program = join(args.dir, 'heap100k.goheap');
  writeFileSync(program, heap100k);
  const dc = await client();
  try {
    await launchTo(dc, program, 7);
    await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [] });
    const times: number[] = [];
    let spans = 0;
    const cycle = async (): Promise<number> => {
      const t0 = performance.now();
      const stopped = dc.waitForEvent('stopped');
      await dc.nextRequest({ threadId: 1 });
      await stopped;
      await dc.threadsRequest();
      const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
      const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
      for (const s of scopes) {
        const vs = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
        const all = vs.find((v) => v.name === 'allspans');
        if (all !== undefined) spans = all.indexedVariables ?? 0;
      }
      return performance.now() - t0;
    };
    for (let k = 0; k < 20; k++) await cycle(); // warm-up
    for (let k = 0; k < args.cycles; k++) times.push(await cycle());
    // Deltas: a view that follows every stop.
    const snapT0 = performance.now();
    const snap = await dc.customRequest('goheap/snapshot', {});
    void snapT0;
    const snapshotBytes = Buffer.byteLength(JSON.stringify(snap));
    let gen = (snap.body as { generation: number }).generation;
    let deltaMaxBytes = 0;
    const deltaMs: number[] = [];
    for (let k = 0; k < Math.min(50, args.cycles); k++) {
      const hs = dc.waitForEvent('goheap/stopped');
      await dc.nextRequest({ threadId: 1 });
      const g = (await hs).body.generation as number;
      const t0 = performance.now();
      const d = await dc.customRequest('goheap/delta', { since: gen });
      deltaMs.push(performance.now() - t0);
      if ((d.body as { reset: boolean }).reset) throw new Error('unexpected reset');
      gen = g;
      deltaMaxBytes = Math.max(deltaMaxBytes, Buffer.byteLength(JSON.stringify(d)));
    }
    const t1 = performance.now();
    await dc.customRequest('goheap/spans', { start: 50_000, count: 100 });
    const firstPageOfSpansMs = performance.now() - t1;
    return { spans, cycles: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), deltaMaxBytes, deltaP50Ms: percentile(deltaMs, 50), snapshotBytes, firstPageOfSpansMs };
  } finally {
    await dc.stop();
  }
}

export interface StepBackResult {
  readonly executed: number;
  readonly continueMs: number;
  readonly stepBackMs: number;
  readonly stepBackPreparedMs: number;
}

/** Child: stop at statement ~1,000,000 of an allocating loop, then Step Back (twice). */
export async function measureStepBack(args: { dir: string }): Promise<StepBackResult> {
  const program = join(args.dir, 'loop.goheap');
  writeFileSync(program, 'var ring[4096]\nrepeat 2000000 as i {\n  ring[i % 4096] = new 32\n}\n');
  const dc = await client();
  try {
    const t0 = performance.now();
    // Before the body statement of iteration i, 2 + i statements have run (var, repeat head, i bodies).
    await launchTo(dc, program, 3, 'i == 999998');
    const continueMs = performance.now() - t0;
    const i = Number((await dc.evaluateRequest({ expression: 'i', context: 'repl', frameId: 1 })).body.result);
    const back = async (): Promise<number> => {
      const t = performance.now();
      const stopped = dc.waitForEvent('stopped');
      await dc.stepBackRequest({ threadId: 1 });
      await stopped;
      return performance.now() - t;
    };
    const stepBackMs = await back(); // measured from the request; the evaluate above took a round trip
    await new Promise((r) => setTimeout(r, 1500)); // let the background replay prepare the next one
    const stepBackPreparedMs = await back();
    return { executed: 2 + i, continueMs, stepBackMs, stepBackPreparedMs };
  } finally {
    await dc.stop();
  }
}

export interface SoakResult {
  readonly sessions: number;
  readonly heapAfterWarmup: number;
  readonly heapAfter: number;
  readonly ms: number;
}

/** Child (--expose-gc): 1,000 sessions of GoHeapSession in this process, through handleMessage. */
export async function measureSoak(args: { dir: string; bundle: string; sessions: number }): Promise<SoakResult> {
  const program = join(args.dir, 'soak.goheap');
  writeFileSync(program, 'model go1.10\nvar keep[64]\nrepeat 200 as i {\n  keep[i % 64] = new 100\n}\ngc\nx = new 40000\nprint "end"\n');
  const { GoHeapSession } = require(args.bundle) as typeof import('../src/adapter/session');
  const gc = (globalThis as { gc?: () => void }).gc!;
  const settle = async (): Promise<number> => {
    for (let k = 0; k < 4; k++) {
      await new Promise((r) => setImmediate(r));
      gc();
    }
    return process.memoryUsage().heapUsed;
  };
  const one = async (): Promise<void> => {
    const s = new GoHeapSession();
    let seq = 1;
    const waiters: { match: (m: { type: string; event?: string; command?: string; request_seq?: number }) => boolean; done: () => void }[] = [];
    const sub = s.onDidSendMessage((m) => {
      const msg = m as { type: string; event?: string; command?: string; request_seq?: number };
      const i = waiters.findIndex((w) => w.match(msg));
      if (i >= 0) waiters.splice(i, 1)[0].done();
    });
    const wait = (match: (m: { type: string; event?: string; request_seq?: number }) => boolean): Promise<void> => new Promise((done) => waiters.push({ match, done }));
    const request = (command: string, a: unknown): Promise<void> => {
      const n = seq++;
      const p = wait((m) => m.type === 'response' && m.request_seq === n);
      s.handleMessage({ seq: n, type: 'request', command, arguments: a } as never);
      return p;
    };
    await request('initialize', { adapterID: 'goheap', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const stopped = wait((m) => m.type === 'event' && m.event === 'stopped');
    const launched = request('launch', { program, stopOnEntry: true });
    await request('configurationDone', {});
    await launched;
    await stopped;
    for (let k = 0; k < 3; k++) {
      const st = wait((m) => m.type === 'event' && m.event === 'stopped');
      await request('next', { threadId: 1 });
      await st;
    }
    await request('goheap/snapshot', {});
    await request('stackTrace', { threadId: 1 });
    await request('disconnect', {});
    sub.dispose();
    s.dispose();
  };
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) await one();
  const heapAfterWarmup = await settle();
  for (let i = 50; i < args.sessions; i++) await one();
  const heapAfter = await settle();
  return { sessions: args.sessions, heapAfterWarmup, heapAfter, ms: performance.now() - t0 };
}

async function buildAdapter(ctx: BenchContext, dir: string): Promise<string> {
  // dist/adapter.js as `node esbuild.mjs` builds it; if another bundle of that script fails to
  // build, the adapter alone with the same options.
  try {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    ctx.progress(`debugger: node esbuild.mjs failed (${(e as Error).message.split('\n')[0]}); building the adapter bundle alone`);
    const esbuild = await import('esbuild');
    await esbuild.build({ entryPoints: [join(root, 'src', 'adapter', 'stdio.ts')], outfile: adapterJs, platform: 'node', target: 'node20', format: 'cjs', bundle: true, sourcemap: true, logLevel: 'silent' });
  }
  statSync(adapterJs);
  const esbuild = await import('esbuild');
  const session = join(dir, 'session.cjs');
  await esbuild.build({ entryPoints: [join(root, 'src', 'adapter', 'session.ts')], outfile: session, platform: 'node', target: 'node20', format: 'cjs', bundle: true, logLevel: 'silent' });
  return session;
}

const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`;
const msf = (x: number): string => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

export const section: BenchSection = {
  name: 'debugger',
  title: 'Debug adapter over stdio (DebugClient → dist/adapter.js): step cycle, Step Back, delta size, soak',
  async run(ctx: BenchContext) {
    ctx.print(heading(this.title));
    const dir = mkdtempSync(join(tmpdir(), 'goheap-dbg-bench-'));
    try {
      const sessionBundle = await buildAdapter(ctx, dir);
      const rows: string[][] = [];
      const out: Record<string, unknown> = {};
      const bar = (name: string, value: number, limit: number, unit: string): string => (ctx.bar({ name, value, op: '<', limit, unit }) ? 'PASS' : 'FAIL');

      ctx.progress('debugger: step cycle on 100,000 spans');
      const c = await ctx.inChild<CycleResult>(__filename, 'measureCycle', { dir, cycles: ctx.quick ? 60 : 300 });
      if (c.ok) {
        const v = c.value;
        out.cycle = v;
        rows.push([`step cycle p50 (${v.spans.toLocaleString('en-US')} spans, ${v.cycles} cycles)`, msf(v.p50), '< 4 ms', bar('step cycle p50, 100k spans', v.p50, 4, 'ms')]);
        rows.push(['step cycle p95', msf(v.p95), '< 15 ms', bar('step cycle p95, 100k spans', v.p95, 15, 'ms')]);
        rows.push(['step cycle max', msf(v.max), '', '']);
        rows.push(['largest goheap/delta per stop', kb(v.deltaMaxBytes), '< 64 KB', bar('largest goheap/delta per stop, 100k spans', v.deltaMaxBytes / 1024, 64, 'KB')]);
        rows.push(['goheap/delta p50 (request → response)', msf(v.deltaP50Ms), '', '']);
        rows.push(['goheap/snapshot (first open, without span table)', kb(v.snapshotBytes), '', '']);
        rows.push(['goheap/spans page of 100 at 50,000', msf(v.firstPageOfSpansMs), '', '']);
      } else {
        out.cycle = { error: c.error };
        rows.push(['step cycle', 'failed', '', c.error.split('\n')[0]]);
      }

      ctx.progress('debugger: step back from statement 1,000,000');
      const b = await ctx.inChild<StepBackResult>(__filename, 'measureStepBack', { dir });
      if (b.ok) {
        const v = b.value;
        out.stepBack = v;
        rows.push([`continue to statement ${v.executed.toLocaleString('en-US')}`, msf(v.continueMs), '', '']);
        rows.push(['Step Back, right after that stop', msf(v.stepBackMs), '< 200 ms', bar('step back from statement 1,000,000', v.stepBackMs, 200, 'ms')]);
        rows.push(['Step Back again (prepared)', msf(v.stepBackPreparedMs), '', '']);
      } else {
        out.stepBack = { error: b.error };
        rows.push(['step back', 'failed', '', b.error.split('\n')[0]]);
      }

      const sessions = ctx.quick ? 200 : 1000;
      ctx.progress(`debugger: soak, ${sessions} sessions in one process`);
      const s = await ctx.inChild<SoakResult>(__filename, 'measureSoak', { dir, bundle: sessionBundle, sessions });
      if (s.ok) {
        const v = s.value;
        out.soak = v;
        const growth = v.heapAfter - v.heapAfterWarmup;
        const pass = ctx.bar({ name: `soak: heap growth over ${sessions - 50} sessions`, value: Math.max(0, growth) / 2 ** 20, op: '<', limit: 1, unit: 'MB' });
        rows.push([`soak: heap used after 50 / after ${v.sessions} sessions`, `${(v.heapAfterWarmup / 2 ** 20).toFixed(1)} / ${(v.heapAfter / 2 ** 20).toFixed(1)} MB`, 'no growth (< 1 MB)', pass ? 'PASS' : 'FAIL']);
        rows.push(['soak: time per session', msf(v.ms / v.sessions), '', '']);
      } else {
        out.soak = { error: s.error };
        rows.push(['soak', 'failed', '', s.error.split('\n')[0]]);
      }
      ctx.print(table(['measure', 'value', 'bar', 'verdict'], rows));
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
