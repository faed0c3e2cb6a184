/**
 * pageBits, pallocBits and pallocData: the per-chunk bitmaps of the go1.14 page allocator.
 *
 * Models `src/runtime/mpallocbits.go` as of Go 1.14 (`pageBits`, `pallocBits`, `pallocData`,
 * `findBitRange64`) and the bitmap half of `src/runtime/mgcscavenge.go` of the same release
 * (`fillAligned`, `pallocData.hasScavengeCandidate`, `pallocData.findScavengeCandidate`).
 *
 * A chunk is `pallocChunkPages` (512) pages of 8 KiB. `pallocData` holds two bitmaps over them:
 *  - the alloc bitmap (`pallocBits`): bit i set <=> page i is in use (a span, or handed to a page
 *    cache); clear <=> free;
 *  - `scavenged`: bit i set <=> page i's physical memory was returned to the OS.
 * Go stores each as 8 uint64 words; we store 16 uint32 words (word k holds pages 32k..32k+31,
 * bit j <=> page 32k+j), bit-for-bit the same layout. Where Go's behaviour depends on its 64-bit
 * word boundaries (a search starts at the 64-page word containing `searchIdx`; `block64` and
 * `fillAligned(x, 64)` work on whole 64-page words) we reproduce those boundaries with word pairs.
 *
 * Invariants of a pallocData (checked through `pageAlloc.checkInvariants`):
 *  - a scavenged page is free (`allocRange`/`allocAll` clear the scavenged bits they cover, and
 *    only free pages are ever marked scavenged);
 *  - `summarize()` is a pure function of the alloc bitmap; the leaf summary must equal it.
 * Writers: `pageAlloc` (alloc, free, grow, scavenge) and `pageCache.flush`.
 */
import { pallocChunkPages } from '../constants';
import { RuntimeFault } from '../fault';
import type { pallocSum } from './pallocsum';

/** 32-bit words per chunk bitmap. */
export const pallocChunkWords = pallocChunkPages >>> 5;
const allOnes = 0xffffffff;
/** Largest physical page the scavenger supports, in runtime pages (maxPhysPageSize 512 KiB / 8 KiB). */
export const maxPagesPerPhysPage = 64;

/** Count of trailing zero bits of a 32-bit word (32 for 0). */
export function ctz32(x: number): number {
  x |= 0;
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Count of set bits of a 32-bit word. */
export function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Mask of n bits starting at bit lo of a 32-bit word; 1 <= n <= 32 - lo. */
function bitMask(lo: number, n: number): number {
  return ((allOnes >>> (32 - n)) << lo) >>> 0;
}

/**
 * Index of the lowest bit that starts a run of n consecutive set bits in the 32-bit word c, or 32
 * when there is none (1 <= n <= 32). Shrinks every run of ones by doubling steps.
 */
export function findBitRange32(c: number, n: number): number {
  c >>>= 0;
  let p = n - 1;
  let k = 1;
  while (p > 0) {
    if (p <= k) {
      c = (c & (c >>> p)) >>> 0;
      break;
    }
    c = (c & (c >>> k)) >>> 0;
    if (c === 0) return 32;
    p -= k;
    k *= 2;
  }
  return ctz32(c);
}

/**
 * `findBitRange64`: index of the lowest bit starting a run of n (1..64) set bits in the 64-bit
 * word hi:lo, or 64 when there is none.
 */
export function findBitRange64(lo: number, hi: number, n: number): number {
  if (n <= 32) {
    const i = findBitRange32(lo, n);
    if (i < 32) return i;
  }
  const topOfLo = Math.clz32(~lo); // set bits at the top of lo
  const bottomOfHi = ctz32(~hi); // set bits at the bottom of hi
  if (topOfLo > 0 && topOfLo + bottomOfHi >= n) return 32 - topOfLo;
  if (n <= 32) {
    const i = findBitRange32(hi, n);
    if (i < 32) return 32 + i;
  }
  return 64;
}

/**
 * `fillAligned` on one 32-bit half: every m-aligned group of m bits that has any bit set becomes
 * all ones, all-zero groups stay zero (m a power of two <= 32).
 */
export function fillAligned32(x: number, m: number): number {
  x >>>= 0;
  if (m === 1 || x === 0 || x === allOnes) return x;
  let c: number;
  switch (m) {
    case 2: c = 0x55555555; break;
    case 4: c = 0x77777777; break;
    case 8: c = 0x7f7f7f7f; break;
    case 16: c = 0x7fff7fff; break;
    case 32: c = 0x7fffffff; break;
    default: throw new RuntimeFault(`bad m value ${m}`, 'fillAligned');
  }
  // Set the top bit of every group whose bits are all zero (the zero-byte trick, widened).
  const zeroTops = ~((((x & c) + c) | x) | c) >>> 0;
  // Turn each marked group into all ones, then invert: marked (all-zero) groups become zero.
  return ~((zeroTops - (zeroTops >>> (m - 1))) | zeroTops) >>> 0;
}

export class pageBits {
  readonly words = new Uint32Array(pallocChunkWords);

  get(i: number): number {
    return (this.words[i >>> 5]! >>> (i & 31)) & 1;
  }

  /** Low half of the 64-page word containing page i (pages alignDown(i, 64) .. +31). */
  block64Lo(i: number): number {
    return this.words[(i >>> 6) << 1]!;
  }

  /** High half of the 64-page word containing page i. */
  block64Hi(i: number): number {
    return this.words[((i >>> 6) << 1) + 1]!;
  }

  set(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5]! | (1 << (i & 31))) >>> 0;
  }

  clear(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5]! & ~(1 << (i & 31))) >>> 0;
  }

  setRange(i: number, n: number): void {
    this.forRange(i, n, (w, mask) => {
      this.words[w] = (this.words[w]! | mask) >>> 0;
    });
  }

  clearRange(i: number, n: number): void {
    this.forRange(i, n, (w, mask) => {
      this.words[w] = (this.words[w]! & ~mask) >>> 0;
    });
  }

  setAll(): void {
    this.words.fill(allOnes);
  }

  clearAll(): void {
    this.words.fill(0);
  }

  /** Number of set bits in [i, i+n). */
  popcntRange(i: number, n: number): number {
    let s = 0;
    this.forRange(i, n, (w, mask) => {
      s += popcnt32(this.words[w]! & mask);
    });
    return s;
  }

  /** Number of set bits in the whole chunk. */
  popcntAll(): number {
    let s = 0;
    for (let w = 0; w < pallocChunkWords; w++) s += popcnt32(this.words[w]!);
    return s;
  }

  /** Calls f(word, mask) for each 32-bit word overlapping [i, i+n); n >= 1. */
  protected forRange(i: number, n: number, f: (w: number, mask: number) => void): void {
    if (n <= 0 || i < 0 || i + n > pallocChunkPages) {
      throw new RuntimeFault(`bad page range [${i}, ${i + n}) in a chunk of ${pallocChunkPages} pages`, 'pageBits');
    }
    const j = i + n - 1;
    const wi = i >>> 5;
    const wj = j >>> 5;
    if (wi === wj) {
      f(wi, bitMask(i & 31, n));
      return;
    }
    f(wi, bitMask(i & 31, 32 - (i & 31)));
    for (let w = wi + 1; w < wj; w++) f(w, allOnes);
    f(wj, bitMask(0, (j & 31) + 1));
  }
}

/** The alloc bitmap of a chunk: 1 = in use, 0 = free. */
export class pallocBits extends pageBits {
  /**
   * Summary of the chunk's free pages: free pages at the start, the longest free run, free pages
   * at the end. All three are pallocChunkPages for an entirely free chunk.
   */
  summarize(): pallocSum {
    const w = this.words;
    let start = -1;
    let max = 0;
    let cur = 0; // length of the free run reaching the current position
    for (let k = 0; k < pallocChunkWords; k++) {
      const x = w[k]!;
      if (x === 0) {
        cur += 32;
        continue;
      }
      const tz = ctz32(x);
      cur += tz;
      if (start < 0) start = cur;
      if (cur > max) max = cur;
      // Free runs strictly inside this word (bounded by in-use pages on both sides) are at most
      // 30 pages long; look for them only when they could beat max.
      if (max < 30) {
        let y = x >>> tz; // bit 0 is now an in-use page
        for (;;) {
          if (y === allOnes) break;
          y >>>= ctz32(~y); // drop the in-use pages
          if (y === 0) break; // only the top free run is left: that is the end run
          const zeros = ctz32(y);
          if (zeros > max) max = zeros;
          y >>>= zeros;
        }
      }
      cur = Math.clz32(x);
    }
    if (start < 0) return { start: pallocChunkPages, max: pallocChunkPages, end: pallocChunkPages };
    if (cur > max) max = cur;
    return { start, max, end: cur };
  }

  /**
   * `pallocBits.find`: the first-fit index of npages contiguous free pages, searching from the
   * start of the 64-page word that contains searchIdx, and the first free page from that same
   * word (the new search index). Either is -1 when there is none.
   */
  find(npages: number, searchIdx: number): [number, number] {
    const from = (searchIdx >>> 6) << 1;
    if (npages === 1) {
      const a = this.find1From(from);
      return [a, a];
    }
    return [this.findRun(npages, from), this.find1From(from)];
  }

  /** `find1`: first free page at or after 32-bit word `from`, or -1. */
  private find1From(from: number): number {
    const w = this.words;
    for (let k = from; k < pallocChunkWords; k++) {
      const x = w[k]!;
      if (x !== allOnes) return k * 32 + ctz32(~x);
    }
    return -1;
  }

  /**
   * `findSmallN`/`findLargeN`: address-ordered first fit for npages >= 2 from word `from`. A run
   * is carried across words while they are free; inside a mixed word a run can finish at the
   * word's low end, lie wholly inside it, or start at its high end.
   */
  private findRun(npages: number, from: number): number {
    const w = this.words;
    let size = 0;
    let start = -1;
    for (let k = from; k < pallocChunkWords; k++) {
      const x = w[k]!;
      if (x === allOnes) {
        size = 0;
        continue;
      }
      if (x === 0) {
        if (size === 0) start = k * 32;
        size += 32;
        if (size >= npages) return start;
        continue;
      }
      const tz = ctz32(x);
      if (size + tz >= npages) return size === 0 ? k * 32 : start;
      if (npages < 32) {
        const j = findBitRange32(~x, npages);
        if (j < 32) return k * 32 + j;
      }
      size = Math.clz32(x);
      start = k * 32 + 32 - size;
      if (size >= npages) return start;
    }
    return -1;
  }

  allocRange(i: number, n: number): void {
    this.setRange(i, n);
  }

  allocAll(): void {
    this.setAll();
  }

  free1(i: number): void {
    this.clear(i);
  }

  free(i: number, n: number): void {
    this.clearRange(i, n);
  }

  freeAll(): void {
    this.clearAll();
  }
}

/** A chunk's alloc bitmap plus its scavenged bitmap. */
export class pallocData {
  readonly pallocBits = new pallocBits();
  readonly scavenged = new pageBits();

  /** Marks [i, i+n) in use; those pages stop being scavenged (they are about to be touched). */
  allocRange(i: number, n: number): void {
    this.pallocBits.allocRange(i, n);
    this.scavenged.clearRange(i, n);
  }

  allocAll(): void {
    this.pallocBits.allocAll();
    this.scavenged.clearAll();
  }

  free1(i: number): void {
    this.pallocBits.free1(i);
  }

  free(i: number, n: number): void {
    this.pallocBits.free(i, n);
  }

  freeAll(): void {
    this.pallocBits.freeAll();
  }

  summarize(): pallocSum {
    return this.pallocBits.summarize();
  }

  find(npages: number, searchIdx: number): [number, number] {
    return this.pallocBits.find(npages, searchIdx);
  }

  /**
   * `fillAligned(scavenged|alloc, min)` for 32-bit word k: bit set <=> the page is in use or
   * scavenged, widened so any min-aligned group with such a page is entirely set. Zero bits are
   * therefore whole physical pages that are free and still backed by memory.
   */
  private unavailable(k: number, min: number): number {
    if (min === 64) {
      const base = k & ~1;
      const any =
        (this.scavenged.words[base]! | this.pallocBits.words[base]! |
          this.scavenged.words[base + 1]! | this.pallocBits.words[base + 1]!) !== 0;
      return any ? allOnes : 0;
    }
    return fillAligned32(this.scavenged.words[k]! | this.pallocBits.words[k]!, min);
  }

  /** Is there any min-aligned group of min free, unscavenged pages in this chunk? */
  hasScavengeCandidate(min: number): boolean {
    checkMinPages(min);
    for (let k = pallocChunkWords - 1; k >= 0; k--) {
      if (this.unavailable(k, min) !== allOnes) return true;
    }
    return false;
  }

  /**
   * The highest run of free, unscavenged pages at or below the 64-page word holding searchIdx
   * (the whole word is examined), as [start, size]; size 0 when there is none. Only whole,
   * min-aligned groups of min pages count. The run is cut to its top `max` pages (max rounded up
   * to a multiple of min; 0 means min), except that a cut which would split a free, unscavenged
   * huge page (physHugePageSize) is widened down to the huge page's start.
   */
  findScavengeCandidate(
    searchIdx: number,
    min: number,
    max: number,
    pagesPerHugePage: number,
  ): [number, number] {
    checkMinPages(min);
    max = max === 0 ? min : Math.ceil(max / min) * min;
    let k = ((searchIdx >>> 6) << 1) + 1;
    for (; k >= 0; k--) {
      if (this.unavailable(k, min) !== allOnes) break;
    }
    if (k < 0) return [0, 0];
    const x = this.unavailable(k, min);
    const z1 = Math.clz32(~x); // unavailable pages above the run, in this word
    const end = k * 32 + (32 - z1);
    let run: number;
    const rest = (x << z1) >>> 0;
    if (rest !== 0) {
      run = Math.clz32(rest);
    } else {
      run = 32 - z1;
      for (let j = k - 1; j >= 0; j--) {
        const y = this.unavailable(j, min);
        run += Math.clz32(y);
        if (y !== 0) break;
      }
    }
    let size = Math.min(run, max);
    let start = end - size;
    if (pagesPerHugePage > 1) {
      const hugePageAbove = Math.ceil(start / pagesPerHugePage) * pagesPerHugePage;
      if (hugePageAbove <= end) {
        const hugePageBelow = Math.floor(start / pagesPerHugePage) * pagesPerHugePage;
        if (hugePageBelow >= end - run) {
          size += start - hugePageBelow;
          start = hugePageBelow;
        }
      }
    }
    return [start, size];
  }
}

function checkMinPages(min: number): void {
  if (min <= 0 || (min & (min - 1)) !== 0) {
    throw new RuntimeFault(`min must be a non-zero power of 2 (min = ${min})`, 'pallocData.findScavengeCandidate');
  }
  if (min > maxPagesPerPhysPage) {
    throw new RuntimeFault(`min too large (min = ${min})`, 'pallocData.findScavengeCandidate');
  }
}
