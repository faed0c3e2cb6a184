/**
 * `goheap`: the headless runner.
 *
 *   goheap run FILE [--model M] [--procs N] [--gogc V|off] [--memprofilerate N] [--physpagesize N]
 *                   [--seed N] [--json] [--trace] [--no-allocations]
 *   goheap check FILE                       diagnostics only
 *   goheap compare FILE [--models go1.5,go1.10,go1.14] [--gogc 50,100,200] [--procs 1,4] [--json]
 *                  [--svg FILE | -o DIR | --no-svg] [same settings flags]
 *   goheap report FILE [-o report.md] [same settings flags]
 *
 * Exit status: 0 success; 1 an expect/assert failed or the script faulted; 2 script errors or bad
 * arguments. Errors go to stderr with code frames.
 */
import { readFileSync } from 'node:fs';
import { diagnose, formatDiagnostics } from '../program/index';
import { runScript, EXIT_SCRIPT_ERROR, EXIT_OK, EXIT_FAILED } from './runner';
import { compareWhatIfs } from './compare';
import { writeReport } from './reportmd';
import { writeProfile } from './profile';
import { parseModels, replayTrace } from './replay';

const usage = `usage:
  goheap run FILE [--model go1.5|go1.10|go1.14] [--procs N] [--gogc N|off] [--memprofilerate N]
                  [--physpagesize N] [--seed N] [--json] [--trace] [--no-allocations]
  goheap check FILE
  goheap compare FILE [--models go1.5,go1.10,go1.14] [--gogc 50,100,200] [--procs 1,4] [--json]
                 [--svg FILE | -o DIR | --no-svg] [settings flags as for run]
  goheap report FILE [-o report.md] [settings flags as for run]
  goheap profile FILE -o OUT.pb.gz [settings flags as for run]
  goheap replay TRACE [--model M | --models go1.5,go1.10,go1.14] [--pprof OUT.pb.gz] [--script OUT.goheap]`;

const settingFlags = new Set(['model', 'procs', 'gogc', 'memprofilerate', 'physpagesize', 'seed']);
const boolFlags = new Set(['json', 'trace', 'no-allocations', 'no-svg']);

interface Parsed {
  cmd: string;
  file: string;
  overrides: Record<string, unknown>;
  flags: Set<string>;
  models: string[] | null;
  out: string | null;
  pprof: string | null;
  script: string | null;
  svg: string | null;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Parsed {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h') throw new UsageError(usage);
  if (!['run', 'check', 'compare', 'profile', 'replay', 'report'].includes(cmd)) throw new UsageError(`unknown command \`${cmd}\`\n${usage}`);
  const p: Parsed = { cmd, file: '', overrides: {}, flags: new Set(), models: null, out: null, pprof: null, script: null, svg: null };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('--') || a === '-o') {
      const [name, inline] = a.replace(/^--?/, '').split('=', 2);
      if (boolFlags.has(name)) {
        p.flags.add(name);
        continue;
      }
      const value = inline ?? rest[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (name === 'o' || name === 'out') {
        p.out = value;
        continue;
      }
      if (name === 'svg') {
        p.svg = value;
        continue;
      }
      if (name === 'pprof') {
        p.pprof = value;
        continue;
      }
      if (name === 'script' && cmd === 'replay') {
        p.script = value;
        continue;
      }
      if (name === 'models') {
        p.models = value.split(',').map((m) => m.trim()).filter((m) => m !== '');
        continue;
      }
      if (!settingFlags.has(name)) throw new UsageError(`unknown flag --${name}\n${usage}`);
      p.overrides[name] = name === 'model' || value === 'off' ? value : /^-?\d+$/.test(value) ? Number(value) : value;
    } else if (p.file === '') p.file = a;
    else throw new UsageError(`unexpected argument \`${a}\`\n${usage}`);
  }
  if (p.file === '') throw new UsageError(`${cmd}: missing FILE\n${usage}`);
  if (cmd === 'profile' && p.out === null) throw new UsageError(`profile: missing -o OUT.pb.gz\n${usage}`);
  return p;
}

export async function main(argv: string[]): Promise<number> {
  let p: Parsed;
  try {
    p = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.message + '\n');
      return argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' ? EXIT_OK : EXIT_SCRIPT_ERROR;
    }
    throw e;
  }
  if (p.cmd === 'replay') {
    const models = parseModels(p.models, p.overrides.model);
    if (typeof models === 'string') {
      process.stderr.write(`replay: ${models}\n`);
      return EXIT_SCRIPT_ERROR;
    }
    return replayTrace(p.file, models, p.pprof, p.script, { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) });
  }
  let text: string;
  try {
    text = readFileSync(p.file, 'utf8');
  } catch (e) {
    process.stderr.write(`goheap: cannot read ${p.file}: ${(e as Error).message}\n`);
    return EXIT_SCRIPT_ERROR;
  }
  const io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };
  if (p.cmd === 'check') {
    const c = diagnose(text, p.overrides);
    if (c.diagnostics.length > 0) io.err(formatDiagnostics(text, c.diagnostics, p.file) + '\n');
    else io.out(`${p.file}: no problems\n`);
    return c.ok ? EXIT_OK : EXIT_SCRIPT_ERROR;
  }
  if (p.cmd === 'profile') return writeProfile(text, p.file, p.out!, p.overrides, io);
  if (p.cmd === 'compare') return compareWhatIfs(text, p.file, { models: p.models, overrides: p.overrides, json: p.flags.has('json'), svg: p.svg, outDir: p.out, noSvg: p.flags.has('no-svg') }, io);
  if (p.cmd === 'report') return writeReport(text, p.file, p.out, p.overrides, io);
  return runScript(text, p.file, { overrides: p.overrides, json: p.flags.has('json'), trace: p.flags.has('trace'), noAllocations: p.flags.has('no-allocations') }, io).exitCode;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

export { EXIT_FAILED };
