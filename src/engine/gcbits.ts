/**
 * gcBits arenas: where go1.10 (and later) spans keep their allocBits and gcmarkBits.
 *
 * Models `gcBits`, `gcBitsHeader`, `gcBitsArena`, `tryAlloc`, `newMarkBits`, `newAllocBits`,
 * `nextMarkBitArenaEpoch`, `newArenaMayUnlock` and the global `gcBitsArenas` of Go 1.10's
 * `mheap.go`. Bitmaps are carved with a bump pointer out of 64 KiB arenas taken from the OS
 * (`sysAlloc`, counted in `memstats.gc_sys`) and never returned to it. A bitmap for `nelems`
 * objects takes roundup(nelems, 64)/8 bytes (whole 64-bit words, so every bitmap is 8-byte aligned).
 *
 * Lists. Arenas are chained through `next` on four lists:
 *  - `next`: where new bitmaps come from; only its head is ever allocated from. When the head is
 *    too full, a fresh arena (from `free` first, else the OS) is pushed in front of it; the tail
 *    space of the old head is never used again.
 *  - `current`: last epoch's `next`; holds the gcmarkBits the GC is marking in this cycle.
 *  - `previous`: holds allocBits of spans not yet swept in this cycle.
 *  - `free`: arenas no span refers to any more, waiting for reuse (cleared on reuse).
 * `nextMarkBitArenaEpoch` (called by finishsweep_m when every span has been swept, at the start
 * of a GC cycle) moves previous → front of free, current → previous, next → current, next = nil.
 *
 * Memory model. Each arena holds a real `Uint8Array` of gcBitsChunkBytes - gcBitsHeaderBytes
 * bytes (`bits`); a `gcBits` is a view (`bytes`) into it, so an arena's bytes show every bitmap
 * packed as Go packs them. A bitmap whose arena has gone to the free list (and maybe been cleared
 * and reused) is dangling; `whereIs` / `checkBits` detect that through the arena's `generation`.
 *
 * Invariants (`checkInvariants` reports every violation):
 *  - every arena ever allocated is on exactly one of the four lists, and its `list` tag says which;
 *  - no list has a cycle; `free` is a multiple of 8 within [0, bits.length];
 *  - counters (`sysAllocs`, bitmaps/bytes handed out) agree with the arenas.
 *
 * Who changes what: only this class writes arena fields and lists. Spans hold `gcBits` values
 * and write bits through `bytes` (setMarked & co.) but never the offsets.
 *
 * Clones: plain fields, no closures. `clone()` copies every arena (bytes included) and `rebind(b)`
 * maps a bitmap of the original to the same bytes in the clone.
 */
import { gcBitsChunkBytes, gcBitsHeaderBytes } from './constants';

/** Usable bytes of one arena (the `bits` array after the header). */
export const gcBitsArenaBytes = gcBitsChunkBytes - gcBitsHeaderBytes;

/** Default simulated address of the first arena: sysAlloc'd memory lives outside the heap arena. */
export const defaultGcBitsArenaBase = 0x7f0000000000;

export type gcBitsListName = 'free' | 'next' | 'current' | 'previous';
export const gcBitsListNames: readonly gcBitsListName[] = ['next', 'current', 'previous', 'free'];

/** Bytes of bitmap for nelems objects: whole 64-bit words. */
export function gcBitsBytes(nelems: number): number {
  return Math.ceil(nelems / 64) * 8;
}

/** One 64 KiB chunk: header (`free`, `next`) followed by `bits`. */
export class gcBitsArena {
  /** Index into `bits` of the next free byte (bump pointer). */
  free = 0;
  next: gcBitsArena | null = null;
  /** Our addition: which list the arena is on. */
  list: gcBitsListName = 'next';
  /** Our addition: times the arena was taken from the free list and cleared. */
  generation = 0;
  /** Our addition: bitmaps handed out from this arena since it was last (re)initialised. */
  nbits = 0;

  constructor(
    /** Our addition: sysAlloc sequence number, from 0. */
    readonly id: number,
    /** Simulated address of the chunk (header included). */
    readonly addr: number,
    readonly bits: Uint8Array,
  ) {}

  /** Simulated address of bits[0]. */
  bitsAddr(): number {
    return this.addr + gcBitsHeaderBytes;
  }

  /** Takes `bytes` bytes from this arena, or returns -1 (the offset otherwise) when they do not fit. */
  tryAlloc(bytes: number): number {
    if (this.free + bytes > this.bits.length) return -1;
    const start = this.free;
    this.free = start + bytes;
    this.nbits++;
    return start;
  }
}

/** A bitmap handed out by `newMarkBits`/`newAllocBits`: `nbytes` bytes at `offset` in arena `arena`. */
export class gcBits {
  constructor(
    /** The bitmap itself: a view of the arena's bytes. Bit n is bytes[n >> 3] & (1 << (n & 7)). */
    readonly bytes: Uint8Array,
    /** Id of the arena it was carved from. */
    readonly arena: number,
    /** Byte offset inside the arena's `bits`. */
    readonly offset: number,
    /** Simulated address of the first byte. */
    readonly addr: number,
    /** The arena's generation when the bitmap was carved (dangling once it differs). */
    readonly generation: number,
  ) {}

  get nbytes(): number {
    return this.bytes.length;
  }

  isMarked(n: number): boolean {
    return (this.bytes[n >> 3] & (1 << (n & 7))) !== 0;
  }

  setMarked(n: number): void {
    this.bytes[n >> 3] |= 1 << (n & 7);
  }

  clearMarked(n: number): void {
    this.bytes[n >> 3] &= ~(1 << (n & 7));
  }

  /** Set bits among the first `nelems` (what `mspan.countAlloc` counts). */
  count(nelems: number): number {
    let c = 0;
    const full = nelems >> 3;
    for (let i = 0; i < full; i++) c += popcount8(this.bytes[i]);
    const rem = nelems & 7;
    if (rem !== 0) c += popcount8(this.bytes[full] & ((1 << rem) - 1));
    return c;
  }
}

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

export interface gcBitsListStats {
  readonly arenas: number;
  /** Bytes handed out (sum of `free`). */
  readonly usedBytes: number;
  /** Bitmaps handed out. */
  readonly bitmaps: number;
}

export interface gcBitsStats {
  /** Arenas ever obtained from the OS. */
  readonly arenas: number;
  /** What they add to memstats.gc_sys: arenas * gcBitsChunkBytes. */
  readonly sysBytes: number;
  readonly next: gcBitsListStats;
  readonly current: gcBitsListStats;
  readonly previous: gcBitsListStats;
  readonly free: gcBitsListStats;
  /** Epochs started (`nextMarkBitArenaEpoch` calls). */
  readonly epoch: number;
  /** Bitmaps and bytes handed out since the start. */
  readonly totalBitmaps: number;
  readonly totalBytes: number;
}

/** Read-only view of an arena for a UI. */
export interface gcBitsArenaView {
  readonly id: number;
  readonly addr: number;
  readonly free: number;
  readonly list: gcBitsListName;
  readonly generation: number;
  readonly nbits: number;
  readonly bits: Uint8Array;
}

/** The global `gcBitsArenas` (one per simulated runtime). */
export class gcBitsArenas {
  free: gcBitsArena | null = null;
  next: gcBitsArena | null = null;
  current: gcBitsArena | null = null;
  previous: gcBitsArena | null = null;
  /** Every arena ever sysAlloc'd, indexed by id (Go never gives them back). */
  readonly all: gcBitsArena[] = [];
  epoch = 0;
  totalBitmaps = 0;
  totalBytes = 0;

  constructor(readonly arenaBase: number = defaultGcBitsArenaBase) {}

  /** Mark bits for a span of nelems objects, zeroed, 8-byte aligned. */
  newMarkBits(nelems: number): gcBits {
    const bytesNeeded = gcBitsBytes(nelems);
    // Try the head of the next list first.
    const head = this.next;
    if (head !== null) {
      const off = head.tryAlloc(bytesNeeded);
      if (off >= 0) return this.made(head, off, bytesNeeded);
    }
    // (Go retries under the lock and again after newArenaMayUnlock for other threads; the
    // simulation has one thread, so both retries fail exactly as the first try did.)
    const fresh = this.newArenaMayUnlock();
    const off = fresh.tryAlloc(bytesNeeded);
    if (off < 0) throw new Error('newMarkBits - markBits overflow');
    fresh.next = this.next;
    fresh.list = 'next';
    this.next = fresh;
    return this.made(fresh, off, bytesNeeded);
  }

  /** Alloc bits for a newly initialised span: the same allocation as mark bits. */
  newAllocBits(nelems: number): gcBits {
    return this.newMarkBits(nelems);
  }

  /** Starts a new epoch: previous → front of free, current → previous, next → current, next = nil. */
  nextMarkBitArenaEpoch(): void {
    if (this.previous !== null) {
      // Splice the whole previous chain in front of the free list.
      let last = this.previous;
      last.list = 'free';
      while (last.next !== null) {
        last = last.next;
        last.list = 'free';
      }
      last.next = this.free;
      this.free = this.previous;
    }
    this.previous = this.current;
    for (let a = this.previous; a !== null; a = a.next) a.list = 'previous';
    this.current = this.next;
    for (let a = this.current; a !== null; a = a.next) a.list = 'current';
    this.next = null;
    this.epoch++;
  }

  /**
   * A cleared arena with free = 0 and next = nil: from the free list if possible (cleared), else
   * from the OS (sysAlloc, zeroed). Only newMarkBits calls it, and links the result in at once.
   */
  private newArenaMayUnlock(): gcBitsArena {
    let result: gcBitsArena;
    if (this.free === null) {
      const id = this.all.length;
      result = new gcBitsArena(id, this.arenaBase + id * gcBitsChunkBytes, new Uint8Array(gcBitsArenaBytes));
      this.all.push(result);
    } else {
      result = this.free;
      this.free = result.next;
      result.bits.fill(0); // memclrNoHeapPointers
      result.generation++;
    }
    result.next = null;
    // bits start 16 bytes into the chunk, already 8-byte aligned: no adjustment.
    result.free = 0;
    result.nbits = 0;
    result.list = 'next';
    return result;
  }

  /**
   * Which list the bitmap's arena is on, or 'dangling' when the arena has been freed or reused
   * since the bitmap was carved (a span must never hold such bits).
   */
  whereIs(b: gcBits): gcBitsListName | 'dangling' {
    const a = this.all[b.arena];
    if (a === undefined || a.generation !== b.generation || a.list === 'free') return 'dangling';
    return a.list;
  }

  /** null when the bitmap is sound, else what is wrong with it. */
  checkBits(b: gcBits, nelems?: number): string | null {
    const a = this.all[b.arena];
    if (a === undefined) return `gcBits at 0x${b.addr.toString(16)}: no arena ${b.arena}`;
    if (a.generation !== b.generation) return `gcBits at 0x${b.addr.toString(16)}: arena ${a.id} was reused since`;
    if (a.list === 'free') return `gcBits at 0x${b.addr.toString(16)}: arena ${a.id} is on the free list`;
    if (b.offset + b.nbytes > a.free) return `gcBits at 0x${b.addr.toString(16)}: beyond arena ${a.id}'s free index`;
    if (b.bytes.buffer !== a.bits.buffer || b.bytes.byteOffset !== a.bits.byteOffset + b.offset) {
      return `gcBits at 0x${b.addr.toString(16)}: bytes are not a view of arena ${a.id}`;
    }
    if (nelems !== undefined && b.nbytes !== gcBitsBytes(nelems)) {
      return `gcBits at 0x${b.addr.toString(16)}: ${b.nbytes} bytes for ${nelems} objects (want ${gcBitsBytes(nelems)})`;
    }
    return null;
  }

  /** Arenas of one list, head first (views for a UI; do not write through them). */
  list(name: gcBitsListName): readonly gcBitsArenaView[] {
    const out: gcBitsArena[] = [];
    for (let a = this.head(name); a !== null && out.length <= this.all.length; a = a.next) out.push(a);
    return out;
  }

  stats(): gcBitsStats {
    return {
      arenas: this.all.length,
      sysBytes: this.all.length * gcBitsChunkBytes,
      next: this.listStats('next'),
      current: this.listStats('current'),
      previous: this.listStats('previous'),
      free: this.listStats('free'),
      epoch: this.epoch,
      totalBitmaps: this.totalBitmaps,
      totalBytes: this.totalBytes,
    };
  }

  /** A deep copy: same arenas (bytes included), lists and counters. */
  clone(): gcBitsArenas {
    const c = new gcBitsArenas(this.arenaBase);
    for (const a of this.all) {
      const b = new gcBitsArena(a.id, a.addr, a.bits.slice());
      b.free = a.free;
      b.list = a.list;
      b.generation = a.generation;
      b.nbits = a.nbits;
      c.all.push(b);
    }
    for (const a of this.all) c.all[a.id].next = a.next === null ? null : c.all[a.next.id];
    const map = (a: gcBitsArena | null): gcBitsArena | null => (a === null ? null : c.all[a.id]);
    c.free = map(this.free);
    c.next = map(this.next);
    c.current = map(this.current);
    c.previous = map(this.previous);
    c.epoch = this.epoch;
    c.totalBitmaps = this.totalBitmaps;
    c.totalBytes = this.totalBytes;
    return c;
  }

  /** The bitmap in this (cloned) set of arenas that corresponds to `b` of the original. */
  rebind(b: gcBits): gcBits {
    const a = this.all[b.arena];
    if (a === undefined) throw new Error(`gcBitsArenas.rebind - no arena ${b.arena}`);
    return new gcBits(a.bits.subarray(b.offset, b.offset + b.nbytes), b.arena, b.offset, b.addr, b.generation);
  }

  /** Every violated invariant; empty when sound. */
  checkInvariants(): string[] {
    const errs: string[] = [];
    const onList = new Map<gcBitsArena, gcBitsListName>();
    let bitmaps = 0;
    for (const name of gcBitsListNames) {
      let steps = 0;
      for (let a = this.head(name); a !== null; a = a.next) {
        if (++steps > this.all.length) {
          errs.push(`${name} list has a cycle or holds more arenas than were allocated`);
          break;
        }
        const other = onList.get(a);
        if (other === name) {
          errs.push(`${name} list has a cycle (arena ${a.id} appears twice)`);
          break;
        }
        if (other !== undefined) {
          errs.push(`arena ${a.id} is on both the ${other} and the ${name} list`);
          break;
        }
        onList.set(a, name);
        if (this.all[a.id] !== a) errs.push(`arena ${a.id} on the ${name} list is not arena ${a.id} of the registry`);
        if (a.list !== name) errs.push(`arena ${a.id} is on the ${name} list but tagged ${a.list}`);
        if (name !== 'free') bitmaps += a.nbits;
      }
    }
    for (const a of this.all) {
      if (!onList.has(a)) errs.push(`arena ${a.id} (tagged ${a.list}) is on no list`);
      if (a.free % 8 !== 0 || a.free < 0 || a.free > a.bits.length) errs.push(`arena ${a.id}: free index ${a.free} is not a multiple of 8 in [0, ${a.bits.length}]`);
      if (a.bits.length !== gcBitsArenaBytes) errs.push(`arena ${a.id}: ${a.bits.length} bytes of bits, want ${gcBitsArenaBytes}`);
      if (a.addr !== this.arenaBase + a.id * gcBitsChunkBytes) errs.push(`arena ${a.id}: address 0x${a.addr.toString(16)} out of sequence`);
    }
    if (bitmaps > this.totalBitmaps) errs.push(`arenas in use hold ${bitmaps} bitmaps but only ${this.totalBitmaps} were handed out`);
    return errs;
  }

  // ---- internals ----

  private made(a: gcBitsArena, off: number, nbytes: number): gcBits {
    this.totalBitmaps++;
    this.totalBytes += nbytes;
    return new gcBits(a.bits.subarray(off, off + nbytes), a.id, off, a.bitsAddr() + off, a.generation);
  }

  private head(name: gcBitsListName): gcBitsArena | null {
    switch (name) {
      case 'free':
        return this.free;
      case 'next':
        return this.next;
      case 'current':
        return this.current;
      case 'previous':
        return this.previous;
      default: {
        const never: never = name;
        throw new Error(`gcBitsArenas - unknown list ${String(never)}`);
      }
    }
  }

  private listStats(name: gcBitsListName): gcBitsListStats {
    let arenas = 0;
    let usedBytes = 0;
    let bitmaps = 0;
    for (let a = this.head(name); a !== null && arenas <= this.all.length; a = a.next) {
      arenas++;
      usedBytes += a.free;
      bitmaps += a.nbits;
    }
    return { arenas, usedBytes, bitmaps };
  }
}
