/**
 * The stdio debug adapter under abuse: malformed launch configurations, requests out of order or
 * unknown, garbage arguments, and a client that goes away in the middle of a long run. Every
 * request gets a response (an error where it cannot be served), the adapter stays alive, and
 * when the client leaves it exits with status 0.
 *
 * Four of these failed when they were written (a JS TypeError as the answer to `scopes` before
 * launch and to arguments of the wrong shape; `next` served before configurationDone; the stdio
 * adapter outliving `disconnect`) and were fixed in session.ts since.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from './corpus';
import { Adapter, assertUnchanged, fingerprint, tempDir, within } from './harness';

const dir = tempDir('goheap-dap-');
const good = join(dir, 'good.goheap');
writeFileSync(good, 'x = new 8\ny = new 16\nz = new 32\ngc\n');
/** A run of 10,000,000 iterations: seconds of work, so requests arrive while it runs. */
const long = join(dir, 'long.goheap');
writeFileSync(long, 'var ring[4096]\nrepeat 10_000_000 as i {\n  ring[i % 4096] = new 32\n}\ngc\n');
mkdirSync(join(dir, 'a-directory.goheap'));
const gone = join(dir, 'gone.goheap');
writeFileSync(gone, 'x = new 8\n');
const snapshot = fingerprint(dir);

/** A JS exception's text leaking into a response (a request handler threw). */
const JS_ERROR = /TypeError|ReferenceError|RangeError|Cannot read properties|is not a function|\n\s+at /;

test('malformed launch configurations fail with a sentence naming the attribute; one adapter survives them all', async () => {
  const a = await Adapter.start();
  const cases: [string, unknown, RegExp][] = [
    ['no program', {}, /no `program`: set it to the path of a \.goheap script/],
    ['program is a number', { program: 5 }, /`program` must be the path of a \.goheap script \(got 5\)/],
    ['program is null', { program: null }, /`program` must be the path .*\(got null\)/],
    ['program is an array', { program: [good] }, /`program` must be the path/],
    ['program is empty', { program: '  ' }, /`program` must be the path/],
    ['program is a directory', { program: join(dir, 'a-directory.goheap') }, /cannot read program '.*a-directory\.goheap': it is a directory/],
    ['program does not exist', { program: join(dir, 'missing.goheap') }, /cannot read program '.*missing\.goheap': no such file/],
    ['program is binary', { program: join(FIXTURES, 'bytes', 'binary.goheap') }, /binary\.goheap has \d+ errors and cannot be debugged/],
    ['program is UTF-16', { program: join(FIXTURES, 'bytes', 'utf16le-bom.goheap') }, /has \d+ errors .*not UTF-8 text/],
    ['unknown model', { program: good, model: 'go9' }, /`model`: unknown model `go9`/],
    ['model is a number', { program: good, model: 1.14 }, /`model` must be one of go1\.5, go1\.10, go1\.14 \(got 1\.14\)/],
    ['procs is a string', { program: good, procs: '4' }, /`procs` must be a number \(got "4"\)/],
    ['procs is negative', { program: good, procs: -4 }, /`procs`: .*between 1 and 256.*-4/],
    ['procs is fractional', { program: good, procs: 1.5 }, /`procs`: .*between 1 and 256.*1\.5/],
    ['procs is too large', { program: good, procs: 100000 }, /`procs`: .*between 1 and 256/],
    ['gogc is a word', { program: good, gogc: 'sometimes' }, /`gogc` must be a number or "off" \(got "sometimes"\)/],
    ['gogc is negative', { program: good, gogc: -5 }, /`gogc`: /],
    ['memProfileRate is negative', { program: good, memProfileRate: -1 }, /`memProfileRate`: /],
    ['physPageSize is not a power of two', { program: good, physPageSize: 3000 }, /`physPageSize`: /],
    ['seed is negative', { program: good, seed: -1 }, /`seed`: /],
    ['stopOnEntry is a string', { program: good, stopOnEntry: 'yes' }, /`stopOnEntry` must be true or false \(got "yes"\)/],
    ['checkInvariants is a number', { program: good, checkInvariants: 1 }, /`checkInvariants` must be true or false \(got 1\)/],
    ['arguments are an array', [good], /no `program`/],
  ];
  try {
    for (const [what, args, want] of cases) {
      const r = await a.launch(args as Record<string, unknown>);
      assert.equal(r.ok, false, `${what}: launched`);
      if (r.ok) continue;
      assert.match(r.message, want, what);
      assert.doesNotMatch(r.message, JS_ERROR, what);
      await a.assertAlive(what);
    }
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('requests before launch, unknown commands and stale handles: a response each, the adapter alive after', async () => {
  const a = await Adapter.start();
  try {
    // Before any launch: nothing to show, nothing to move; no request may kill the adapter.
    const early: [string, unknown][] = [
      ['stackTrace', { threadId: 1 }],
      ['variables', { variablesReference: 999 }],
      ['evaluate', { expression: 'heap.inuse' }],
      ['next', { threadId: 1 }],
      ['stepIn', { threadId: 1 }],
      ['stepOut', { threadId: 1 }],
      ['continue', { threadId: 1 }],
      ['pause', { threadId: 1 }],
      ['stepBack', { threadId: 1 }],
      ['reverseContinue', { threadId: 1 }],
      ['restart', {}],
      ['source', { sourceReference: 5 }],
      ['exceptionInfo', { threadId: 1 }],
      ['thisIsNotACommand', { a: 1 }],
      ['', {}],
    ];
    for (const [cmd, args] of early) {
      const r = await a.request(cmd, args);
      if (!r.ok) assert.ok(r.message.length > 0, `${cmd}: an error response says something`);
      await a.assertAlive(`${cmd} before launch`);
    }
    const unknown = await a.request('thisIsNotACommand', {});
    assert.equal(unknown.ok, false);
    if (!unknown.ok) assert.match(unknown.message, /unrecognized request|unknown request/);
    assert.deepEqual((await a.request('evaluate', { expression: 'heap.inuse' })), { ok: false, message: 'no script is loaded' });
    assert.deepEqual((await a.request('restart', {})), { ok: false, message: 'nothing to restart' });

    // Launched and stopped on entry: references from before a step are stale after it.
    assert.deepEqual(await a.launch({ program: good, stopOnEntry: true }), { ok: true });
    await a.nextStop();
    const frames = (await a.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const scopes = (await a.dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
    const heap = scopes.find((s) => s.name === 'Heap')!;
    const kids = (await a.dc.variablesRequest({ variablesReference: heap.variablesReference })).body.variables;
    const nested = kids.find((v) => v.variablesReference > 0)!;
    await Promise.all([a.nextStop(), a.dc.nextRequest({ threadId: 1 })]);
    for (const ref of [heap.variablesReference, nested.variablesReference, -5, 0, 2 ** 31, 1e15]) {
      const r = await a.request('variables', { variablesReference: ref });
      assert.ok(!r.ok || Array.isArray((r.body as { variables: unknown[] }).variables), `variables ${ref}`);
    }
    const big = await a.request('variables', { variablesReference: heap.variablesReference, start: -10, count: 1e9 });
    assert.ok(!big.ok || Array.isArray((big.body as { variables: unknown[] }).variables));
    for (const frameId of [123456, 1005, -1]) {
      const r = await a.request('scopes', { frameId });
      assert.ok(r.ok || r.message.length > 0);
    }
    await a.assertAlive('stale handles');

    // Evaluate with garbage: each is an error response with a message a user can read.
    const garbage = ['', '   ', '!!!', ')(', 'x.', 'new 8', 'gc', 'heap.', 'heap.bogus', 'span(nil).npages', 'x'.repeat(100_000), '\0', '\uD800', '1/0', '1<<60', 'rand(0)', 'class(-1)', '1e400', '"unterminated', 'x = new 8', '#'];
    for (const expression of garbage) {
      const r = await a.request('evaluate', { expression, context: 'repl', frameId: frames[0].id });
      assert.equal(r.ok, false, `evaluate ${JSON.stringify(expression.slice(0, 20))} succeeded`);
      if (r.ok) continue;
      assert.ok(r.message.length > 0 && r.message.length < 400, `evaluate ${JSON.stringify(expression.slice(0, 20))}: ${r.message.slice(0, 100)}`);
      assert.doesNotMatch(r.message, JS_ERROR);
    }
    // Still debuggable: the next step works and lands on line 3.
    await Promise.all([a.nextStop(), a.dc.nextRequest({ threadId: 1 })]);
    assert.equal(await a.line(), 3);
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('requests with arguments of the wrong shape: error responses, the adapter alive after', async () => {
  const a = await Adapter.start();
  try {
    assert.deepEqual(await a.launch({ program: good, stopOnEntry: true }), { ok: true });
    await a.nextStop();
    const bad: [string, unknown][] = [
      ['evaluate', { expression: 5 }],
      ['evaluate', {}],
      ['scopes', {}],
      ['variables', { variablesReference: 'abc' }],
      ['setBreakpoints', { source: {}, breakpoints: 'x' }],
      ['setBreakpoints', {}],
      ['setFunctionBreakpoints', {}],
      ['setExceptionBreakpoints', {}],
      ['stackTrace', { threadId: 'main', startFrame: -3, levels: 'all' }],
      ['source', {}],
    ];
    for (const [cmd, args] of bad) {
      await a.request(cmd, args);
      await a.assertAlive(`${cmd} ${JSON.stringify(args)}`);
    }
    await Promise.all([a.nextStop(), a.dc.nextRequest({ threadId: 1 })]);
    assert.equal(await a.line(), 2);
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('requests with arguments of the wrong shape are answered with a sentence, not a JS exception', async () => {
  const a = await Adapter.start();
  try {
    assert.deepEqual(await a.launch({ program: good, stopOnEntry: true }), { ok: true });
    await a.nextStop();
    for (const [cmd, args] of [['evaluate', { expression: 5 }], ['evaluate', {}], ['scopes', {}], ['setBreakpoints', { source: {}, breakpoints: 'x' }], ['setBreakpoints', {}], ['setFunctionBreakpoints', {}], ['setExceptionBreakpoints', {}]] as const) {
      const r = await a.request(cmd, args);
      if (!r.ok) assert.doesNotMatch(r.message, JS_ERROR, `${cmd} ${JSON.stringify(args)}`);
    }
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('scopes before launch is answered with a sentence, not a JS exception', async () => {
  const a = await Adapter.start();
  try {
    const r = await a.request('scopes', { frameId: 1 });
    if (!r.ok) assert.doesNotMatch(r.message, JS_ERROR);
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('next before configurationDone does not run the script before the entry stop', async () => {
  const a = await Adapter.start();
  try {
    const launched = a.dc.send('launch', { program: good, stopOnEntry: true });
    await a.next('initialized');
    await a.request('next', { threadId: 1 });
    await a.dc.configurationDoneRequest();
    await launched;
    let stop = await a.nextStop();
    // A stray step may have been reported before the entry stop; the entry stop is what counts.
    if (stop.body.reason !== 'entry') stop = await a.nextStop();
    assert.equal(stop.body.reason, 'entry');
    assert.equal(await a.line(), 1, 'the entry stop is before the first statement');
    const f = (await a.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const r = await a.dc.evaluateRequest({ expression: 'heap.objects', context: 'repl', frameId: f[f.length - 1].id });
    assert.equal(r.body.result, '0', 'nothing allocated before the first statement');
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

/** Launch the 10,000,000-iteration script, running (no entry stop). */
async function longRun(): Promise<Adapter> {
  const a = await Adapter.start();
  assert.deepEqual(await a.launch({ program: long, stopOnEntry: false }), { ok: true });
  // It is running: threads and stackTrace are served between slices of the run.
  await a.assertAlive('running');
  const f = (await a.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.match(f[0].name, /^main · i \d+\/10000000$/);
  return a;
}

/** Hang guard for "the adapter exits": far above the 100 ms shutdown delay of @vscode/debugadapter. */
const EXIT_GUARD_MS = 5_000;

test('closing the adapter\'s stdin in the middle of a long run: the adapter exits with status 0', async () => {
  const a = await longRun();
  try {
    a.proc.stdin!.end();
    const exit = await within(a.exited, EXIT_GUARD_MS, 'still running' as const);
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    a.kill();
  }
});

test('SIGTERM in the middle of a long run: the adapter exits with status 0', async () => {
  const a = await longRun();
  try {
    a.proc.kill('SIGTERM');
    const exit = await within(a.exited, EXIT_GUARD_MS, 'still running' as const);
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    a.kill();
  }
});

test('terminate in the middle of a long run: answered, a terminated event, the adapter alive', async () => {
  const a = await longRun();
  try {
    await a.dc.terminateRequest({});
    await a.next('terminated');
    await a.assertAlive('after terminate');
  } finally {
    await a.dc.stop();
    a.kill();
  }
});

test('disconnect in the middle of a long run: answered while running', async () => {
  const a = await longRun();
  try {
    const r = await a.request('disconnect', {});
    assert.equal(r.ok, true);
  } finally {
    a.kill();
  }
});

test('disconnect in the middle of a long run: then the stdio adapter exits with status 0', async () => {
  const a = await longRun();
  try {
    await a.request('disconnect', {});
    const exit = await within(a.exited, EXIT_GUARD_MS, 'still running' as const);
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    a.kill();
  }
});

test('a program file that becomes unreadable after launch: the session goes on', async () => {
  const a = await Adapter.start();
  try {
    assert.deepEqual(await a.launch({ program: gone, stopOnEntry: true }), { ok: true });
    await a.nextStop();
    // The text was read once at launch: the session goes on without the file.
    chmodSync(gone, 0o000);
    await Promise.all([a.next('terminated'), a.dc.continueRequest({ threadId: 1 })]);
    await a.assertAlive('after the file became unreadable');
  } finally {
    chmodSync(gone, 0o644);
    await a.dc.stop();
    a.kill();
  }
});

test('the adapter wrote nothing into the directory of the scripts it debugged', () => {
  assertUnchanged(snapshot, fingerprint(dir), 'the adapter');
});
