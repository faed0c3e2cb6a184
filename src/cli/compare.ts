/**
 * `goheap compare FILE [--models M,M] [--gogc G,G] [--procs P,P] [--json] [--svg FILE | -o DIR | --no-svg]`:
 * the same script under each combination of the settings listed (what-ifs, see whatif.ts), side
 * by side — heap_sys, heap_inuse, heap_idle, heap_released, live bytes, fragmentation, GC count,
 * peak heap_sys and heap_inuse — and the variants' peak-memory curves as one SVG.
 *
 * Where the SVG goes: `--svg FILE`; else `-o DIR` (created if missing) as DIR/NAME.compare.svg;
 * else beside the script as NAME.compare.svg. An explicit destination that cannot be written is an
 * error (exit 2); the default one only draws a warning. `--no-svg` writes none.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { formatWhatIfTable, parseWhatIfAxes, runWhatIfs, variantsOf, whatIfJson, whatIfSvg } from './whatif';
import { EXIT_FAILED, EXIT_OK, EXIT_SCRIPT_ERROR, type RunIO } from './runner';

export interface CompareOptions {
  /** `--models` list (null when not given). */
  readonly models: readonly string[] | null;
  /** Settings flags as parsed; `model`, `gogc` and `procs` may hold comma-separated lists. */
  readonly overrides: Record<string, unknown>;
  readonly json: boolean;
  /** `--svg FILE`. */
  readonly svg?: string | null;
  /** `-o DIR`. */
  readonly outDir?: string | null;
  readonly noSvg?: boolean;
}

/** Where the curves go, and whether the user chose it. */
export function compareSvgPath(fileName: string, o: Pick<CompareOptions, 'svg' | 'outDir' | 'noSvg'>): { path: string; explicit: boolean } | null {
  if (o.noSvg) return null;
  const name = basename(fileName).replace(/\.goheap$/, '') + '.compare.svg';
  if (o.svg) return { path: o.svg, explicit: true };
  if (o.outDir) return { path: join(o.outDir, name), explicit: true };
  return { path: join(dirname(fileName), name), explicit: false };
}

/**
 * mkdir -p, one level at a time: Node 20's `mkdirSync(…, { recursive: true })` never returns for
 * some paths (under /proc it loops on ENOENT), and an error here must come back as a message.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

export function compareWhatIfs(text: string, fileName: string, o: CompareOptions, io: RunIO): number {
  const { model, gogc, procs, ...base } = o.overrides;
  const axes = parseWhatIfAxes({ models: o.models, model, gogc, procs });
  if (typeof axes === 'string') {
    io.err(`compare: ${axes}\n`);
    return EXIT_SCRIPT_ERROR;
  }
  const dest = compareSvgPath(fileName, o);
  if (dest !== null && o.outDir) {
    try {
      makeDirs(o.outDir);
    } catch (e) {
      io.err(`compare: cannot create directory ${o.outDir}: ${(e as Error).message}\n`);
      return EXIT_SCRIPT_ERROR;
    }
  }
  const run = runWhatIfs(text, fileName, variantsOf(axes), base);
  if (!run.ok) {
    io.err(run.error + '\n');
    return EXIT_SCRIPT_ERROR;
  }
  let written: string | null = null;
  if (dest !== null) {
    try {
      writeFileSync(dest.path, whatIfSvg(basename(fileName), run.results));
      written = dest.path;
    } catch (e) {
      io.err(`compare: cannot write ${dest.path}: ${(e as Error).message}\n`);
      if (dest.explicit) return EXIT_SCRIPT_ERROR;
    }
  }
  if (o.json) io.out(JSON.stringify(whatIfJson(fileName, run.results, written), null, 2) + '\n');
  else {
    io.out(formatWhatIfTable(run.results));
    if (written !== null) io.out(`peak-memory curves: ${written}\n`);
  }
  return run.results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
}
