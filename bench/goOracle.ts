/**
 * Section `go`: the real Go runtime on the anchor workloads (shared/anchors/go-malloc) against
 * the engine, in paired rounds: each round runs `go test -count 1` and the engine (a fresh child
 * per model, 2 repetitions per workload) back to back, alternating which goes first, and the
 * engine/Go ratio is taken per round. The reported ratio is the median of the rounds' ratios, so
 * a change of machine load between rounds (common here: 2 shared cores) cancels out instead of
 * landing on one side. Bars from the issue: engine <= 2x Go on new32scan, below Go on
 * mixedNoscan and large40k (reported, not asserted).
 *
 * The anchor package is copied to a temp dir (shared/ stays untouched) and run with a private
 * GOCACHE/GOPATH, GOFLAGS=-mod=mod, GOTOOLCHAIN=local, GOPROXY=off (no network), GOGC=100, and
 * Go's default GOMAXPROCS (the README's figures were taken that way).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { anchorWorkloads, isWorkloadResult, type MeasureArgs, type WorkloadOutcome } from './anchors';
import type { BenchContext, BenchSection, ModelName } from './lib/types';
import { firstLine } from './lib/engine';
import { median } from './lib/stats';
import { heading, ns, ratio, table, verdict } from './table';

const anchorDir = resolve(__dirname, '..', '..', 'shared', 'anchors', 'go-malloc');
const anchorsFile = resolve(__dirname, 'anchors.ts');
const debianGo = '/usr/lib/go-1.19/bin/go';

/** The issue's bars: engine ns/op relative to Go's. */
const bars: Readonly<Record<string, { op: '<' | '<='; limit: number }>> = {
  new32scan: { op: '<=', limit: 2 },
  mixedNoscan: { op: '<', limit: 1 },
  large40k: { op: '<', limit: 1 },
};

/** One workload on one model across the rounds (NaN where a side had no result). */
export interface Pairing {
  readonly engineNs: readonly number[];
  readonly goNs: readonly number[];
  readonly ratios: readonly number[];
  readonly medianRatio: number;
}

export interface GoResult {
  readonly go: string | null;
  readonly version?: string;
  readonly procs?: number;
  readonly command?: string;
  readonly rounds: number;
  /** Go ns/op per workload, one per round. */
  readonly goRuns: Record<string, number[]>;
  /** workload → model → pairing. */
  readonly pairs: Record<string, Partial<Record<ModelName, Pairing>>>;
  readonly errors: string[];
}

export function findGo(): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const p of [...dirs.map((d) => join(d, 'go')), debianGo]) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

function run(cmd: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const cp = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cp.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    cp.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => cp.kill('SIGKILL'), opts.timeoutMs);
    cp.on('error', (e) => (out += `\n${e.message}`));
    cp.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

/** `BenchmarkNew32Scan-2   23950130   45.33 ns/op` → runs per benchmark name (and the -N suffix). */
export function parseGoBench(out: string): { runs: Map<string, number[]>; procs?: number } {
  const runs = new Map<string, number[]>();
  let procs: number | undefined;
  for (const line of out.split('\n')) {
    const m = /^(Benchmark\w+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns\/op/.exec(line);
    if (m === null) continue;
    if (m[2] !== undefined) procs = Number(m[2]);
    const xs = runs.get(m[1]) ?? [];
    xs.push(Number(m[3]));
    runs.set(m[1], xs);
  }
  return { runs, procs };
}

/** A private copy of the anchor package and a go environment that needs no network. */
function goWorkspace(): { pkg: string; env: NodeJS.ProcessEnv; dispose(): void } {
  const tmp = mkdtempSync(join(tmpdir(), 'goheap-bench-'));
  const pkg = join(tmp, 'go-malloc');
  for (const d of [pkg, join(tmp, 'cache'), join(tmp, 'gopath')]) mkdirSync(d, { recursive: true });
  for (const f of readdirSync(anchorDir)) writeFileSync(join(pkg, f), readFileSync(join(anchorDir, f)));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOFLAGS: '-mod=mod',
    GOCACHE: join(tmp, 'cache'),
    GOPATH: join(tmp, 'gopath'),
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOGC: '100',
  };
  return { pkg, env, dispose: () => rmSync(tmp, { recursive: true, force: true }) };
}

export const section: BenchSection = {
  name: 'go',
  title: 'Engine vs the real Go runtime (paired rounds, same machine)',
  async run(ctx: BenchContext): Promise<GoResult> {
    ctx.print(heading(this.title));
    const rounds = ctx.quick ? 1 : 3;
    const go = findGo();
    if (go === null) {
      ctx.print('Go not found: run scripts/install-go.sh');
      return { go: null, rounds: 0, goRuns: {}, pairs: {}, errors: [] };
    }
    const ws = goWorkspace();
    const errors: string[] = [];
    const goRuns: Record<string, number[]> = Object.fromEntries(anchorWorkloads.map((w) => [w.name, [] as number[]]));
    const engRuns = new Map<string, number[]>(); // `${workload} ${model}` → ns per round
    let procs: number | undefined;
    const args = ['test', '-run', '^$', '-bench', '.', '-benchtime', ctx.quick ? '200ms' : '1s', '-count', '1'];
    const command = `go ${args.join(' ')}`;
    try {
      const version = (await run(go, ['version'], { cwd: ws.pkg, env: ws.env, timeoutMs: 30_000 })).out.trim();
      const goRound = async (r: number): Promise<void> => {
        ctx.progress(`go: round ${r + 1}/${rounds}: ${command}`);
        const res = await run(go, args, { cwd: ws.pkg, env: ws.env, timeoutMs: 300_000 });
        const parsed = parseGoBench(res.out);
        procs ??= parsed.procs;
        for (const w of anchorWorkloads) goRuns[w.name].push(parsed.runs.get(w.goBench)?.[0] ?? NaN);
        if (res.code !== 0) errors.push(`go test exited with ${res.code}: ${res.out.trim().split('\n').slice(-8).join(' | ')}`);
      };
      const engineRound = async (r: number): Promise<void> => {
        for (const model of ctx.models) {
          ctx.progress(`go: round ${r + 1}/${rounds}: engine ${model}`);
          const o = await ctx.inChild<Record<string, WorkloadOutcome>>(anchorsFile, 'measureModel', { model, quick: ctx.quick, reps: 2 } satisfies MeasureArgs);
          if (!o.ok) {
            const e = `${model} unavailable: ${firstLine(o.error)}`;
            if (!errors.includes(e)) errors.push(e);
          }
          for (const w of anchorWorkloads) {
            const x = o.ok ? o.value[w.name] : undefined;
            const key = `${w.name} ${model}`;
            const xs = engRuns.get(key) ?? [];
            xs.push(isWorkloadResult(x) ? x.nsPerOp : NaN);
            engRuns.set(key, xs);
          }
        }
      };
      for (let r = 0; r < rounds; r++) {
        if (r % 2 === 0) {
          await goRound(r);
          await engineRound(r);
        } else {
          await engineRound(r);
          await goRound(r);
        }
      }
      const pairs: Record<string, Partial<Record<ModelName, Pairing>>> = {};
      const rows: string[][] = [];
      for (const w of anchorWorkloads) {
        const bar = bars[w.name];
        const g = goRuns[w.name];
        pairs[w.name] = {};
        for (const model of ctx.models) {
          const e = engRuns.get(`${w.name} ${model}`) ?? [];
          const ratios = e.map((x, k) => x / g[k]).filter(Number.isFinite);
          const p: Pairing = { engineNs: e, goNs: g, ratios, medianRatio: median(ratios) };
          pairs[w.name][model] = p;
          const eMed = median(e.filter(Number.isFinite));
          const gMed = median(g.filter(Number.isFinite));
          let v = '-';
          if (ratios.length > 0) v = verdict(ctx.bar({ name: `${w.name} engine/Go`, model, value: p.medianRatio, op: bar.op, limit: bar.limit, unit: '×' }));
          else if (!Number.isFinite(eMed)) v = 'model unavailable';
          const range = ratios.length > 1 ? `${ratio(Math.min(...ratios))}–${ratio(Math.max(...ratios))}` : '';
          rows.push([w.name, model, ns(eMed), ns(gMed), ratio(p.medianRatio), range, `${bar.op} ${bar.limit}×`, v]);
        }
      }
      ctx.print(`${version} at ${go}; ${rounds} round(s) of \`${command}\` paired with the engine; GOMAXPROCS=${procs ?? '?'}, GOGC=100`);
      ctx.print(table(['workload', 'model', 'engine ns/op', 'Go ns/op', 'engine/Go', 'per round', 'bar', 'verdict'], rows));
      ctx.print(`ns/op: medians over the rounds; engine/Go: median of the per-round ratios. Go per round: ${anchorWorkloads.map((w) => `${w.name} ${goRuns[w.name].map((x) => ns(x)).join(', ')}`).join('; ')}`);
      for (const e of errors) ctx.print(`  ! ${e}`);
      return { go, version, procs, command, rounds, goRuns, pairs, errors };
    } finally {
      ws.dispose();
    }
  },
};
