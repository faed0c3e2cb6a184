/** Scavenging: go1.5/go1.10's time-based periodic scavenger, FreeOSMemory, go1.14's goal, reuse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels } from './helpers';

const P = 8192;
const minute = 60e9;

for (const model of ['go1.5', 'go1.10'] as const) {
  test(`${model}: free spans unused for more than 5 minutes are released by the periodic scavenger`, () => {
    const hp = new TestHeap({ model });
    hp.keep('a', 100 * P, true);
    hp.keep('guard', 5 * P, true);
    hp.drop('a');
    hp.gc(); // frees a's 100 pages at t=0
    const idle = hp.h.memstats.heap_idle;
    assert.equal(hp.h.memstats.heap_released, 0);
    hp.tick(4 * minute); // scavenger ran at 2.5 min: nothing unused for 5 minutes yet
    assert.equal(hp.h.memstats.heap_released, 0);
    hp.tick(2 * minute); // ran again at 5 min: unused exactly 5 minutes is not "more than"
    assert.equal(hp.h.memstats.heap_released, 0);
    hp.tick(2 * minute); // 7.5 min: released — all free spans (the forced GCs at 2 min intervals freed nothing new)
    assert.equal(hp.h.memstats.heap_released, hp.h.memstats.heap_idle);
    assert.ok(hp.h.memstats.heap_released >= 100 * P);
    assert.equal(hp.h.memstats.heap_idle, idle);
    hp.assertSound();
    // Reuse brings released pages back: allocSpanLocked takes the 100-page span from free[100]
    // and calls sysUsed on all of it *before* trimming, so the 50-page remainder is no longer
    // counted as released either.
    const before = hp.h.memstats.heap_released;
    hp.keep('b', 50 * P, true);
    assert.equal(hp.h.memstats.heap_released, before - 100 * P);
    hp.assertSound();
  });
}

for (const model of allModels) {
  test(`${model}: FreeOSMemory releases every free page`, () => {
    const hp = new TestHeap({ model });
    for (let i = 0; i < 50; i++) hp.keep(`b${i}`, 20 * P, true);
    for (let i = 0; i < 50; i += 2) hp.drop(`b${i}`);
    hp.freeOSMemory();
    const st = hp.h.memstats;
    assert.equal(st.heap_released, st.heap_idle - cachedUnreleased(hp));
    hp.assertSound();
  });
}

/** go1.14: free pages held in P page caches are idle but were not scavenged by pageAlloc. */
function cachedUnreleased(hp: TestHeap): number {
  if (hp.model !== 'go1.14') return 0;
  const pages = hp.h.pages as unknown as { pcache: { freePages(): number }[]; cachedScavengedPages(): number };
  return (pages.pcache.reduce((n, c) => n + c.freePages(), 0) - pages.cachedScavengedPages()) * P;
}
