/**
 * pallocSum and the summary levels of the go1.14 page allocator's radix tree.
 *
 * Models `pallocSum`, `packPallocSum`, `mergeSummaries` and the `summary [summaryLevels][]pallocSum`
 * field of `src/runtime/mpagealloc.go` (plus the level constants of `mpagealloc_64bit.go`) as of
 * Go 1.14, linux/amd64.
 *
 * A summary describes a power-of-two-sized region of the (linearised) address space with three
 * counts of free pages: `start` (free pages at the low end), `end` (free pages at the high end)
 * and `max` (the longest free run anywhere inside). An all-zero summary means "nothing free here",
 * and that is also what every entry reads as when its region was never grown.
 *
 * The tree has `summaryLevels` = 5 levels over a 48-bit address space (`heapAddrBits`). Level 0 has
 * 2^14 entries of 16 GiB each; every lower level splits each entry into 2^3 children; level 4, the
 * leaves, has one entry per 4 MiB bitmap chunk (`pallocChunkPages` = 512 pages). Index `i` of level
 * `l` covers linear addresses [i << levelShift[l], (i+1) << levelShift[l]), i.e. up to
 * 1 << levelLogPages[l] pages.
 *
 * Storage (ours): Go reserves each level as one flat array and maps the parts it needs. We keep
 * each level as lazily created pages of 512 entries (three Uint32 per entry: start, max, end), so
 * memory stays proportional to the heap; a missing page reads as zero summaries, exactly like the
 * zero-filled memory Go maps. Go packs a summary into one uint64 (21 bits per field, a flag bit
 * for the 2^21 value); we store the three fields unpacked, which keeps the same values and the same
 * equality.
 *
 * Invariants (checked by `pageAlloc.checkInvariants`):
 *  - every field is <= 1 << levelLogPages[l] for an entry of level l, and max >= start, max >= end;
 *  - start == max == end == 1 << levelLogPages[l] exactly when the region is entirely free;
 *  - for l < 4, summary[l][i] == mergeSummaries(summary[l+1][8i .. 8i+7], levelLogPages[l+1]);
 *  - summary[4][ci] == chunks[ci].summarize() for every grown chunk, zero elsewhere.
 * Only `pageAlloc.update` (and `grow`, through it) writes the levels.
 */
import { _PageShift, _PageSize, pallocChunkBytes, pallocChunkPages } from '../constants';

/** log2(pallocChunkPages). */
export const logPallocChunkPages = 9;
/** Bytes covered by one chunk, as a shift: 22 (4 MiB). */
export const logPallocChunkBytes = logPallocChunkPages + _PageShift;
/** Usable address bits on linux/amd64. */
export const heapAddrBits = 48;
/**
 * Go 1.14 adds this to an address before indexing (1 << 47 on amd64), turning the signed 48-bit
 * address space into a linear one starting at 0. Addresses in this model are non-negative numbers
 * well below 2^47, so linear order and numeric order agree.
 */
export const arenaBaseOffset = 2 ** 47;
export const summaryLevels = 5;
export const summaryLevelBits = 3;
/** 14: bits of the root level. */
export const summaryL0Bits = heapAddrBits - logPallocChunkBytes - (summaryLevels - 1) * summaryLevelBits;
/** Radix bits per level: [14, 3, 3, 3, 3]. */
export const levelBits: readonly number[] = [summaryL0Bits, 3, 3, 3, 3];
/** Address shift per level: [34, 31, 28, 25, 22]. */
export const levelShift: readonly number[] = [
  heapAddrBits - summaryL0Bits,
  heapAddrBits - summaryL0Bits - 1 * summaryLevelBits,
  heapAddrBits - summaryL0Bits - 2 * summaryLevelBits,
  heapAddrBits - summaryL0Bits - 3 * summaryLevelBits,
  heapAddrBits - summaryL0Bits - 4 * summaryLevelBits,
];
/** log2 of the pages one entry covers per level: [21, 18, 15, 12, 9]. */
export const levelLogPages: readonly number[] = levelShift.map((s) => s - _PageShift);
/** Largest value a summary field can hold: 2^21 (a whole root entry free). */
export const logMaxPackedValue = logPallocChunkPages + (summaryLevels - 1) * summaryLevelBits;
export const maxPackedValue = 2 ** logMaxPackedValue;

/** Global index of the chunk holding address p (an index into the leaf level). */
export function chunkIndex(p: number): number {
  return Math.floor((p + arenaBaseOffset) / pallocChunkBytes);
}

/** Address of the first byte of chunk ci. */
export function chunkBase(ci: number): number {
  return ci * pallocChunkBytes - arenaBaseOffset;
}

/** Index of the page holding p within its chunk. */
export function chunkPageIndex(p: number): number {
  return Math.floor(((p + arenaBaseOffset) % pallocChunkBytes) / _PageSize);
}

/**
 * `addrsToSummaryRange`: the entries [lo, hi) of level l that cover the addresses [base, limit).
 */
export function addrsToSummaryRange(level: number, base: number, limit: number): [number, number] {
  const unit = 2 ** levelShift[level]!;
  return [Math.floor((base + arenaBaseOffset) / unit), Math.floor((limit - 1 + arenaBaseOffset) / unit) + 1];
}

/** One summary, unpacked. */
export interface pallocSum {
  readonly start: number;
  readonly max: number;
  readonly end: number;
}

export function packPallocSum(start: number, max: number, end: number): pallocSum {
  return { start, max, end };
}

/** Summary of a fully allocated (or never grown) region. */
export const emptySum: pallocSum = Object.freeze({ start: 0, max: 0, end: 0 });
/** Summary of one entirely free chunk. */
export const freeChunkSum: pallocSum = Object.freeze({
  start: pallocChunkPages,
  max: pallocChunkPages,
  end: pallocChunkPages,
});

export function sumEqual(a: pallocSum, b: pallocSum): boolean {
  return a.start === b.start && a.max === b.max && a.end === b.end;
}

export function sumIsEmpty(a: pallocSum): boolean {
  return a.start === 0 && a.max === 0 && a.end === 0;
}

export function formatSum(a: pallocSum): string {
  return `(${a.start}, ${a.max}, ${a.end})`;
}

/**
 * Combines consecutive summaries, each describing at most 1 << logMaxPagesPerSum pages, into the
 * summary of their concatenation (the parent entry). Walks left to right keeping a running
 * summary: the running start grows only while everything so far is free, a run can join the
 * running end to the next start, and the running end restarts unless the next entry is all free.
 */
export function mergeSummaries(sums: readonly pallocSum[], logMaxPagesPerSum: number): pallocSum {
  const full = 2 ** logMaxPagesPerSum;
  let { start, max, end } = sums[0]!;
  for (let k = 1; k < sums.length; k++) {
    const next = sums[k]!;
    if (start === k * full) start += next.start;
    if (end + next.start > max) max = end + next.start;
    if (next.max > max) max = next.max;
    end = next.end === full ? end + full : next.end;
  }
  return { start, max, end };
}

const sumPageShift = 9;
const sumPageEntries = 1 << sumPageShift;

/**
 * One level of the radix tree: a sparse array of summaries indexed like Go's `summary[l]`.
 * Reading an entry that was never written gives the zero summary.
 */
export class summaryLevel {
  private readonly pages = new Map<number, Uint32Array>();
  /** Number of entries of this level: 1 << (sum of levelBits up to and including it). */
  readonly capacity: number;

  constructor(readonly level: number) {
    let bits = 0;
    for (let l = 0; l <= level; l++) bits += levelBits[l]!;
    this.capacity = 2 ** bits;
  }

  get(i: number): pallocSum {
    const p = this.pages.get(i >>> sumPageShift);
    if (p === undefined) return emptySum;
    const o = (i & (sumPageEntries - 1)) * 3;
    return { start: p[o]!, max: p[o + 1]!, end: p[o + 2]! };
  }

  start(i: number): number {
    const p = this.pages.get(i >>> sumPageShift);
    return p === undefined ? 0 : p[(i & (sumPageEntries - 1)) * 3]!;
  }

  max(i: number): number {
    const p = this.pages.get(i >>> sumPageShift);
    return p === undefined ? 0 : p[(i & (sumPageEntries - 1)) * 3 + 1]!;
  }

  end(i: number): number {
    const p = this.pages.get(i >>> sumPageShift);
    return p === undefined ? 0 : p[(i & (sumPageEntries - 1)) * 3 + 2]!;
  }

  isEmpty(i: number): boolean {
    const p = this.pages.get(i >>> sumPageShift);
    if (p === undefined) return true;
    const o = (i & (sumPageEntries - 1)) * 3;
    return p[o] === 0 && p[o + 1] === 0 && p[o + 2] === 0;
  }

  /** Writes entry i; returns true when the stored value changed. */
  set(i: number, start: number, max: number, end: number): boolean {
    const key = i >>> sumPageShift;
    let p = this.pages.get(key);
    if (p === undefined) {
      if (start === 0 && max === 0 && end === 0) return false;
      p = new Uint32Array(sumPageEntries * 3);
      this.pages.set(key, p);
    }
    const o = (i & (sumPageEntries - 1)) * 3;
    if (p[o] === start && p[o + 1] === max && p[o + 2] === end) return false;
    p[o] = start;
    p[o + 1] = max;
    p[o + 2] = end;
    return true;
  }

  /**
   * Smallest index >= i whose storage page exists (entries outside stored pages are zero), or
   * `capacity` when there is none. Lets a scan of a long level skip never-grown address space.
   */
  nextStoredIndex(i: number): number {
    const cap = this.capacity;
    if (i >= cap) return cap;
    if (this.pages.has(i >>> sumPageShift)) return i;
    let best = cap;
    for (const key of this.pages.keys()) {
      const first = key << sumPageShift;
      if (first > i && first < best) best = first;
    }
    return best;
  }

  /** Every non-zero entry, in index order. */
  nonEmpty(): { index: number; sum: pallocSum }[] {
    const out: { index: number; sum: pallocSum }[] = [];
    const keys = [...this.pages.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const p = this.pages.get(key)!;
      for (let k = 0; k < sumPageEntries; k++) {
        const o = k * 3;
        if (p[o] !== 0 || p[o + 1] !== 0 || p[o + 2] !== 0) {
          out.push({ index: (key << sumPageShift) + k, sum: { start: p[o]!, max: p[o + 1]!, end: p[o + 2]! } });
        }
      }
    }
    return out;
  }
}
