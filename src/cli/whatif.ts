/**
 * What-if comparisons: the same script under several settings — models × GOGC × procs, the cross
 * product of the lists given — each run to the end with its memory curve sampled, and the
 * variants set side by side (table, JSON, peak-memory SVG, page maps at a chosen statement).
 * Pure: text in, data and text out; the CLI (`goheap compare`) and the extension's "Compare
 * What-ifs…" command both call it.
 *
 * Sampling (no hook inside the interpreter is needed): the run is driven in chunks of K
 * statements with `Interpreter.run(K)` — which runs exactly K statements, fast path included —
 * and memstats are read after each chunk; a GC cycle is also sampled the moment it ends, from
 * the interpreter's `onOutput` (the gctrace line is emitted right after the statement whose
 * allocation triggered it). K starts at 1 and doubles whenever the samples reach 2 × maxPoints,
 * which halves them, so a run of any length keeps between maxPoints and 2 × maxPoints samples and
 * the chunk loop adds O(log n + n/K) calls. Peaks are taken over every sample before halving.
 *
 * Fragmentation (the table's, and `goheap run`'s): 1 − heap_alloc / heap_inuse, the share of the
 * bytes of in-use spans that hold no allocated object: free slots and span tails (and, in go1.5,
 * stack spans, which that era counts in heap_inuse). Size-class rounding is not in it: heap_alloc
 * counts each object at its class size (`goheap report` shows rounding waste per class).
 */
import { compile, formatDiagnostics, type Settings } from '../program/index';
import { Interpreter } from '../program/interpreter';
import { MODELS, validateSetting, type ModelName } from '../program/settings';
import type { PageRun } from '../protocol/heapview';
import { pageRuns } from './pageruns';
import { fragmentation, formatBytes } from './report';
import { linePlot } from './svg/lineplot';
import { pageMapSvg } from './svg/pagemap';

export const FRAGMENTATION_NOTE = 'fragmentation = 1 − heap_alloc / heap_inuse: share of in-use span bytes holding no allocated object (free slots, span tails; go1.5 also stacks); size-class rounding is not included';

/** The lists to cross; null = not varied (the script's own setting, or an override). */
export interface WhatIfAxes {
  readonly models: readonly ModelName[] | null;
  readonly gogc: readonly (number | 'off')[] | null;
  readonly procs: readonly number[] | null;
}

export interface Variant {
  readonly model: ModelName | null;
  readonly gogc: number | 'off' | null;
  readonly procs: number | null;
  /** Short name: the settings that vary between variants ("go1.14 GOGC=50 P=4"). */
  readonly label: string;
}

function splitList(raw: unknown): string[] {
  return String(raw)
    .split(',')
    .map((s) => s.trim());
}

/**
 * Axes from CLI-like input. `models` is the `--models` list, `model`, `gogc`, `procs` the raw flag
 * values (a single value or a comma-separated list). With no model given and nothing else varied,
 * the models axis is all three (what `compare` always did); with GOGC or procs varied and no model
 * given, the script's own model is kept. Returns an error sentence for bad input.
 */
export function parseWhatIfAxes(input: { models?: readonly string[] | null; model?: unknown; gogc?: unknown; procs?: unknown }): WhatIfAxes | string {
  let models: ModelName[] | null = null;
  const rawModels = input.models ?? (input.model !== undefined ? splitList(input.model) : null);
  if (rawModels !== null) {
    const bad = rawModels.filter((m) => !(MODELS as readonly string[]).includes(m));
    if (bad.length > 0 || rawModels.length === 0) return `unknown model${bad.length === 1 ? '' : 's'} ${bad.map((b) => `\`${b}\``).join(', ') || '(empty list)'}; valid models: ${MODELS.join(', ')}`;
    models = rawModels as ModelName[];
  }
  let gogc: (number | 'off')[] | null = null;
  if (input.gogc !== undefined) {
    gogc = [];
    for (const s of splitList(input.gogc)) {
      const v = s === 'off' ? 'off' : /^\d{1,16}$/.test(s) ? Number(s) : null;
      if (v === null) return `--gogc: \`${s}\` is not a percentage or \`off\` (expected a list such as 50,100,200)`;
      const pr = validateSetting('gogc', v);
      if (pr !== null) return `--gogc: ${pr.message}`;
      gogc.push(v);
    }
  }
  let procs: number[] | null = null;
  if (input.procs !== undefined) {
    procs = [];
    for (const s of splitList(input.procs)) {
      if (!/^\d{1,16}$/.test(s)) return `--procs: \`${s}\` is not a number of Ps (expected a list such as 1,4)`;
      const pr = validateSetting('procs', Number(s));
      if (pr !== null) return `--procs: ${pr.message}`;
      procs.push(Number(s));
    }
  }
  if (models === null && (gogc === null || gogc.length < 2) && (procs === null || procs.length < 2)) models = [...MODELS];
  return { models, gogc, procs };
}

/** The cross product, models outermost, then GOGC, then procs. */
export function variantsOf(axes: WhatIfAxes): Variant[] {
  const ms = axes.models ?? [null];
  const gs = axes.gogc ?? [null];
  const ps = axes.procs ?? [null];
  const out: Variant[] = [];
  for (const model of ms)
    for (const gogc of gs)
      for (const procs of ps) {
        const parts: string[] = [];
        if (model !== null && (ms.length > 1 || (gs.length < 2 && ps.length < 2))) parts.push(model);
        if (gogc !== null && gs.length > 1) parts.push(`GOGC=${gogc}`);
        if (procs !== null && ps.length > 1) parts.push(`P=${procs}`);
        out.push({ model, gogc, procs, label: parts.join(' ') || 'script settings' });
      }
  return out;
}

export function variantOverrides(base: Record<string, unknown>, v: Variant): Record<string, unknown> {
  const o: Record<string, unknown> = { ...base };
  if (v.model !== null) o.model = v.model;
  if (v.gogc !== null) o.gogc = v.gogc;
  if (v.procs !== null) o.procs = v.procs;
  return o;
}

export interface Sample {
  /** Statements executed when the sample was taken. */
  readonly executed: number;
  readonly heap_sys: number;
  readonly heap_inuse: number;
  readonly heap_alloc: number;
  readonly heap_released: number;
  readonly numgc: number;
}

export interface SampledRun {
  readonly samples: Sample[];
  /** Statements executed when each GC cycle ended (every cycle). */
  readonly gcAt: number[];
  readonly peakHeapSys: number;
  readonly peakHeapInuse: number;
  /** The final chunk size K. */
  readonly every: number;
}

/**
 * Run `it` to its end (or its fault), sampling memstats as described in the header. Keeps `it.onOutput` working for the caller.
 */
export function runSampled(it: Interpreter, opts: { maxPoints?: number } = {}): SampledRun {
  const maxPoints = Math.max(2, opts.maxPoints ?? 600);
  const st = it.heap.h.memstats;
  let samples: Sample[] = [];
  const gcAt: number[] = [];
  let peakSys = 0;
  let peakInuse = 0;
  let lastGC = st.numgc;
  const take = (): void => {
    const s: Sample = { executed: it.executed, heap_sys: st.heap_sys, heap_inuse: st.heap_inuse, heap_alloc: st.heap_alloc, heap_released: st.heap_released, numgc: st.numgc };
    if (s.heap_sys > peakSys) peakSys = s.heap_sys;
    if (s.heap_inuse > peakInuse) peakInuse = s.heap_inuse;
    const last = samples[samples.length - 1];
    if (last !== undefined && last.executed === s.executed && last.numgc === s.numgc && last.heap_sys === s.heap_sys && last.heap_inuse === s.heap_inuse) return;
    samples.push(s);
  };
  const prev = it.onOutput;
  it.onOutput = (line) => {
    if (st.numgc !== lastGC) {
      for (let n = lastGC; n < st.numgc; n++) gcAt.push(it.executed);
      lastGC = st.numgc;
      take();
    }
    if (prev !== null) prev(line);
  };
  let k = 1;
  take();
  try {
    while (it.status === 'ready' || it.status === 'paused') {
      it.run(k);
      take();
      if (samples.length >= 2 * maxPoints) {
        const last = samples[samples.length - 1];
        samples = samples.filter((_, i) => i % 2 === 0);
        if (samples[samples.length - 1] !== last) samples.push(last);
        k *= 2;
      }
    }
  } finally {
    it.onOutput = prev;
  }
  return { samples, gcAt, peakHeapSys: peakSys, peakHeapInuse: peakInuse, every: k };
}

export interface VariantResult {
  readonly label: string;
  readonly settings: Settings;
  /** 'ok', 'N expect failed', 'faulted: …', 'failed: …'. */
  readonly status: string;
  readonly ok: boolean;
  readonly executed: number;
  readonly heap_sys: number;
  readonly heap_inuse: number;
  readonly heap_idle: number;
  readonly heap_released: number;
  /** Live bytes: heap_alloc (objects allocated and not yet freed by a sweep). */
  readonly live: number;
  readonly fragmentation: number;
  readonly numgc: number;
  readonly peak_heap_sys: number;
  readonly peak_heap_inuse: number;
  readonly samples: readonly Sample[];
  readonly gcAt: readonly number[];
}

export type WhatIfOutcome = { ok: true; results: VariantResult[] } | { ok: false; error: string };

function statusOf(it: Interpreter): { status: string; ok: boolean } {
  if (it.status === 'done' && it.expectFailures.length === 0) return { status: 'ok', ok: true };
  if (it.status === 'done') return { status: `${it.expectFailures.length} expect failed`, ok: false };
  return { status: `${it.status}${it.fault !== null ? `: ${it.fault.message}` : ''}`, ok: false };
}

/** Compile and run every variant. A script error (in any variant's settings) stops it: the diagnostics, formatted. */
export function runWhatIfs(text: string, fileName: string, variants: readonly Variant[], base: Record<string, unknown>, opts: { maxPoints?: number } = {}): WhatIfOutcome {
  const results: VariantResult[] = [];
  for (const v of variants) {
    const c = compile(text, variantOverrides(base, v));
    if (!c.ok) return { ok: false, error: `${v.label}:\n` + formatDiagnostics(text, c.diagnostics.filter((d) => d.severity === 'error'), fileName) };
    const it = new Interpreter(c.program, c.settings);
    const run = runSampled(it, { maxPoints: opts.maxPoints });
    const st = it.heap.h.memstats;
    const { status, ok } = statusOf(it);
    results.push({
      label: v.label,
      settings: c.settings,
      status,
      ok,
      executed: it.executed,
      heap_sys: st.heap_sys,
      heap_inuse: st.heap_inuse,
      heap_idle: st.heap_idle,
      heap_released: st.heap_released,
      live: st.heap_alloc,
      fragmentation: fragmentation(it.heap),
      numgc: st.numgc,
      peak_heap_sys: run.peakHeapSys,
      peak_heap_inuse: run.peakHeapInuse,
      samples: run.samples,
      gcAt: run.gcAt,
    });
  }
  return { ok: true, results };
}

/** The table's rows: one column per variant. */
export function whatIfRows(results: readonly VariantResult[]): { head: string[]; rows: string[][] } {
  return {
    head: ['', ...results.map((r) => r.label)],
    rows: [
      ['heap_sys', ...results.map((r) => formatBytes(r.heap_sys))],
      ['heap_inuse', ...results.map((r) => formatBytes(r.heap_inuse))],
      ['heap_idle', ...results.map((r) => formatBytes(r.heap_idle))],
      ['heap_released', ...results.map((r) => formatBytes(r.heap_released))],
      ['live bytes', ...results.map((r) => formatBytes(r.live))],
      ['fragmentation*', ...results.map((r) => `${(100 * r.fragmentation).toFixed(1)}%`)],
      ['GC cycles', ...results.map((r) => String(r.numgc))],
      ['peak heap_sys', ...results.map((r) => formatBytes(r.peak_heap_sys))],
      ['peak heap_inuse', ...results.map((r) => formatBytes(r.peak_heap_inuse))],
      ['result', ...results.map((r) => r.status)],
    ],
  };
}

/** The side-by-side table as text, with the fragmentation footnote. */
export function formatWhatIfTable(results: readonly VariantResult[]): string {
  const { head, rows } = whatIfRows(results);
  const all = [head, ...rows];
  const w = head.map((_, i) => Math.max(...all.map((l) => l[i].length)));
  return all.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n') + `\n* ${FRAGMENTATION_NOTE}\n`;
}

/** The `--json` document. Samples are included (they are what the SVG draws). */
export function whatIfJson(fileName: string, results: readonly VariantResult[], svg: string | null): Record<string, unknown> {
  return {
    file: fileName,
    fragmentation: FRAGMENTATION_NOTE,
    svg,
    rows: results.map((r) => ({
      label: r.label,
      model: r.settings.model,
      gogc: r.settings.gogc,
      procs: r.settings.procs,
      status: r.status,
      statements: r.executed,
      heap_sys: r.heap_sys,
      heap_inuse: r.heap_inuse,
      heap_idle: r.heap_idle,
      heap_released: r.heap_released,
      live: r.live,
      fragmentation: r.fragmentation,
      numgc: r.numgc,
      peak_heap_sys: r.peak_heap_sys,
      peak_heap_inuse: r.peak_heap_inuse,
      samples: r.samples.map((s) => [s.executed, s.heap_sys, s.heap_inuse, s.heap_alloc, s.heap_released, s.numgc]),
      sampleFields: ['executed', 'heap_sys', 'heap_inuse', 'heap_alloc', 'heap_released', 'numgc'],
    })),
  };
}

/** The peak-memory curves: a heap_sys panel and a heap_inuse panel, one path per variant in each. */
export function whatIfSvg(fileName: string, results: readonly VariantResult[]): string {
  const series = (f: 'heap_sys' | 'heap_inuse') => results.map((r) => ({ name: r.label, points: r.samples.map((s) => [s.executed, s[f]] as const) }));
  return linePlot({
    title: `Peak memory: ${fileName}`,
    subtitle: 'heap_sys and heap_inuse over statements executed, one curve per variant',
    xLabel: 'statements executed',
    panels: [
      { title: 'heap_sys (bytes obtained from the OS for the heap)', yLabel: 'heap_sys', bytes: true, series: series('heap_sys') },
      { title: 'heap_inuse (bytes in in-use spans)', yLabel: 'heap_inuse', bytes: true, series: series('heap_inuse') },
    ],
  });
}

/**
 * Each variant's page map at a chosen statement: run until the statement on `line` (0-based) is
 * about to run for the first time, or to the end when it never runs (`reached` false).
 */
export function pageMapsAt(text: string, variants: readonly Variant[], base: Record<string, unknown>, line: number | null): { label: string; reached: boolean; executed: number; runs: PageRun[]; svg: string }[] | string {
  const out: { label: string; reached: boolean; executed: number; runs: PageRun[]; svg: string }[] = [];
  for (const v of variants) {
    const c = compile(text, variantOverrides(base, v));
    if (!c.ok) return `${v.label}: the script has errors`;
    const it = new Interpreter(c.program, c.settings);
    if (line === null) it.run();
    else if (it.current()?.line !== line) it.run(Infinity, (s) => s.line === line);
    const reached = line !== null && it.current()?.line === line;
    const runs = pageRuns(it.heap);
    const where = line === null ? 'at the end' : reached ? `before line ${line + 1}` : 'at the end (line never reached)';
    out.push({ label: v.label, reached, executed: it.executed, runs, svg: pageMapSvg(runs, { title: `${v.label}: ${where}, ${it.executed} statements`, arenaStart: it.heap.h.model.arenaStart, pagesPerRow: 64, maxRows: 128 }) });
  }
  return out;
}
