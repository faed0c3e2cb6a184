/**
 * mspan: a run of contiguous pages, the unit the page heap hands out and the home of small objects.
 *
 * Models `type mspan` of `mheap.go` in all three eras. One class serves every era; fields an era
 * does not have stay at their zero values (go1.5 tracks free objects with `freelist`/`ref`
 * (`allocCount` here), go1.10+ with `allocBits`, `freeindex` and `allocCache`).
 *
 * States: mSpanInUse (heap objects), mSpanManual (stacks; `_MSpanStack` in go1.5), mSpanFree (on a
 * free list or the treap; go1.5/go1.10 only), mSpanDead (not part of the heap any more).
 *
 * Invariants (checked in `invariants.ts`):
 *  - base page aligned; `limit` = base + nelems*elemsize for small spans, base + npages*8192 otherwise;
 *  - 0 <= allocCount <= nelems; allocCount equals the number of set alloc bits (go1.10+) or
 *    nelems minus the free-list length (go1.5) whenever the span is not cached in an mcache;
 *  - `freeindex` <= nelems and every object below it is allocated;
 *  - `sweepgen` is h.sweepgen-2 (needs sweeping), h.sweepgen-1 (being swept) or h.sweepgen (swept)
 *    (+1/+3 exist in later runtimes only);
 *  - specials are sorted by (offset, kind) with no duplicate (offset, kind).
 * Fields change only in the heap engine files named in their comments.
 */
import { _PageSize } from './constants';
import type { mSpanList } from './mspanlist';
import type { special } from './specials';

/** go1.5 per-object bits (see `objBits`). */
export const objAllocated = 1;
export const objMarked = 2;
/** The object holds no pointers (the heap bitmap's "no pointers" bits). */
export const objNoscan = 4;

export type mSpanState = 'mSpanDead' | 'mSpanInUse' | 'mSpanManual' | 'mSpanFree';

/** A gcBits allocation: the bitmap plus where it lives (see `gcbits.ts`). */
export interface gcBitsRef {
  readonly bytes: Uint8Array;
  readonly arena: number;
  readonly offset: number;
}

export class mspan {
  // list links (mspanlist.ts)
  next: mspan | null = null;
  prev: mspan | null = null;
  list: mSpanList | null = null;

  /** Our own stable identity, in order of creation (Go reuses mspan structs; we do not). */
  readonly id: number;
  /** For display: the mspan's own position in creation order. */
  startAddr: number;
  npages: number;
  state: mSpanState = 'mSpanDead';

  /** Size class << 1 | noscan (go1.10+); size class << 1 in go1.5. 0 for large spans. */
  spanclass = 0;
  elemsize = 0;
  nelems = 0;
  /** Objects allocated (`ref` in go1.5). */
  allocCount = 0;
  limit = 0;

  // go1.10+: bitmap free tracking
  freeindex = 0;
  allocBits: gcBitsRef | null = null;
  gcmarkBits: gcBitsRef | null = null;

  // go1.5: free list of objects, as object indices linked through freeNext; -1 ends it.
  freelist = -1;
  freeNext: Int32Array | null = null;
  /**
   * go1.5 keeps allocated/marked state in the heap bitmap; we keep it per span, one byte per
   * object: bit 0 allocated, bit 1 marked (`objAllocated`, `objMarked`).
   */
  objBits: Uint8Array | null = null;

  sweepgen = 0;
  /** Cached in some P's mcache (mcache.ts / mcentral.ts). */
  incache = false;
  needzero = false;
  /** go1.5/go1.10: pages of this free span released to the OS. */
  npreleased = 0;
  /** go1.5/go1.10: simulated time (ns) the span became free. */
  unusedsince = 0;

  /** Finalizer and profile records, sorted by (offset, kind). */
  specials: special[] = [];
  /**
   * Bytes requested per object (mallocgc's `size`), kept when the heap tracks sizes for
   * inspection (`mheap.trackSizes`); tiny sub-objects are keyed by their offset in `tinySizes`.
   */
  reqsize: Uint32Array | null = null;
  tinySizes: Map<number, number> | null = null;
  /** Pointers stored in objects of this span: object index -> (word slot -> target address). */
  ptrs: Map<number, Map<number, number>> | null = null;

  /** Line of the script that allocated the span (set by the caller, for explanations). */
  constructor(id: number, base: number, npages: number) {
    this.id = id;
    this.startAddr = base;
    this.npages = npages;
  }

  base(): number {
    return this.startAddr;
  }

  /** One past the last byte of the span's pages. */
  end(): number {
    return this.startAddr + this.npages * _PageSize;
  }

  sizeclass(): number {
    return this.spanclass >> 1;
  }

  noscan(): boolean {
    return (this.spanclass & 1) !== 0;
  }

  /** Index of the object holding address p (p must be inside the span). */
  objIndex(p: number): number {
    return this.elemsize === 0 ? 0 : Math.floor((p - this.startAddr) / this.elemsize);
  }

  /**
   * go1.10+: an object is allocated when it lies below freeindex or its alloc bit is set (mallocgc
   * advances freeindex; alloc bits change only when sweep swaps in the mark bits).
   */
  isAllocated(i: number): boolean {
    const b = this.allocBits;
    if (b !== null) return i < this.freeindex || (b.bytes[i >> 3] & (1 << (i & 7))) !== 0;
    return this.objBits !== null ? (this.objBits[i] & objAllocated) !== 0 : this.state === 'mSpanInUse';
  }

  /** go1.10+ `nextFreeIndex`: the first free object at or after freeindex; sets freeindex past it (nelems when full). */
  nextFreeIndex(): number {
    const bytes = this.allocBits!.bytes;
    const n = this.nelems;
    let i = this.freeindex;
    while (i < n) {
      const byte = bytes[i >> 3];
      if (byte === 0xff && (i & 7) === 0) {
        i += 8;
        continue;
      }
      if ((byte & (1 << (i & 7))) === 0) {
        this.freeindex = i + 1;
        return i;
      }
      i++;
    }
    this.freeindex = n;
    return n;
  }

  isMarked(i: number): boolean {
    const m = this.gcmarkBits;
    if (m !== null) return (m.bytes[i >> 3] & (1 << (i & 7))) !== 0;
    return this.objBits !== null ? (this.objBits[i] & objMarked) !== 0 : false;
  }

  /**
   * allocCache as the runtime keeps it: the complement of the 64 alloc bits starting at the
   * 64-aligned word holding freeindex, shifted right by freeindex%64. Derived on demand (the
   * engine searches the alloc bits directly, which picks the same object).
   */
  allocCache(): bigint {
    const b = this.allocBits;
    if (b === null) return 0n;
    const word = this.freeindex & ~63;
    let v = 0n;
    for (let k = 7; k >= 0; k--) {
      const byte = (word >> 3) + k < b.bytes.length ? b.bytes[(word >> 3) + k] : 0;
      v = (v << 8n) | BigInt(~byte & 0xff);
    }
    return v >> BigInt(this.freeindex & 63);
  }
}
