/**
 * Section `anchors`: the three workloads of shared/anchors/go-malloc/alloc_test.go run on the
 * engine, per model, GOGC=100, one P. Same shapes as the Go benchmark: `ring[i mod n] = malloc`,
 * the ring being the only roots. Each model runs in its own process; each workload gets a fresh
 * Heap, is warmed up, then timed in several repetitions of ~0.6 s (median reported).
 */
import type { BenchContext, BenchSection, ModelName } from './lib/types';
import { errorText, firstLine, loadEngine, ringRoots, timeGCs } from './lib/engine';
import { calibrate, median, spreadPct } from './lib/stats';
import { heading, int, ns, pct, table } from './table';

export interface AnchorWorkload {
  readonly name: string;
  /** The Go benchmark function measuring the same thing. */
  readonly goBench: string;
  /** Sizes cycled through (`sizes[i mod len]`). */
  readonly sizes: readonly number[];
  readonly noscan: boolean;
  readonly ring: number;
}

export const anchorWorkloads: readonly AnchorWorkload[] = [
  { name: 'new32scan', goBench: 'BenchmarkNew32Scan', sizes: [32], noscan: false, ring: 4096 },
  { name: 'mixedNoscan', goBench: 'BenchmarkMixedNoscan', sizes: [8, 24, 48, 100, 500, 1024, 3000, 9000], noscan: true, ring: 4096 },
  { name: 'large40k', goBench: 'BenchmarkLarge40K', sizes: [40000], noscan: true, ring: 64 },
];

export interface WorkloadResult {
  readonly nsPerOp: number;
  readonly repsNsPerOp: readonly number[];
  readonly spreadPct: number;
  readonly iterationsPerRep: number;
  /** Share of the timed repetitions spent in GC cycles (median over repetitions). */
  readonly gcSharePct: number;
  readonly gcCycles: number;
  readonly invariantViolations: readonly string[];
}

export type WorkloadOutcome = WorkloadResult | { readonly error: string };
export type ModelOutcome = { readonly workloads: Record<string, WorkloadOutcome> } | { readonly error: string };
export interface AnchorsResult {
  readonly models: Partial<Record<ModelName, ModelOutcome>>;
}

export interface MeasureArgs {
  readonly model: ModelName;
  readonly quick: boolean;
  /** Timed repetitions per workload (default 5; 2 with quick). */
  readonly reps?: number;
}

/** Child process: every workload on one model. */
export async function measureModel(args: MeasureArgs): Promise<Record<string, WorkloadOutcome>> {
  const { Heap } = await loadEngine();
  const out: Record<string, WorkloadOutcome> = {};
  const warmupMs = args.quick ? 100 : 400;
  const targetMs = args.quick ? 150 : 600;
  const reps = args.reps ?? (args.quick ? 2 : 5);
  for (const w of anchorWorkloads) {
    try {
      const hp = new Heap({ model: args.model, gogc: 100 });
      const gct = timeGCs(hp);
      const ring = new Float64Array(w.ring);
      ringRoots(hp, ring);
      const mask = w.ring - 1;
      const sizes = w.sizes;
      const smask = sizes.length - 1;
      const noscan = w.noscan;
      let i = 0;
      const run = (n: number): void => {
        const end = i + n;
        for (; i < end; i++) ring[i & mask] = hp.malloc(sizes[i & smask], noscan);
      };
      const iters = calibrate(run, warmupMs, targetMs);
      const repsNs: number[] = [];
      const gcShares: number[] = [];
      const cycles0 = gct.cycles;
      for (let r = 0; r < reps; r++) {
        const g0 = gct.ms;
        const t0 = performance.now();
        run(iters);
        const dt = performance.now() - t0;
        repsNs.push((dt * 1e6) / iters);
        gcShares.push(((gct.ms - g0) / dt) * 100);
      }
      out[w.name] = {
        nsPerOp: median(repsNs),
        repsNsPerOp: repsNs,
        spreadPct: spreadPct(repsNs),
        iterationsPerRep: iters,
        gcSharePct: median(gcShares),
        gcCycles: gct.cycles - cycles0,
        invariantViolations: hp.checkInvariants().slice(0, 5),
      };
    } catch (e) {
      out[w.name] = { error: errorText(e) };
    }
  }
  return out;
}

export function isWorkloadResult(o: WorkloadOutcome | undefined): o is WorkloadResult {
  return o !== undefined && !('error' in o);
}

/** ns/op of a workload on a model, or undefined when that model or workload failed. */
export function anchorNs(res: AnchorsResult | undefined, model: ModelName, workload: string): number | undefined {
  const m = res?.models[model];
  if (m === undefined || 'error' in m) return undefined;
  const w = m.workloads[workload];
  return isWorkloadResult(w) ? w.nsPerOp : undefined;
}

export const section: BenchSection = {
  name: 'anchors',
  title: 'Anchor workloads on the engine (alloc_test.go shapes, GOGC=100)',
  async run(ctx: BenchContext): Promise<AnchorsResult> {
    ctx.print(heading(this.title));
    const models: Partial<Record<ModelName, ModelOutcome>> = {};
    for (const model of ctx.models) {
      ctx.progress(`anchors: ${model}`);
      const r = await ctx.inChild<Record<string, WorkloadOutcome>>(__filename, 'measureModel', { model, quick: ctx.quick } satisfies MeasureArgs);
      models[model] = r.ok ? { workloads: r.value } : { error: r.error };
    }
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const w of anchorWorkloads) {
      for (const model of ctx.models) {
        const m = models[model]!;
        const o = 'error' in m ? m : m.workloads[w.name];
        if (!isWorkloadResult(o)) {
          rows.push([w.name, model, 'unavailable', '', '', '', '', '']);
          const note = 'error' in m ? `${model} unavailable: ${firstLine(m.error)}` : `${model} ${w.name}: ${firstLine(o?.error ?? 'no result')}`;
          if (!notes.includes(note)) notes.push(note);
          continue;
        }
        rows.push([
          w.name,
          model,
          ns(o.nsPerOp),
          `±${pct(o.spreadPct / 2)}`,
          pct(o.gcSharePct),
          int(o.gcCycles),
          int(o.iterationsPerRep),
          o.invariantViolations.length === 0 ? 'ok' : `${o.invariantViolations.length}+ violated`,
        ]);
        if (o.invariantViolations.length > 0) notes.push(`${model} ${w.name}: ${o.invariantViolations[0]}`);
      }
    }
    ctx.print(table(['workload', 'model', 'ns/op (median)', 'spread', 'in GC', 'GCs', 'iters/rep', 'invariants'], rows));
    const reps = ctx.quick ? 2 : 5;
    ctx.print(`median of ${reps} repetitions after warm-up; spread = half of (max-min)/median; "in GC" = share of time inside GC cycles started by malloc (sweeping counts as allocation, as in Go).`);
    for (const n of notes) ctx.print(`  ! ${n}`);
    return { models };
  },
};
