/**
 * Running a script headless: compile, report diagnostics, interpret, report. Pure — text in,
 * text out through callbacks — so the CLI (with files and a terminal) and the extension (with an
 * output channel) share it. Exit codes: 0 success, 1 an `expect`/`assert` failed or the script
 * faulted, 2 the script has errors (or the arguments were bad).
 */
import { compile, headRangeOf, formatDiagnostic, formatDiagnostics, type Diagnostic, type DiagnosticCode, type Settings } from '../program/index';
import { Interpreter } from '../program/interpreter';
import type { HeapEvent } from '../protocol/events';
import { jsonReport, summary } from './report';
import { formatEvent } from './eventformat';

export interface RunOptions {
  readonly overrides?: Record<string, unknown>;
  readonly json?: boolean;
  readonly trace?: boolean;
  /** Omit per-allocation records from --json (huge runs). */
  readonly noAllocations?: boolean;
}

export interface RunIO {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_SCRIPT_ERROR = 2;

/** Failed expects printed as code frames; the rest are counted in one line. */
export const MAX_PRINTED_FAILURES = 100;

export interface RunOutcome {
  readonly exitCode: number;
  readonly interpreter: Interpreter | null;
  readonly diagnostics: Diagnostic[];
  readonly settings: Settings | null;
}

export function runScript(text: string, fileName: string, opts: RunOptions, io: RunIO): RunOutcome {
  const c = compile(text, opts.overrides);
  const errors = c.diagnostics.filter((d) => d.severity === 'error');
  if (c.diagnostics.length > 0) io.err(formatDiagnostics(text, c.diagnostics, fileName) + '\n');
  if (!c.ok) {
    if (opts.json) io.out(JSON.stringify({ file: fileName, errors: errors.map(diagJson) }, null, 2) + '\n');
    else io.err(`${errors.length} error${errors.length === 1 ? '' : 's'}; not run\n`);
    return { exitCode: EXIT_SCRIPT_ERROR, interpreter: null, diagnostics: c.diagnostics, settings: c.settings };
  }
  const it = new Interpreter(c.program, c.settings, { recordAllocations: opts.json === true && opts.noAllocations !== true });
  if (!opts.json) it.onOutput = (line) => io.out(line + '\n');
  if (opts.trace) it.heap.setListener((ev: HeapEvent) => io.out(formatEvent(ev) + '\n'));
  it.run();
  // At most MAX_PRINTED_FAILURES frames (a loop failing 10^7 times must not build a gigabyte string).
  const nfailed = it.expectFailures.length + it.dropped.expectFailures;
  const failures = it.expectFailures.slice(0, MAX_PRINTED_FAILURES).map((f) => frame(text, fileName, it, f.stmt, 'GH2003', f.message, 'warning'));
  if (nfailed > failures.length) failures.push(`… and ${(nfailed - failures.length).toLocaleString('en-US')} more failed expects`);
  if (failures.length > 0) io.err(failures.join('\n\n') + '\n');
  if (it.fault !== null) {
    const code = it.status === 'failed' ? 'GH2003' : it.fault.kind === 'runtime' ? 'GH2001' : 'GH2002';
    const msg = it.fault.kind === 'runtime' ? `${it.fault.message}${it.fault.where ? ` (in ${it.fault.where})` : ''}` : it.fault.message;
    io.err(frame(text, fileName, it, it.fault.stmt, code, msg, 'error') + '\n');
  }
  if (opts.json) io.out(JSON.stringify(jsonReport(it, fileName, errors.map(diagJson)), null, 2) + '\n');
  else io.out('\n' + summary(it) + '\n');
  const failed = it.status === 'faulted' || it.status === 'failed' || it.expectFailures.length > 0;
  return { exitCode: failed ? EXIT_FAILED : EXIT_OK, interpreter: it, diagnostics: c.diagnostics, settings: c.settings };
}

/** Convenience for callers that want strings. */
export function runScriptText(text: string, fileName: string, opts: RunOptions): { stdout: string; stderr: string; exitCode: number } {
  let stdout = '';
  let stderr = '';
  const r = runScript(text, fileName, opts, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  return { stdout, stderr, exitCode: r.exitCode };
}

function diagJson(d: Diagnostic): Record<string, unknown> {
  return { code: d.code, severity: d.severity, message: d.message, line: d.range.start.line + 1, column: d.range.start.column + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.column + 1 };
}

/** A code frame for a run-time event at a statement (fault, failed expect). */
function frame(text: string, fileName: string, it: Interpreter, stmt: number, code: string, message: string, severity: 'error' | 'warning'): string {
  const range = headRangeOf(it.program, it.program.statements[stmt]);
  return formatDiagnostic(text, { code: code as DiagnosticCode, severity, message, range, origin: 'script' }, fileName);
}
