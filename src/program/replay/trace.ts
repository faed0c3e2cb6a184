/**
 * Streaming parser for the allocation trace a Go program prints with GODEBUG=allocfreetrace=1
 * (runtime/mprof.go: tracealloc, tracefree, tracegc; Go 1.19 is the reference):
 *
 *   tracealloc(0xc000012030, 0x18, main.node)        ← address, size (hex), type (absent: typ == nil)
 *   goroutine 1 [running]:
 *   runtime.mallocgc(0x18, 0x48fc80, 0x1)            ← frames as `traceback` prints them (level 2:
 *   	runtime/malloc.go:1131 +0x7b1 fp=… sp=… pc=…     runtime frames and arguments included)
 *   main.build(0x4811f1?)
 *   	goheap.example/traces/bintree/main.go:18 +0xa5 fp=… sp=… pc=…
 *                                                    ← a blank line ends the record
 *   tracefree(0xc000012030, 0x18)                    ← printed by the sweeper, stack follows
 *   tracegc()                                        ← printed at mark termination (gcMark), then
 *   …every other goroutine's stack…                     every goroutine's stack, blank-separated
 *   end tracegc
 *
 * What the numbers mean: `size` is mallocgc's size *after rounding* (class size; 16 for a new
 * tiny block — allocations that fit an existing tiny block are not traced at all; npages × 8192
 * for a large object). The request is the first argument of the `runtime.mallocgc` frame when
 * the traceback shows it as reliable (no `?`); it is kept as `request`.
 *
 * Robustness: input arrives in chunks (`push`, strings or UTF-8 bytes) and is cut into lines here,
 * so a huge trace is never held whole — only the current line and record. Lines that belong to no
 * record (the program's own output on the same stream) are skipped and counted; a record that
 * starts after other text on its line is read from its marker with a GH2103 warning; a record
 * line that does not parse is a GH2101 error at the exact column, and its stack is skipped; a
 * last line cut short is a GH2102 warning, not an error. Lines longer than 1 MiB are cut.
 *
 * Lines and columns are 0-based; events carry the line of their record's first line.
 */
import { DiagnosticSink, TraceCodes, type TraceDiagnostic } from './diagnostics';

/** One frame of a record's goroutine stack (innermost first). */
export interface Frame {
  /** Function as the traceback names it: `main.build`, `runtime.(*mcache).nextFree`. */
  readonly func: string;
  /** Source file as printed ('' when the file line is missing). */
  readonly file: string;
  /** 1-based source line as printed (0 when missing). */
  readonly line: number;
}

export interface AllocEvent {
  readonly kind: 'alloc';
  /** 0-based line of the `tracealloc(` record. */
  readonly line: number;
  readonly addr: number;
  /** Traced (rounded) size. */
  readonly size: number;
  /** Type string as the runtime printed it; null when the record has none (typ == nil). */
  readonly type: string | null;
  /** Requested size from the `runtime.mallocgc` frame, when the traceback shows it reliably. */
  readonly request: number | null;
  readonly goroutine: number | null;
  /** Frames, innermost first (empty when stacks are not kept). */
  readonly stack: readonly Frame[];
}

export interface FreeEvent {
  readonly kind: 'free';
  readonly line: number;
  readonly addr: number;
  readonly size: number;
  readonly goroutine: number | null;
  readonly stack: readonly Frame[];
}

export interface GCEvent {
  readonly kind: 'gc';
  readonly line: number;
  /** A goroutine was waiting in runtime.GC(): a forced cycle, swept to the end before GC returns. */
  readonly forced: boolean;
}

export type TraceEvent = AllocEvent | FreeEvent | GCEvent;

export interface TraceParserOptions {
  /** Keep each record's frames (default true). Without them events are smaller; `request` is still read. */
  readonly stacks?: boolean;
}

export interface TraceStats {
  lines: number;
  allocs: number;
  frees: number;
  gcs: number;
  /** Lines that belong to no record: the program's own output, or text the parser could not place. */
  foreignLines: number;
}

/** Longest line kept; the rest of a longer line is dropped. */
export const MAX_LINE = 1 << 20;

interface RecordBuilder {
  kind: 'alloc' | 'free';
  line: number;
  addr: number;
  size: number;
  type: string | null;
  request: number | null;
  goroutine: number | null;
  stack: Frame[];
  frames: number;
  pendingFunc: string | null;
}

type Marker = 'tracealloc(' | 'tracefree(' | 'tracegc()';
const markers: readonly Marker[] = ['tracealloc(', 'tracefree(', 'tracegc()'];

/**
 * The first record marker in a line, unless it is the runtime function of that name in a stack
 * (`runtime.tracealloc(…)`: a goroutine waiting for the trace lock). Program output glued to a
 * marker (`loading...tracealloc(…`) does not hide it.
 */
function findMarker(s: string): { marker: Marker; col: number } | null {
  let from = 0;
  for (;;) {
    const i = s.indexOf('trace', from);
    if (i < 0) return null;
    if (i < 8 || !s.startsWith('runtime.', i - 8)) {
      for (const m of markers) if (s.startsWith(m, i)) return { marker: m, col: i };
    }
    from = i + 5;
  }
}

/** A parse failure inside a record line: column and message. */
class LineError {
  constructor(
    readonly col: number,
    readonly len: number,
    readonly message: string,
    readonly code: typeof TraceCodes.MalformedRecord | typeof TraceCodes.NumberOutOfRange = TraceCodes.MalformedRecord,
  ) {}
}

/** Reads `0x…` at s[i]; returns [value, end]. */
function readHex(s: string, i: number, what: string): [number, number] {
  if (!(s.startsWith('0x', i) || s.startsWith('0X', i))) {
    throw new LineError(i, tokenLen(s, i), `expected ${what} in hex (0x…), found ${describe(s, i)}`);
  }
  let j = i + 2;
  while (j < s.length && /[0-9a-fA-F]/.test(s[j])) j++;
  if (j === i + 2) throw new LineError(i, Math.max(2, tokenLen(s, i)), `expected hex digits after 0x for ${what}, found ${describe(s, j)}`);
  const v = parseInt(s.slice(i + 2, j), 16);
  if (!Number.isSafeInteger(v)) throw new LineError(i, j - i, `${what} ${s.slice(i, j)} is beyond 2^53`, TraceCodes.NumberOutOfRange);
  return [v, j];
}

function tokenLen(s: string, i: number): number {
  let j = i;
  while (j < s.length && s[j] !== ',' && s[j] !== ')' && s[j] !== ' ') j++;
  return Math.max(1, j - i);
}

/** What was found at s[i], for a message: up to the next `,` or `)` (at least one character, at most 20). */
function describe(s: string, i: number): string {
  if (i >= s.length) return 'the end of the line';
  let j = i + 1;
  while (j < s.length && j < i + 20 && s[j] !== ',' && s[j] !== ')') j++;
  return `"${s.slice(i, j)}"`;
}

function expect(s: string, i: number, lit: string, after: string): number {
  if (!s.startsWith(lit, i)) throw new LineError(i, Math.max(1, Math.min(tokenLen(s, i), lit.length)), `expected "${lit}" after ${after}, found ${describe(s, i)}`);
  return i + lit.length;
}

/** Brackets of a type string balance: `map.bucket[string]int`, `func() (int, error)`, `struct { … }`. */
function unbalanced(t: string): number {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== pairs[c]) return i;
    }
  }
  return stack.length === 0 ? -1 : t.length;
}

export class TraceParser {
  readonly stats: TraceStats = { lines: 0, allocs: 0, frees: 0, gcs: 0, foreignLines: 0 };
  private readonly sink = new DiagnosticSink();
  private readonly keepStacks: boolean;
  private decoder: TextDecoder | null = null;
  private carry = '';
  private dropping = false;
  private lineNo = 0;
  private cur: RecordBuilder | null = null;
  /** In a record's stack (cur may be null: skipping the stack of a malformed record). */
  private inRecord = false;
  private gc: { line: number; forced: boolean } | null = null;
  private out: TraceEvent[] = [];
  private ended = false;

  constructor(opts: TraceParserOptions = {}) {
    this.keepStacks = opts.stacks ?? true;
  }

  /** Diagnostics so far (complete after `end`). */
  get diagnostics(): readonly TraceDiagnostic[] {
    return this.sink.list;
  }

  /** Feed the next chunk; returns the events completed by it, in trace order. */
  push(chunk: string | Uint8Array): TraceEvent[] {
    if (this.ended) throw new Error('TraceParser.push after end');
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      if (this.decoder === null) this.decoder = new TextDecoder('utf-8');
      text = this.decoder.decode(chunk, { stream: true });
    }
    this.feed(text);
    return this.take();
  }

  /** The input is complete: the last line (even without a newline) and the open record are finished. */
  end(): TraceEvent[] {
    if (this.ended) return [];
    if (this.decoder !== null) this.feed(this.decoder.decode());
    this.ended = true;
    if (this.carry.length > 0 || this.dropping) {
      const last = this.carry;
      this.carry = '';
      this.dropping = false;
      this.handleLine(last.endsWith('\r') ? last.slice(0, -1) : last, true);
    }
    this.finishOpen(true);
    if (this.stats.allocs + this.stats.frees + this.stats.gcs === 0) {
      this.sink.add(TraceCodes.NoRecords, 'error', 'no tracealloc, tracefree or tracegc records found: record the program with GODEBUG=allocfreetrace=1 and capture its standard error (2>file)', 0);
    }
    this.sink.finish(Math.max(0, this.lineNo - 1));
    return this.take();
  }

  private take(): TraceEvent[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private feed(text: string): void {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      let line: string;
      if (this.dropping) {
        line = this.carry;
        this.dropping = false;
      } else {
        line = this.carry.length > 0 ? this.carry + text.slice(start, nl) : text.slice(start, nl);
        if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE);
      }
      this.carry = '';
      start = nl + 1;
      this.handleLine(line.endsWith('\r') ? line.slice(0, -1) : line, false);
    }
    if (this.dropping) return;
    const rest = text.slice(start);
    if (rest.length === 0) return;
    this.carry += rest;
    if (this.carry.length > MAX_LINE) {
      this.carry = this.carry.slice(0, MAX_LINE);
      this.dropping = true;
    }
  }

  private handleLine(s: string, last: boolean): void {
    const n = this.lineNo++;
    this.stats.lines++;
    const m = s.indexOf('trace') >= 0 ? findMarker(s) : null;
    if (m !== null) {
      if (this.gc !== null) {
        this.sink.add(TraceCodes.UnterminatedGC, 'warning', 'a record starts before the tracegc() block ended with "end tracegc"', n, m.col, m.marker.length, s);
      }
      this.finishOpen();
      if (m.col > 0) {
        this.sink.add(TraceCodes.InterleavedOutput, 'warning', `program output before the record on this line; the record is read from column ${m.col + 1}`, n, 0, m.col, s);
      }
      this.header(s, m.marker, m.col, n, last);
      return;
    }
    if (this.gc !== null) {
      if (s.endsWith('end tracegc')) {
        this.finishOpen();
        return;
      }
      if (s.startsWith('runtime.GC(')) this.gc.forced = true;
      return;
    }
    if (this.inRecord) {
      if (s.length === 0) {
        this.finishOpen();
        return;
      }
      if (!this.stackLine(s)) this.stats.foreignLines++;
      return;
    }
    if (s.length > 0) this.stats.foreignLines++;
  }

  /** Emit the open record or tracegc block (`atEnd`: the input ended with it open). */
  private finishOpen(atEnd = false): void {
    if (this.gc !== null) {
      if (atEnd) this.sink.add(TraceCodes.UnterminatedGC, 'warning', 'the trace ends inside a tracegc() block (no "end tracegc"); the collection is replayed', this.gc.line, 0, 9, 'tracegc()');
      this.out.push({ kind: 'gc', line: this.gc.line, forced: this.gc.forced });
      this.stats.gcs++;
      this.gc = null;
    }
    const r = this.cur;
    if (r !== null) {
      if (r.pendingFunc !== null) this.addFrame(r, r.pendingFunc, '', 0);
      if (r.kind === 'alloc') {
        this.out.push({ kind: 'alloc', line: r.line, addr: r.addr, size: r.size, type: r.type, request: r.request, goroutine: r.goroutine, stack: r.stack });
        this.stats.allocs++;
      } else {
        this.out.push({ kind: 'free', line: r.line, addr: r.addr, size: r.size, goroutine: r.goroutine, stack: r.stack });
        this.stats.frees++;
      }
      this.cur = null;
    }
    this.inRecord = false;
  }

  private header(s: string, marker: Marker, col: number, n: number, last: boolean): void {
    try {
      if (marker === 'tracegc()') {
        const end = col + marker.length;
        if (end < s.length) this.trailing(s, end, n);
        this.gc = { line: n, forced: false };
        return;
      }
      let i = col + marker.length;
      let addr: number;
      let size: number;
      [addr, i] = readHex(s, i, 'an address');
      i = expect(s, i, ', ', 'the address');
      [size, i] = readHex(s, i, 'a size');
      let type: string | null = null;
      if (marker === 'tracefree(') {
        i = expect(s, i, ')', 'the size');
        if (i < s.length) this.trailing(s, i, n);
      } else if (s.startsWith(')', i)) {
        if (i + 1 < s.length) this.trailing(s, i + 1, n);
      } else {
        i = expect(s, i, ', ', 'the size');
        const close = s.lastIndexOf(')');
        if (close < i) throw new LineError(s.length, 1, 'expected ")" to close the record after the type');
        type = s.slice(i, close);
        if (type.trim().length === 0) throw new LineError(i, 1, 'expected a type after the size');
        const bad = unbalanced(type);
        if (bad >= 0) throw new LineError(i + bad, 1, bad === type.length ? `unbalanced brackets in the type "${type}" (is the line cut short?)` : `unbalanced "${type[bad]}" in the type "${type}"`);
        if (close + 1 < s.length) this.trailing(s, close + 1, n);
      }
      this.cur = { kind: marker === 'tracealloc(' ? 'alloc' : 'free', line: n, addr, size, type, request: null, goroutine: null, stack: [], frames: 0, pendingFunc: null };
      this.inRecord = true;
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      const what = marker === 'tracegc()' ? 'tracegc' : marker.slice(0, -1);
      if (last) {
        this.sink.add(TraceCodes.TruncatedLastLine, 'warning', `the trace ends in the middle of a ${what} record; it is ignored (${e.message})`, n, e.col, e.len, s);
      } else {
        this.sink.add(e.code, 'error', `malformed ${what} record: ${e.message}`, n, e.col, e.len, s);
      }
      this.cur = null;
      this.inRecord = true; // skip its stack
    }
  }

  private trailing(s: string, from: number, n: number): void {
    if (s.slice(from).trim().length === 0) return;
    this.sink.add(TraceCodes.InterleavedOutput, 'warning', 'program output after the record on this line is ignored', n, from, s.length - from, s);
  }

  /** A line of a record's stack; false when it is not one (foreign output). */
  private stackLine(s: string): boolean {
    const r = this.cur;
    const c0 = s.charCodeAt(0);
    if (c0 === 9) {
      // "\tfile:line +0x… fp=… sp=… pc=…"
      const m = /^\t(.+?):(\d+)(?: |$)/.exec(s);
      if (m === null) return false;
      if (r !== null && r.pendingFunc !== null) {
        this.addFrame(r, r.pendingFunc, m[1], Number(m[2]));
        r.pendingFunc = null;
      }
      return true;
    }
    if (s.startsWith('goroutine ')) {
      const m = /^goroutine (\d+) \[.*\]:$/.exec(s);
      if (m === null) return false;
      if (r !== null && r.goroutine === null) r.goroutine = Number(m[1]);
      return true;
    }
    if (s.startsWith('created by ')) {
      if (r !== null) {
        if (r.pendingFunc !== null) this.addFrame(r, r.pendingFunc, '', 0);
        r.pendingFunc = s.slice('created by '.length).trim();
      }
      return true;
    }
    if (s.startsWith('...')) return true; // "...additional frames elided..."
    if (s.endsWith(')')) {
      // "pkg.func(args)": the arguments are the last balanced (...) group.
      let depth = 0;
      let open = -1;
      for (let i = s.length - 1; i >= 0; i--) {
        const c = s[i];
        if (c === ')') depth++;
        else if (c === '(') {
          depth--;
          if (depth === 0) {
            open = i;
            break;
          }
        }
      }
      const space = s.indexOf(' ');
      if (open <= 0 || (space >= 0 && space < open)) return false;
      if (r !== null) {
        if (r.pendingFunc !== null) this.addFrame(r, r.pendingFunc, '', 0);
        const func = s.slice(0, open);
        r.pendingFunc = func;
        if (r.frames === 0 && r.kind === 'alloc' && func === 'runtime.mallocgc') {
          const first = s.slice(open + 1, s.length - 1).split(',')[0].trim();
          if (/^0x[0-9a-f]+$/i.test(first)) {
            const v = parseInt(first, 16);
            if (v > 0 && Number.isSafeInteger(v)) r.request = v;
          }
        }
      }
      return true;
    }
    return false;
  }

  private addFrame(r: RecordBuilder, func: string, file: string, line: number): void {
    r.frames++;
    if (this.keepStacks) r.stack.push({ func, file, line });
  }
}

/** Parse a whole trace held in memory (tests, small files). */
export function parseTrace(text: string, opts?: TraceParserOptions): { events: TraceEvent[]; diagnostics: readonly TraceDiagnostic[]; stats: TraceStats } {
  const p = new TraceParser(opts);
  const events = p.push(text);
  for (const e of p.end()) events.push(e);
  return { events, diagnostics: p.diagnostics, stats: p.stats };
}

/**
 * Parse a trace arriving as chunks (a file stream, a pipe): yields events as their records
 * complete; the diagnostics and stats are on `parser` once the iteration is done.
 */
export async function* parseTraceStream(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, parser: TraceParser = new TraceParser()): AsyncGenerator<TraceEvent, void, void> {
  for await (const c of chunks) yield* parser.push(c);
  yield* parser.end();
}
