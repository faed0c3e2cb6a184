/**
 * gctrace and scavenger lines in the format of each era's runtime (GODEBUG=gctrace=1).
 *
 *   go1.5:  gc #1 @0.012s 0%: 0+0+0+0+0 ms clock, 0+0+0+0/0/0+0 ms cpu, 4->4->0 MB, 4 MB goal, 1 P
 *   go1.10, go1.14:
 *           gc 1 @0.012s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 4->4->0 MB, 5 MB goal, 1 P (forced)
 *   scavenger (go1.5/go1.10): scvg0: inuse: 3, idle: 0, sys: 3, released: 0, consumed: 3 (MB)
 * Times come from the simulated clock; phase durations are 0 because the simulated collector
 * takes no time. Sizes are heap_live at the start, heap_live at mark termination, heap_marked,
 * in whole megabytes, as the runtime prints them. With GOGC=off, go1.10 and go1.14 set the goal to
 * ^uint64(0) (gcSetTriggerRatio) and print it shifted: (2^64-1)>>20 = 17592186044415 MB. The engine
 * keeps that "no goal" as Number.MAX_SAFE_INTEGER; go1.5 prints the engine's value (its pacer
 * computes the goal differently and I have no go1.5 trace to check it against).
 */
import type { GCCycle } from '../engine/heap';
import type { mstats } from '../engine/mstats';

const mb = (n: number): number => Math.floor(n / (1 << 20));

/** ^uint64(0) >> 20, exactly (2^44 - 1 is below 2^53). */
const NO_GOAL_MB = 2 ** 44 - 1;

function goalMB(model: string, goal: number): number {
  return goal >= Number.MAX_SAFE_INTEGER && model !== 'go1.5' ? NO_GOAL_MB : mb(goal);
}

function at(ns: number): string {
  return `@${(ns / 1e9).toFixed(3)}s`;
}

export function gctraceLine(model: string, c: GCCycle): string {
  const sizes = `${mb(c.heapLiveBefore)}->${mb(c.heapLiveBefore)}->${mb(c.heapMarked)} MB, ${goalMB(model, c.goalBefore)} MB goal, ${c.procs} P`;
  if (model === 'go1.5') return `gc #${c.n} ${at(c.start)} 0%: 0+0+0+0+0 ms clock, 0+0+0+0/0/0+0 ms cpu, ${sizes}${c.forced ? ' (forced)' : ''}`;
  return `gc ${c.n} ${at(c.start)} 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, ${sizes}${c.forced ? ' (forced)' : ''}`;
}

export function scavengerLines(model: string, k: number, released: number, st: mstats): string[] {
  const lines: string[] = [];
  const tag = model === 'go1.14' ? 'scvg' : `scvg${k < 0 ? -1 : k}`;
  if (released > 0) lines.push(model === 'go1.14' ? `${tag}: ${released >> 10} KB released` : `${tag}: ${mb(released)} MB released`);
  lines.push(`${tag}: inuse: ${mb(st.heap_inuse)}, idle: ${mb(st.heap_idle)}, sys: ${mb(st.heap_sys)}, released: ${mb(st.heap_released)}, consumed: ${mb(st.heap_sys - st.heap_released)} (MB)`);
  return lines;
}
