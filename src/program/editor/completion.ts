/**
 * Completion for a `.goheap` file, without VS Code: what may be typed at the cursor, from the
 * text before it on its line and the checked program.
 *
 *   `heap.`             heap facts of the file's model (with their Go names)
 *   `span(x).`/`obj(x).` mspan / object fields of the file's model
 *   `model `            the three models; `gogc ` → `off`; `on ` → P0..P{procs-1}
 *   start of a line     statement keywords; settings while no statement came before; variables
 *   elsewhere           variables in scope (declared earlier in the text, counters of enclosing
 *                       loops), fact functions, values, span states of the model; after `=`
 *                       also `new`, `make`, `stackalloc`
 * Nothing inside comments or strings.
 *
 * Invariant: a variable is offered only where the checker would accept it (declared earlier in
 * the text; a counter only inside its loop body).
 */

import type { Program } from '../ast';
import { FACT_FUNCTIONS, HEAP_FACTS, OBJ_FACTS, SPAN_FACTS, SPAN_STATES, type FactField } from '../facts';
import { MODELS, SETTING_NAMES, type ModelName } from '../settings';
import { STATEMENT_KEYWORDS } from '../tokens';
import { EditorDocument, inCommentOrString } from './document';
import { enclosingLoops } from './locate';
import { MODEL_DOCS, SETTING_DOCS } from './hover';

export type CompletionKind = 'keyword' | 'setting' | 'value' | 'variable' | 'array' | 'counter' | 'fact' | 'function' | 'field' | 'proc' | 'model';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail: string;
  /** Markdown. */
  readonly documentation?: string;
  /** Text to insert when it differs from the label (a snippet when `snippet` is set). */
  readonly insertText?: string;
  readonly snippet?: boolean;
}

const STATEMENT_DOCS: Readonly<Record<string, string>> = {
  var: 'declare an array of references: `var ring[4096]`',
  drop: '`x = nil`, and `x` may not be read until assigned again',
  gc: 'runtime.GC(): a full cycle, then sweep everything',
  sweep: 'sweepone() once, or N times',
  scavenge: 'one background-scavenger step, or release up to N bytes',
  freeosmemory: 'debug.FreeOSMemory()',
  tick: 'advance the simulated clock (sysmon: forced GC, periodic scavenging)',
  setfinalizer: 'runtime.SetFinalizer(x, func) with a no-op finalizer',
  runfinalizers: 'run the finalizers queued by the last GC',
  stackfree: 'stackfree: return a stack made by `stackalloc`',
  on: 'run a block on another P (its mcache, its page cache)',
  repeat: 'repeat a block N times, optionally `as i` (i = 0..N-1)',
  if: 'conditional block',
  assert: 'stop the script if the condition is false',
  expect: 'record a failure if the condition is false and go on',
  print: 'print values separated by spaces',
};

const BLOCK_SNIPPETS: Readonly<Record<string, string>> = {
  repeat: 'repeat ${1:10} as ${2:i} {\n\t$0\n}',
  if: 'if ${1:cond} {\n\t$0\n}',
  on: 'on P${1:1} {\n\t$0\n}',
  var: 'var ${1:ring}[${2:4096}]',
};

function factEntries(fields: readonly FactField[], model: ModelName): CompletionEntry[] {
  return fields
    .filter((f) => f.models.includes(model))
    .map((f) => ({ label: f.name, kind: 'field' as const, detail: `${f.go} (${f.type})`, documentation: f.doc }));
}

function variablesAt(program: Program, offset: number, line: number): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const seen = new Set<string>();
  for (const s of program.slots) {
    if (s.counter || seen.has(s.name)) continue;
    // Declared by an earlier line (its own declaring line is not yet a use).
    if (s.declRange.start.line >= line) continue;
    seen.add(s.name);
    if (s.type === 'array') out.push({ label: s.name, kind: 'array', detail: `array of ${s.length} references` });
    else out.push({ label: s.name, kind: 'variable', detail: s.type === 'ref' ? 'reference' : s.type });
  }
  for (const loop of enclosingLoops(program, offset)) {
    const c = loop.counter;
    if (c !== null && !seen.has(c.name)) {
      seen.add(c.name);
      out.push({ label: c.name, kind: 'counter', detail: 'loop counter (read-only)' });
    }
  }
  return out;
}

function expressionEntries(doc: EditorDocument, offset: number, line: number, allocations: boolean): CompletionEntry[] {
  const model = doc.model;
  const out = variablesAt(doc.program, offset, line);
  for (const fn of FACT_FUNCTIONS) {
    out.push(
      fn.arg === 'none'
        ? { label: fn.name, kind: 'function', detail: fn.doc, documentation: `e.g. \`${fn.example}\`` }
        : { label: fn.name, kind: 'function', detail: fn.doc, documentation: `e.g. \`${fn.example}\``, insertText: `${fn.name}($1)`, snippet: true },
    );
  }
  out.push({ label: 'rand', kind: 'function', detail: 'a pseudo-random integer in [0, n)', insertText: 'rand($1)', snippet: true });
  for (const v of ['true', 'false', 'nil']) out.push({ label: v, kind: 'value', detail: v === 'nil' ? 'the nil reference' : 'boolean' });
  for (const s of SPAN_STATES) {
    if (s.models.includes(model)) out.push({ label: s.name, kind: 'value', detail: 'span state (compare with span(x).state)' });
  }
  if (allocations) {
    out.push(
      { label: 'new', kind: 'keyword', detail: 'allocate an object: mallocgc(size)', insertText: 'new ${1:32}', snippet: true },
      { label: 'make', kind: 'keyword', detail: 'allocate an array: make COUNT of ELEMSIZE', insertText: 'make ${1:100} of ${2:8}', snippet: true },
      { label: 'stackalloc', kind: 'keyword', detail: 'allocate a goroutine stack', insertText: 'stackalloc ${1:8KB}', snippet: true },
    );
  }
  return out;
}

/**
 * Where typing a space should open completion: after `model`, `gogc`, `on`, and after an
 * allocation's size (`noscan`). Anywhere else a space is just a space.
 */
export function completesAfterSpace(prefix: string): boolean {
  return /^\s*(model|gogc)\s+$/.test(prefix) || /\bon\s+$/.test(prefix) || /\b(?:new\s+[^\s=]+|make\s+[^\s=]+\s+of\s+[^\s=]+)\s+$/.test(prefix);
}

/**
 * Completion entries at a 0-based position; `trigger` is the character that opened completion
 * (a space only completes where `completesAfterSpace` says). Never throws.
 */
export function completionsAt(doc: EditorDocument, line: number, column: number, trigger?: string): CompletionEntry[] {
  const pos = { line, column };
  const prefix = doc.linePrefix(pos);
  if (inCommentOrString(prefix)) return [];
  if (trigger === ' ' && !completesAfterSpace(prefix)) return [];
  const offset = doc.offsetAt(pos);
  const model = doc.model;
  let m: RegExpMatchArray | null;

  if (/(?:^|[^\w.])heap\.\w*$/.test(prefix)) return factEntries(HEAP_FACTS, model);
  if ((m = /\b(span|obj)\s*\([^()]*\)\.\w*$/.exec(prefix)) !== null) return factEntries(m[1] === 'span' ? SPAN_FACTS : OBJ_FACTS, model);
  if (/^\s*model\s+\S*$/.test(prefix)) {
    return MODELS.map((name) => ({ label: name, kind: 'model' as const, detail: 'runtime generation', documentation: MODEL_DOCS[name] }));
  }
  if (/^\s*gogc\s+\w*$/.test(prefix)) {
    return [
      { label: 'off', kind: 'value', detail: 'disable automatic GC' },
      { label: '100', kind: 'value', detail: 'the default GOGC' },
    ];
  }
  if (/\bon\s+P?\d*$/.test(prefix)) {
    const procs = doc.compiled.settings.procs;
    return Array.from({ length: Math.min(procs, 256) }, (_, p) => ({ label: `P${p}`, kind: 'proc' as const, detail: `P ${p} of ${procs}` }));
  }
  if (/\b(?:new\s+[^\s=]+|make\s+[^\s=]+\s+of\s+[^\s=]+)\s+\w*$/.test(prefix)) {
    return [{ label: 'noscan', kind: 'keyword', detail: 'pointer-free object (noscan span class; tiny allocator under 16 bytes)' }];
  }
  if (/^\s*\w*$/.test(prefix)) {
    const out: CompletionEntry[] = [];
    const beforeStatements = !doc.program.body.some((s) => s.line < line);
    if (beforeStatements) {
      const set = new Set(doc.program.settings.filter((d) => doc.positionAt(d.start).line !== line).map((d) => d.name));
      for (const name of SETTING_NAMES) {
        if (!set.has(name)) out.push({ label: name, kind: 'setting', detail: 'setting', documentation: SETTING_DOCS[name] });
      }
    }
    for (const kw of STATEMENT_KEYWORDS) {
      if ((SETTING_NAMES as readonly string[]).includes(kw)) continue;
      const snippet = BLOCK_SNIPPETS[kw];
      out.push({ label: kw, kind: 'keyword', detail: STATEMENT_DOCS[kw] ?? 'statement', ...(snippet ? { insertText: snippet, snippet: true } : {}) });
    }
    out.push(...variablesAt(doc.program, offset, line));
    return out;
  }
  const afterAssign = /(?:^|[^=!<>])=\s*\w*$/.test(prefix);
  return expressionEntries(doc, offset, line, afterAssign);
}
