/**
 * The page map: every page of the heap's mapped arena as runs of one owner (a span in use or a
 * stack span, free and retained, released to the OS, held in a go1.14 P's page cache, or address
 * space the heap has not grown into), as the Heap View draws it (PageRun in src/protocol/heapview.ts).
 *
 * Invariants (test/program/heapsnapshot.test.ts checks them on every model):
 *  - the runs cover [arenaStart, arenaEnd) in address order with no gap and no overlap, where
 *    arenaEnd is the end of the address space mapped so far (`mappedBytes`);
 *  - a span is one run (a go1.14 span crossing a 512-page chunk boundary is merged back); runs of
 *    free pages with no span merge; go1.5/go1.10 free spans keep their id (a partly released one
 *    is two runs, free then released);
 *  - go1.14's reserved but not yet grown part of the current arena (`curArena`) is 'released', as
 *    heap_sys, heap_idle and heap_released count it;
 *  - per kind: inuse pages × 8192 = heap_inuse (go1.5: inuse + manual), manual = stacks_inuse,
 *    free + released + cached = heap_idle.
 */
import { _PageSize, pallocChunkPages } from '../engine/constants';
import type { mheap } from '../engine/mheap';
import type { mspan } from '../engine/mspan';
import { radixPageHeap } from '../engine/pageheap_radix';
import type { PageKind, PageRun } from '../protocol/heapview';

/** [arenaStart, arenaEnd): the address space the heap has mapped so far. */
export function arenaBounds(h: mheap): { start: number; end: number } {
  const start = h.model.arenaStart;
  return { start, end: start + h.pages.mappedBytes() };
}

/** The page map: every page of [arenaStart, arenaEnd) in one run (see the header for the rules). */
export function pageRuns(h: mheap): PageRun[] {
  const out: PageRun[] = [];
  walkRuns(h, (base, npages, kind, span, sizeclass) => out.push({ base, npages, kind, span, sizeclass }));
  return out;
}

/** Receives one finished (merged) page run. */
export type RunSink = (base: number, npages: number, kind: PageKind, span: number, sizeclass: number) => void;

/**
 * The page map as a stream of runs (what `pageRuns` collects), without building objects: the
 * debug adapter keeps runs in columns and compares them between stops.
 */
export function walkRuns(h: mheap, emit: RunSink): void {
  const { start, end } = arenaBounds(h);
  let at = start;
  // The pending run, held back so the next piece can merge into it.
  let pBase = 0;
  let pPages = 0;
  let pKind: PageKind = 'unused';
  let pSpan = -1;
  let pClass = 0;
  const flush = (): void => {
    if (pPages > 0) emit(pBase, pPages, pKind, pSpan, pClass);
    pPages = 0;
  };
  const push = (base: number, npages: number, kind: PageKind, span: number, sizeclass: number): void => {
    if (npages <= 0) return;
    if (base > at) {
      flush();
      emit(at, (base - at) / _PageSize, 'unused', -1, 0);
    }
    // Free runs with no span merge; a span that crosses a go1.14 chunk boundary comes in two pieces.
    if (pPages > 0 && pSpan === span && pKind === kind && pBase + pPages * _PageSize === base) pPages += npages;
    else {
      flush();
      pBase = base;
      pPages = npages;
      pKind = kind;
      pSpan = span;
      pClass = sizeclass;
    }
    at = base + npages * _PageSize;
  };
  const span = (base: number, npages: number, s: mspan): void => {
    const manual = s.state === 'mSpanManual';
    push(base, npages, manual ? 'manual' : 'inuse', s.id, manual ? 0 : s.sizeclass());
  };
  if (h.pages instanceof radixPageHeap) {
    radixRuns(h.pages, span, push);
    const ca = h.pages.curArena;
    if (ca.end > ca.base) push(ca.base, (ca.end - ca.base) / _PageSize, 'released', -1, 0);
  } else {
    h.pages.forEachRange(h, (base, npages, kind, s) => {
      if (kind === 'span' && s !== null) span(base, npages, s);
      else push(base, npages, kind === 'span' ? 'free' : kind, s === null ? -1 : s.id, 0);
    });
  }
  flush();
  if (end > at) emit(at, (end - at) / _PageSize, 'unused', -1, 0);
}

/**
 * go1.14's page walk, the same as `radixPageHeap.forEachRange` but reading the arenas' span maps
 * directly and the chunk bitmaps a word at a time (a 100,000-span heap walks in milliseconds).
 */
function radixRuns(ph: radixPageHeap, span: (base: number, npages: number, s: mspan) => void, push: (base: number, npages: number, kind: PageKind, span: number, sizeclass: number) => void): void {
  for (const chunk of ph.pages.chunkList()) {
    const alloc = chunk.alloc;
    const scav = chunk.scavenged;
    const chunkEnd = chunk.base + pallocChunkPages * _PageSize;
    const arena = ph.arenas.arenaOf(chunk.base);
    const first = arena === undefined ? 0 : (chunk.base - arena.base) / _PageSize;
    const live = (i: number): mspan | null => {
      if (arena === undefined) return null;
      const s = arena.spans[first + i];
      if (s === null || s === undefined || s.state === 'mSpanDead' || s.state === 'mSpanFree') return null;
      const addr = chunk.base + i * _PageSize;
      return addr >= s.startAddr && addr < s.end() ? s : null;
    };
    let i = 0;
    while (i < pallocChunkPages) {
      const w = i >> 5;
      const bit = (alloc[w] >>> (i & 31)) & 1;
      if (bit === 1) {
        const s = live(i);
        if (s !== null) {
          const addr = chunk.base + i * _PageSize;
          const n = (Math.min(s.end(), chunkEnd) - addr) / _PageSize;
          span(addr, n, s);
          i += n;
          continue;
        }
        push(chunk.base + i * _PageSize, 1, 'cached', -1, 0);
        i++;
        continue;
      }
      // A run of free pages: whole words at once where the word is uniformly free and (un)scavenged.
      const sc = (scav[w] >>> (i & 31)) & 1;
      let j = i + 1;
      while (j < pallocChunkPages) {
        const wj = j >> 5;
        if ((j & 31) === 0 && alloc[wj] === 0 && scav[wj] === (sc === 1 ? 0xffffffff : 0)) {
          j += 32;
          continue;
        }
        if (((alloc[wj] >>> (j & 31)) & 1) !== 0 || ((scav[wj] >>> (j & 31)) & 1) !== sc) break;
        j++;
      }
      push(chunk.base + i * _PageSize, j - i, sc === 1 ? 'released' : 'free', -1, 0);
      i = j;
    }
  }
}

