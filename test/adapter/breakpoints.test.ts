/**
 * Stories of breakpoints: line breakpoints moved to the next statement, conditions over script
 * values and heap facts, hit counts, logpoints, function breakpoints on runtime functions, and
 * span-transition filters with conditions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Story } from './story';

const loop = `model go1.10
var objs[100]
# comment line
repeat 100 as i {
  objs[i] = new 48
}
gc
print "end"
`;

test('a breakpoint on a comment line moves to the next statement; conditions use counters and heap facts', async () => {
  const { story } = await Story.launch(loop, {}, { breakpoints: [3, { line: 5, condition: 'i == 42 && heap.inuse > 0' }] });
  try {
    const bps = await story.setBreakpoints([3, { line: 5, condition: 'i == 42 && heap.inuse > 0' }]);
    assert.deepEqual(bps.map((b) => [b.verified, b.line]), [[true, 4], [true, 5]]);
    let s = await story.motion('continue');
    assert.equal(s.body.reason, 'breakpoint');
    assert.equal((await story.where()).line, 4);
    s = await story.motion('continue');
    assert.equal(s.body.reason, 'breakpoint');
    assert.equal(await story.value('i'), '42');
    assert.match(await story.value('objs[41]'), /^0xc/);
    assert.equal(await story.value('objs[42]'), 'nil');
  } finally {
    await story.close();
  }
});

test('bad conditions are unverified with the checker\'s message; hit counts and logpoints', async () => {
  const { story } = await Story.launch(loop);
  try {
    const bps = await story.setBreakpoints([
      { line: 5, condition: 'heap.inuze > 0' },
      { line: 5, condition: 'i + 1' },
      { line: 5, logMessage: 'i={i} inuse={heap.inuse}' },
      { line: 7, hitCondition: 'bogus' },
    ]);
    assert.equal(bps[0].verified, false);
    assert.match(bps[0].message ?? '', /inuze/);
    assert.equal(bps[1].verified, false);
    assert.match(bps[1].message ?? '', /boolean/);
    assert.equal(bps[2].verified, true);
    assert.equal(bps[3].verified, false);
    await story.setBreakpoints([{ line: 5, hitCondition: '10' }, { line: 7, logMessage: 'before gc: {heap.objects} objects' }]);
    await story.motion('continue');
    assert.equal(await story.value('i'), '9', 'the 10th hit');
    await story.setBreakpoints([{ line: 7, logMessage: 'before gc: {heap.objects} objects' }]);
    const done = story.terminated();
    await story.dc.continueRequest({ threadId: 1 });
    await done;
    assert.ok(story.output.some((o) => o === 'before gc: 100 objects\n'), story.output.join(''));
  } finally {
    await story.close();
  }
});

test('function breakpoints stop inside the runtime when the function is entered (canonical and era names)', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\ny = new 32\nz = new 4MB\n', {}, { functionBreakpoints: ['mcentral.grow', 'nosuchfn'] });
  try {
    const r = await story.dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mcentral.grow' }, { name: 'nosuchfn' }, { name: 'mHeap_Grow' }] });
    assert.deepEqual(r.body.breakpoints.map((b) => b.verified), [true, false, true]);
    assert.match(r.body.breakpoints[1].message ?? '', /not a runtime function/);
    let s = await story.motion('continue');
    assert.equal(s.body.reason, 'function breakpoint');
    assert.equal((await story.frames())[0].name, '(*mcentral).grow');
    assert.equal((await story.where()).line, 2);
    s = await story.motion('continue');
    assert.equal((await story.frames())[0].name, '(*mheap).grow', 'mHeap_Grow is the go1.5 spelling of the same function');
    s = await story.motion('continue');
    assert.equal(s.body.reason, 'function breakpoint');
    assert.equal((await story.where()).line, 4, 'y fits in the cached span; the 4 MB object needs the heap to grow again');
  } finally {
    await story.close();
  }
});

test('span-transition filter with a condition: a span of class 5 freed to the heap by sweep', async () => {
  const text = 'model go1.10\nx = new 64\ny = new 8000\nx = nil\ny = nil\ngc\nprint "after"\n';
  const { story } = await Story.launch(text, {}, { filters: ['fault', { filterId: 'spanFree', condition: 'sizeclass == 5' }] });
  try {
    const s = await story.motion('continue');
    assert.equal(s.body.reason, 'exception');
    assert.match(s.body.description ?? '', /^span 0xc[0-9a-f]+ \(class 5, 1 page\) freed to the heap by sweep$/);
    assert.equal((await story.where()).line, 6);
    const info = await story.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'span transition');
    const bad = await story.setFilters([{ filterId: 'spanFree', condition: 'sizeclas == 5' }]);
    assert.equal(bad?.[0].verified, false);
    assert.match(bad?.[0].message ?? '', /unknown event field `sizeclas`/);
  } finally {
    await story.close();
  }
});

test('heap grown filter with a condition over the event\'s bytes', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\nbig = new 2MB\n', {}, { filters: [{ filterId: 'heapGrow', condition: 'bytes >= 2MB' }] });
  try {
    const s = await story.motion('continue');
    assert.match(s.body.description ?? '', /^heap grown by \d+ bytes/);
    assert.equal((await story.where()).line, 3);
  } finally {
    await story.close();
  }
});
