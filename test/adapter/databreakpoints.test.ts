/**
 * Stories of data breakpoints on spans and objects (from the Variables view and from a
 * `span 0x...` expression), function breakpoints with conditions over the function's arguments,
 * and hovers that fail silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { writeFileSync } from 'node:fs';
import { Story } from './story';

const script = `model go1.10
x = new 32
n = 1
y = new 32
n = 2
x = nil
n = 3
gc
print "end"
`;

async function localsRef(story: Story): Promise<number> {
  const f = await story.frames();
  const scopes = (await story.dc.scopesRequest({ frameId: f[0].id })).body.scopes;
  return scopes.find((s) => s.name === 'Locals')!.variablesReference;
}

/** The span holding `x` now: its address, its data id (`span:N`) and N. */
async function spanOfX(story: Story): Promise<{ addr: string; dataId: string; spanId: number }> {
  const addr = (await story.value('x')).split(' ')[0];
  const dataId = (await story.dc.dataBreakpointInfoRequest({ name: `span ${addr}` })).body.dataId ?? '';
  const m = /^span:(\d+)$/.exec(dataId);
  assert.ok(m !== null, `span ${addr} has no span data id (${dataId})`);
  return { addr, dataId, spanId: Number(m[1]) };
}

test('data breakpoint on an object from Locals: breaks when its span allocCount changes, then when the GC frees it (sweepgen too)', async () => {
  const { story } = await Story.launch(script);
  try {
    assert.equal(story.initialize?.body?.supportsDataBreakpoints, true);
    await story.motion('next'); // x = new 32 done; before line 3
    const ref = await localsRef(story);
    const info = await story.dc.dataBreakpointInfoRequest({ variablesReference: ref, name: 'x' });
    assert.match(info.body.dataId ?? '', /^object:\d+:\d+$/);
    assert.match(info.body.description, /^object 0xc[0-9a-f]+ in span 0xc[0-9a-f]+ \(class \d+, 1 page\)/);
    const set = await story.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const id = set.body.breakpoints[0].id!;
    const s1 = await story.motion('continue');
    assert.equal(s1.body.reason, 'data breakpoint');
    assert.deepEqual(s1.body.hitBreakpointIds, [id]);
    assert.match(s1.body.description ?? '', /allocCount 1 → 2 \(before line 5\)/);
    assert.equal((await story.where()).line, 5);
    const s2 = await story.motion('continue');
    assert.equal(s2.body.reason, 'data breakpoint');
    assert.match(s2.body.description ?? '', /object freed/);
    assert.match(s2.body.description ?? '', /allocCount 2 → 1/);
    assert.match(s2.body.description ?? '', /sweepgen (\d+) → (\d+)/);
    const [, a, b] = /sweepgen (\d+) → (\d+)/.exec(s2.body.description!)!;
    assert.equal(Number(b), Number(a) + 2, 'one GC cycle advances sweepgen by 2');
    assert.equal((await story.where()).line, 9);
    const end = story.next('terminated');
    await story.dc.continueRequest({ threadId: 1 });
    await end;
  } finally {
    await story.close();
  }
});

test('data breakpoint on a `span 0x...` expression and on a span in Variables; bad targets are refused in words', async () => {
  const { story } = await Story.launch(script);
  try {
    await story.motion('next');
    const addr = (await story.value('x')).split(' ')[0];
    const info = await story.dc.dataBreakpointInfoRequest({ name: `span ${addr}` });
    assert.match(info.body.dataId ?? '', /^span:\d+$/);
    assert.match(info.body.description, /: state, allocCount, sweepgen$/);
    // The same span reached through Locals → x → span.
    const x = (await story.scope('Locals')).find((v) => v.name === 'x')!;
    const info2 = await story.dc.dataBreakpointInfoRequest({ variablesReference: x.variablesReference, name: 'span' });
    assert.equal(info2.body.dataId, info.body.dataId);
    const none = await story.dc.dataBreakpointInfoRequest({ name: 'n' });
    assert.equal(none.body.dataId, null);
    assert.match(none.body.description, /only spans and heap objects/);
    const set = await story.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }, { dataId: 'span:99999' }, { dataId: 'nonsense' }, { dataId: info.body.dataId!, condition: 'n +' }, { dataId: info.body.dataId!, condition: 'n + 1' }, { dataId: info.body.dataId!, hitCondition: 'often' }] });
    assert.deepEqual(set.body.breakpoints.map((b) => b.verified), [true, false, false, false, false, false]);
    assert.match(set.body.breakpoints[1].message ?? '', /no live span has id 99999/);
    assert.match(set.body.breakpoints[2].message ?? '', /not a span or object/);
    assert.match(set.body.breakpoints[3].message ?? '', /^condition: /);
    assert.match(set.body.breakpoints[4].message ?? '', /condition must be a boolean \(`n \+ 1` is int\)/);
    assert.match(set.body.breakpoints[5].message ?? '', /hit count `often`/);
    const s1 = await story.motion('continue');
    assert.equal(s1.body.reason, 'data breakpoint');
    assert.match(s1.body.description ?? '', /^data breakpoint: span 0xc[0-9a-f]+ \(class \d+, 1 page\): allocCount 1 → 2/);
    // Cleared: the run goes to the end.
    await story.dc.setDataBreakpointsRequest({ breakpoints: [] });
    const end = story.next('terminated');
    await story.dc.continueRequest({ threadId: 1 });
    await end;
  } finally {
    await story.close();
  }
});

test('data breakpoints with a hit count and with a condition stop only on the changes they select', async () => {
  // x's span (32-byte class: 256 objects per 8 KB span in go1.10) gets one more object per
  // iteration, so its allocCount goes 1 → 2 → ... → 7, one change per statement boundary.
  const loop = 'model go1.10\nx = new 32\nrepeat 6 as i {\n  y = new 32\n}\nprint "end"\n';
  for (const [bp, want] of [
    [{ hitCondition: '3' }, 'allocCount 3 → 4'], // the third change
    [{ condition: 'span(x).allocCount == 5' }, 'allocCount 4 → 5'], // the first change where it holds
    [{ condition: 'span(x).allocCount >= 3', hitCondition: '% 2' }, 'allocCount 3 → 4'], // 2nd, 4th... change passing the condition
  ] as const) {
    const { story } = await Story.launch(loop);
    try {
      await story.motion('next'); // x = new 32 done
      const { dataId } = await spanOfX(story);
      const set = await story.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId, ...bp }] });
      assert.equal(set.body.breakpoints[0].verified, true, JSON.stringify(set.body.breakpoints[0]));
      const s1 = await story.motion('continue');
      assert.equal(s1.body.reason, 'data breakpoint', JSON.stringify(bp));
      assert.match(s1.body.description ?? '', new RegExp(`: ${want} `), JSON.stringify(bp));
    } finally {
      await story.close();
    }
  }
});

test('goheap/breakOnSpan (the views): a span watch that VS Code replacing its own data breakpoints leaves alone', async () => {
  const { story } = await Story.launch(script);
  try {
    await story.motion('next'); // x = new 32 done; before line 3
    const { spanId } = await spanOfX(story);
    const res = await story.custom<{ verified: boolean; message?: string }>('goheap/breakOnSpan', { span: spanId });
    assert.deepEqual(res, { verified: true });
    const again = await story.custom<{ verified: boolean; message?: string }>('goheap/breakOnSpan', { span: spanId });
    assert.equal(again.verified, true);
    assert.match(again.message ?? '', /already watching span 0xc/);
    // VS Code replaces its data breakpoints (here: with none): the view's watch stays.
    await story.dc.setDataBreakpointsRequest({ breakpoints: [] });
    const s1 = await story.motion('continue');
    assert.equal(s1.body.reason, 'data breakpoint');
    assert.match(s1.body.description ?? '', /^data breakpoint: span 0xc[0-9a-f]+ \(class \d+, 1 page\): allocCount 1 → 2 \(before line 5\)/);
    const missing = await story.custom<{ verified: boolean; message?: string }>('goheap/breakOnSpan', { span: 99999 });
    assert.deepEqual(missing, { verified: false, message: 'no live span has id 99999 now' });
    await assert.rejects(story.custom('goheap/breakOnSpan', { span: 'x' }), /`span` must be a span id/);
  } finally {
    await story.close();
  }
});

test('goheap/breakOnSpan survives a restart of the same script: the new run stops at the span\'s creation, then at its next change', async () => {
  const { story } = await Story.launch(script);
  try {
    await story.motion('next'); // x = new 32 done; before line 3
    const { addr, spanId } = await spanOfX(story);
    assert.deepEqual(await story.custom('goheap/breakOnSpan', { span: spanId }), { verified: true });
    const entry = story.nextStop();
    await story.dc.restartRequest({});
    assert.equal((await entry).body.reason, 'entry');
    const born = await story.motion('continue');
    assert.equal(born.body.reason, 'data breakpoint');
    assert.match(born.body.description ?? '', new RegExp(`^data breakpoint: span ${addr} \\(class \\d+, 1 page\\): state mSpanDead → mSpanInUse`));
    assert.equal((await story.where()).line, 3, 'line 2 made the span: the stop is before line 3');
    const next = await story.motion('continue');
    assert.match(next.body.description ?? '', /allocCount 1 → 2 \(before line 5\)/);
    // After an edit the ids could name other spans: the watch goes, and the run goes to the end.
    writeFileSync(story.program, script + '# edited\n');
    const entry2 = story.nextStop();
    await story.dc.restartRequest({});
    assert.equal((await entry2).body.reason, 'entry');
    const end = story.next('terminated');
    await story.dc.continueRequest({ threadId: 1 });
    await end;
  } finally {
    await story.close();
  }
});

test('function breakpoint with a condition over the arguments stops only where it holds; a malformed one is unverified', async () => {
  const { story } = await Story.launch('model go1.10\na = new 40000\nb = new 2MB\nprint "end"\n');
  try {
    const r = await story.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mheap.alloc', condition: 'npage >= 128' }, { name: 'mheap.grow', condition: 'npage >=' }] });
    assert.deepEqual(r.body.breakpoints.map((b) => b.verified), [true, false]);
    assert.match(r.body.breakpoints[1].message ?? '', /condition/);
    const s = await story.motion('continue');
    assert.equal(s.body.reason, 'function breakpoint');
    assert.match(s.body.description ?? '', /entered \(\*mheap\)\.alloc/);
    const { top, line } = await story.where();
    assert.equal(top, '(*mheap).alloc');
    assert.equal(line, 3, 'the 40000-byte object (5 pages) did not stop');
    const vars = await story.scope('Runtime frame');
    assert.equal(vars.find((v) => v.name === 'npage')?.value, String((2 << 20) / 8192));
  } finally {
    await story.close();
  }
});

test('hover: a variable shows its object; anything else fails quietly, nothing in the Debug Console', async () => {
  const { story } = await Story.launch(script);
  try {
    await story.motion('next');
    const f = await story.frames();
    const before = story.output.length;
    const hover = (expression: string): Promise<DebugProtocol.EvaluateResponse> => story.dc.evaluateRequest({ expression, context: 'hover', frameId: f[f.length - 1].id });
    const x = await hover('x');
    assert.match(x.body.result, /^0xc[0-9a-f]+ \(class \d+, elemsize 32, span 0xc[0-9a-f]+\)$/);
    assert.ok(x.body.variablesReference > 0);
    for (const e of ['new', 'print', '"end"', 'nosuch', 'x.', ')', 'rand(3)']) {
      const err = await hover(e).then(
        () => null,
        (er: Error) => er,
      );
      if (err !== null) assert.doesNotMatch(err.message, /Error:|at .*\.ts/, `hover ${e}`);
    }
    // Give the adapter a moment to send any output event, by a round trip.
    await story.dc.threadsRequest();
    assert.deepEqual(story.output.slice(before), []);
  } finally {
    await story.close();
  }
});
