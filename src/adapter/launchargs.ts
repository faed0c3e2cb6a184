/**
 * Launch configuration: validates what launch.json sent (it is untyped JSON) and turns it into the
 * script text, the setting overrides and the session options. Every problem is one readable
 * sentence naming the attribute, so the launch fails with a message the user can act on.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { MODELS, validateSetting, type SettingName, type SettingOverrides } from '../program/index';
import { replayTraceChunks, ReplayScriptWriter } from '../program/replay/index';
import type { ModelName } from '../engine/modelconfig';

export interface LaunchConfig {
  readonly programPath: string;
  readonly text: string;
  readonly overrides: SettingOverrides;
  readonly stopOnEntry: boolean;
  readonly checkInvariants: boolean;
}

/** launch.json attribute → script setting it overrides. */
const SETTING_ATTRS: readonly [string, SettingName][] = [
  ['model', 'model'],
  ['procs', 'procs'],
  ['gogc', 'gogc'],
  ['memProfileRate', 'memprofilerate'],
  ['physPageSize', 'physpagesize'],
  ['seed', 'seed'],
];

export type LaunchResult = { ok: true; config: LaunchConfig } | { ok: false; message: string };

/** Where a trace's replay script is written (a temporary directory, never beside the user's files). */
export function replayScriptPath(tracePath: string): string {
  return join(tmpdir(), 'goheap-replay', basename(tracePath).replace(/\.[^.]*$/, '') + '.replay.goheap');
}

function writeTemp(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

export function parseLaunchArguments(raw: unknown, readText: (path: string) => string = (p) => readFileSync(p, 'utf8'), writeText: (path: string, text: string) => void = writeTemp): LaunchResult {
  const fail = (message: string): LaunchResult => ({ ok: false, message });
  if (raw !== undefined && (raw === null || typeof raw !== 'object')) return fail('the launch configuration must be an object');
  let a = (raw ?? {}) as Record<string, unknown>;
  if (a.trace !== undefined) {
    const r = traceToProgram(a, readText, writeText);
    if (typeof r === 'string') return fail(r);
    a = r;
  }
  if (a.program === undefined) return fail('the launch configuration has no `program`: set it to the path of a .goheap script (e.g. "${file}")');
  if (typeof a.program !== 'string' || a.program.trim() === '') return fail(`\`program\` must be the path of a .goheap script (got ${show(a.program)})`);
  const programPath = isAbsolute(a.program) ? a.program : resolve(a.program);
  const text = readOrWhy(readText, programPath);
  if (typeof text !== 'string') return fail(`cannot read program '${programPath}': ${text.why}`);
  const overrides: Record<string, unknown> = {};
  for (const [attr, setting] of SETTING_ATTRS) {
    const v = a[attr];
    if (v === undefined || v === null) continue;
    if (setting === 'model' && typeof v !== 'string') return fail(`\`model\` must be one of ${MODELS.join(', ')} (got ${show(v)})`);
    if (setting !== 'model' && !(typeof v === 'number' || (setting === 'gogc' && v === 'off')))
      return fail(`\`${attr}\` must be a number${setting === 'gogc' ? ' or "off"' : ''} (got ${show(v)})`);
    const problem = validateSetting(setting, v as number | string);
    if (problem !== null) return fail(`\`${attr}\`: ${problem.message}`);
    overrides[setting] = v;
  }
  for (const attr of ['stopOnEntry', 'checkInvariants'] as const) {
    if (a[attr] !== undefined && typeof a[attr] !== 'boolean') return fail(`\`${attr}\` must be true or false (got ${show(a[attr])})`);
  }
  return {
    ok: true,
    config: { programPath, text, overrides, stopOnEntry: a.stopOnEntry !== false, checkInvariants: a.checkInvariants === true },
  };
}

/**
 * `trace`: a GODEBUG=allocfreetrace=1 trace instead of a script. The replay (on `model`, default
 * go1.14) is written as a script (toscript.ts) to a temporary file, which is then debugged like
 * any program: the configuration comes back with `program` set to it.
 */
function traceToProgram(a: Record<string, unknown>, readText: (path: string) => string, writeText: (path: string, text: string) => void): Record<string, unknown> | string {
  if (a.program !== undefined) return 'give either `program` (a .goheap script) or `trace` (a Go allocation trace), not both';
  if (typeof a.trace !== 'string' || a.trace.trim() === '') return `\`trace\` must be the path of a GODEBUG=allocfreetrace=1 trace (got ${show(a.trace)})`;
  const model = a.model ?? 'go1.14';
  if (typeof model !== 'string' || !(MODELS as readonly string[]).includes(model)) return `\`model\` must be one of ${MODELS.join(', ')} (got ${show(model)})`;
  const tracePath = isAbsolute(a.trace) ? a.trace : resolve(a.trace);
  const text = readOrWhy(readText, tracePath);
  if (typeof text !== 'string') return `cannot read trace '${tracePath}': ${text.why}`;
  const writer = new ReplayScriptWriter();
  // Fed in slices, records replayed as they complete; stacks are not kept (they only name profile sites).
  const run = replayTraceChunks(slices(text, 1 << 20), [{ model: model as ModelName, onOp: writer.onOp, checkInvariants: 'never' }], { stacks: false });
  const err = [...run.diagnostics, ...run.results[0].diagnostics].find((d) => d.severity === 'error');
  if (err !== undefined) return `trace '${basename(tracePath)}' line ${err.line + 1}: ${err.message}`;
  if (writer.allocs === 0) return `trace '${basename(tracePath)}' has no allocations to replay`;
  const programPath = replayScriptPath(tracePath);
  try {
    writeText(programPath, writer.text({ source: basename(tracePath), model: model as ModelName }));
  } catch (e) {
    return `cannot write the replay script '${programPath}': ${(e as Error).message}`;
  }
  const { trace: _trace, ...rest } = a;
  return { ...rest, program: programPath, model };
}

function* slices(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** A file's text, or why it could not be read, in words. */
function readOrWhy(readText: (path: string) => string, path: string): string | { why: string } {
  try {
    return readText(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { why: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message };
  }
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
