/**
 * Section `longrun`: a script of 10,000,000 allocations (a ring of 4096 roots churned), and how
 * the programs around the engine hold up over it (issue 7, Reliability).
 *
 *   1. Memory over the run: the interpreter as it ships (an esbuild bundle of src/program) runs
 *      the script in slices in a fresh `node --expose-gc` process; after each slice, RSS and
 *      heapUsed + external. Bar: the run's peak RSS exceeds the RSS after the first 10% by less
 *      than 64 MB (bounded memory: a leak of one byte per allocation would already be 9 MB,
 *      one record per allocation hundreds).
 *   2. The debugger over the same kind of run: the stdio adapter (an esbuild bundle of
 *      src/adapter/stdio.ts) driven by DebugClient, launched without an entry stop on the ring
 *      script with 10^9 iterations (so that it cannot end during the measurement). While it
 *      runs: latency of `threads` and `stackTrace` (responsiveness). Then rounds of pause →
 *      `stopped` (the pause latency, from sending the request to the event; bar: under 100 ms,
 *      on the worst round) → continue. The adapter's RSS is sampled from /proc during all this.
 *
 * Times are wall-clock on a shared machine: medians and maxima are printed side by side.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchSection } from './lib/types';
import { median } from './lib/stats';
import { heading, mb, ms, table, verdict } from './table';

const N = 10_000_000;
const RING = 4096;
const ringScript = (n: number): string => `var ring[${RING}]\nrepeat ${n} as i {\n  ring[i % ${RING}] = new 32\n}\ngc\nexpect heap.objects == ${RING}\n`;
/** Iterations of the script the debugger runs: more than can run during the rounds. */
const DAP_N = 1_000_000_000;
const memGrowthLimit = 64e6;
const pauseLimitMs = 100;

type ProgramModule = typeof import('../src/program/index') & typeof import('../src/program/interpreter');

export interface MemoryResult {
  readonly n: number;
  readonly seconds: number;
  readonly status: string;
  readonly heapObjects: number;
  /** [statements executed, rss, heapUsed + external] after each slice. */
  readonly samples: readonly (readonly [number, number, number])[];
}

/** Child: run the ring script in slices, sampling memory after each. */
export function measureMemory(args: { bundle: string; n: number }): MemoryResult {
  const m = createRequire(__filename)(args.bundle) as ProgramModule;
  const c = m.compile(ringScript(args.n));
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  const it = new m.Interpreter(c.program, c.settings);
  const slice = Math.max(1, Math.floor(args.n / 50));
  const samples: [number, number, number][] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  const t0 = performance.now();
  while (it.status === 'ready' || it.status === 'paused') {
    it.run(slice);
    gc?.();
    const mu = process.memoryUsage();
    samples.push([it.executed, mu.rss, mu.heapUsed + mu.external]);
  }
  return { n: args.n, seconds: (performance.now() - t0) / 1000, status: it.status, heapObjects: it.heap.h.memstats.heap_objects, samples };
}

/** VmRSS of a process in bytes (Linux), or NaN. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) * 1024;
  } catch {
    return NaN;
  }
}

export interface DapResult {
  readonly pauseMs: readonly number[];
  readonly threadsMs: readonly number[];
  readonly stackTraceMs: readonly number[];
  readonly adapterPeakRss: number;
  readonly adapterStartRss: number;
  readonly statementsAtLastPause: number;
}

async function measureDap(adapter: string, script: string, rounds: number, ctx: BenchContext): Promise<DapResult> {
  const { DebugClient } = await import('@vscode/debugadapter-testsupport');
  const dc = new DebugClient(process.execPath, adapter, 'goheap', { shell: false });
  dc.defaultTimeout = 120_000;
  await dc.start();
  const pid = (dc as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid) || 0)), 20);
  const threadsMs: number[] = [];
  const stackTraceMs: number[] = [];
  const pauseMs: number[] = [];
  let statements = 0;
  try {
    await dc.initializeRequest({ adapterID: 'goheap', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const startRss = rssOf(pid);
    const launched = dc.launchRequest({ program: script, stopOnEntry: false } as never);
    await dc.waitForEvent('initialized');
    await dc.configurationDoneRequest();
    await launched;
    for (let r = 0; r < rounds; r++) {
      ctx.progress(`longrun: pause round ${r + 1}/${rounds}`);
      // Let it run a while, asking what a UI asks while a program runs.
      for (let k = 0; k < 5; k++) {
        await new Promise((res) => setTimeout(res, 40 + 13 * ((r * 5 + k) % 7)));
        let t = performance.now();
        await dc.threadsRequest();
        threadsMs.push(performance.now() - t);
        t = performance.now();
        await dc.stackTraceRequest({ threadId: 1 });
        stackTraceMs.push(performance.now() - t);
      }
      const stopped = dc.waitForEvent('stopped');
      const t = performance.now();
      await dc.pauseRequest({ threadId: 1 });
      const ev = await stopped;
      pauseMs.push(performance.now() - t);
      const d = /paused after ([\d,]+) statements/.exec((ev.body as { description?: string }).description ?? '');
      statements = d === null ? statements : Number(d[1].replace(/,/g, ''));
      if ((ev.body as { reason: string }).reason !== 'pause') throw new Error(`stopped for ${(ev.body as { reason: string }).reason}, not pause`);
      await dc.continueRequest({ threadId: 1 });
    }
    return { pauseMs, threadsMs, stackTraceMs, adapterPeakRss: peak, adapterStartRss: startRss, statementsAtLastPause: statements };
  } finally {
    clearInterval(sampler);
    await dc.stop().catch(() => undefined);
  }
}

const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

export const section: BenchSection = {
  name: 'longrun',
  title: '10,000,000 allocations: memory over the run; the debugger pausing and answering while it runs',
  async run(ctx: BenchContext) {
    ctx.print(heading(this.title));
    const esbuild = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'goheap-longrun-'));
    try {
      const src = resolve(__dirname, '..', 'src');
      const entry = join(dir, 'entry.ts');
      const bundle = join(dir, 'program.cjs');
      const adapter = join(dir, 'adapter.js');
      writeFileSync(entry, `export * from ${JSON.stringify(join(src, 'program', 'index'))};\nexport { Interpreter } from ${JSON.stringify(join(src, 'program', 'interpreter'))};\n`);
      const opts = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' } as const;
      await esbuild.build({ ...opts, entryPoints: [entry], outfile: bundle });
      await esbuild.build({ ...opts, entryPoints: [join(src, 'adapter', 'stdio.ts')], outfile: adapter });
      const n = ctx.quick ? N / 10 : N;
      const script = join(dir, 'ring.goheap');
      writeFileSync(script, ringScript(DAP_N));

      ctx.progress(`longrun: interpreter memory over ${n.toLocaleString('en-US')} allocations`);
      const mem = await ctx.inChild<MemoryResult>(__filename, 'measureMemory', { bundle, n }, 600_000);
      let memory: unknown;
      if (mem.ok) {
        const s = mem.value.samples;
        const early = s[Math.max(0, Math.floor(s.length / 10) - 1)];
        const peakRss = Math.max(...s.map((x) => x[1]));
        const peakJs = Math.max(...s.map((x) => x[2]));
        const growth = peakRss - early[1];
        const pass = ctx.bar({ name: `RSS growth over ${n.toLocaleString('en-US')} allocations after the first 10% < 64 MB`, value: growth / 1e6, op: '<', limit: memGrowthLimit / 1e6, unit: 'MB' });
        ctx.print(
          table(
            ['run', 'status', 'heap objects', 'time', 'RSS at 10%', 'peak RSS', 'JS heap+external at 10%', 'peak JS heap+external', 'RSS growth', 'bar < 64 MB'],
            [[`${n.toLocaleString('en-US')} allocations, ring of ${RING}`, mem.value.status, String(mem.value.heapObjects), `${mem.value.seconds.toFixed(2)} s`, mb(early[1]), mb(peakRss), mb(early[2]), mb(peakJs), mb(growth), verdict(pass)]],
          ),
        );
        memory = { ...mem.value, samples: undefined, samplesEvery: s.length > 1 ? s[1][0] - s[0][0] : 0, rssSeries: s.map((x) => x[1]), jsSeries: s.map((x) => x[2]), peakRss, growth };
      } else {
        ctx.print(`interpreter memory: failed: ${mem.error.split('\n')[0]}`);
        memory = { error: mem.error };
      }

      const rounds = ctx.quick ? 3 : 10;
      let dap: unknown;
      try {
        const d = await measureDap(adapter, script, rounds, ctx);
        const worst = Math.max(...d.pauseMs);
        const pass = ctx.bar({ name: 'Pause → stopped during a long allocation run (worst round)', value: worst, op: '<', limit: pauseLimitMs, unit: 'ms' });
        ctx.print(
          '\n' +
            table(
              ['while running', 'samples', 'median', 'p95', 'max', 'bar'],
              [
                ['pause → stopped', String(d.pauseMs.length), ms(median(d.pauseMs)), ms(p95(d.pauseMs)), ms(worst), `< ${pauseLimitMs} ms ${verdict(pass)}`],
                ['threads', String(d.threadsMs.length), ms(median(d.threadsMs)), ms(p95(d.threadsMs)), ms(Math.max(...d.threadsMs)), ''],
                ['stackTrace', String(d.stackTraceMs.length), ms(median(d.stackTraceMs)), ms(p95(d.stackTraceMs)), ms(Math.max(...d.stackTraceMs)), ''],
              ],
            ) +
            `\nadapter RSS: ${mb(d.adapterStartRss)} after initialize, peak ${mb(d.adapterPeakRss)} while running (${d.statementsAtLastPause.toLocaleString('en-US')} statements run at the last pause)`,
        );
        dap = d;
      } catch (e) {
        ctx.print(`debugger: failed: ${e instanceof Error ? e.message : String(e)}`);
        dap = { error: String(e) };
      }
      return { n, memory, dap };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
