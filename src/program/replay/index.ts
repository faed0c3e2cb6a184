/**
 * Public API of trace replay: import the allocation trace of a real Go program
 * (GODEBUG=allocfreetrace=1), replay it on a model, and score the model against the real run.
 *
 *   new TraceParser(opts?)        push(chunk) → events, end() → events; .diagnostics, .stats
 *   parseTrace(text)              → { events, diagnostics, stats }     (small traces, tests)
 *   parseTraceStream(chunks)      async iterable of events              (files: chunks pushed in)
 *   new TraceReplay(opts)         apply(event), finish() → ReplayResult
 *   replayEvents(events, opts)    → ReplayResult
 *   replayTraceStream(chunks, opts[]) → one parse, one replay per model, in a single pass
 *   formatFidelityTable(report, title?) → the summary table as text
 *   formatTraceDiagnostic(d, fileName)  → a code frame
 *
 * File reading stays with the caller (this layer does no I/O): pass `fs.createReadStream(path)`
 * to `replayTraceStream`, or push chunks yourself.
 */
import type { TraceDiagnostic } from './diagnostics';
import { TraceReplay, type ReplayOptions, type ReplayResult } from './replay';
import { TraceParser, type TraceParserOptions, type TraceStats } from './trace';

export { DiagnosticSink, MAX_PER_CODE, TraceCodes, formatTraceDiagnostic, hasTraceErrors, type TraceCode, type TraceDiagnostic, type TraceSeverity } from './diagnostics';
export { Fidelity, comparableClasses, formatFidelityTable, noscanSources, type AllocationFidelity, type ClassRow, type FidelityReport, type FidelityTotals, type NoscanSource, type SimPlacement } from './fidelity';
export { go119ArenaStart, go119ClassNelems, go119ClassPages, go119ClassSize, go119NumSizeClasses, go119Placement, go119SizeToClass, offsetInSpan, type RealPlacement } from './go119';
export { TraceReplay, replayEvents, type ReplayOp, type ReplayOptions, type ReplayResult, type ReplayStats } from './replay';
export { ReplayScriptWriter, type ReplayScriptHeader } from './toscript';
export { MAX_LINE, TraceParser, parseTrace, parseTraceStream, type AllocEvent, type Frame, type FreeEvent, type GCEvent, type TraceEvent, type TraceParserOptions, type TraceStats } from './trace';
export { knownNamedTypes, pointerKind, type PointerKind } from './types';

export interface TraceReplayRun {
  /** Parser diagnostics (GH21xx). */
  readonly diagnostics: readonly TraceDiagnostic[];
  readonly stats: Readonly<TraceStats>;
  /** One result per option set, in order. */
  readonly results: ReplayResult[];
}

/**
 * Parse a trace from chunks and replay it on several models at once (the trace is read once).
 * Stacks are kept only when some replay profiles allocations (memProfileRate > 0 by default).
 */
export async function replayTraceStream(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, opts: readonly ReplayOptions[], parserOpts?: TraceParserOptions): Promise<TraceReplayRun> {
  const run = startReplays(opts, parserOpts);
  for await (const c of chunks) run.push(c);
  return run.end();
}

/** replayTraceStream for chunks at hand, synchronously (the debug adapter's launch). */
export function replayTraceChunks(chunks: Iterable<string | Uint8Array>, opts: readonly ReplayOptions[], parserOpts?: TraceParserOptions): TraceReplayRun {
  const run = startReplays(opts, parserOpts);
  for (const c of chunks) run.push(c);
  return run.end();
}

/** One parser feeding every replay as records complete: no event list of the whole trace is kept. */
function startReplays(opts: readonly ReplayOptions[], parserOpts?: TraceParserOptions): { push(c: string | Uint8Array): void; end(): TraceReplayRun } {
  const parser = new TraceParser(parserOpts);
  const replays = opts.map((o) => new TraceReplay(o));
  const apply = (evs: ReturnType<TraceParser['push']>): void => {
    for (const ev of evs) for (const r of replays) r.apply(ev);
  };
  return {
    push: (c) => apply(parser.push(c)),
    end: () => {
      apply(parser.end());
      return { diagnostics: parser.diagnostics, stats: parser.stats, results: replays.map((r) => r.finish()) };
    },
  };
}
