/**
 * Stories of inspection: Locals (references with class, elemsize and span; arrays paged), the
 * Heap scope (memstats; 100,000 spans paged), mcentral and mcache, and Debug Console queries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Story } from './story';

test('Locals: a reference shows address, size class, elemsize and span, and expands to the object and its span', async () => {
  const { story } = await Story.launch('model go1.10\nvar ring[300]\nx = new 24\nx.next = new 8\nring[7] = x\nn = 5\nprint n\n', {}, { breakpoints: [7] });
  try {
    await story.motion('continue');
    const locals = await story.scope('Locals');
    const x = locals.find((v) => v.name === 'x')!;
    assert.match(x.value, /^0xc[0-9a-f]+ \(class 3, elemsize 32, span 0xc[0-9a-f]+\)$/);
    const obj = await story.children(x.variablesReference);
    assert.equal(obj.find((v) => v.name === 'size')?.value, '24');
    const span = obj.find((v) => v.name === 'span')!;
    const fields = await story.children(span.variablesReference);
    assert.equal(fields.find((v) => v.name === 'state')?.value, 'mSpanInUse');
    assert.equal(fields.find((v) => v.name === 'allocCount')?.value, '1');
    const ptrs = await story.children(obj.find((v) => v.name === 'pointers')!.variablesReference);
    assert.match(ptrs[0].name, /^\.next$/);
    const ring = locals.find((v) => v.name === 'ring')!;
    assert.equal(ring.indexedVariables, 300);
    const page = await story.children(ring.variablesReference, 0, 100);
    assert.equal(page.length, 100);
    assert.equal(page[7].value, x.value);
    assert.equal(locals.find((v) => v.name === 'n')?.value, '5');
  } finally {
    await story.close();
  }
});

test('Heap with 100,000 spans: allspans is paged and a page comes back at once; mcentral and mcache scopes', async () => {
  const { story } = await Story.launch('model go1.14\nvar keep[100000]\nrepeat 100000 as i {\n  keep[i] = new 8KB noscan\n}\nprint "done"\n', {}, { breakpoints: [6] });
  try {
    await story.motion('continue');
    const heap = await story.scope('Heap');
    const all = heap.find((v) => v.name === 'allspans')!;
    assert.ok(all.indexedVariables! >= 100000, String(all.indexedVariables));
    const page = await story.children(all.variablesReference, 50000, 100);
    assert.equal(page.length, 100);
    assert.match(page[0].value, /^0xc[0-9a-f]+ mSpanInUse \(1 page/);
    const memstats = await story.children(heap.find((v) => v.name === 'memstats')!.variablesReference);
    assert.equal(memstats.find((v) => v.name === 'HeapObjects')?.value, '100000');
    const central = await story.scope('mcentral');
    assert.ok(central.some((v) => /^central\[\d+\]$/.test(v.name)), JSON.stringify(central));
    const caches = await story.scope('mcache');
    assert.equal(caches[0].name, 'P0');
  } finally {
    await story.close();
  }
});

test('Debug Console: expressions and heap facts, span/lookup/class queries, errors in words', async () => {
  const { story } = await Story.launch('model go1.10\nx = new 33\nprint "end"\n', {}, { breakpoints: [3] });
  try {
    await story.motion('continue');
    assert.equal(await story.value('heap.inuse'), '8192');
    assert.equal(await story.value('obj(x).elemsize + 1'), '49');
    assert.equal(await story.value('span(x).nelems'), '170');
    const addr = (await story.value('x')).split(' ')[0];
    assert.match(await story.value(`lookup ${addr}`), /is object 0xc[0-9a-f]+ \(class 4, elemsize 48/);
    assert.match(await story.value(`span ${addr}`), /mSpanInUse \(1 page, class 4 \(48 B\), 1\/170 objects\)/);
    assert.match(await story.value('class 33'), /33 bytes -> size class 4, elemsize 48, 170 objects per 1-page span/);
    await assert.rejects(story.evaluate('heap.inuze'), /inuze/);
    await assert.rejects(story.evaluate('rand(3)'), /random sequence/);
  } finally {
    await story.close();
  }
});
