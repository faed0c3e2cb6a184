/**
 * heapArena: go1.14's per-64 MB metadata (mheap.go `type heapArena`): the span map for the
 * arena's 8192 pages (`spans`), `pageInUse` (one bit per page, set on the first page of every
 * in-use span), `pageMarks` (set during marking on the first page of every span with a marked
 * object; `pageInUse &^ pageMarks` finds spans the reclaimer can free without looking at them),
 * and `zeroedBase` (everything at or above it in the arena has never been handed out, so it is
 * already zero).
 *
 * Invariants: every page of an in-use or manual span maps to it; a pageInUse bit is set exactly
 * on the first page of each in-use (not manual) span; zeroedBase only grows.
 */
import { _PageSize, heapArenaBytes, pagesPerArena } from './constants';
import type { mspan } from './mspan';

export class heapArena {
  readonly spans: (mspan | null)[] = new Array<mspan | null>(pagesPerArena).fill(null);
  readonly pageInUse = new Uint8Array(pagesPerArena / 8);
  readonly pageMarks = new Uint8Array(pagesPerArena / 8);
  /** Offset within the arena below which pages may be dirty. */
  zeroedBase = 0;
  constructor(readonly base: number) {}
}

/** The heap's arenas, indexed by arena number from the first arena hint (`mheap.arenas`). */
export class heapArenaIndex {
  /** Arenas by index from `start` (the L2 map of `mheap.arenas`; sparse array). */
  readonly arenas: (heapArena | undefined)[] = [];
  /** Arena bases in the order they were added (`allArenas`). */
  readonly allArenas: number[] = [];
  /** go1.14 reclaim: next page index to scan, over a snapshot of allArenas (`sweepArenas`). */
  reclaimIndex = 0;
  sweepArenas: number[] = [];

  constructor(readonly start: number) {}

  private idx(addr: number): number {
    return Math.floor((addr - this.start) / heapArenaBytes);
  }

  arenaOf(addr: number): heapArena | undefined {
    return this.arenas[Math.floor((addr - this.start) / heapArenaBytes)];
  }

  add(base: number): heapArena {
    const a = new heapArena(base);
    this.arenas[this.idx(base)] = a;
    this.allArenas.push(base);
    return a;
  }

  setSpans(base: number, npages: number, s: mspan | null): void {
    let p = base;
    let left = npages;
    while (left > 0) {
      const a = this.arenaOf(p)!;
      let i = (p - a.base) / _PageSize;
      for (; i < pagesPerArena && left > 0; i++, left--, p += _PageSize) a.spans[i] = s;
    }
  }

  spanOf(addr: number): mspan | null {
    const a = this.arenaOf(addr);
    if (a === undefined) return null;
    const s = a.spans[Math.floor((addr - a.base) / _PageSize)];
    if (s === null || s.state === 'mSpanDead' || s.state === 'mSpanFree' || addr < s.startAddr || addr >= s.end()) return null;
    return s;
  }

  setPageInUse(base: number, on: boolean): void {
    const a = this.arenaOf(base)!;
    const i = (base - a.base) / _PageSize;
    if (on) a.pageInUse[i >> 3] |= 1 << (i & 7);
    else a.pageInUse[i >> 3] &= ~(1 << (i & 7));
  }

  setPageMark(base: number): void {
    const a = this.arenaOf(base)!;
    const i = (base - a.base) / _PageSize;
    a.pageMarks[i >> 3] |= 1 << (i & 7);
  }

  clearPageMarks(): void {
    for (const a of this.arenas) if (a !== undefined) a.pageMarks.fill(0);
  }

  /** gcSweep: reclaim starts over at the first arena. */
  startReclaim(): void {
    this.reclaimIndex = 0;
    this.sweepArenas = this.allArenas.slice();
  }

  /** allocNeedsZero: whether [base, base+npages) may hold old data; moves zeroedBase up. */
  allocNeedsZero(base: number, npages: number): boolean {
    let needZero = false;
    let p = base;
    const end = base + npages * _PageSize;
    while (p < end) {
      const a = this.arenaOf(p)!;
      const off = p - a.base;
      const arenaLimit = Math.min(end - a.base, heapArenaBytes);
      if (off < a.zeroedBase) needZero = true;
      if (arenaLimit > a.zeroedBase) a.zeroedBase = arenaLimit;
      p = a.base + arenaLimit;
    }
    return needZero;
  }
}
