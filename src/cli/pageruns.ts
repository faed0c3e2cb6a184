/**
 * The heap's page runs as the page map draws them (protocol `PageRun`): the same runs the Heap
 * View shows, from `src/program/heapsnapshot.ts` (`pageRuns`), so a report's page map and the
 * debugger's agree page for page. Its invariants: address order, no gap, no overlap, from the
 * arena start to the end of the mapped arena; one span is one run; go1.14's mapped arena beyond
 * the grown chunks is 'released' (heap_released counts it). So, in every era, 'released' pages ×
 * 8192 = heap_released and the pages of all runs but 'unused' cover heap_sys plus (go1.10+) the
 * stack spans.
 */
import type { Heap } from '../engine/heap';
import type { PageRun } from '../protocol/heapview';
import { pageRuns as snapshotPageRuns } from '../program/heapsnapshot';

export function pageRuns(hp: Heap): PageRun[] {
  return snapshotPageRuns(hp.h);
}
