/**
 * The Go Heap tree fed by the real debug adapter (the stdio bundle, driven with the adapter
 * tests' Story helper): after every step the model applies `goheap/delta` and shows what a fresh
 * `goheap/snapshot` shows; a step back makes it fetch a snapshot; "Break on Span Transitions"
 * from the tree stops the session when that span changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeapTreeModel, type HeapSource } from '../../src/extension/treemodel';
import { HeapTreeController, CMD_BREAK_ON_SPAN, type TreeApi } from '../../src/extension/treeview';
import { SpanSelection } from '../../src/extension/selection';
import { REQ_DELTA, REQ_SNAPSHOT } from '../../src/protocol/heapview';
import { Story } from '../adapter/story';
import { dump } from './heapfixture';
import { fakeVscode } from './vscodefake';

const SCRIPT = [
  'model go1.10', // 1
  'procs 2', // 2
  'var keep[300]', // 3
  'repeat 300 as i {', // 4
  '  keep[i] = new 48', // 5
  '}', // 6
  'big = new 40000', // 7
  'on P1 {', // 8
  '  y = new 1000 noscan', // 9
  '}', // 10
  'drop big', // 11
  'keep[0] = nil', // 12
  'gc', // 13
  'print y', // 14
].join('\n') + '\n';

function source(story: Story, log: string[]): HeapSource {
  return {
    customRequest: async (command: string, args?: unknown) => {
      log.push(command);
      return story.custom(command, args);
    },
  };
}

test('the tree follows the real adapter: deltas at every step equal a fresh snapshot; a step back resets', async () => {
  const { story } = await Story.launch(SCRIPT, { stopOnEntry: true });
  try {
    const first = await story.heapStopped();
    const log: string[] = [];
    const src = source(story, log);
    const model = new HeapTreeModel();
    assert.equal(await model.update(src, first.sessionId), true);
    assert.deepEqual(log, [REQ_SNAPSHOT]);
    await dump(model, src);
    // Six single steps inside the loop, then to the `drop big` line, then over the rest.
    const motions = ['next', 'next', 'next', 'next', 'next', 'next', 'continue', 'next', 'next', 'next'] as const;
    await story.setBreakpoints([11]);
    for (const [k, motion] of motions.entries()) {
      if (k === 7) await story.setBreakpoints([]);
      await story.motion(motion);
      const ev = await story.heapStopped();
      log.length = 0;
      assert.equal(await model.update(src, ev.sessionId), true, `step ${k}`);
      assert.deepEqual(log, [REQ_DELTA], `step ${k}: one delta`);
      assert.equal(model.generation, ev.generation);
      const fresh = new HeapTreeModel();
      await fresh.update(src);
      assert.deepEqual(await dump(model, src), await dump(fresh, src), `step ${k}`);
    }
    const lines = await dump(model, src);
    assert.ok(lines.some((l) => /^ {4}class 4 — 2 spans · 2 pages$/.test(l)), `300 objects of 48 B need ceil(300/170) = 2 spans:\n${lines.slice(0, 30).join('\n')}`);
    // After the gc: keep[0] was dropped from the first span (170 - 1), the second holds 300 - 170;
    // big (ceil(40000/8192) = 5 pages) was dropped, swept and freed: a free[5] span in go1.10.
    assert.ok(lines.some((l) => /^ {6}0x[0-9a-f]+ — 1 page · class 4 · 169\/170 objects$/.test(l)));
    assert.ok(lines.some((l) => /^ {6}0x[0-9a-f]+ — 1 page · class 4 · 130\/170 objects$/.test(l)));
    assert.ok(lines.some((l) => /^ {2}free\[5\] — 1$/.test(l)), lines.join('\n'));
    await story.motion('stepBack');
    const back = await story.heapStopped();
    log.length = 0;
    assert.equal(await model.update(src, back.sessionId), true);
    assert.deepEqual(log, [REQ_DELTA, REQ_SNAPSHOT], 'a reset delta, then a snapshot');
  } finally {
    await story.dc.stop();
  }
});

test('Break on Span Transitions from the tree stops when the span changes', async () => {
  const { story } = await Story.launch(SCRIPT, { stopOnEntry: true });
  try {
    await story.heapStopped();
    // Run to line 12 (keep[0] = nil) so the class-4 spans exist.
    await story.setBreakpoints([12]);
    await story.motion('continue');
    const ev = await story.heapStopped();
    const f = fakeVscode();
    const session = { type: 'goheap', id: 'real', customRequest: (c: string, a?: unknown) => story.custom(c, a) };
    const ctl = new HeapTreeController(f.api as unknown as TreeApi, new SpanSelection());
    f.emit.custom.fire({ session, event: 'goheap/stopped', body: ev });
    for (let i = 0; i < 50 && ctl.model.generation !== ev.generation; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(ctl.model.generation, ev.generation);
    // keep[0]'s span: the first class-4 span in address order.
    const spans = (await ctl.provider.getChildren()).find((n) => ctl.model.item(n).label === 'spans')!;
    const inuse = (await ctl.provider.getChildren(spans)).find((n) => ctl.model.item(n).label === 'mSpanInUse')!;
    const c4 = (await ctl.provider.getChildren(inuse)).find((n) => ctl.model.item(n).label === 'class 4')!;
    const node = (await ctl.provider.getChildren(c4))[0];
    await f.commands.get(CMD_BREAK_ON_SPAN)!(node);
    assert.deepEqual(f.rec.warnings, []);
    assert.match(f.rec.infos[0], /will stop when span 0x[0-9a-f]+ changes/);
    await story.setBreakpoints([]);
    const stop = await story.motion('continue');
    // keep[0] = nil leaves the span as it is; the gc at line 13 marks and sweeps it (sweepgen, allocCount).
    assert.equal(stop.body.reason, 'data breakpoint');
    assert.match(stop.body.description ?? '', new RegExp(`span ${ctl.model.item(node).label}`));
    ctl.dispose();
  } finally {
    await story.dc.stop();
  }
});
