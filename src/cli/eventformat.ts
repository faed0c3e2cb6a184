/** One line per heap event, for `--trace` and the debugger's transition log. */
import type { HeapEvent, SpanInfo } from '../protocol/events';

const hex = (n: number): string => '0x' + n.toString(16);
const span = (s: SpanInfo): string => `span ${hex(s.base)} (${s.npages} page${s.npages === 1 ? '' : 's'}${s.sizeclass > 0 ? `, class ${s.sizeclass}${s.noscan ? ' noscan' : ''}` : ''})`;

export function formatEvent(ev: HeapEvent): string {
  switch (ev.type) {
    case 'malloc':
      return `malloc ${hex(ev.addr)} size ${ev.size} -> ${ev.tiny ? 'tiny' : ev.large ? 'large' : `class ${ev.sizeclass}`} elemsize ${ev.elemsize} in span ${hex(ev.span)} on P${ev.p}`;
    case 'spanAlloc':
      return `spanAlloc ${span(ev.span)}${ev.manual ? ' manual' : ev.large ? ' large' : ''}`;
    case 'spanTrim':
      return `spanTrim ${span(ev.span)}; rest ${hex(ev.rest.base)} (${ev.rest.npages} pages) back to the free lists`;
    case 'spanCoalesce':
      return `spanCoalesce ${span(ev.span)} absorbed ${hex(ev.absorbed.base)} (${ev.absorbed.npages} pages)`;
    case 'spanFree':
      return `spanFree ${span(ev.span)} by ${ev.by}`;
    case 'spanState':
      return `spanState ${span(ev.span)} ${ev.from} -> ${ev.to}`;
    case 'spanCache':
      return `spanCache ${span(ev.span)} into P${ev.p}'s mcache`;
    case 'spanUncache':
      return `spanUncache ${span(ev.span)} from P${ev.p}'s mcache`;
    case 'spanSwept':
      return `spanSwept ${span(ev.span)} by ${ev.by}: ${ev.freed} freed${ev.freedToHeap ? ', span freed to the heap' : ''}`;
    case 'spanRelease':
      return `spanRelease ${ev.bytes} bytes${ev.base ? ` at ${hex(ev.base)}` : ''} by ${ev.by}`;
    case 'spanReuse':
      return `spanReuse ${ev.bytes} released bytes at ${hex(ev.base)} back in use`;
    case 'heapGrow':
      return `heapGrow ${ev.bytes} bytes at ${hex(ev.base)} (heap_sys ${ev.heap_sys})`;
    case 'specialAdd':
      return `specialAdd ${ev.kind} at ${hex(ev.addr)}`;
    case 'specialRemove':
      return `specialRemove ${ev.kind} at ${hex(ev.addr)}`;
    case 'finalizerQueued':
      return `finalizerQueued ${hex(ev.addr)}`;
    case 'finalizerRun':
      return `finalizerRun ${hex(ev.addr)}`;
    case 'gcPhase':
      return `gcPhase ${ev.phase} cycle ${ev.cycle} sweepgen ${ev.sweepgen}`;
    case 'gcCycle':
      return `gcCycle ${ev.cycle}: heap_live ${ev.heapLiveBefore} -> marked ${ev.heapMarked} (${ev.markedObjects} objects), next_gc ${ev.nextGC}${ev.forced ? ' (forced)' : ''}`;
    case 'fault':
      return `fault ${ev.message}`;
  }
}
