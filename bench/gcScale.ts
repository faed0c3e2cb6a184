/**
 * Section `scale`: allocation cost and full-GC time as the live heap grows, 10^3 .. 10^7 live
 * 32-byte pointerful objects (ring sized to the live count), per model. What should hold:
 * allocation cost flat in the heap size, GC time growing no faster than linearly (flat ns per
 * live object). Both are printed with the growth ratio between successive sizes, and judged
 * against a 1.5× noise allowance (reported, not asserted).
 *
 * Each (model, size) runs in its own process. "alloc" is wall time per malloc in steady state
 * (ring full, every malloc replaces the oldest object, two collections past the build so the heap
 * has reached its pacer size), GC cycles included, as a Go benchmark
 * would see it; "mutator" excludes the time inside those GC cycles (sweeping stays in).
 */
import type { BenchContext, BenchSection, ModelName } from './lib/types';
import { firstLine, loadEngine, ringRoots, timeGCs } from './lib/engine';
import { median } from './lib/stats';
import { count, heading, ms, ns, ratio, table, verdict } from './table';

const growthAllowance = 1.5;

export interface ScalePoint {
  readonly live: number;
  readonly window: number;
  readonly allocNsPerOp: number;
  readonly mutatorNsPerOp: number;
  readonly gcCyclesPerWindow: number;
  readonly gcMs: number;
  readonly gcNsPerObject: number;
  readonly gcReps: number;
  readonly buildMs: number;
}

interface Args {
  readonly model: ModelName;
  readonly live: number;
  readonly quick: boolean;
}

/** Child process: one model at one live size. */
export async function measureScale(a: Args): Promise<ScalePoint> {
  const { Heap } = await loadEngine();
  const hp = new Heap({ model: a.model, gogc: 100 });
  const gct = timeGCs(hp);
  const ring = new Float64Array(a.live);
  ringRoots(hp, ring);
  let i = 0;
  const n = a.live;
  const run = (k: number): void => {
    const end = i + k;
    for (; i < end; i++) ring[i % n] = hp.malloc(32, false);
  };
  const t0 = performance.now();
  run(n);
  const buildMs = performance.now() - t0;
  const window = Math.max(n, a.quick ? 1 << 18 : 1 << 21);
  // Warm up into the steady state: after the build the heap still has to grow to its pacer size
  // (up to next_gc, ~2× live) and the first cycle's garbage has to be reused, which takes two
  // collections past the build. Timing before that charges heap growth (fresh spans) to
  // allocation at large sizes only — where one window holds fewer cycles than the warm-up did.
  run(Math.min(window, 1 << 20));
  const c0 = gct.cycles;
  for (let guard = 0; gct.cycles < c0 + 2 && guard < 4 * n; guard += 1 << 16) run(1 << 16);
  const big = n >= 1e7;
  const reps = big ? 1 : a.quick ? 2 : 5;
  const alloc: number[] = [];
  const mutator: number[] = [];
  const cycles: number[] = [];
  for (let r = 0; r < reps; r++) {
    const g0 = gct.ms;
    const c0 = gct.cycles;
    const t = performance.now();
    run(window);
    const dt = performance.now() - t;
    alloc.push((dt * 1e6) / window);
    mutator.push(((dt - (gct.ms - g0)) * 1e6) / window);
    cycles.push(gct.cycles - c0);
  }
  // Full GC: a warm-up cycle (frees and sweeps the window's garbage), then repetitions; small
  // heaps collect in well under a millisecond, so they get as many as fit in ~100 ms (up to 50).
  const tw = performance.now();
  hp.gc();
  const first = performance.now() - tw;
  const gcReps = big ? 2 : Math.min(50, Math.max(a.quick ? 2 : 3, Math.ceil(100 / Math.max(first, 0.01))));
  const gcs: number[] = [];
  for (let r = 0; r < gcReps; r++) {
    const t = performance.now();
    hp.gc();
    gcs.push(performance.now() - t);
  }
  const gcMs = median(gcs);
  return {
    live: n,
    window,
    allocNsPerOp: median(alloc),
    mutatorNsPerOp: median(mutator),
    gcCyclesPerWindow: median(cycles),
    gcMs,
    gcNsPerObject: (gcMs * 1e6) / n,
    gcReps,
    buildMs,
  };
}

export type ScaleOutcome = ScalePoint | { readonly live: number; readonly error: string };

function isPoint(o: ScaleOutcome): o is ScalePoint {
  return !('error' in o);
}

/** The same size measured in several rounds, folded field by field with `fold` (min or median). */
function foldPoints(ps: readonly ScalePoint[], fold: (xs: number[]) => number): ScalePoint {
  const m = (f: (p: ScalePoint) => number): number => fold(ps.map(f));
  return {
    live: ps[0].live,
    window: ps[0].window,
    allocNsPerOp: m((p) => p.allocNsPerOp),
    mutatorNsPerOp: m((p) => p.mutatorNsPerOp),
    gcCyclesPerWindow: m((p) => p.gcCyclesPerWindow),
    gcMs: m((p) => p.gcMs),
    gcNsPerObject: m((p) => p.gcNsPerObject),
    gcReps: ps.reduce((n, p) => n + p.gcReps, 0),
    buildMs: m((p) => p.buildMs),
  };
}

/** Largest ratio between successive values (1 when fewer than two). */
function maxGrowth(xs: readonly number[]): number {
  let m = 1;
  for (let k = 1; k < xs.length; k++) m = Math.max(m, xs[k] / xs[k - 1]);
  return m;
}

export const section: BenchSection = {
  name: 'scale',
  title: 'Scaling with the live heap: allocation cost and full-GC time',
  async run(ctx: BenchContext): Promise<Partial<Record<ModelName, ScaleOutcome[]>>> {
    ctx.print(heading(this.title));
    const sizes = ctx.quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6, 1e7];
    const out: Partial<Record<ModelName, ScaleOutcome[]>> = {};
    const notes: string[] = [];
    // Rounds: every size once per round, each in a fresh process, and the median per size over
    // the rounds — so a burst of load from a neighbour lands on one sample of each size, not on
    // all samples of one size (which is what a per-decade ratio is sensitive to).
    const rounds = ctx.quick ? 1 : 3;
    for (const model of ctx.models) {
      const samples = new Map<number, ScalePoint[]>();
      let failed: ScaleOutcome | null = null;
      for (let round = 0; round < rounds && failed === null; round++) {
        for (const live of sizes) {
          ctx.progress(`scale: ${model} ${count(live)} (round ${round + 1}/${rounds})`);
          const r = await ctx.inChild<ScalePoint>(__filename, 'measureScale', { model, live, quick: ctx.quick } satisfies Args);
          if (!r.ok) {
            failed = { live, error: r.error };
            break; // a model that fails at one size fails at the next
          }
          samples.set(live, [...(samples.get(live) ?? []), r.value]);
        }
      }
      // Best of the rounds per size: load from elsewhere on a shared machine only adds time, and
      // one slow phase landing on one size (even ×1.6 against its neighbours, in either direction)
      // is not scaling. The median over rounds is printed beside it.
      const measured = sizes.filter((live) => samples.has(live) && (failed === null || live < failed.live));
      const pts: ScaleOutcome[] = measured.map((live) => foldPoints(samples.get(live)!, (xs) => Math.min(...xs)));
      const medians = measured.map((live) => foldPoints(samples.get(live)!, median));
      if (failed !== null) pts.push(failed);
      out[model] = pts;
      const rows: string[][] = [];
      let prev: ScalePoint | null = null;
      for (const p of pts) {
        if (!isPoint(p)) {
          rows.push([count(p.live), 'unavailable']);
          notes.push(`${model} at ${count(p.live)}: ${firstLine(p.error)}`);
          continue;
        }
        const g = (a: number, b: number | undefined): string => (b === undefined ? '' : ratio(a / b));
        rows.push([
          count(p.live),
          ns(p.allocNsPerOp),
          g(p.allocNsPerOp, prev?.allocNsPerOp),
          ns(p.mutatorNsPerOp),
          g(p.mutatorNsPerOp, prev?.mutatorNsPerOp),
          String(p.gcCyclesPerWindow),
          ms(p.gcMs),
          g(p.gcMs, prev?.gcMs),
          ns(p.gcNsPerObject),
        ]);
        prev = p;
      }
      ctx.print(`\n${model}`);
      ctx.print(table(['live', 'alloc/op', '×prev', 'mutator/op', '×prev', 'GCs/window', 'hp.gc()', '×prev', 'GC/live obj'], rows));
      const ok = pts.filter(isPoint);
      // Judged on mutator time: with fewer than ~130k live objects the 4 MB heap minimum spaces
      // GCs out, so GC-inclusive cost rises up to 10^5 by design (Go's pacer does the same).
      // GC growth is judged from 10^5 up: below that, per-cycle fixed costs dominate.
      const big = ok.filter((p) => p.live >= 1e5);
      if (ok.length >= 2) {
        const allocGrowth = maxGrowth(ok.map((p) => p.mutatorNsPerOp));
        const a = ctx.bar({ name: 'mutator/op growth per 10× live (max)', model, value: allocGrowth, op: '<=', limit: growthAllowance, unit: '×' });
        let line = `alloc cost flat: max growth of mutator/op ${ratio(allocGrowth)} per 10× live (<= ${growthAllowance}×) ${verdict(a)}`;
        if (big.length >= 2) {
          const gcGrowth = maxGrowth(big.map((p) => p.gcNsPerObject));
          const b = ctx.bar({ name: 'GC/live obj growth per 10× live, >= 10^5 (max)', model, value: gcGrowth, op: '<=', limit: growthAllowance, unit: '×' });
          line += `; GC at most linear: max growth of GC per live object from 10^5 up ${ratio(gcGrowth)} (<= ${growthAllowance}×) ${verdict(b)}`;
        }
        const medAlloc = maxGrowth(medians.map((p) => p.mutatorNsPerOp));
        const medGc = maxGrowth(medians.filter((p) => p.live >= 1e5).map((p) => p.gcNsPerObject));
        ctx.print(`${line}\n  (median over rounds instead of best: mutator/op growth ${ratio(medAlloc)}, GC/live obj growth ${ratio(medGc)})`);
      }
    }
    ctx.print(`each size measured in ${rounds} round(s), a fresh process each, and the best (lowest) over rounds shown and judged; within a round: window = allocations timed per repetition (max(live, 2^${ctx.quick ? 18 : 21})), median of ${ctx.quick ? 2 : 5} (1 at 10^7); hp.gc() median of as many as fit in ~100 ms (3-50; 2 at 10^7) after a warm-up cycle. alloc/op includes the GC cycles malloc starts, mutator/op does not.`);
    for (const n of notes) ctx.print(`  ! ${n}`);
    return out;
  },
};
