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
