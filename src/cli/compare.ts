/**
 * `goheap compare`: the same script under several models, side by side — heap_sys, heap_inuse,
 * heap_idle, heap_released, live bytes, fragmentation, GC count — at the end of the run.
 */
import { compile, formatDiagnostics } from '../program/index';
import { Interpreter } from '../program/interpreter';
import { isModelName } from '../engine/modelconfig';
import { fragmentation, formatBytes } from './report';
import { EXIT_FAILED, EXIT_OK, EXIT_SCRIPT_ERROR, type RunIO } from './runner';

export interface CompareRow {
  model: string;
  status: string;
  heap_sys: number;
  heap_inuse: number;
  heap_idle: number;
  heap_released: number;
  live: number;
  fragmentation: number;
  numgc: number;
}

export function compareModels(text: string, fileName: string, models: string[], overrides: Record<string, unknown>, io: RunIO, json: boolean): number {
  const bad = models.filter((m) => !isModelName(m));
  if (bad.length > 0 || models.length === 0) {
    io.err(`compare: unknown model${bad.length === 1 ? '' : 's'} ${bad.join(', ')}; valid models: go1.5, go1.10, go1.14\n`);
    return EXIT_SCRIPT_ERROR;
  }
  const rows: CompareRow[] = [];
  let failed = false;
  for (const model of models) {
    const c = compile(text, { ...overrides, model });
    if (!c.ok) {
      io.err(formatDiagnostics(text, c.diagnostics.filter((d) => d.severity === 'error'), fileName) + '\n');
      return EXIT_SCRIPT_ERROR;
    }
    const it = new Interpreter(c.program, c.settings);
    it.run();
    if (it.status !== 'done' || it.expectFailures.length > 0) failed = true;
    const st = it.heap.h.memstats;
    rows.push({ model, status: it.status === 'done' && it.expectFailures.length === 0 ? 'ok' : it.status === 'done' ? `${it.expectFailures.length} expect failed` : it.status, heap_sys: st.heap_sys, heap_inuse: st.heap_inuse, heap_idle: st.heap_idle, heap_released: st.heap_released, live: st.heap_alloc, fragmentation: fragmentation(it.heap), numgc: st.numgc });
  }
  if (json) io.out(JSON.stringify({ file: fileName, rows }, null, 2) + '\n');
  else {
    const head = ['', ...rows.map((r) => r.model)];
    const lines: string[][] = [
      ['heap_sys', ...rows.map((r) => formatBytes(r.heap_sys))],
      ['heap_inuse', ...rows.map((r) => formatBytes(r.heap_inuse))],
      ['heap_idle', ...rows.map((r) => formatBytes(r.heap_idle))],
      ['heap_released', ...rows.map((r) => formatBytes(r.heap_released))],
      ['live bytes', ...rows.map((r) => formatBytes(r.live))],
      ['fragmentation', ...rows.map((r) => `${(100 * r.fragmentation).toFixed(1)}%`)],
      ['GC cycles', ...rows.map((r) => String(r.numgc))],
      ['result', ...rows.map((r) => r.status)],
    ];
    const all = [head, ...lines];
    const w = head.map((_, i) => Math.max(...all.map((l) => l[i].length)));
    io.out(all.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n') + '\n');
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
