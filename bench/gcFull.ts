/**
 * Section `gcfull`: runtime.GC() (hp.gc(): a full cycle, then sweep everything) on a heap holding
 * 1,000,000 live 32-byte pointerful objects, and what that heap costs the host in memory.
 * Bars: GC under 0.5 s; engine memory under 200 MB (reported, not asserted).
 *
 * Memory is measured in a fresh `node --expose-gc` process per model: heapUsed + external
 * (typed-array stores live outside the JS heap) after collecting garbage, before building the
 * heap and after it. The root ring (a Float64Array of the live addresses, the program's not the
 * engine's) is allocated before the first reading, so it is not counted.
 */
import type { BenchContext, BenchSection, ModelName } from './lib/types';
import { firstLine, loadEngine, ringRoots, settledMemory } from './lib/engine';
import { median, spreadPct } from './lib/stats';
import { count, heading, int, mb, ms, table, verdict } from './table';

const LIVE = 1_000_000;
const gcLimitMs = 500;
const memLimitBytes = 200e6;

export interface FullGCResult {
  readonly live: number;
  readonly gcMs: number;
  readonly gcRepsMs: readonly number[];
  readonly gcSpreadPct: number;
  readonly markedObjects: number;
  readonly buildMs: number;
  readonly autoGCs: number;
  readonly spans: number;
  readonly heapInuse: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  readonly engineBytes: number;
  readonly rssBytes: number;
  readonly ringBytes: number;
  readonly invariantViolations: readonly string[];
}

interface Args {
  readonly model: ModelName;
  readonly live: number;
  readonly reps: number;
}

/** Child process: build the heap, time hp.gc(), measure memory. */
export async function measureFullGC(a: Args): Promise<FullGCResult> {
  const { Heap } = await loadEngine();
  const ring = new Float64Array(a.live);
  const m0 = await settledMemory();
  const t0 = performance.now();
  const hp = new Heap({ model: a.model, gogc: 100 });
  ringRoots(hp, ring);
  for (let i = 0; i < a.live; i++) ring[i] = hp.malloc(32, false);
  const buildMs = performance.now() - t0;
  const autoGCs = hp.h.memstats.numgc;
  hp.gc(); // warm-up: also sweeps what the build left
  const reps: number[] = [];
  let marked = 0;
  for (let r = 0; r < a.reps; r++) {
    const t = performance.now();
    marked = hp.gc().markedObjects;
    reps.push(performance.now() - t);
  }
  const invariantViolations = hp.checkInvariants().slice(0, 5);
  const m1 = await settledMemory();
  const st = hp.h.memstats; // keeps hp alive past the second reading
  return {
    live: a.live,
    gcMs: median(reps),
    gcRepsMs: reps,
    gcSpreadPct: spreadPct(reps),
    markedObjects: marked,
    buildMs,
    autoGCs,
    spans: hp.h.allspans.size,
    heapInuse: st.heap_inuse,
    heapUsedBytes: m1.heapUsed - m0.heapUsed,
    externalBytes: m1.external - m0.external,
    engineBytes: m1.heapUsed + m1.external - (m0.heapUsed + m0.external),
    rssBytes: m1.rss - m0.rss,
    ringBytes: ring.byteLength,
    invariantViolations,
  };
}

export type FullGCOutcome = FullGCResult | { readonly error: string };

export const section: BenchSection = {
  name: 'gcfull',
  title: `Full GC of ${count(LIVE)} live 32-byte objects, and the engine's memory for that heap`,
  async run(ctx: BenchContext): Promise<Partial<Record<ModelName, FullGCOutcome>>> {
    ctx.print(heading(this.title));
    const out: Partial<Record<ModelName, FullGCOutcome>> = {};
    const rows: string[][] = [];
    const notes: string[] = [];
    for (const model of ctx.models) {
      ctx.progress(`gcfull: ${model}`);
      const r = await ctx.inChild<FullGCResult>(__filename, 'measureFullGC', { model, live: LIVE, reps: ctx.quick ? 2 : 5 } satisfies Args);
      if (!r.ok) {
        out[model] = { error: r.error };
        rows.push([model, 'unavailable']);
        notes.push(`${model}: ${firstLine(r.error)}`);
        continue;
      }
      const v = r.value;
      out[model] = v;
      const gcPass = ctx.bar({ name: `full GC, ${count(LIVE)} live`, model, value: v.gcMs, op: '<', limit: gcLimitMs, unit: 'ms' });
      const memPass = ctx.bar({ name: `engine memory, ${count(LIVE)} live`, model, value: v.engineBytes / 1e6, op: '<', limit: memLimitBytes / 1e6, unit: 'MB' });
      rows.push([
        model,
        ms(v.gcMs),
        verdict(gcPass),
        mb(v.engineBytes),
        verdict(memPass),
        mb(v.heapUsedBytes),
        mb(v.externalBytes),
        mb(v.rssBytes),
        `${(v.engineBytes / v.live).toFixed(1)} B`,
        int(v.markedObjects),
        int(v.spans),
        ms(v.buildMs),
        v.invariantViolations.length === 0 ? 'ok' : `${v.invariantViolations.length}+ violated`,
      ]);
      if (v.markedObjects !== v.live) notes.push(`${model}: marked ${v.markedObjects} objects, expected ${v.live}`);
      if (v.invariantViolations.length > 0) notes.push(`${model}: ${v.invariantViolations[0]}`);
    }
    ctx.print(
      table(
        ['model', 'hp.gc()', `< ${gcLimitMs} ms`, 'engine mem', `< ${memLimitBytes / 1e6} MB`, 'heapUsed', 'external', 'rss', 'per object', 'marked', 'spans', 'build', 'invariants'],
        rows,
      ),
    );
    ctx.print(`hp.gc(): median of ${ctx.quick ? 2 : 5} after one warm-up cycle; engine mem = Δ(heapUsed + external) around building the heap (root ring of ${mb(LIVE * 8)} excluded); build = ${count(LIVE)} mallocs incl. automatic GCs.`);
    for (const n of notes) ctx.print(`  ! ${n}`);
    return out;
  },
};
