/**
 * Stories of things going wrong: a runtime fault stops with an exception and the heap intact;
 * malformed launch configurations and scripts with errors fail the launch with clear messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Story, scriptFile } from './story';

test('stackfree twice is a runtime fault: exception stop, heap intact and inspectable, step back works', async () => {
  const { story } = await Story.launch('model go1.14\ns = stackalloc 32KB\nx = new 64\nrepeat 2 {\n  stackfree s\n}\nprint "unreachable"\n', { stopOnEntry: false });
  try {
    const s = await story.nextStop();
    assert.equal(s.body.reason, 'exception');
    assert.match(s.body.description ?? '', /runtime fault/);
    assert.equal((await story.where()).line, 5);
    const info = await story.dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'runtime fault');
    assert.equal(info.body.breakMode, 'always');
    assert.match(await story.value('x'), /^0xc/);
    await story.expectSpanState('x', 'mSpanInUse');
    assert.equal(await story.value('heap.objects'), '1');
    const heap = await story.scope('Heap');
    assert.ok(heap.some((v) => v.name === 'allspans'));
    await story.motion('stepBack');
    assert.equal((await story.where()).line, 5, 'before the second stackfree');
    const term = story.next('terminated');
    await story.dc.continueRequest({ threadId: 1 });
    assert.equal((await story.nextStop()).body.reason, 'exception');
    await story.dc.continueRequest({ threadId: 1 });
    await term;
  } finally {
    await story.close();
  }
});

test('with checkInvariants the checker runs at every stop and a healthy heap stops normally', async () => {
  const { story } = await Story.launch('x = new 32\ngc\n', { checkInvariants: true });
  try {
    const s = await story.motion('next');
    assert.equal(s.body.reason, 'step');
  } finally {
    await story.close();
  }
});

async function launchError(args: Record<string, unknown>): Promise<string> {
  const story = await Story.start();
  try {
    await assert.rejects(story.dc.launchRequest(args as never), (e: Error) => {
      (story as unknown as { err: string }).err = e.message;
      return true;
    });
    return (story as unknown as { err: string }).err;
  } finally {
    await story.close();
  }
}

test('malformed launch configurations fail with a message naming the attribute', async () => {
  const ok = scriptFile('x = new 8\n');
  assert.match(await launchError({}), /no `program`/);
  assert.match(await launchError({ program: 42 }), /`program` must be the path/);
  assert.match(await launchError({ program: '/nonexistent/dir/x.goheap' }), /cannot read program '.*x\.goheap': no such file/);
  assert.match(await launchError({ program: ok, model: 'go1.99' }), /`model`: unknown model `go1\.99`; valid models: go1\.5, go1\.10, go1\.14/);
  assert.match(await launchError({ program: ok, procs: 'four' }), /`procs` must be a number \(got "four"\)/);
  assert.match(await launchError({ program: ok, procs: 0 }), /procs must be between 1 and 256/);
  assert.match(await launchError({ program: ok, gogc: 'sometimes' }), /`gogc` must be a number or "off"/);
  assert.match(await launchError({ program: ok, stopOnEntry: 'yes' }), /`stopOnEntry` must be true or false/);
});

test('a script with errors: code frames in the Debug Console, the launch fails with the first error', async () => {
  const story = await Story.start();
  try {
    const program = scriptFile('x = new 8\ny = z + 1\n', 'broken.goheap');
    await assert.rejects(story.dc.launchRequest({ program } as never), /broken\.goheap has 1 error and cannot be debugged.*`z`/);
    const out = story.output.join('');
    assert.match(out, /error GH\d+: .*`z`/);
    assert.match(out, /broken\.goheap:2:/);
  } finally {
    await story.close();
  }
});
