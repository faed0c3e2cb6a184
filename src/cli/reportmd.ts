/**
 * `goheap report FILE [-o report.md]`: a Markdown report of one run that a user can attach to a
 * bug or a design doc — the settings, the memstats table, spans by size class with their waste
 * (spanwaste.ts), the page map, the timeline and the spans-by-class bars as SVG images written
 * beside the report and linked from it, and the GC cycles as gctrace lines.
 *
 * `buildReport` is pure (text in, Markdown and SVG strings out); `writeReport` writes the files.
 * The default output is NAME.report.md beside the script; images are REPORT.pagemap.svg,
 * REPORT.timeline.svg and REPORT.classes.svg beside the report (REPORT = its name without .md).
 * Every number comes from the engine's memstats and the size-class table after the run; the same
 * script and settings give the same report byte for byte (no dates, no absolute paths).
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compile, formatDiagnostics } from '../program/index';
import { Interpreter } from '../program/interpreter';
import { gctraceLine } from '../program/gctrace';
import { memStatsRecord, fragmentation, formatBytes } from './report';
import { classWaste, type ClassWasteRow } from './spanwaste';
import { pageRuns } from './pageruns';
import { FRAGMENTATION_NOTE, runSampled } from './whatif';
import { linePlot } from './svg/lineplot';
import { pageMapSvg } from './svg/pagemap';
import { classBarsSvg } from './svg/classbars';
import { EXIT_FAILED, EXIT_OK, EXIT_SCRIPT_ERROR, type RunIO } from './runner';

export interface ReportImage {
  /** File name, relative to the report. */
  readonly name: string;
  readonly svg: string;
}

export interface BuiltReport {
  readonly markdown: string;
  readonly images: readonly ReportImage[];
  /** The run finished with no failed expect and no fault. */
  readonly ok: boolean;
  readonly interpreter: Interpreter;
  readonly classes: readonly ClassWasteRow[];
}

/** Shown in the GC section: the first and last cycles when there are many. */
const GC_HEAD = 100;
const GC_TAIL = 20;
/** GC markers on the timeline only up to this many cycles (beyond, the GC-count curve says it). */
const MAX_MARKERS = 200;

const cell = (s: string | number): string => String(s).replace(/\|/g, '\\|');

function mdTable(head: string[], rows: (string | number)[][], align: ('l' | 'r')[]): string {
  return [`| ${head.map(cell).join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function classLabel(r: Pick<ClassWasteRow, 'sizeclass' | 'elemsize' | 'noscan'>): string {
  return r.sizeclass === 0 ? 'large' : `${r.sizeclass}${r.noscan ? ' noscan' : ''} (${r.elemsize} B)`;
}

/** Compile, run and describe. `imagePrefix` names the images (the report's name without .md). */
export function buildReport(text: string, fileName: string, overrides: Record<string, unknown>, imagePrefix: string): { ok: true; report: BuiltReport } | { ok: false; error: string } {
  const c = compile(text, overrides);
  if (!c.ok) return { ok: false, error: formatDiagnostics(text, c.diagnostics.filter((d) => d.severity === 'error'), fileName) };
  const it = new Interpreter(c.program, c.settings);
  const run = runSampled(it, { maxPoints: 500 });
  const hp = it.heap;
  const st = hp.h.memstats;
  const ms = memStatsRecord(hp);
  const name = basename(fileName);
  const out: string[] = [];
  const images: ReportImage[] = [];
  out.push(`# Heap report: ${name}`, '');
  out.push(`Written by \`goheap report\`. The simulation is deterministic: the same script and settings give this report byte for byte.`, '');

  out.push('## Settings', '');
  const s = c.settings;
  out.push(
    mdTable(
      ['setting', 'value'],
      [
        ['model', s.model],
        ['procs (GOMAXPROCS)', s.procs],
        ['gogc (GOGC)', s.gogc],
        ['memprofilerate', s.memprofilerate],
        ['physpagesize', s.physpagesize],
        ['seed', s.seed],
      ],
      ['l', 'r'],
    ),
    '',
  );
  const status = it.status === 'done' ? 'ran to the end' : it.status === 'faulted' ? `faulted at line ${it.program.statements[it.fault!.stmt].line + 1}: ${it.fault!.message}` : it.status === 'failed' ? `stopped by a failed assert at line ${it.program.statements[it.fault!.stmt].line + 1}: ${it.fault!.message}` : it.status;
  out.push(`Run: ${status}; ${it.executed} statements, ${st.numgc} GC cycle${st.numgc === 1 ? '' : 's'}, simulated time ${(hp.nanotime / 1e9).toFixed(3)} s.`);
  for (const f of it.expectFailures.slice(0, 20)) out.push(`- expect failed at line ${it.program.statements[f.stmt].line + 1}: ${f.message}`);
  if (it.expectFailures.length > 20) out.push(`- … and ${it.expectFailures.length - 20} more failed expects`);
  out.push('');

  out.push('## Memory statistics', '', 'runtime.MemStats under Go\'s names, plus the pacer\'s internal numbers, after the run.', '');
  const keys = ['HeapAlloc', 'HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'HeapObjects', 'TotalAlloc', 'Mallocs', 'Frees', 'StackInuse', 'StackSys', 'MSpanInuse', 'MSpanSys', 'MCacheInuse', 'MCacheSys', 'BuckHashSys', 'GCSys', 'Sys', 'NextGC', 'NumGC', 'NumForcedGC', 'heap_live', 'heap_marked', 'gc_trigger'];
  const counts = /Objects|Mallocs|Frees|NumGC|NumForcedGC/;
  out.push(mdTable(['field', 'value', ''], keys.map((k) => [k, ms[k], counts.test(k) ? '' : formatBytes(ms[k])]), ['l', 'r', 'r']), '');
  out.push(`Peak over the run (sampled): heap_sys ${formatBytes(run.peakHeapSys)}, heap_inuse ${formatBytes(run.peakHeapInuse)}.`, '');
  out.push(`Fragmentation: ${(100 * fragmentation(hp)).toFixed(1)}% — ${FRAGMENTATION_NOTE}.`, '');

  out.push('## Spans by size class', '');
  const classes = classWaste(hp);
  const n = (v: number | null): string | number => (v === null ? 'n/a' : v);
  const sum = (f: (r: ClassWasteRow) => number | null): number | null => {
    let t = 0;
    for (const r of classes) {
      const v = f(r);
      if (v === null) continue;
      t += v;
    }
    return t;
  };
  out.push(
    'In-use spans only. Object bytes = objects × elemsize (what heap_alloc counts); requested = what the script asked for; rounding waste = object bytes − requested; free slots = (capacity − objects) × elemsize; tail waste = span bytes − capacity × elemsize. For every row, pages × 8192 = requested + rounding + free slots + tail. Large objects keep no request size here, so their rounding is n/a.',
    '',
  );
  out.push(
    mdTable(
      ['class', 'spans', 'pages', 'objects', 'capacity', 'object bytes', 'requested', 'rounding waste', 'free slots', 'tail waste'],
      [
        ...classes.map((r) => [classLabel(r), r.spans, r.pages, r.objects, r.capacity, r.objectBytes, n(r.requested), n(r.rounding), r.freeSlots, r.tail]),
        ['total', sum((r) => r.spans)!, sum((r) => r.pages)!, sum((r) => r.objects)!, sum((r) => r.capacity)!, sum((r) => r.objectBytes)!, n(sum((r) => r.requested)), n(sum((r) => r.rounding)), sum((r) => r.freeSlots)!, sum((r) => r.tail)!],
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
  let manual = 0;
  let manualPages = 0;
  for (const sp of hp.spans())
    if (sp.state === 'mSpanManual') {
      manual++;
      manualPages += sp.npages;
    }
  if (manual > 0) out.push(`Stacks: ${manual} manual span${manual === 1 ? '' : 's'}, ${manualPages} pages.`, '');
  const bars = classes.map((r) => ({ label: r.sizeclass === 0 ? 'large' : `${r.sizeclass}${r.noscan ? 'n' : ''} (${r.elemsize} B)`, requested: r.requested ?? r.objectBytes, rounding: r.rounding ?? 0, freeSlots: r.freeSlots, tail: r.tail }));
  images.push({ name: `${imagePrefix}.classes.svg`, svg: classBarsSvg(bars, `Bytes of in-use spans by size class: ${name}`) });
  out.push(`![Bytes of in-use spans by size class](${images[images.length - 1].name})`, '');

  out.push('## Page map', '');
  const runs = pageRuns(hp);
  images.push({ name: `${imagePrefix}.pagemap.svg`, svg: pageMapSvg(runs, { title: `Page map at the end: ${name} (${s.model})`, arenaStart: hp.h.model.arenaStart }) });
  const pagesOf = (k: string): number => runs.filter((r) => r.kind === k).reduce((a, r) => a + r.npages, 0);
  out.push(
    `The heap's pages in address order from 0x${hp.h.model.arenaStart.toString(16)}: ${pagesOf('inuse')} pages in in-use spans, ${pagesOf('manual')} in stacks, ${pagesOf('free')} free and retained, ${pagesOf('released')} free and released to the OS${s.model === 'go1.14' ? `, ${pagesOf('cached')} in P page caches` : ''}.`,
    '',
    `![Page map](${images[images.length - 1].name})`,
    '',
  );

  out.push('## Timeline', '');
  const ser = (f: 'heap_sys' | 'heap_inuse' | 'heap_alloc' | 'heap_released') => ({ name: f, points: run.samples.map((x) => [x.executed, x[f]] as const) });
  const markers = run.gcAt.length <= MAX_MARKERS ? run.gcAt.map((x, i) => ({ x, label: `GC ${i + 1}` })) : [];
  images.push({
    name: `${imagePrefix}.timeline.svg`,
    svg: linePlot({
      title: `Timeline: ${name} (${s.model}, GOGC=${s.gogc}, ${s.procs} P)`,
      subtitle: markers.length > 0 ? 'dotted lines: GC cycles' : `${run.gcAt.length} GC cycles (see the lower panel)`,
      xLabel: 'statements executed',
      panels: [
        { title: 'heap memory', yLabel: 'bytes', bytes: true, series: [ser('heap_sys'), ser('heap_inuse'), ser('heap_alloc'), ser('heap_released')] },
        { title: 'GC cycles completed', yLabel: 'NumGC', series: [{ name: 'NumGC', points: run.samples.map((x) => [x.executed, x.numgc] as const) }] },
      ],
      markers,
      panelHeight: 180,
    }),
  });
  out.push(`heap_sys, heap_inuse, heap_alloc and heap_released over statements executed (sampled every ${run.every} statement${run.every === 1 ? '' : 's'} and at every GC).`, '', `![Timeline](${images[images.length - 1].name})`, '');

  out.push('## GC cycles', '');
  const cycles = hp.h.cycles;
  if (st.numgc === 0) out.push('No GC cycle ran.', '');
  else {
    out.push(`${st.numgc} cycle${st.numgc === 1 ? '' : 's'}, as \`GODEBUG=gctrace=1\` prints them in ${s.model} (sizes: heap_live at the start -> at mark termination -> marked, in MB; the goal; Ps).`, '');
    const lines = cycles.map((cy) => gctraceLine(s.model, cy));
    const shown = lines.length > GC_HEAD + GC_TAIL ? [...lines.slice(0, GC_HEAD), `… ${lines.length - GC_HEAD - GC_TAIL} cycles not shown …`, ...lines.slice(-GC_TAIL)] : lines;
    if (hp.h.cyclesDropped > 0) shown.unshift(`(the first ${hp.h.cyclesDropped} cycles are no longer kept)`);
    out.push('```', ...shown, '```', '');
  }
  return { ok: true, report: { markdown: out.join('\n'), images, ok: it.status === 'done' && it.expectFailures.length === 0, interpreter: it, classes } };
}

/** Default report path: NAME.report.md beside the script. */
export function defaultReportPath(fileName: string): string {
  return join(dirname(fileName), basename(fileName).replace(/\.goheap$/, '') + '.report.md');
}

export function writeReport(text: string, fileName: string, out: string | null, overrides: Record<string, unknown>, io: RunIO): number {
  const path = out ?? defaultReportPath(fileName);
  const prefix = basename(path).replace(/\.md$/i, '');
  const built = buildReport(text, fileName, overrides, prefix);
  if (!built.ok) {
    io.err(built.error + '\n');
    return EXIT_SCRIPT_ERROR;
  }
  const dir = dirname(path);
  const files = [{ path, text: built.report.markdown }, ...built.report.images.map((i) => ({ path: join(dir, i.name), text: i.svg }))];
  for (const f of files) {
    try {
      writeFileSync(f.path, f.text);
    } catch (e) {
      io.err(`report: cannot write ${f.path}: ${(e as Error).message}\n`);
      return EXIT_SCRIPT_ERROR;
    }
  }
  io.out(`wrote ${path} and ${built.report.images.map((i) => join(dir, i.name)).join(', ')}\n`);
  const it = built.report.interpreter;
  if (!built.report.ok) {
    io.err(`the script did not finish cleanly (${it.status}${it.expectFailures.length > 0 ? `, ${it.expectFailures.length} expect failed` : ''}); the report covers what ran\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
