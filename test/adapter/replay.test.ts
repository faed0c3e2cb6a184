/**
 * Debugging a real program's replay: launch with `trace` (a GODEBUG=allocfreetrace=1 trace)
 * instead of `program`. The adapter writes the replay as a script to a temporary file and
 * debugs it: stop on entry in that file, step into the first allocation's runtime frames, the
 * heap at the end holds what the replay leaves live. Bad traces fail the launch with the line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseTrace, replayEvents } from '../../src/program/replay/index';
import { Story } from './story';

const trace = resolve(__dirname, '..', 'fixtures', 'traces', 'pipeline.trace');

async function launchError(args: Record<string, unknown>): Promise<string> {
  const story = await Story.start();
  let message = '';
  try {
    await assert.rejects(story.dc.launchRequest(args as never), (e: Error) => {
      message = e.message;
      return true;
    });
    return message;
  } finally {
    await story.close();
  }
}

test('a trace launches as its replay script: entry stop, step into mallocgc, the replay\'s live objects at the end', async () => {
  const story = await Story.start();
  try {
    const launched = story.dc.launchRequest({ trace, model: 'go1.10', stopOnEntry: true } as never);
    await story.next('initialized');
    await story.setFilters(['fault']);
    await story.dc.configurationDoneRequest();
    await launched;
    await story.nextStop();
    const frames = await story.frames();
    const path = frames[frames.length - 1].source?.path ?? '';
    assert.match(path, /pipeline\.replay\.goheap$/);
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^# Replay of pipeline\.trace/);
    assert.match(text, /^model go1\.10$/m);

    // The first statement is an allocation: Step Into enters the era's mallocgc.
    await story.motion('next'); // past the entry stop to the first allocation line
    const inRuntime = await story.stepUntil((f) => f[0].name === 'mallocgc', 'stepIn', 20);
    assert.equal(inRuntime.body.reason, 'step');

    // Run to the end: the live heap objects equal what the replay itself leaves live.
    const expected = replayEvents(parseTrace(readFileSync(trace, 'utf8')).events, { model: 'go1.10' });
    const live = expected.heap.h.memstats.heap_objects;
    await story.dc.setBreakpointsRequest({ source: { path }, breakpoints: [{ line: text.trimEnd().split('\n').length }] }); // the closing print
    const end = await story.motion('continue');
    assert.equal(end.body.reason, 'breakpoint');
    assert.equal(await story.value('heap.objects'), String(live));
  } finally {
    await story.close();
  }
});

test('bad `trace` launches fail with a message naming the problem', async () => {
  assert.match(await launchError({ trace: '/nonexistent/x.trace' }), /cannot read trace '.*x\.trace': no such file/);
  assert.match(await launchError({ trace, program: '/tmp/x.goheap' }), /either `program`.*or `trace`/);
  assert.match(await launchError({ trace, model: 'go2' }), /`model` must be one of go1\.5, go1\.10, go1\.14/);
  const dir = mkdtempSync(join(tmpdir(), 'goheap-badtrace-'));
  const bad = join(dir, 'bad.trace');
  writeFileSync(bad, 'hello\nworld\n');
  assert.match(await launchError({ trace: bad }), /bad\.trace/);
});
