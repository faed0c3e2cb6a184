/**
 * What `goheap run` prints and returns: the memstats table under Go's names, spans by state and
 * class, fragmentation, and the JSON document of `--json`. Pure functions of an interpreter's
 * final state, shared by the CLI and the extension's "Run Script Headless" command.
 */
import type { Interpreter } from '../program/interpreter';
import type { Heap } from '../engine/heap';
import { gcSys, totalSys, buckHashSys } from '../program/factsruntime';

const hex = (n: number): string => '0x' + n.toString(16);

/** runtime.MemStats fields (Go's names), plus the runtime-internal numbers a reader wants beside them. */
export function memStatsRecord(hp: Heap): Record<string, number> {
  const st = hp.h.memstats;
  return {
    Alloc: st.heap_alloc,
    TotalAlloc: st.total_alloc,
    Sys: totalSys(hp),
    Mallocs: st.nmalloc + st.tinyallocs,
    Frees: st.nfree + st.tinyallocs,
    HeapAlloc: st.heap_alloc,
    HeapSys: st.heap_sys,
    HeapIdle: st.heap_idle,
    HeapInuse: st.heap_inuse,
    HeapReleased: st.heap_released,
    HeapObjects: st.heap_objects,
    StackInuse: st.stacks_inuse,
    StackSys: st.stacks_sys,
    MSpanInuse: st.mspan_inuse,
    MSpanSys: st.mspan_sys,
    MCacheInuse: st.mcache_inuse,
    MCacheSys: st.mcache_sys,
    BuckHashSys: buckHashSys(hp),
    GCSys: gcSys(hp),
    OtherSys: 0,
    NextGC: st.next_gc,
    LastGC: st.last_gc,
    NumGC: st.numgc,
    NumForcedGC: st.numforcedgc,
    heap_live: st.heap_live,
    heap_marked: st.heap_marked,
    gc_trigger: st.gc_trigger,
    tinyallocs: st.tinyallocs,
    sweepgen: hp.h.sweepgen,
    pagesInUse: hp.h.pagesInUse,
  };
}

/** 1 - heap_alloc / heap_inuse: free slots and span tails. heap_alloc counts elemsize, so size-class rounding is not in it. */
export function fragmentation(hp: Heap): number {
  const st = hp.h.memstats;
  return st.heap_inuse === 0 ? 0 : 1 - st.heap_alloc / st.heap_inuse;
}

export interface SpanRow {
  state: string;
  sizeclass: number;
  noscan: boolean;
  spans: number;
  pages: number;
  objects: number;
  capacity: number;
}

export function spansByStateAndClass(hp: Heap): SpanRow[] {
  const rows = new Map<string, SpanRow>();
  for (const s of hp.spans()) {
    const key = `${s.state}/${s.sizeclass()}/${s.noscan()}`;
    let r = rows.get(key);
    if (r === undefined) rows.set(key, (r = { state: s.state, sizeclass: s.state === 'mSpanInUse' ? s.sizeclass() : 0, noscan: s.noscan(), spans: 0, pages: 0, objects: 0, capacity: 0 }));
    r.spans++;
    r.pages += s.npages;
    if (s.state === 'mSpanInUse') {
      r.objects += s.sizeclass() === 0 ? 1 : s.allocCount;
      r.capacity += s.nelems;
    }
  }
  const order = ['mSpanInUse', 'mSpanManual', 'mSpanFree'];
  return [...rows.values()].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.sizeclass - b.sizeclass || Number(a.noscan) - Number(b.noscan));
}

function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r, k) => r.map((c, i) => (i === 0 && k >= 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** The plain-text summary after a run. */
export function summary(it: Interpreter): string {
  const hp = it.heap;
  const ms = memStatsRecord(hp);
  const out: string[] = [];
  out.push(`model ${it.settings.model}, ${it.settings.procs} P, GOGC=${it.settings.gogc}: ${it.executed} statements, ${hp.h.memstats.numgc} GC cycles, simulated time ${(hp.nanotime / 1e9).toFixed(3)}s`);
  out.push('');
  const keys = ['HeapAlloc', 'HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'HeapObjects', 'TotalAlloc', 'Mallocs', 'Frees', 'StackInuse', 'StackSys', 'MSpanInuse', 'MSpanSys', 'MCacheInuse', 'MCacheSys', 'GCSys', 'Sys', 'NextGC', 'NumGC', 'NumForcedGC', 'heap_live', 'heap_marked', 'gc_trigger'];
  out.push(table(['memstats', 'value', ''], keys.map((k) => [k, ms[k], /Objects|Mallocs|Frees|NumGC|NumForcedGC/.test(k) ? '' : formatBytes(ms[k])])));
  out.push('');
  const rows = spansByStateAndClass(hp);
  out.push(
    table(
      ['spans', 'class', 'elemsize', 'spans', 'pages', 'objects', 'capacity', 'used'],
      rows.map((r) => [
        r.state,
        r.state === 'mSpanInUse' ? `${r.sizeclass}${hp.h.model.noscanSpanClasses && r.noscan ? ' noscan' : ''}` : '-',
        r.state === 'mSpanInUse' && r.sizeclass > 0 ? hp.h.sc.class_to_size[r.sizeclass] : '-',
        r.spans,
        r.pages,
        r.state === 'mSpanInUse' ? r.objects : '-',
        r.state === 'mSpanInUse' ? r.capacity : '-',
        r.state === 'mSpanInUse' && r.capacity > 0 ? `${((100 * r.objects) / r.capacity).toFixed(0)}%` : '-',
      ]),
    ),
  );
  out.push('');
  out.push(`fragmentation: ${(100 * fragmentation(hp)).toFixed(1)}% of in-use span bytes hold no live object (HeapInuse ${formatBytes(ms.HeapInuse)}, HeapAlloc ${formatBytes(ms.HeapAlloc)}); ${formatBytes(ms.HeapIdle - ms.HeapReleased)} idle and retained, ${formatBytes(ms.HeapReleased)} released to the OS`);
  return out.join('\n');
}

/** The `--json` document. */
export function jsonReport(it: Interpreter, fileName: string, errors: unknown[]): Record<string, unknown> {
  const hp = it.heap;
  const line = (stmt: number): number => it.program.statements[stmt].line + 1;
  const varOf = (stmt: number): string | null => {
    const s = it.program.statements[stmt];
    if (s.kind !== 'assign') return null;
    const t = s.target;
    if (t.kind === 'var') return t.name;
    if (t.kind === 'index' && t.target.kind === 'var') return `${t.target.name}[]`;
    if (t.kind === 'field' && t.target.kind === 'var') return `${t.target.name}.${t.field}`;
    return null;
  };
  return {
    file: fileName,
    model: it.settings.model,
    settings: it.settings,
    status: it.status,
    statements: it.executed,
    allocations: it.allocations.map((a) => ({ line: line(a.stmt), var: varOf(a.stmt), size: a.size, addr: hex(a.addr), sizeclass: a.sizeclass, elemsize: a.elemsize, noscan: a.noscan, tiny: a.tiny, span: hex(a.span), npages: a.npages })),
    stacks: it.stacks.map((s) => ({ line: line(s.stmt), var: varOf(s.stmt), addr: hex(s.addr), size: s.size, span: hex(s.span), npages: s.npages })),
    spans: [...hp.spans()].map((s) => ({ base: hex(s.startAddr), npages: s.npages, state: s.state, sizeclass: s.state === 'mSpanInUse' ? s.sizeclass() : 0, noscan: s.noscan(), nelems: s.state === 'mSpanInUse' ? s.nelems : 0, allocCount: s.allocCount, sweepgen: s.sweepgen })),
    memstats: memStatsRecord(hp),
    fragmentation: fragmentation(hp),
    gc: hp.h.cycles.map((c) => ({ n: c.n, forced: c.forced, heapLiveBefore: c.heapLiveBefore, heapMarked: c.heapMarked, nextGC: c.nextGC })),
    output: it.output,
    expectFailures: it.expectFailures.map((f) => ({ line: line(f.stmt), message: f.message })),
    fault: it.fault === null ? null : { line: line(it.fault.stmt), kind: it.fault.kind, message: it.fault.message, where: it.fault.where },
    errors,
    /** Records past the interpreter's MAX_KEPT: counted, not listed. */
    omitted: { ...it.dropped },
  };
}
