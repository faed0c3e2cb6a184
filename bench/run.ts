/**
 * `npm run bench`: the project's benchmark. Speed and memory are measured here, never asserted in
 * unit tests; everything is compared side by side in one run and reported as ratios and medians
 * (machines are shared and noisy). Writes the report to stdout and bench/results/latest.json.
 *
 *   npm run bench -- [--quick] [--only NAME[,NAME]] [--models go1.10,go1.14] [--engine bundle|tsx] [--out FILE]
 *
 * The engine measured is the one that ships (an esbuild bundle, built at the start of the run);
 * `--engine tsx` measures the source modules through tsx instead (slower; for comparison).
 *
 * Sections are listed in sections.ts; `--only` runs the named ones plus what they need.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runInChild } from './lib/child';
import { buildEngineBundle, ENGINE_ENV, type EngineMode } from './lib/engine';
import type { Bar, BenchContext, BenchSection, ModelName } from './lib/types';
import { sectionFiles } from './sections';
import { heading, table, verdict } from './table';

const allModels: readonly ModelName[] = ['go1.5', 'go1.10', 'go1.14'];

interface Options {
  quick: boolean;
  only: string[];
  models: ModelName[];
  engine: EngineMode;
  out: string;
}

const usage = 'usage: npm run bench -- [--quick] [--only SECTION[,SECTION]] [--models go1.5,go1.10,go1.14] [--engine bundle|tsx] [--out FILE]';

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, only: [], models: [...allModels], engine: 'bundle', out: resolve(__dirname, 'results', 'latest.json') };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++k];
      if (v === undefined) throw new Error(`${flag} needs a value\n${usage}`);
      return v;
    };
    if (flag === '--quick') o.quick = true;
    else if (flag === '--only') o.only.push(...value().split(',').filter((s) => s !== ''));
    else if (flag === '--models') {
      const ms = value().split(',');
      for (const m of ms) if (!(allModels as readonly string[]).includes(m)) throw new Error(`unknown model ${m} (models: ${allModels.join(', ')})`);
      o.models = ms as ModelName[];
    } else if (flag === '--engine') {
      const e = value();
      if (e !== 'bundle' && e !== 'tsx') throw new Error(`--engine must be bundle or tsx, got ${e}`);
      o.engine = e;
    } else if (flag === '--out') o.out = resolve(value());
    else if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  return o;
}

function isSection(x: unknown): x is BenchSection {
  const s = x as Partial<BenchSection> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.title === 'string' && typeof s.run === 'function';
}

async function loadSections(): Promise<BenchSection[]> {
  const out: BenchSection[] = [];
  for (const f of sectionFiles) {
    const mod = (await import(`./${f}`)) as { section?: unknown };
    if (!isSection(mod.section)) throw new Error(`bench/${f}.ts does not export \`section: BenchSection\``);
    out.push(mod.section);
  }
  return out;
}

/** The sections to run: those named (or all), plus everything they need, in registry order. */
function select(all: readonly BenchSection[], only: readonly string[]): BenchSection[] {
  if (only.length === 0) return [...all];
  const byName = new Map(all.map((s) => [s.name, s]));
  const want = new Set<string>();
  const add = (n: string): void => {
    const s = byName.get(n);
    if (s === undefined) throw new Error(`unknown section ${n} (sections: ${all.map((x) => x.name).join(', ')})`);
    if (want.has(n)) return;
    want.add(n);
    for (const d of s.needs ?? []) add(d);
  };
  for (const n of only) add(n);
  return all.filter((s) => want.has(s.name));
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: resolve(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const sections = select(await loadSections(), opts.only);
  const started = new Date();
  const t0 = performance.now();
  const results = new Map<string, unknown>();
  const bars: Bar[] = [];
  let current = '';
  const ctx: BenchContext = {
    quick: opts.quick,
    models: opts.models,
    result: <T>(name: string) => results.get(name) as T | undefined,
    print: (text) => console.log(text),
    progress: (msg) => process.stderr.write(`  … ${msg}\n`),
    bar: (b) => {
      const pass = b.op === '<' ? b.value < b.limit : b.value <= b.limit;
      bars.push({ ...b, section: current, pass });
      return pass;
    },
    inChild: runInChild,
  };
  const cpu = cpus();
  const load0 = loadavg();
  console.log(`Go Heap Debugger bench${opts.quick ? ' (--quick: smoke run, not for quoting)' : ''}: node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}, load ${load0.map((x) => x.toFixed(2)).join(' ')}, models ${opts.models.join(', ')}`);
  let engine = 'src/engine through tsx (--engine tsx)';
  let dispose = (): void => {};
  process.env[ENGINE_ENV] = 'tsx';
  if (opts.engine === 'bundle') {
    try {
      const b = await buildEngineBundle();
      process.env[ENGINE_ENV] = b.file;
      dispose = b.dispose;
      engine = `esbuild bundle of src/engine/heap.ts (cjs, node20, as esbuild.mjs ships it), built in ${b.ms.toFixed(0)} ms`;
    } catch (e) {
      engine = `src/engine through tsx: the bundle failed to build (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`;
    }
  }
  console.log(`engine: ${engine}`);
  const report: Record<string, { title: string; seconds: number; result: unknown }> = {};
  for (const s of sections) {
    current = s.name;
    const ts = performance.now();
    let result: unknown;
    try {
      result = await s.run(ctx);
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.log(`  ! section ${s.name} failed: ${msg}`);
      result = { error: msg };
    }
    results.set(s.name, result);
    const seconds = (performance.now() - ts) / 1000;
    report[s.name] = { title: s.title, seconds, result };
    console.log(`(${s.name}: ${seconds.toFixed(1)} s)`);
  }
  dispose();
  const seconds = (performance.now() - t0) / 1000;
  console.log(heading('Bars (reported, not asserted)'));
  if (bars.length === 0) console.log('no bars measured');
  else
    console.log(
      table(
        ['section', 'bar', 'model', 'value', 'limit', 'verdict'],
        bars.map((b) => [b.section, b.name, b.model ?? '', `${+b.value.toPrecision(3)} ${b.unit}`, `${b.op} ${b.limit} ${b.unit}`, verdict(b.pass)]),
        ['l', 'l', 'l', 'r', 'r', 'l'],
      ),
    );
  const load1 = loadavg();
  console.log(`\ntotal ${seconds.toFixed(1)} s; load average ${load1.map((x) => x.toFixed(2)).join(' ')}`);
  const json = {
    started: started.toISOString(),
    seconds,
    quick: opts.quick,
    argv: process.argv.slice(2),
    machine: { node: process.version, v8: process.versions.v8, platform: `${process.platform}-${process.arch}`, cpus: cpu.length, cpuModel: cpu[0]?.model ?? null, loadavgStart: load0, loadavgEnd: load1 },
    git: gitCommit(),
    models: opts.models,
    engine: opts.engine,
    bars,
    sections: report,
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${join(opts.out)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
