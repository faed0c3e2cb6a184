/**
 * Stories of time travel: step back to before an allocation and see the heap as it was, step back
 * inside the runtime, reverse-continue to breakpoints (conditions honoured in reverse).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Story } from './story';

test('step back over an allocation: the heap is as it was before it', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\nbig = new 64KB\nprint "end"\n');
  try {
    await story.motion('next');
    await story.motion('next');
    assert.equal((await story.where()).line, 4);
    const after = Number(await story.value('heap.inuse'));
    assert.equal(after, 8192 + 65536);
    const s = await story.motion('stepBack');
    assert.equal(s.body.reason, 'step');
    assert.equal((await story.where()).line, 3);
    assert.equal(await story.value('heap.inuse'), '8192');
    assert.equal(await story.value('big'), 'nil');
    await story.motion('stepBack');
    assert.equal(await story.value('heap.inuse'), '0');
    const first = await story.motion('stepBack');
    assert.equal(first.body.reason, 'entry', 'nothing before the first statement');
    // And forward again: the same heap, byte for byte.
    await story.motion('next');
    await story.motion('next');
    assert.equal(Number(await story.value('heap.inuse')), after);
  } finally {
    await story.close();
  }
});

test('step back inside the runtime goes to the previous internal step', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\n');
  try {
    await story.stepUntil((f) => f[0].name === '(*mheap).grow');
    const depth = (await story.frames()).length;
    await story.motion('stepIn');
    await story.motion('stepBack');
    assert.equal((await story.frames())[0].name, '(*mheap).grow');
    assert.equal((await story.frames()).length, depth);
  } finally {
    await story.close();
  }
});

test('reverse continue stops at the last breakpoint hit before the current position, with its condition', async () => {
  const text = 'model go1.14\nvar a[50]\nrepeat 50 as i {\n  a[i] = new 128\n}\ngc\nprint "end"\n';
  const { story } = await Story.launch(text, {}, { breakpoints: [6] });
  try {
    await story.motion('continue');
    assert.equal((await story.where()).line, 6);
    await story.setBreakpoints([{ line: 4, condition: 'i % 10 == 3' }]);
    let s = await story.motion('reverseContinue');
    assert.equal(s.body.reason, 'breakpoint');
    assert.equal(await story.value('i'), '43');
    assert.equal(await story.value('a[43]'), 'nil', 'before the allocation of a[43]');
    assert.match(await story.value('a[42]'), /^0xc/);
    s = await story.motion('reverseContinue');
    assert.equal(await story.value('i'), '33');
    await story.setBreakpoints([]);
    s = await story.motion('reverseContinue');
    assert.equal(s.body.reason, 'entry');
    assert.equal(await story.value('heap.inuse'), '0');
  } finally {
    await story.close();
  }
});

test('reverse continue honours function breakpoints: back inside the last heap growth', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\ny = new 4MB\nz = new 32\nprint "end"\n', {}, { breakpoints: [5] });
  try {
    await story.motion('continue');
    await story.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: '(*mheap).grow' }] });
    const s = await story.motion('reverseContinue');
    assert.equal(s.body.reason, 'function breakpoint');
    assert.equal((await story.frames())[0].name, '(*mheap).grow');
    assert.equal((await story.where()).line, 3);
  } finally {
    await story.close();
  }
});

test('reverse continue honours data breakpoints: back through each change of the span, then its birth', async () => {
  const script = 'model go1.10\nx = new 32\nn = 1\ny = new 32\nn = 2\nz = new 32\nn = 3\nprint "end"\n';
  const { story } = await Story.launch(script, {}, { breakpoints: [8] });
  try {
    const at8 = await story.motion('continue');
    assert.equal(at8.body.reason, 'breakpoint');
    const addr = (await story.value('x')).split(' ')[0];
    assert.equal((await story.value('z')).split(' ')[0], `0x${(Number(addr) + 64).toString(16)}`, 'x, y, z share one span of class 32 B');
    const info = await story.dc.dataBreakpointInfoRequest({ name: `span ${addr}` });
    const set = await story.dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    const id = set.body.breakpoints[0].id!;
    // Each statement that allocated in the span is a change; reverse continue visits them last-first.
    const r1 = await story.motion('reverseContinue');
    assert.equal(r1.body.reason, 'data breakpoint');
    assert.deepEqual(r1.body.hitBreakpointIds, [id]);
    assert.match(r1.body.description ?? '', /allocCount 2 → 3 \(before line 7\) \(reverse\)$/);
    assert.equal((await story.where()).line, 7);
    assert.equal(await story.value('span(x).allocCount'), '3');
    const r2 = await story.motion('reverseContinue');
    assert.match(r2.body.description ?? '', /allocCount 1 → 2 \(before line 5\) \(reverse\)$/);
    assert.equal((await story.where()).line, 5);
    // Before that, the span came into existence with x.
    const r3 = await story.motion('reverseContinue');
    assert.match(r3.body.description ?? '', /state mSpanDead → mSpanInUse, allocCount 0 → 1 \(before line 3\) \(reverse\)$/);
    assert.equal((await story.where()).line, 3);
    const r4 = await story.motion('reverseContinue');
    assert.equal(r4.body.reason, 'entry');
    // Forward again from before the span existed: the watch binds when the span is created.
    const f1 = await story.motion('continue');
    assert.equal(f1.body.reason, 'data breakpoint');
    assert.match(f1.body.description ?? '', /state mSpanDead → mSpanInUse, allocCount 0 → 1 \(before line 3\)$/);
    assert.equal((await story.where()).line, 3);
  } finally {
    await story.close();
  }
});
