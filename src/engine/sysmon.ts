/**
 * Simulated time: what the runtime's background activity does while the clock advances —
 * sysmon's periodic scavenger (go1.5/go1.10: every 2.5 minutes, release free spans unused for
 * more than 5 minutes), sysmon's forced GC (a cycle if none ran for 2 minutes, once a first cycle
 * has run), the background sweeper (finishes the current sweep as soon as the program idles), and
 * go1.14's background scavenger (releases free memory down to the retained-heap goal, paced at
 * about one physical page per millisecond — the runtime aims for 1% of one CPU).
 * Events are processed in time order, so a long `tick` behaves like many short ones.
 */
import { forcegcperiodNs, scavengeLimitNs } from './constants';
import type { mheap } from './mheap';
import { finishsweep } from './mgcsweep';
import { gcStart } from './mgc';
import type { radixPageHeap } from './pageheap_radix';

/** go1.14: bytes the background scavenger releases per simulated millisecond, in physical pages. */
const bgScavengePagesPerMs = 1;

export function tick(h: mheap, ns: number): void {
  if (ns <= 0) return;
  const target = h.nanotime + ns;
  finishsweep(h);
  for (;;) {
    const nextForce = h.gogc >= 0 && h.memstats.last_gc !== 0 ? h.memstats.last_gc + forcegcperiodNs : Infinity;
    const nextScv = h.model.name === 'go1.14' ? Infinity : h.lastScavenge + scavengeLimitNs / 2;
    const t = Math.min(nextForce, nextScv);
    if (t > target) break;
    if (h.model.name === 'go1.14') bgScavenge(h, t - h.nanotime);
    h.nanotime = t;
    if (t === nextForce) {
      gcStart(h, true, 0);
      finishsweep(h);
    } else {
      h.pages.scavenge(h, h.nanotime, scavengeLimitNs, false);
      h.lastScavenge = h.nanotime;
      h.scavengeRuns++;
    }
  }
  if (h.model.name === 'go1.14') bgScavenge(h, target - h.nanotime);
  h.nanotime = target;
}

/** go1.14 bgscavenge over `ns` of simulated time. */
function bgScavenge(h: mheap, ns: number): void {
  const budget = Math.floor(ns / 1e6) * bgScavengePagesPerMs * h.physPageSize;
  if (budget <= 0) return;
  const retained = h.memstats.heap_sys - h.memstats.heap_released;
  if (retained <= h.scavengeGoal) return;
  const want = Math.min(budget, retained - h.scavengeGoal);
  if ((h.pages as radixPageHeap).scavengeBytes(h, want, 'background') > 0) h.scavengeRuns++;
}
