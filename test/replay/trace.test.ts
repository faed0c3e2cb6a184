/**
 * The allocation-trace parser on hand-written snippets: the records and their stacks, chunking
 * (any split point, bytes cut inside a UTF-8 character, CRLF), program output interleaved with
 * the trace, a truncated last line, and malformed records with their exact line and column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LINE, MAX_PER_CODE, TraceParser, formatTraceDiagnostic, parseTrace, parseTraceStream, type TraceDiagnostic, type TraceEvent } from '../../src/program/replay/index';
import { basic } from './snippets';

/** Diagnostics as `line:col code severity` (1-based, as printed), for compact expectations. */
const brief = (ds: readonly TraceDiagnostic[]): string[] => ds.map((d) => `${d.line + 1}:${d.column + 1} ${d.code} ${d.severity}`);

test('records, their stacks, the request size and a forced GC are read from a Go 1.19 trace', () => {
  const { events, diagnostics, stats } = parseTrace(basic);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(events, [
    {
      kind: 'alloc',
      line: 0,
      addr: 0xc000012030,
      size: 0x18,
      type: 'main.node',
      request: 0x18,
      goroutine: 1,
      stack: [
        { func: 'runtime.mallocgc', file: 'runtime/malloc.go', line: 1131 },
        { func: 'runtime.newobject', file: 'runtime/malloc.go', line: 1202 },
        { func: 'main.build', file: 'goheap.example/traces/bintree/main.go', line: 18 },
      ],
    },
    { kind: 'alloc', line: 9, addr: 0xc00001a090, size: 0x10, type: null, request: 4, goroutine: 1, stack: [{ func: 'runtime.mallocgc', file: 'runtime/malloc.go', line: 1131 }] },
    { kind: 'gc', line: 14, forced: true },
    {
      kind: 'free',
      line: 26,
      addr: 0xc000012030,
      size: 0x18,
      goroutine: 0,
      stack: [
        { func: 'runtime.(*sweepLocked).sweep', file: 'runtime/mgcsweep.go', line: 577 },
        { func: 'runtime.gcenable', file: 'runtime/mgc.go', line: 178 },
      ],
    },
  ]);
  assert.deepEqual(stats, { lines: 32, allocs: 2, frees: 1, gcs: 1, foreignLines: 1 });
});

test('a request printed as unreliable (with ?) is not used; stacks can be left out', () => {
  const text = 'tracealloc(0xc000010000, 0x20, *main.T)\ngoroutine 1 [running]:\nruntime.mallocgc(0x1c?, 0x0?, 0x1)\n\truntime/malloc.go:1131 +0x7b1\n\n';
  const [ev] = parseTrace(text).events;
  assert.equal(ev.kind === 'alloc' && ev.request, null);
  const [bare] = parseTrace(basic, { stacks: false }).events;
  assert.ok(bare.kind === 'alloc');
  assert.deepEqual(bare.stack, []);
  assert.equal(bare.request, 0x18);
});

test('the same events whatever the chunking: every split point, one character at a time, bytes, CRLF', async () => {
  const want = parseTrace(basic).events;
  for (let i = 0; i <= basic.length; i += 7) {
    const p = new TraceParser();
    const got = [...p.push(basic.slice(0, i)), ...p.push(basic.slice(i)), ...p.end()];
    assert.deepEqual(got, want, `split at ${i}`);
  }
  const p = new TraceParser();
  const got: TraceEvent[] = [];
  for (const c of basic) got.push(...p.push(c));
  got.push(...p.end());
  assert.deepEqual(got, want, 'one character at a time');
  // UTF-8 bytes cut inside a multi-byte character (a type name with non-ASCII letters).
  const utf = 'tracealloc(0xc000010000, 0x20, main.Größe)\n\n';
  const bytes = new TextEncoder().encode(utf);
  const q = new TraceParser();
  const evs = [...q.push(bytes.slice(0, 38)), ...q.push(bytes.slice(38)), ...q.end()];
  assert.equal(evs[0].kind === 'alloc' && evs[0].type, 'main.Größe');
  const crlf = parseTrace(basic.replace(/\n/g, '\r\n'));
  assert.deepEqual(crlf.events, want);
  assert.deepEqual(crlf.diagnostics, []);
  const streamed: TraceEvent[] = [];
  for await (const ev of parseTraceStream([basic.slice(0, 100), basic.slice(100)])) streamed.push(ev);
  assert.deepEqual(streamed, want);
});

test('program output between records, inside a stack, and on a record line is skipped', () => {
  const text = [
    'hello from the program', // 1
    'tracealloc(0xc000010000, 0x20, *main.T)', // 2
    'goroutine 1 [running]:', // 3
    'progress: 50%', // 4  (output inside the stack)
    'main.main()', // 5
    '\tx/main.go:10 +0x25', // 6
    '', // 7
    'no newline before the trace: tracefree(0xc000010000, 0x20)', // 8
    '', // 9
    'tracealloc(0xc000010020, 0x20, *main.T) and after', // 10  (text after the record: a ')' less type)
    '', // 11
    'progress...tracegc()', // 12  (output without a newline, glued to the record)
    'end tracegc', // 13
  ].join('\n');
  const { events, diagnostics, stats } = parseTrace(text);
  assert.deepEqual(
    events.map((e) => `${e.kind}@${e.line + 1}`),
    ['alloc@2', 'free@8', 'alloc@10', 'gc@12'],
  );
  assert.deepEqual(events[0].kind === 'alloc' && events[0].stack, [{ func: 'main.main', file: 'x/main.go', line: 10 }]);
  assert.equal(events[2].kind === 'alloc' && events[2].type, '*main.T');
  assert.deepEqual(brief(diagnostics), ['8:1 GH2103 warning', '10:40 GH2103 warning', '12:1 GH2103 warning']);
  assert.equal(diagnostics[0].message, 'program output before the record on this line; the record is read from column 30');
  assert.equal(diagnostics[0].length, 29);
  assert.equal(stats.foreignLines, 2);
});

test('a qualified name that contains a marker is not a record', () => {
  const text = 'runtime.tracealloc(0xc000010000, 0x20, 0x0)\n\truntime/mprof.go:1240\n';
  const r = parseTrace(text);
  assert.deepEqual(r.events, []);
  assert.deepEqual(brief(r.diagnostics), ['1:1 GH2106 error']);
});

test('a truncated last line is a warning and its record is dropped; a complete last line without newline is kept', () => {
  const cut = `${basic}tracealloc(0xc000010000, 0x2`;
  const r = parseTrace(cut);
  assert.equal(r.events.length, 4);
  assert.deepEqual(brief(r.diagnostics), ['33:29 GH2102 warning']);
  assert.equal(r.diagnostics[0].message, 'the trace ends in the middle of a tracealloc record; it is ignored (expected ", " after the size, found the end of the line)');
  const whole = parseTrace(`${basic}tracefree(0xc00001a090, 0x10)`);
  assert.equal(whole.events.length, 5);
  assert.deepEqual(whole.diagnostics, []);
  // Cut inside the stack of the last record: the record is complete, the stack partial.
  const inStack = parseTrace('tracealloc(0xc000010000, 0x20, *main.T)\ngoroutine 1 [running]:\nmain.ma');
  assert.equal(inStack.events.length, 1);
  assert.deepEqual(inStack.diagnostics, []);
  // Cut inside a tracegc block: the collection happened.
  const inGC = parseTrace('tracegc()\n\ngoroutine 1 [running]:\n');
  assert.deepEqual(inGC.events, [{ kind: 'gc', line: 0, forced: false }]);
  assert.deepEqual(brief(inGC.diagnostics), ['1:1 GH2105 warning']);
});

test('malformed records are errors at the exact line and column', () => {
  const cases: [string, string, string][] = [
    ['tracealloc(c000012000, 0x10)', '1:12 GH2101', 'malformed tracealloc record: expected an address in hex (0x…), found "c000012000"'],
    ['tracealloc(0xc000012000 0x10)', '1:24 GH2101', 'malformed tracealloc record: expected ", " after the address, found " 0x10"'],
    ['tracefree(0xc000012000, zz)', '1:25 GH2101', 'malformed tracefree record: expected a size in hex (0x…), found "zz"'],
    ['tracefree(0xc000012000, 0x)', '1:25 GH2101', 'malformed tracefree record: expected hex digits after 0x for a size, found ")"'],
    ['tracefree(0xc000012000, 0x10', '1:29 GH2101', 'malformed tracefree record: expected ")" after the size, found the end of the line'],
    ['tracealloc(0xc000012000, 0x10, map.bucket[string]int', '1:53 GH2101', 'malformed tracealloc record: expected ")" to close the record after the type'],
    ['tracealloc(0xc000012000, 0x10, map.bucket[string)int)', '1:49 GH2101', 'malformed tracealloc record: unbalanced ")" in the type "map.bucket[string)int"'],
    ['tracealloc(0xc000012000, 0x10, )', '1:32 GH2101', 'malformed tracealloc record: expected a type after the size'],
    ['tracealloc(0x1000000000000000, 0x10)', '1:12 GH2104', 'malformed tracealloc record: an address 0x1000000000000000 is beyond 2^53'],
  ];
  for (const [line, where, message] of cases) {
    // Each malformed line sits on the second line of a trace that has a good record after it.
    const text = `tracegc()\nend tracegc\n${line}\ngoroutine 1 [running]:\nmain.main()\n\tx/main.go:3 +0x1\n\n${'tracefree(0xc000010000, 0x20)\n\n'}`;
    const r = parseTrace(text);
    assert.equal(r.diagnostics.length, 1, line);
    const d = r.diagnostics[0];
    assert.equal(`${d.line + 1 - 2}:${d.column + 1} ${d.code}`, where, line);
    assert.equal(d.severity, 'error');
    assert.equal(d.message, message);
    // The malformed record's stack is skipped, the next record is read.
    assert.deepEqual(
      r.events.map((e) => e.kind),
      ['gc', 'free'],
      line,
    );
  }
});

test('a diagnostic prints as a code frame with 1-based positions', () => {
  const r = parseTrace('tracealloc(0xc000010000, 0x20, *main.T)\n\ntracefree(0xc000012000, zz)\n');
  assert.equal(
    formatTraceDiagnostic(r.diagnostics[0], 'prog.trace'),
    ['error GH2101: malformed tracefree record: expected a size in hex (0x…), found "zz"', ' --> prog.trace:3:25', '  |', '3 | tracefree(0xc000012000, zz)', '  |                         ^^'].join('\n'),
  );
});

test('no records at all is an error that says how to record a trace', () => {
  const r = parseTrace('hello\nworld\n');
  assert.deepEqual(brief(r.diagnostics), ['1:1 GH2106 error']);
  assert.match(r.diagnostics[0].message, /GODEBUG=allocfreetrace=1/);
});

test('diagnostics are capped per code, with one note counting the rest', () => {
  const bad = 'tracefree(0xc000012000, zz)\n'.repeat(MAX_PER_CODE + 7);
  const r = parseTrace(bad);
  assert.equal(r.diagnostics.filter((d) => d.code === 'GH2101').length, MAX_PER_CODE);
  const note = r.diagnostics.filter((d) => d.code === 'GH2199');
  assert.equal(note.length, 1);
  assert.equal(note[0].message, `7 more GH2101 diagnostics not shown (${MAX_PER_CODE + 7} in all)`);
});

test('a line longer than MAX_LINE is cut, not held whole', () => {
  const p = new TraceParser();
  const long = 'x'.repeat(256 * 1024);
  for (let i = 0; i < 6; i++) p.push(long); // 1.5 MiB without a newline
  const evs = [...p.push('\ntracefree(0xc000010000, 0x20)\n\n'), ...p.end()];
  assert.equal(evs.length, 1);
  assert.equal(p.stats.foreignLines, 1);
  assert.ok(MAX_LINE < 6 * long.length);
});
