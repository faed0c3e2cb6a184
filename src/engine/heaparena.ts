/**
 * heapArena: go1.14's per-64 MB metadata (mheap.go `type heapArena`): the span map for the
 * arena's 8192 pages (`spans`), `pageInUse` (one bit per page, set on the first page of every
 * in-use span), `pageMarks` (set during marking on the first page of every span with a marked
 * object; `pageInUse &^ pageMarks` finds spans the reclaimer can free without looking at them),
 * and `zeroedBase` (everything at or above it in the arena has never been handed out, so it is
 * already zero).
 *
 * The span map is Go's `spans [pagesPerArena]*mspan`, read as a plain array (it is on the GC's
 * path: one lookup per pointer). While one span (or none) covers every page of an arena, the
 * arena shares a read-only array filled with that span with the other arenas it covers; it gets
 * its own copy when a span covers part of it. A 1 TB span then costs one 8192-entry array, not
 * 16384 of them (1 GB) and 134M stores.
 *
 * Invariants: every page of an in-use or manual span maps to it; a pageInUse bit is set exactly
 * on the first page of each in-use (not manual) span; zeroedBase only grows.
 */
import { _PageSize, heapArenaBytes, pagesPerArena } from './constants';
import type { mspan } from './mspan';

/** The shared span map of arenas no span covers. */
const NO_SPANS: (mspan | null)[] = new Array<mspan | null>(pagesPerArena).fill(null);
/** The shared span map of the arenas a span covers whole (held weakly: it goes with the span). */
const wholeMaps = new WeakMap<mspan, (mspan | null)[]>();

function sharedMap(s: mspan | null): (mspan | null)[] {
  if (s === null) return NO_SPANS;
  let spans = wholeMaps.get(s);
  if (spans === undefined) wholeMaps.set(s, (spans = new Array<mspan | null>(pagesPerArena).fill(s)));
  return spans;
}

export class heapArena {
  /** `spans[i]`: the span page i maps to. Read freely; write only through `setSpans` (it may be shared). */
  spans: (mspan | null)[] = NO_SPANS;
  /** `spans` is this arena's own (not a shared, uniform one). */
  private own = false;
  readonly pageInUse = new Uint8Array(pagesPerArena / 8);
  readonly pageMarks = new Uint8Array(pagesPerArena / 8);
  /** Offset within the arena below which pages may be dirty. */
  zeroedBase = 0;
  constructor(readonly base: number) {}

  /** spans[i] = s for i in [from, to). */
  setSpans(from: number, to: number, s: mspan | null): void {
    if (from === 0 && to === pagesPerArena) {
      this.spans = sharedMap(s);
      this.own = false;
      return;
    }
    if (!this.own) {
      this.spans = this.spans.slice();
      this.own = true;
    }
    for (let i = from; i < to; i++) this.spans[i] = s;
  }

  /** Every page in [from, to) maps to `s`. */
  mapsTo(from: number, to: number, s: mspan): boolean {
    if (!this.own) return this.spans[from] === s; // a shared map is uniform
    for (let i = from; i < to; i++) if (this.spans[i] !== s) return false;
    return true;
  }
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
    const covered = this.eachArenaRange(base, npages, (a, from, to) => {
      a.setSpans(from, to, s);
      return true;
    });
    if (!covered) throw new Error(`setSpans: [${base}, +${npages} pages) is not inside the heap's arenas`);
  }

  /** Every page of [base, base+npages) is in an arena and maps to `s`. */
  mapsTo(base: number, npages: number, s: mspan): boolean {
    return this.eachArenaRange(base, npages, (a, from, to) => a.mapsTo(from, to, s));
  }

  /**
   * Calls `f` with each arena [base, base+npages) touches and the page range inside it, while `f`
   * returns true. False if `f` said so or a page is outside every arena.
   */
  private eachArenaRange(base: number, npages: number, f: (a: heapArena, from: number, to: number) => boolean): boolean {
    let p = base;
    let left = npages;
    while (left > 0) {
      const a = this.arenaOf(p);
      if (a === undefined) return false;
      const from = (p - a.base) / _PageSize;
      const to = Math.min(pagesPerArena, from + left);
      if (!f(a, from, to)) return false;
      left -= to - from;
      p += (to - from) * _PageSize;
    }
    return true;
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
