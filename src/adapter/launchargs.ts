/**
 * Launch configuration: validates what launch.json sent (it is untyped JSON) and turns it into the
 * script text, the setting overrides and the session options. Every problem is one readable
 * sentence naming the attribute, so the launch fails with a message the user can act on.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MODELS, validateSetting, type SettingName, type SettingOverrides } from '../program/index';

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

export function parseLaunchArguments(raw: unknown, readText: (path: string) => string = (p) => readFileSync(p, 'utf8')): LaunchResult {
  const fail = (message: string): LaunchResult => ({ ok: false, message });
  if (raw !== undefined && (raw === null || typeof raw !== 'object')) return fail('the launch configuration must be an object');
  const a = (raw ?? {}) as Record<string, unknown>;
  if (a.program === undefined) return fail('the launch configuration has no `program`: set it to the path of a .goheap script (e.g. "${file}")');
  if (typeof a.program !== 'string' || a.program.trim() === '') return fail(`\`program\` must be the path of a .goheap script (got ${show(a.program)})`);
  const programPath = isAbsolute(a.program) ? a.program : resolve(a.program);
  let text: string;
  try {
    text = readText(programPath);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return fail(`cannot read program '${programPath}': ${why}`);
  }
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

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}
