/**
 * Where the engine spends its time on one anchor workload (or `fullgc`: hp.gc() on 10^6 live
 * objects): runs it under `node --cpu-prof` in a child process, then prints the top functions by
 * self time with their source file:line.
 *
 *   node --import tsx bench/profile.ts [WORKLOAD=new32scan] [MODEL=go1.10] [--seconds 5] [--top 20]
 *                                      [--engine bundle|tsx] [--no-inline] [--lines N] [--keep]
 *
 * As in `npm run bench`, the engine profiled is the esbuild bundle (positions mapped back to the
 * .ts source through its source map); with `--engine tsx`, positions refer to code tsx generated,
 * so functions are located in their source file by name. `--keep` leaves the .cpuprofile (for
 * Chrome DevTools or speedscope) and prints where it is. `--no-inline` turns off TurboFan
 * inlining, which attributes time to the small functions mallocgc otherwise absorbs (at the price
 * of a slower, less faithful run: read it for shares, not for ns/op). `--lines N` (bundle only)
 * adds the N hottest source lines of the engine, from V8's per-line sample counts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anchorWorkloads } from './anchors';
import { buildEngineBundle, ENGINE_ENV, loadEngine, ringRoots } from './lib/engine';
import type { ModelName } from './lib/types';
import { table } from './table';

const root = resolve(__dirname, '..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `fullgc`: hp.gc() over and over on a heap of 10^6 live 32-byte objects (the gcfull section). */
async function fullGC(model: ModelName, seconds: number): Promise<void> {
  const { Heap } = await loadEngine();
  const hp = new Heap({ model, gogc: 100 });
  const ring = new Float64Array(1_000_000);
  ringRoots(hp, ring);
  for (let i = 0; i < ring.length; i++) ring[i] = hp.malloc(32, false);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    hp.gc();
    n++;
  }
  console.log(`fullgc on ${model}: ${n} cycles, ${((performance.now() - t0) / n).toFixed(1)} ms each (profiled, heap build included in the profile)`);
}

async function work(workload: string, model: ModelName, seconds: number): Promise<void> {
  if (workload === 'fullgc') return fullGC(model, seconds);
  const w = anchorWorkloads.find((x) => x.name === workload);
  if (w === undefined) throw new Error(`unknown workload ${workload} (${[...anchorWorkloads.map((x) => x.name), 'fullgc'].join(', ')})`);
  const { Heap } = await loadEngine();
  const hp = new Heap({ model, gogc: 100 });
  const ring = new Float64Array(w.ring);
  ringRoots(hp, ring);
  const mask = w.ring - 1;
  const smask = w.sizes.length - 1;
  let i = 0;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const end = i + 100_000; i < end; i++) ring[i & mask] = hp.malloc(w.sizes[i & smask], w.noscan);
    n += 100_000;
  }
  console.log(`${workload} on ${model}: ${n.toLocaleString('en-US')} allocations, ${(((performance.now() - t0) * 1e6) / n).toFixed(1)} ns/op (profiled)`);
}

/** Line of the declaration of `name` in a source file (function, method, arrow const), 1-based. */
function declLine(file: string, name: string): number | null {
  if (name === '' || name === '(anonymous)') return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const short = name.split('.').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(export\\s+)?(async\\s+)?(function\\s+${short}\\b|(static\\s+|private\\s+|get\\s+|set\\s+)*${short}\\s*[(<]|(const|let)\\s+${short}\\s*=)`);
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) if (re.test(lines[k])) return k + 1;
  return null;
}

/** Maps positions in the engine bundle back to the .ts source. */
function bundleMapper(bundle: string | undefined): ((line: number, col: number) => string | null) | null {
  if (bundle === undefined) return null;
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  const dir = resolve(bundle, '..');
  return (line, col) => {
    const e = map.findEntry(line, col) as { originalSource?: string; originalLine?: number };
    if (e.originalSource === undefined || e.originalLine === undefined) return null;
    const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : resolve(dir, e.originalSource);
    return `${relative(root, src)}:${e.originalLine + 1}`;
  };
}

/** The hottest engine source lines (V8 positionTicks on the bundle, mapped to the .ts source). */
function hotLines(p: CpuProfile, bundle: string, n: number): string {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  const out = readFileSync(bundle, 'utf8').split('\n');
  const bundleUrl = pathToFileURL(bundle).href;
  const agg = new Map<string, { ticks: number; fn: string; file: string; line: number }>();
  for (const node of p.nodes) {
    if (node.callFrame.url !== bundleUrl || node.positionTicks === undefined) continue;
    for (const t of node.positionTicks) {
      const text = out[t.line - 1] ?? '';
      const e = map.findEntry(t.line - 1, text.length - text.trimStart().length) as { originalSource?: string; originalLine?: number };
      if (e.originalSource === undefined || e.originalLine === undefined) continue;
      const file = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : resolve(bundle, '..', e.originalSource);
      const key = `${file}:${e.originalLine}`;
      const a = agg.get(key) ?? { ticks: 0, fn: node.callFrame.functionName, file, line: e.originalLine };
      a.ticks += t.ticks;
      agg.set(key, a);
    }
  }
  const total = p.samples.length;
  const src = new Map<string, string[]>();
  const lineText = (file: string, line: number): string => {
    if (!src.has(file)) src.set(file, readFileSync(file, 'utf8').split('\n'));
    const t = src.get(file)![line]?.trim() ?? '';
    return t.length > 90 ? `${t.slice(0, 87)}...` : t;
  };
  const rows = [...agg.values()].sort((a, b) => b.ticks - a.ticks).slice(0, n);
  return table(
    ['samples', '%', 'in', 'line', 'source'],
    rows.map((r) => [String(r.ticks), `${((r.ticks / total) * 100).toFixed(1)}%`, r.fn, `${relative(root, r.file)}:${r.line + 1}`, lineText(r.file, r.line)]),
    ['r', 'r', 'l', 'l', 'l'],
  );
}

function summarise(p: CpuProfile, top: number, bundle: string | undefined): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let k = 0; k < p.samples.length; k++) self.set(p.samples[k], (self.get(p.samples[k]) ?? 0) + (p.timeDeltas[k] ?? 0));
  const total = p.timeDeltas.reduce((a, b) => a + b, 0);
  const mapBundle = bundleMapper(bundle);
  const agg = new Map<string, { us: number; name: string; where: string }>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const name = cf.functionName === '' ? '(anonymous)' : cf.functionName;
    let where = cf.url === '' ? '' : cf.url;
    if (where.startsWith('file://')) {
      const file = fileURLToPath(where);
      if (mapBundle !== null && file === bundle) where = mapBundle(cf.lineNumber, cf.columnNumber) ?? `bundle:${cf.lineNumber + 1}`;
      else where = `${relative(root, file)}:${declLine(file, name) ?? `~${cf.lineNumber + 1} (generated)`}`;
    }
    const key = `${name}@${where}`;
    const e = agg.get(key) ?? { us: 0, name, where };
    e.us += us;
    agg.set(key, e);
  }
  const rows = [...agg.values()].sort((a, b) => b.us - a.us).slice(0, top);
  return table(
    ['self ms', 'self %', 'function', 'declared at'],
    rows.map((r) => [(r.us / 1000).toFixed(0), `${((r.us / total) * 100).toFixed(1)}%`, r.name, r.where]),
    ['r', 'r', 'l', 'l'],
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (f: string, d: number): number => {
    const k = args.indexOf(f);
    return k < 0 ? d : Number(args.splice(k, 2)[1]);
  };
  const seconds = flag('--seconds', 5);
  const top = flag('--top', 20);
  const lines = flag('--lines', 0);
  const keep = args.includes('--keep');
  const child = args.includes('--child');
  const [workload = 'new32scan', model = 'go1.10'] = args.filter((a) => !a.startsWith('--'));
  if (child) {
    await work(workload, model as ModelName, seconds);
    return;
  }
  const k = args.indexOf('--engine');
  const engine = k < 0 ? 'bundle' : args[k + 1];
  const b = engine === 'tsx' ? null : await buildEngineBundle();
  const dir = mkdtempSync(join(tmpdir(), 'goheap-prof-'));
  try {
    const env = { ...process.env, [ENGINE_ENV]: b === null ? 'tsx' : b.file };
    const v8flags = args.includes('--no-inline') ? ['--no-turbo-inlining'] : [];
    const r = spawnSync(process.execPath, [...v8flags, '--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', __filename, workload, model, '--seconds', String(seconds), '--child'], { stdio: 'inherit', cwd: root, env });
    if (r.status !== 0) throw new Error(`profiled run failed (${r.status ?? r.signal})`);
    const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
    if (f === undefined) throw new Error('no .cpuprofile written');
    const prof = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    console.log(`engine: ${b === null ? 'src/engine through tsx' : 'esbuild bundle (positions mapped to the .ts source)'}${v8flags.length > 0 ? ', inlining off' : ''}`);
    console.log(summarise(prof, top, b?.file));
    if (lines > 0 && b !== null) console.log(`\nhottest engine lines (share of all samples):\n${hotLines(prof, b.file, lines)}`);
    if (keep) console.log(`profile: ${join(dir, f)}${b !== null ? ` (bundle ${b.file})` : ''}`);
  } finally {
    if (!keep) {
      rmSync(dir, { recursive: true, force: true });
      b?.dispose();
    }
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
