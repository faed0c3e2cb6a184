/**
 * `goheap replay TRACE [--model M] [--pprof OUT] [--script OUT.goheap]`: replay a real Go
 * program's allocation trace (GODEBUG=allocfreetrace=1) on one model or all three, streaming the
 * file, and print how well each model's placement agrees with the real runtime's (size class,
 * offset in span). `--script` also writes the first model's replay as a script to debug.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { modelNames, type ModelName } from '../engine/modelconfig';
import { formatFidelityTable, formatTraceDiagnostic, hasTraceErrors, replayTraceStream, ReplayScriptWriter } from '../program/replay/index';
import { buildHeapProfile, encodeProfile } from '../program/pprof/index';
import { EXIT_FAILED, EXIT_OK, EXIT_SCRIPT_ERROR, type RunIO } from './runner';

export async function replayTrace(file: string, models: readonly ModelName[], pprofOut: string | null, scriptOut: string | null, io: RunIO): Promise<number> {
  let run;
  const writer = scriptOut !== null ? new ReplayScriptWriter() : null;
  try {
    run = await replayTraceStream(createReadStream(file), models.map((model, i) => ({ model, checkInvariants: 'end' as const, onOp: i === 0 && writer !== null ? writer.onOp : undefined })));
  } catch (e) {
    io.err(`goheap: cannot replay ${file}: ${(e as Error).message}\n`);
    return EXIT_SCRIPT_ERROR;
  }
  for (const d of run.diagnostics) io.err(formatTraceDiagnostic(d, file) + '\n');
  let failed = hasTraceErrors(run.diagnostics);
  for (const r of run.results) {
    for (const d of r.diagnostics) io.err(formatTraceDiagnostic(d, file) + '\n');
    failed ||= r.failed || hasTraceErrors(r.diagnostics);
    io.out(formatFidelityTable(r.fidelity, `${r.model}  ${file}`) + '\n\n');
  }
  if (pprofOut !== null && run.results.length > 0) {
    const r = run.results[0];
    writeFileSync(pprofOut, gzipSync(encodeProfile(buildHeapProfile({ buckets: r.heap.h.mProf, stacks: r.sites, rate: r.heap.config.memProfileRate }))));
    io.out(`wrote ${pprofOut} (${r.model})\n`);
  }
  if (writer !== null && run.results.length > 0) {
    const model = run.results[0].model;
    try {
      writeFileSync(scriptOut!, writer.text({ source: basename(file), model }));
    } catch (e) {
      io.err(`goheap: cannot write ${scriptOut}: ${(e as Error).message}\n`);
      return EXIT_SCRIPT_ERROR;
    }
    io.out(`wrote ${scriptOut} (${model}: ${writer.allocs} allocations, ${writer.gcs} collections); debug it like any script\n`);
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

export function parseModels(list: string[] | null, single: unknown): ModelName[] | string {
  const names = list ?? (typeof single === 'string' ? [single] : [...modelNames]);
  const bad = names.filter((m) => !(modelNames as readonly string[]).includes(m));
  return bad.length > 0 ? `unknown model ${bad.join(', ')}; valid models: ${modelNames.join(', ')}` : (names as ModelName[]);
}
