/**
 * Stories of stepping: launch, stop on entry, step over statements, step into an allocation down
 * to heap growth (era names), step out of the runtime, pause a long loop, restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Story } from './story';

test('launch stops on entry at the first statement, 1-based, one thread "main"', async () => {
  const { story, stop } = await Story.launch('model go1.10\n\nx = new 32\ny = new 64\n');
  try {
    assert.equal(stop?.body.reason, 'entry');
    assert.match(stop?.body.description ?? '', /first statement/);
    const threads = (await story.dc.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((t) => t.name), ['main']);
    assert.deepEqual(await story.where(), { top: 'main', line: 3 });
    await story.motion('next');
    assert.equal((await story.where()).line, 4);
    assert.match(await story.value('x'), /^0xc[0-9a-f]+ \(class \d+, elemsize 32, span 0x/);
  } finally {
    await story.close();
  }
});

test('go1.10: stepIn on an allocation walks the runtime down to (*mheap).grow, heap grown but no span in use', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 32\nprint "done"\n');
  try {
    const stop = await story.stepUntil((f) => f[0].name === '(*mheap).grow');
    assert.equal(stop.body.reason, 'step');
    const names = (await story.frames()).map((f) => f.name);
    assert.deepEqual(names.slice(0, -1).reverse(), ['mallocgc', '(*mcache).nextFree', '(*mcache).refill', '(*mcentral).cacheSpan', '(*mcentral).grow', '(*mheap).alloc', '(*mheap).allocSpanLocked', '(*mheap).grow']);
    assert.match(names[names.length - 1], /^main/);
    // The runtime frame's source is a generated page, never a path.
    const top = (await story.frames())[0];
    assert.equal(top.source?.path, undefined);
    const page = await story.dc.sourceRequest({ sourceReference: top.source!.sourceReference!, source: top.source });
    assert.match(page.body.content, /\(\*mheap\)\.grow — Go runtime \(go1\.10\)/);
    const locals = await story.scope('Runtime frame');
    assert.ok(locals.some((v) => v.name === 'npage'), JSON.stringify(locals));
    // Keep stepping until the heap has grown: then no span is in use yet.
    await story.stepUntil((_f, s) => /mapped/.test(s.body.description ?? ''));
    assert.equal(await story.value('heap.sys'), String(1 << 20));
    assert.equal(await story.value('heap.inuse'), '0');
    // stepOut leaves the runtime at the statement's end.
    const out = await story.motion('stepOut');
    assert.equal(out.body.reason, 'step');
    assert.deepEqual(await story.where(), { top: 'main', line: 3 });
    assert.equal(await story.value('heap.inuse'), '8192');
  } finally {
    await story.close();
  }
});

test('go1.5 names the path as that runtime did: mHeap_Grow', async () => {
  const { story } = await Story.launch('model go1.5\nx = new 32\n');
  try {
    await story.stepUntil((f) => f[0].name === 'mHeap_Grow');
    const names = (await story.frames()).map((f) => f.name);
    assert.ok(names.includes('mCentral_Grow') && names.includes('mCache_Refill'), names.join(' '));
  } finally {
    await story.close();
  }
});

test('stepIn on a statement without runtime work is a plain step', async () => {
  const { story } = await Story.launch('n = 1\nn = n + 1\nprint n\n');
  try {
    await story.motion('stepIn');
    assert.deepEqual(await story.where(), { top: 'main', line: 2 });
  } finally {
    await story.close();
  }
});

test('pause stops a 100,000,000-iteration loop quickly; restart goes back to the entry', async () => {
  const { story } = await Story.launch('n = 0\nrepeat 100000000 as i {\n  n = n + 1\n}\nprint n\n');
  try {
    await story.dc.continueRequest({ threadId: 1 });
    const stop = story.nextStop();
    await story.dc.pauseRequest({ threadId: 1 });
    const s = await stop;
    assert.equal(s.body.reason, 'pause');
    assert.match(s.body.description ?? '', /paused after/);
    const n = Number(await story.value('n'));
    assert.ok(n >= 0 && n < 100000000, String(n));
    assert.equal((await story.where()).line, 3);
    const again = story.nextStop();
    await story.dc.restartRequest({});
    assert.equal((await again).body.reason, 'entry');
    assert.equal(await story.value('n'), '0');
  } finally {
    await story.close();
  }
});

test('continue to the end terminates the session; gctrace and print lines arrive as output', async () => {
  const { story } = await Story.launch('x = new 32\ngc\nprint "inuse", heap.inuse\n', { stopOnEntry: false });
  try {
    await story.terminated();
    const out = story.output.join('');
    assert.match(out, /gc 1 @/);
    assert.match(out, /inuse 8192/);
  } finally {
    await story.close();
  }
});
