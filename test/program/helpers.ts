/**
 * Test helpers for the script front end: diagnostics in a compact, hand-writable form, and one
 * comparison that prints got/want line by line.
 */

import assert from 'node:assert/strict';
import { compile, type Diagnostic, type SettingOverrides } from '../../src/program/index';

/** A diagnostic as written in expectations: code, severity, [startLine, startCol, endLine, endCol] (0-based), message. */
export interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly range: readonly [number, number, number, number];
  readonly message: string;
}

export function simplify(d: Diagnostic): ExpectedDiagnostic {
  const r = d.range;
  return { code: d.code, severity: d.severity, range: [r.start.line, r.start.column, r.end.line, r.end.column], message: d.message };
}

function show(d: ExpectedDiagnostic): string {
  return `${d.severity} ${d.code} ${d.range[0]}:${d.range[1]}-${d.range[2]}:${d.range[3]} ${d.message}`;
}

/** Asserts `got` equals `want` exactly, in order; the failure lists both sides. */
export function assertDiagnostics(got: readonly Diagnostic[], want: readonly ExpectedDiagnostic[], label = ''): void {
  const g = got.map(simplify).map(show);
  const w = want.map(show);
  if (g.join('\n') !== w.join('\n')) {
    assert.fail(`${label}\n--- got\n${g.join('\n')}\n--- want\n${w.join('\n')}`);
  }
}

/** Compiles and returns diagnostics as lines `GH1203 3:0-3:6 message` (severity omitted for errors). */
export function diagLines(text: string, overrides?: SettingOverrides): string[] {
  return compile(text, overrides).diagnostics.map((d) => {
    const r = d.range;
    const sev = d.severity === 'warning' ? 'warning ' : '';
    return `${sev}${d.code} ${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column} ${d.message}`;
  });
}

/** Just the codes, in order. */
export function codes(text: string, overrides?: SettingOverrides): string[] {
  return compile(text, overrides).diagnostics.map((d) => d.code);
}

/** Deterministic PRNG for fuzzing (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
