/**
 * `goheap profile FILE -o heap.pb.gz`: run the script and write its memory profile in pprof's
 * format (gzipped protobuf: alloc_objects, alloc_space, inuse_objects, inuse_space), sampled at
 * the script's MemProfileRate exactly as the runtime's profile specials are, with the script's
 * statements (inside their loops, inside `main`) as the call stacks.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { compile, formatDiagnostics } from '../program/index';
import { Interpreter } from '../program/interpreter';
import { buildHeapProfile, encodeProfile } from '../program/pprof/index';
import { siteStacks } from '../program/sites';
import { EXIT_FAILED, EXIT_OK, EXIT_SCRIPT_ERROR, type RunIO } from './runner';

export function writeProfile(text: string, fileName: string, out: string, overrides: Record<string, unknown>, io: RunIO): number {
  const c = compile(text, overrides);
  if (c.diagnostics.length > 0) io.err(formatDiagnostics(text, c.diagnostics, fileName) + '\n');
  if (!c.ok) return EXIT_SCRIPT_ERROR;
  const it = new Interpreter(c.program, c.settings);
  it.run();
  const hp = it.heap;
  if (hp.config.memProfileRate <= 0) {
    io.err('profile: memprofilerate is 0, so no allocation was sampled; use --memprofilerate 1 to sample every allocation\n');
    return EXIT_SCRIPT_ERROR;
  }
  const profile = buildHeapProfile({ buckets: hp.h.mProf, stacks: siteStacks(c.program, text, fileName), rate: hp.config.memProfileRate, comments: [`goheap ${fileName} model ${c.settings.model}`] });
  writeFileSync(out, gzipSync(encodeProfile(profile)));
  let samples = 0;
  for (const b of hp.h.mProf.values()) samples += b.allocs;
  io.out(`wrote ${out}: ${samples} sampled allocation${samples === 1 ? '' : 's'} at ${hp.h.mProf.size} site${hp.h.mProf.size === 1 ? '' : 's'} (MemProfileRate ${hp.config.memProfileRate}); view with: go tool pprof -top ${out}\n`);
  if (it.status !== 'done') {
    io.err(`the script stopped early (${it.status}${it.fault ? `: ${it.fault.message}` : ''}); the profile covers what ran\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
