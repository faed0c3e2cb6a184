/**
 * Section `fidelity`: every recorded trace in test/fixtures/traces (real Go 1.19 programs under
 * GODEBUG=allocfreetrace=1, recorded by examples/go/record-traces.sh) replayed on each model, and
 * how often the model agrees with the real run: size class (bar: 100% wherever the model has the
 * real class — see src/program/replay/fidelity.ts for which allocations are comparable) and offset
 * within the span (reported per program, no bar: it depends on things a trace cannot carry).
 *
 * Not a timing: the traces are parsed once and replayed on all models in one streamed pass, in
 * process, through the source modules. Replay time is printed for information only.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchSection, ModelName } from './lib/types';
import { replayTraceStream } from '../src/program/replay/index';
import { heading, int, table, verdict } from './table';

const traceDir = resolve(__dirname, '..', 'test', 'fixtures', 'traces');

export interface FidelityRow {
  readonly program: string;
  readonly model: ModelName;
  readonly allocs: number;
  readonly frees: number;
  readonly gcs: number;
  readonly classComparable: number;
  readonly classAgree: number;
  /** classAgree / classComparable (1 when nothing is comparable). */
  readonly classAgreement: number;
  readonly offsetComparable: number;
  readonly offsetAgree: number;
  readonly offsetAgreement: number;
  readonly errors: number;
}

export interface FidelityResult {
  readonly traces: readonly string[];
  readonly rows: readonly FidelityRow[];
  readonly replayMs: Readonly<Record<string, number>>;
}

const pct1 = (x: number): string => `${(100 * x).toFixed(1)}%`;

export const section: BenchSection = {
  name: 'fidelity',
  title: 'Replay fidelity: recorded Go 1.19 traces on each model (size class, offset in span)',
  async run(ctx: BenchContext): Promise<FidelityResult> {
    ctx.print(heading(this.title));
    const traces = readdirSync(traceDir)
      .filter((f) => f.endsWith('.trace'))
      .sort();
    const rows: FidelityRow[] = [];
    const replayMs: Record<string, number> = {};
    for (const f of traces) {
      const program = f.replace(/\.trace$/, '');
      ctx.progress(`fidelity: ${program}`);
      const t0 = performance.now();
      const run = await replayTraceStream(createReadStream(join(traceDir, f)), ctx.models.map((model) => ({ model, checkInvariants: 'end' as const })));
      replayMs[program] = performance.now() - t0;
      const parseErrors = run.diagnostics.filter((d) => d.severity === 'error').length;
      for (const r of run.results) {
        const t = r.fidelity.totals;
        rows.push({
          program,
          model: r.model,
          allocs: t.allocs,
          frees: t.frees,
          gcs: r.stats.gcs,
          classComparable: t.classComparable,
          classAgree: t.classAgree,
          classAgreement: t.classComparable === 0 ? 1 : t.classAgree / t.classComparable,
          offsetComparable: t.offsetComparable,
          offsetAgree: t.offsetAgree,
          offsetAgreement: t.offsetComparable === 0 ? 1 : t.offsetAgree / t.offsetComparable,
          errors: parseErrors + r.diagnostics.filter((d) => d.severity === 'error').length + (r.failed ? 1 : 0),
        });
      }
    }
    ctx.print(
      table(
        ['program', 'model', 'allocs', 'frees', 'GCs', 'class comparable', 'class agree', 'offset comparable', 'offset agree', 'errors'],
        rows.map((r) => [r.program, r.model, int(r.allocs), int(r.frees), int(r.gcs), int(r.classComparable), pct1(r.classAgreement), int(r.offsetComparable), pct1(r.offsetAgreement), String(r.errors)]),
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    ctx.print(`(class comparable: allocations whose Go 1.19 class the model also has; offset comparable: classes agree and the class has more than one object per span)`);
    for (const model of ctx.models) {
      const mine = rows.filter((r) => r.model === model);
      if (mine.length === 0) continue;
      const worst = Math.min(...mine.map((r) => r.classAgreement));
      // bar: 100% size-class agreement on every recorded trace, as "disagreement ≤ 0%"
      const pass = ctx.bar({ name: 'size-class disagreement, worst trace', model, value: 100 * (1 - worst), op: '<=', limit: 0, unit: '%' });
      ctx.print(`${model}: size-class agreement on every trace ${verdict(pass)} (worst ${pct1(worst)}); offset agreement ${mine.map((r) => `${r.program} ${pct1(r.offsetAgreement)}`).join(', ')}`);
    }
    return { traces, rows, replayMs };
  },
};
