/**
 * Diagnostics of trace import and replay: what the trace parser and the replayer report about an
 * allocation trace. Same shape as the script front end's (code, severity, 0-based position,
 * message), in their own code range:
 *
 *   GH21xx  trace syntax   (record lines that do not parse, truncation, interleaved output)
 *   GH22xx  trace replay   (frees of unknown objects, allocations over live ones, engine faults)
 *
 * Positions are 0-based line and column (UTF-16 units) inside; `formatTraceDiagnostic` prints
 * them 1-based. Each diagnostic keeps a copy of its line (cut to 200 columns), so a caret can be
 * shown without holding the trace in memory. Nothing here throws.
 */

export type TraceSeverity = 'error' | 'warning';

export const TraceCodes = {
  // --- trace syntax
  MalformedRecord: 'GH2101', // a tracealloc/tracefree/tracegc line that does not parse
  TruncatedLastLine: 'GH2102', // the trace ends in the middle of a line
  InterleavedOutput: 'GH2103', // program output on the same line as a record
  NumberOutOfRange: 'GH2104', // an address or size beyond 2^53
  UnterminatedGC: 'GH2105', // tracegc() without `end tracegc`
  NoRecords: 'GH2106', // nothing that looks like an allocation trace
  SuppressedDiagnostics: 'GH2199', // more diagnostics of one code than are kept
  // --- replay
  FreeOfUnknownObject: 'GH2201', // tracefree of an address no tracealloc allocated (or already freed)
  AllocOverLiveObject: 'GH2202', // tracealloc at an address still live (its free is missing)
  FreeSizeMismatch: 'GH2203', // tracefree size differs from the size of the object at that address
  EngineFault: 'GH2204', // the simulated runtime threw (out of memory, ...): replay stops
  InvariantViolation: 'GH2205', // the simulated heap broke an invariant (a bug in the engine)
  UnexpectedSize: 'GH2206', // a traced size that Go 1.19 never prints (trace from another version?)
  LateFrees: 'GH2207', // a GC window was cut short (windowLimit): some frees apply one GC late
} as const;

export type TraceCode = (typeof TraceCodes)[keyof typeof TraceCodes];

export interface TraceDiagnostic {
  readonly code: TraceCode;
  readonly severity: TraceSeverity;
  readonly message: string;
  /** 0-based line of the trace. */
  readonly line: number;
  /** 0-based column where the problem starts. */
  readonly column: number;
  /** Columns the problem spans (at least 1). */
  readonly length: number;
  /** The line's text (at most 200 columns), for the code frame. */
  readonly text: string;
}

/** Keep at most this many diagnostics of one code; then one GH2199 note counts the rest. */
export const MAX_PER_CODE = 20;

/** Collects diagnostics, capped per code (a huge broken trace must not produce a huge list). */
export class DiagnosticSink {
  readonly list: TraceDiagnostic[] = [];
  private readonly perCode = new Map<TraceCode, number>();

  add(code: TraceCode, severity: TraceSeverity, message: string, line: number, column = 0, length = 1, text = ''): void {
    const n = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, n);
    if (n > MAX_PER_CODE) return;
    this.list.push({ code, severity, message, line, column, length: Math.max(1, length), text: text.length > 200 ? text.slice(0, 200) : text });
  }

  /** How many diagnostics of a code were reported (kept or not). */
  count(code: TraceCode): number {
    return this.perCode.get(code) ?? 0;
  }

  /** Append one note per code that went over the cap. */
  finish(atLine: number): void {
    for (const [code, n] of this.perCode) {
      if (n > MAX_PER_CODE) {
        this.list.push({ code: TraceCodes.SuppressedDiagnostics, severity: 'warning', message: `${n - MAX_PER_CODE} more ${code} diagnostics not shown (${n} in all)`, line: atLine, column: 0, length: 1, text: '' });
        this.perCode.set(code, MAX_PER_CODE);
      }
    }
  }
}

export function hasTraceErrors(ds: readonly TraceDiagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/**
 * A diagnostic as a code frame:
 *
 *   error GH2101: expected a hex size after "0xc000012000, "
 *     --> prog.trace:12:26
 *      |
 *   12 | tracealloc(0xc000012000, zz)
 *      |                          ^^
 */
export function formatTraceDiagnostic(d: TraceDiagnostic, fileName: string): string {
  const ln = String(d.line + 1);
  const head = `${d.severity} ${d.code}: ${d.message}\n${' '.repeat(ln.length)}--> ${fileName}:${d.line + 1}:${d.column + 1}`;
  if (d.text === '') return head;
  const pad = ' '.repeat(ln.length);
  let under = '';
  for (let i = 0; i < d.column; i++) under += d.text.charCodeAt(i) === 9 ? '\t' : ' ';
  const shown = d.text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '\uFFFD');
  return `${head}\n${pad} |\n${ln} | ${shown}\n${pad} | ${under}${'^'.repeat(Math.max(1, Math.min(d.length, Math.max(1, d.text.length - d.column))))}`;
}
