/**
 * Resolves the effective settings of a program: script values (validated, each at most once,
 * before any statement), then overrides from the CLI or a launch configuration (validated the
 * same way, reported with origin 'override'). A setting after a statement is an error and has no
 * effect.
 */

import { applyIntOp, isFault } from './arith';
import type { Expr, SettingDecl } from './ast';
import { Codes, DiagnosticSink } from './diagnostics';
import { lineOfOffset, rangeAt, type Range } from './positions';
import {
  DEFAULT_SETTINGS, SETTING_NAMES, isSettingName, normalizeOverride, validateSetting,
  type SettingName, type SettingOverrides, type Settings,
} from './settings';

const ZERO: Range = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

/** Where an effective setting came from, for messages like "procs 4 (set at line 2)". */
export type SettingSource = { kind: 'default' } | { kind: 'script'; decl: SettingDecl; line: number } | { kind: 'override' };

export interface ResolvedSettings {
  readonly settings: Settings;
  readonly sources: Readonly<Record<SettingName, SettingSource>>;
}

/** Folds a setting value written with literals and arithmetic; null when it is not constant, NaN when already reported. */
export function foldConstant(e: Expr): number | null {
  switch (e.kind) {
    case 'int':
      return e.value;
    case 'unary': {
      if (e.op !== '-') return null;
      const v = foldConstant(e.operand);
      return v === null ? null : v === 0 ? 0 : -v;
    }
    case 'binary': {
      const op = e.op;
      if (op !== '+' && op !== '-' && op !== '*' && op !== '/' && op !== '%' && op !== '<<' && op !== '>>') return null;
      const a = foldConstant(e.left);
      const b = foldConstant(e.right);
      if (a === null || b === null) return null;
      if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
      const r = applyIntOp(op, a, b);
      return isFault(r) ? NaN : r;
    }
    default:
      return null;
  }
}


/**
 * Resolves settings in two steps, because a script is checked front to back: `resolve` takes the
 * settings written before the first statement and the overrides, and fixes the effective values;
 * `late` reports a setting written after a statement (it is validated like the others, but it has
 * no effect: the statements before it were already checked with the values in force).
 */
export class SettingsResolver {
  private readonly seen = new Map<SettingName, SettingDecl>();

  constructor(private readonly lineStarts: Int32Array, private readonly sink: DiagnosticSink) {}

  resolve(early: readonly SettingDecl[], overrides?: SettingOverrides): ResolvedSettings {
    const values: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    const sources = Object.fromEntries(SETTING_NAMES.map((n) => [n, { kind: 'default' }])) as Record<SettingName, SettingSource>;
    for (const s of early) {
      const value = this.validate(s);
      if (value === undefined) continue;
      values[s.name] = value;
      sources[s.name] = { kind: 'script', decl: s, line: this.lineOf(s) };
    }
    if (overrides !== undefined && overrides !== null) {
      for (const key of Object.keys(overrides)) {
        const raw = overrides[key];
        if (raw === undefined) continue;
        const decl = this.seen.get(key as SettingName);
        const r = decl !== undefined ? this.valueRange(decl) : ZERO;
        if (!isSettingName(key)) {
          this.sink.add({
            code: Codes.UnknownOverride, severity: 'error', origin: 'override', setting: key, range: ZERO,
            message: `unknown setting \`${key}\` in the overrides; settings are ${SETTING_NAMES.join(', ')}`,
          });
          continue;
        }
        const v = normalizeOverride(key, raw);
        const problem = typeof v === 'number' || typeof v === 'string' ? validateSetting(key, v) : validateSetting(key, NaN);
        if (problem !== null) {
          const message = typeof v === 'number' || typeof v === 'string'
            ? problem.message
            : `${key} must be ${key === 'model' ? 'a model name' : 'a number'} (got ${JSON.stringify(raw) ?? String(raw)})`;
          this.sink.add({ code: problem.code, severity: 'error', origin: 'override', setting: key, range: r, message: `override of \`${key}\`: ${message}` });
          continue;
        }
        values[key] = v;
        sources[key] = { kind: 'override' };
      }
    }
    return { settings: values as unknown as Settings, sources };
  }

  late(s: SettingDecl): void {
    this.sink.error(Codes.SettingAfterStatements, rangeAt(this.lineStarts, s.start, s.end),
      `\`${s.name}\` must come before the first statement; move it to the top of the script`);
    this.validate(s);
  }

  /** Reports a duplicate or an invalid value; returns the value to apply, or undefined. */
  private validate(s: SettingDecl): number | string | undefined {
    const first = this.seen.get(s.name);
    if (first !== undefined) {
      this.sink.error(Codes.DuplicateSetting, rangeAt(this.lineStarts, s.start, s.end),
        `duplicate setting \`${s.name}\` (already set at line ${this.lineOf(first)}); keep one`);
      return undefined;
    }
    this.seen.set(s.name, s);
    let value: number | string;
    if (s.word !== null) {
      if (s.word === 'off' && s.name !== 'gogc') {
        this.sink.error(Codes.SettingOutOfRange, this.valueRange(s), `only \`gogc\` can be \`off\`; \`${s.name}\` needs a number`);
        return undefined;
      }
      value = s.word;
    } else if (s.expr !== null) {
      const v = foldConstant(s.expr);
      if (v === null) {
        this.sink.error(Codes.SettingNotConstant, this.valueRange(s), `\`${s.name}\` needs a constant value, e.g. \`${example(s.name)}\``);
        return undefined;
      }
      if (Number.isNaN(v)) return undefined; // the literal was already reported
      value = v;
    } else return undefined;
    const problem = validateSetting(s.name, value);
    if (problem !== null) {
      this.sink.error(problem.code, this.valueRange(s), problem.message);
      return undefined;
    }
    return value;
  }

  private valueRange(s: SettingDecl): Range {
    return rangeAt(this.lineStarts, s.valueStart, s.valueEnd);
  }

  private lineOf(s: SettingDecl): number {
    return lineOfOffset(this.lineStarts, s.start) + 1;
  }
}

function example(name: SettingName): string {
  switch (name) {
    case 'model': return 'model go1.14';
    case 'procs': return 'procs 4';
    case 'gogc': return 'gogc 100';
    case 'memprofilerate': return 'memprofilerate 1';
    case 'physpagesize': return 'physpagesize 4096';
    case 'seed': return 'seed 1';
  }
}

/** " (set at line 2)", " (the default)", " (from the overrides)". */
export function describeSource(src: SettingSource): string {
  switch (src.kind) {
    case 'default': return ' (the default)';
    case 'script': return ` (set at line ${src.line})`;
    case 'override': return ' (from the overrides)';
  }
}
