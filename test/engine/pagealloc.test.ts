/**
 * Tests of the go1.14 radix-tree page allocator (src/engine/pagealloc/*).
 *
 * Notation. Pages are global indices counted from the first page of chunk 0, and chunk 0 starts
 * at `heapBase` = 0xc000000000 (chunk-aligned, and its chunk index is a multiple of 2^12 like the
 * base chunk of Go's own tests, so every summary-block boundary falls where it does in Go). A
 * chunk layout is `{chunk, inUse, free, scav}` with chunk-local `[firstPage, npages]` ranges, the
 * notation of /work/shared/reference/pagealloc/*.json. `expectSame` is the one got/want printer.
 *
 * Sections: the reference cases (the real runtime's answers), bitmap and summary primitives
 * against brute force, scavenging, the page cache, and random sequences against a brute-force
 * first-fit model with the invariant checker after every operation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { _PageSize, pageCachePages, pallocChunkBytes, pallocChunkPages } from '../../src/engine/constants';
import { fastrand } from '../../src/engine/fastrand';
import { RuntimeFault } from '../../src/engine/fault';
import { maxSearchAddr, minScavAddr, pageAlloc, type pageAllocOptions } from '../../src/engine/pagealloc/pagealloc';
import { pageCache } from '../../src/engine/pagealloc/pagecache';
import {
  fillAligned32,
  findBitRange32,
  findBitRange64,
  pallocBits,
  pallocData,
} from '../../src/engine/pagealloc/pallocbits';
import { chunkIndex, mergeSummaries, type pallocSum } from '../../src/engine/pagealloc/pallocsum';

const heapBase = 0xc000000000;
const pageSize = _PageSize;

function pageAddr(page: number): number {
  return heapBase + page * pageSize;
}

function pageOf(addr: number): number {
  return (addr - heapBase) / pageSize;
}

/** The one got/want printer. */
function expectSame<T>(what: string, got: T, want: T): void {
  assert.deepStrictEqual(got, want, `${what}\n   got: ${JSON.stringify(got)}\n  want: ${JSON.stringify(want)}`);
}

function sound(p: pageAlloc, what: string): void {
  expectSame(`${what}: invariants`, p.checkInvariants(), []);
}

// ---------------------------------------------------------------------------------------------
// Layout notation
// ---------------------------------------------------------------------------------------------

type Range = [number, number];
interface ChunkLayout {
  chunk: number;
  inUse: Range[];
  free: Range[];
  scav: Range[];
}

function runsOf(bit: (i: number) => boolean): Range[] {
  const out: Range[] = [];
  let i = 0;
  while (i < pallocChunkPages) {
    if (!bit(i)) {
      i++;
      continue;
    }
    const s = i;
    while (i < pallocChunkPages && bit(i)) i++;
    out.push([s, i - s]);
  }
  return out;
}

function wordBit(words: Uint32Array, i: number): boolean {
  return ((words[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

/** The layout of the given chunks, read back from the allocator's bitmaps. */
function layoutOf(p: pageAlloc, chunks: number[]): ChunkLayout[] {
  const views = new Map(p.chunkList().map((v) => [v.ci, v]));
  const baseCi = chunkIndex(heapBase);
  return chunks.map((chunk) => {
    const v = views.get(baseCi + chunk);
    if (v === undefined) throw new Error(`chunk ${chunk} not in the heap`);
    return {
      chunk,
      inUse: runsOf((i) => wordBit(v.alloc, i)),
      free: runsOf((i) => !wordBit(v.alloc, i)),
      scav: runsOf((i) => wordBit(v.scavenged, i)),
    };
  });
}

/**
 * Builds an allocator holding exactly the given layout, using only allocator operations: grow
 * every chunk (free and scavenged), allocRange the in-use ranges, and allocRange+free the free
 * pages that must not be scavenged. searchAddr ends at the lowest chunk, as in Go's NewPageAlloc.
 */
function buildPageAlloc(init: ChunkLayout[], opts: pageAllocOptions = {}): pageAlloc {
  const p = new pageAlloc(opts);
  const chunks = [...init].sort((a, b) => a.chunk - b.chunk);
  for (const c of chunks) p.grow(heapBase + c.chunk * pallocChunkBytes, pallocChunkBytes);
  for (const c of chunks) {
    const first = c.chunk * pallocChunkPages;
    const inUse = new Uint8Array(pallocChunkPages);
    const scav = new Uint8Array(pallocChunkPages);
    for (const [s, n] of c.inUse) inUse.fill(1, s, s + n);
    for (const [s, n] of c.scav) scav.fill(1, s, s + n);
    for (const [s, n] of c.inUse) p.allocRange(pageAddr(first + s), n);
    for (const [s, n] of runsOf((i) => inUse[i] === 0 && scav[i] === 0)) {
      p.allocRange(pageAddr(first + s), n);
      p.free(pageAddr(first + s), n);
    }
  }
  return p;
}

function hex64(lo: number, hi: number): string {
  return `0x${(hi >>> 0).toString(16).padStart(8, '0')}${(lo >>> 0).toString(16).padStart(8, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Reference cases from the real runtime
// ---------------------------------------------------------------------------------------------

type RefOp =
  | { op: 'alloc'; npages: number; page: number | null; scav: number }
  | { op: 'free'; npages: number; page: number }
  | { op: 'allocToCache'; page: number | null; cache: string; cacheScav: string };

interface RefCase {
  name: string;
  ok: boolean;
  init: ChunkLayout[];
  ops: RefOp[];
  final: ChunkLayout[];
}

const refDir = '/work/shared/reference/pagealloc';
const refFiles = readdirSync(refDir).filter((f) => f.endsWith('.json')).sort();

function runRefCase(c: RefCase): void {
  const p = buildPageAlloc(c.init);
  const chunks = c.init.map((x) => x.chunk);
  expectSame(`${c.name}: init layout`, layoutOf(p, chunks), c.init);
  sound(p, `${c.name} init`);
  c.ops.forEach((op, k) => {
    const what = `${c.name} op #${k} ${JSON.stringify(op)}`;
    switch (op.op) {
      case 'alloc': {
        const r = p.alloc(op.npages);
        expectSame(what, { page: r.addr === 0 ? null : pageOf(r.addr), scav: r.scav }, { page: op.page, scav: op.scav });
        break;
      }
      case 'free':
        p.free(pageAddr(op.page), op.npages);
        break;
      case 'allocToCache': {
        const cache = p.allocToCache();
        expectSame(
          what,
          {
            page: cache.base === 0 ? null : pageOf(cache.base),
            cache: hex64(cache.cacheLo, cache.cacheHi),
            cacheScav: hex64(cache.scavLo, cache.scavHi),
          },
          { page: op.page, cache: op.cache, cacheScav: op.cacheScav },
        );
        break;
      }
      default: {
        const never: never = op;
        assert.fail(`unsupported reference op ${JSON.stringify(never)}`);
      }
    }
    sound(p, what);
  });
  expectSame(`${c.name}: final layout`, layoutOf(p, c.final.map((x) => x.chunk)), c.final);
}

describe('reference cases (Go runtime answers)', () => {
  it('has the four reference files', () => {
    expectSame('files', refFiles, [
      'upstream_alloc.json',
      'upstream_allocandfree.json',
      'upstream_alloctocache.json',
      'upstream_free.json',
    ]);
  });
  for (const f of refFiles) {
    const doc = JSON.parse(readFileSync(join(refDir, f), 'utf8')) as { caseCount: number; cases: RefCase[] };
    describe(f, () => {
      it(`holds ${doc.caseCount} cases`, () => expectSame('case count', doc.cases.length, doc.caseCount));
      for (const c of doc.cases) {
        it(c.name, () => {
          assert.ok(c.ok, 'reference case did not match upstream on the real runtime');
          runRefCase(c);
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Primitives against brute force
// ---------------------------------------------------------------------------------------------

/** A random chunk bitmap with runs of varying length (density d of in-use pages). */
function randomBits(r: fastrand, d: number): pallocBits {
  const b = new pallocBits();
  let i = 0;
  while (i < pallocChunkPages) {
    const n = Math.min(pallocChunkPages - i, 1 + r.n(r.n(2) === 0 ? 8 : 140));
    if (r.n(1000) < d * 1000) b.setRange(i, n);
    i += n;
  }
  return b;
}

function bitsArray(b: pallocBits): boolean[] {
  const a: boolean[] = [];
  for (let i = 0; i < pallocChunkPages; i++) a.push(b.get(i) === 1);
  return a;
}

function bruteSummary(inUse: boolean[]): pallocSum {
  let start = 0;
  while (start < inUse.length && !inUse[start]) start++;
  let end = 0;
  while (end < inUse.length && !inUse[inUse.length - 1 - end]) end++;
  let max = 0;
  let cur = 0;
  for (const u of inUse) {
    cur = u ? 0 : cur + 1;
    if (cur > max) max = cur;
  }
  return { start, max, end };
}

function bruteFirstFit(inUse: boolean[], npages: number, from: number): number {
  let run = 0;
  for (let i = from; i < inUse.length; i++) {
    run = inUse[i] ? 0 : run + 1;
    if (run === npages) return i - npages + 1;
  }
  return -1;
}

describe('pallocBits', () => {
  it('summarize agrees with brute force', () => {
    const r = new fastrand(1);
    for (let t = 0; t < 3000; t++) {
      const b = randomBits(r, [0, 0.1, 0.5, 0.9, 1][t % 5]!);
      expectSame(`summarize #${t}`, b.summarize(), bruteSummary(bitsArray(b)));
    }
  });

  it('summarize of empty, full and single-page-free chunks', () => {
    const b = new pallocBits();
    expectSame('free', b.summarize(), { start: 512, max: 512, end: 512 });
    b.allocAll();
    expectSame('full', b.summarize(), { start: 0, max: 0, end: 0 });
    b.free1(300);
    expectSame('one free', b.summarize(), { start: 0, max: 1, end: 0 });
  });

  it('find is first fit from the 64-page word holding searchIdx', () => {
    const r = new fastrand(2);
    for (let t = 0; t < 4000; t++) {
      const b = randomBits(r, [0.2, 0.5, 0.8][t % 3]!);
      const a = bitsArray(b);
      const npages = [1, 2, 3, 7, 31, 32, 33, 63, 64, 65, 100, 300, 512][r.n(13)]!;
      const searchIdx = r.n(pallocChunkPages);
      const from = searchIdx & ~63;
      const [j, newIdx] = b.find(npages, searchIdx);
      expectSame(`find(${npages}, ${searchIdx}) #${t}`, j, bruteFirstFit(a, npages, from));
      expectSame(`find searchIdx #${t}`, newIdx, bruteFirstFit(a, 1, from));
    }
  });

  it('findBitRange32/64 agree with brute force', () => {
    const r = new fastrand(3);
    for (let t = 0; t < 5000; t++) {
      const lo = r.next() & r.next() | (r.n(3) === 0 ? 0xffff0000 : 0);
      const hi = r.n(4) === 0 ? 0xffffffff : r.next() | r.next();
      const n = 1 + r.n(64);
      const bits: boolean[] = [];
      for (let i = 0; i < 32; i++) bits.push(((lo >>> i) & 1) === 0);
      for (let i = 0; i < 32; i++) bits.push(((hi >>> i) & 1) === 0);
      const want = bruteFirstFit(bits, n, 0);
      expectSame(`findBitRange64(${hex64(lo, hi)}, ${n})`, findBitRange64(lo >>> 0, hi >>> 0, n), want < 0 ? 64 : want);
      if (n <= 32) {
        const w32 = bruteFirstFit(bits.slice(0, 32), n, 0);
        expectSame(`findBitRange32`, findBitRange32(lo >>> 0, n), w32 < 0 ? 32 : w32);
      }
    }
  });

  it('fillAligned widens every group that has a set bit', () => {
    expectSame('0x0100a3, 8', fillAligned32(0x0100a3, 8), 0xff00ff);
    const r = new fastrand(4);
    for (let t = 0; t < 2000; t++) {
      const x = (r.next() & r.next() & r.next()) >>> 0;
      for (const m of [1, 2, 4, 8, 16, 32]) {
        let want = 0;
        for (let g = 0; g < 32; g += m) {
          const mask = ((0xffffffff >>> (32 - m)) << g) >>> 0;
          if ((x & mask) !== 0) want = (want | mask) >>> 0;
        }
        expectSame(`fillAligned(0x${x.toString(16)}, ${m})`, fillAligned32(x, m), want);
      }
    }
  });
});

describe('mergeSummaries', () => {
  it('merges eight chunks like a summary of their concatenation', () => {
    const r = new fastrand(5);
    for (let t = 0; t < 500; t++) {
      const parts: pallocBits[] = [];
      for (let k = 0; k < 8; k++) parts.push(randomBits(r, [0, 0.3, 0.95, 1][r.n(4)]!));
      const all = parts.flatMap(bitsArray);
      expectSame(`merge #${t}`, mergeSummaries(parts.map((b) => b.summarize()), 9), bruteSummary(all));
    }
  });

  it('hand examples', () => {
    const full = { start: 512, max: 512, end: 512 };
    const none = { start: 0, max: 0, end: 0 };
    expectSame('all free', mergeSummaries([full, full, full, full, full, full, full, full], 9), {
      start: 4096,
      max: 4096,
      end: 4096,
    });
    expectSame('straddle', mergeSummaries([none, { start: 3, max: 10, end: 200 }, full, { start: 5, max: 5, end: 0 }, none, none, none, none], 9), {
      start: 0,
      max: 717,
      end: 0,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// pageAlloc: grow, summaries, searchAddr, faults
// ---------------------------------------------------------------------------------------------

describe('pageAlloc basics', () => {
  it('a fresh chunk is free and scavenged, and visible at every summary level', () => {
    const p = new pageAlloc();
    expectSame('searchAddr before grow', p.searchAddr, maxSearchAddr);
    expectSame('alloc before grow', p.alloc(1), { addr: 0, scav: 0 });
    p.grow(heapBase, pallocChunkBytes);
    sound(p, 'after grow');
    expectSame('searchAddr', p.searchAddr, heapBase);
    expectSame('counts', p.pageCounts(), { total: 512, inUse: 0, free: 512, scavenged: 512 });
    const levels = p.summaryLevelViews();
    expectSame('one entry per level', levels.map((l) => l.length), [1, 1, 1, 1, 1]);
    // The chunk is the first of every block above it, so each parent starts with 512 free pages.
    expectSame(
      'summaries',
      levels.map((l) => [l[0]!.start, l[0]!.max, l[0]!.end, l[0]!.base]),
      [
        [512, 512, 0, heapBase],
        [512, 512, 0, heapBase],
        [512, 512, 0, heapBase],
        [512, 512, 0, heapBase],
        [512, 512, 512, heapBase],
      ],
    );
    expectSame('first alloc is scavenged', p.alloc(3), { addr: heapBase, scav: 3 * pageSize });
    expectSame('counts after', p.pageCounts(), { total: 512, inUse: 3, free: 509, scavenged: 509 });
  });

  it('grow coalesces inUse and lowers searchAddr', () => {
    const p = new pageAlloc();
    p.grow(heapBase + 4 * pallocChunkBytes, 2 * pallocChunkBytes);
    p.grow(heapBase + 8 * pallocChunkBytes, pallocChunkBytes);
    p.grow(heapBase + 6 * pallocChunkBytes, 2 * pallocChunkBytes);
    expectSame('inUse', p.inUse.ranges, [{ base: heapBase + 4 * pallocChunkBytes, limit: heapBase + 9 * pallocChunkBytes }]);
    expectSame('searchAddr', p.searchAddr, heapBase + 4 * pallocChunkBytes);
    p.grow(heapBase, pallocChunkBytes);
    expectSame('searchAddr lowered', p.searchAddr, heapBase);
    expectSame('ranges', p.inUse.ranges.length, 2);
    sound(p, 'grown');
    // A 5-chunk run across the coalesced range.
    // 2557 pages do not fit in chunk 0 and cannot cross the gap: they go to chunks 4..8.
    expectSame('big alloc', pageOf(p.alloc(5 * 512 - 3).addr), 4 * 512);
    expectSame('small goes low', pageOf(p.alloc(4).addr), 0);
    expectSame('tail of the big range', pageOf(p.alloc(3).addr), 4);
    expectSame('no 600-page run left', p.alloc(600), { addr: 0, scav: 0 });
    sound(p, 'after');
  });

  it('searchAddr follows the first free page and free moves it down', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [], free: [[0, 512]], scav: [] }]);
    for (let i = 0; i < 10; i++) expectSame(`alloc #${i}`, pageOf(p.alloc(1).addr), i);
    expectSame('searchAddr', pageOf(p.searchAddr), 9);
    p.free(pageAddr(4), 2);
    expectSame('searchAddr after free', pageOf(p.searchAddr), 4);
    expectSame('reuse', pageOf(p.alloc(2).addr), 4);
    sound(p, 'end');
  });

  it('exhaustion parks searchAddr at maxSearchAddr only for single pages', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [[0, 500]], free: [[500, 12]], scav: [] }]);
    expectSame('too big', p.alloc(13), { addr: 0, scav: 0 });
    expectSame('searchAddr kept', p.searchAddr !== maxSearchAddr, true);
    expectSame('fits', pageOf(p.alloc(12).addr), 500);
    expectSame('none left', p.alloc(1), { addr: 0, scav: 0 });
    expectSame('searchAddr', p.searchAddr, maxSearchAddr);
    p.free(pageAddr(7), 1);
    expectSame('searchAddr after free', pageOf(p.searchAddr), 7);
    expectSame('again', pageOf(p.alloc(1).addr), 7);
    sound(p, 'end');
  });

  it('a run straddling chunks and root-level entries is found through the summaries', () => {
    // Chunks 4095 and 4096 sit on either side of a root (level 0) entry boundary.
    const p = buildPageAlloc([
      { chunk: 0, inUse: [[0, 512]], free: [], scav: [] },
      { chunk: 4095, inUse: [[0, 500]], free: [[500, 12]], scav: [] },
      { chunk: 4096, inUse: [[20, 492]], free: [[0, 20]], scav: [] },
    ]);
    expectSame('straddle', pageOf(p.alloc(30).addr), 4095 * 512 + 500);
    sound(p, 'after');
  });

  it('faults are RuntimeFaults and leave the heap intact', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [[0, 10]], free: [[10, 502]], scav: [] }]);
    assert.throws(() => p.free(pageAddr(20), 1), RuntimeFault);
    assert.throws(() => p.free(pageAddr(8), 4), RuntimeFault);
    assert.throws(() => p.free(pageAddr(600), 1), RuntimeFault);
    assert.throws(() => p.allocRange(pageAddr(510), 4), RuntimeFault);
    assert.throws(() => p.grow(heapBase, pallocChunkBytes), RuntimeFault);
    assert.throws(() => p.alloc(0), RuntimeFault);
    expectSame('layout unchanged', layoutOf(p, [0]), [{ chunk: 0, inUse: [[0, 10]], free: [[10, 502]], scav: [] }]);
    sound(p, 'after faults');
  });

  it('the checker reports a corrupted summary and a bad searchAddr', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [[0, 10]], free: [[10, 502]], scav: [] }]);
    p.summary[4]!.set(chunkIndex(heapBase), 1, 2, 3);
    p.searchAddr = pageAddr(11);
    const bad = p.checkInvariants();
    assert.ok(bad.some((m) => m.startsWith('summary[4]')), bad.join('\n'));
    assert.ok(bad.some((m) => m.startsWith('summary[3]')), bad.join('\n'));
    assert.ok(bad.some((m) => m.startsWith('searchAddr')), bad.join('\n'));
  });

  it('large allocations span many chunks', () => {
    const p = new pageAlloc();
    p.grow(heapBase, 64 * pallocChunkBytes);
    const a = p.alloc(1);
    const big = p.alloc(40 * 512);
    expectSame('big', pageOf(big.addr), 1);
    expectSame('big scav', big.scav, 40 * 512 * pageSize);
    p.free(big.addr, 40 * 512);
    p.free(a.addr, 1);
    expectSame('whole heap', p.alloc(64 * 512).addr, heapBase);
    expectSame('nothing left', p.alloc(1).addr, 0);
    sound(p, 'end');
  });
});

// ---------------------------------------------------------------------------------------------
// Scavenging (Go 1.14: scavAddr cursor, highest address first)
// ---------------------------------------------------------------------------------------------

function dataOf(alloc: Range[], scav: Range[]): pallocData {
  const d = new pallocData();
  for (const [s, n] of scav) if (n > 0) d.scavenged.setRange(s, n);
  for (const [s, n] of alloc) if (n > 0) d.pallocBits.allocRange(s, n);
  return d;
}

describe('findScavengeCandidate', () => {
  const P = pallocChunkPages;
  interface Case {
    alloc: Range[];
    scav: Range[];
    min: number;
    max: number;
    want: Range;
  }
  const cases: Record<string, Case> = {
    MixedMin1: { alloc: [[0, 40], [42, P - 42]], scav: [[0, 41], [42, P - 42]], min: 1, max: P, want: [41, 1] },
    MultiMin1: { alloc: [[0, 63], [65, 20], [87, P - 87]], scav: [[86, 1]], min: 1, max: P, want: [85, 1] },
  };
  for (const m of [1, 2, 4, 8, 16, 32, 64]) {
    cases[`AllFreeMin${m}`] = { alloc: [], scav: [], min: m, max: P, want: [0, P] };
    cases[`AllScavengedMin${m}`] = { alloc: [], scav: [[0, P]], min: m, max: P, want: [0, 0] };
    cases[`NoneFreeMin${m}`] = { alloc: [[0, P]], scav: [[P / 2, P / 2]], min: m, max: P, want: [0, 0] };
    cases[`StartFreeMin${m}`] = { alloc: [[m, P - m]], scav: [], min: m, max: P, want: [0, m] };
    cases[`EndFreeMin${m}`] = { alloc: [[0, P - m]], scav: [], min: m, max: P, want: [P - m, m] };
    cases[`Straddle64Min${m}`] = { alloc: [[0, 64 - m], [64 + m, P - (64 + m)]], scav: [], min: m, max: 2 * m, want: [64 - m, 2 * m] };
    cases[`Max0Min${m}`] = { alloc: [], scav: [[0, P - m]], min: m, max: 0, want: [P - m, m] };
    if (m > 1) {
      cases[`MaxUnalignedMin${m}`] = { alloc: [], scav: [[0, P - (m * 2 - 1)]], min: m, max: m - 2, want: [P - m, m] };
      cases[`SkipSmallMin${m}`] = { alloc: [[0, 64 - m], [64, 5], [70, 11], [82, P - 82]], scav: [], min: m, max: m, want: [64 - m, m] };
      cases[`MaxLessThanMin${m}`] = { alloc: [], scav: [[0, P - m]], min: m, max: 1, want: [P - m, m] };
    }
  }
  // Huge pages of 2 MiB = 256 pages: never split a free, unscavenged huge page.
  cases['PreserveHugePageBottom'] = { alloc: [[258, P - 258]], scav: [], min: 1, max: 3, want: [0, 258] };
  cases['PreserveHugePageTop'] = { alloc: [[0, P - 256]], scav: [], min: 1, max: 1, want: [P - 256, 256] };
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const d = dataOf(c.alloc, c.scav);
      const [s, n] = d.findScavengeCandidate(P - 1, c.min, c.max, 256);
      expectSame(name, n === 0 ? [0, 0] : [s, n], c.want);
      expectSame(`${name} has`, d.hasScavengeCandidate(c.min), c.want[1] !== 0);
    });
  }
  it('without huge pages the cut is exact', () => {
    const d = dataOf([[258, P - 258]], []);
    expectSame('bottom', d.findScavengeCandidate(P - 1, 1, 3, 0), [255, 3]);
  });
  it('searches down from the 64-page word holding searchIdx', () => {
    const d = dataOf([[100, 20]], [[0, 64]]);
    // Word 1 (pages 64..127) is examined whole, whatever page of it searchIdx names.
    expectSame('from 70', d.findScavengeCandidate(70, 1, P, 0), [120, 8]);
    expectSame('from 127', d.findScavengeCandidate(127, 1, P, 0), [120, 8]);
    expectSame('from 128', d.findScavengeCandidate(128, 1, P, 0), [120, 72]);
    expectSame('from 63', d.findScavengeCandidate(63, 1, P, 0), [0, 0]);
  });
});

describe('pageAlloc.scavenge', () => {
  const P = pallocChunkPages;
  const all = Infinity;
  const free = (chunk: number, scav: Range[] = []): ChunkLayout => ({ chunk, inUse: [], free: [[0, P]], scav });
  interface Setup {
    before: ChunkLayout[];
    expect: [number, number][]; // [request bytes, released bytes]
    afterScav: Record<number, Range[]>;
  }
  for (const physPageSize of [4096, 16384]) {
    const m = Math.max(1, physPageSize / pageSize);
    const setups: Record<string, Setup> = {
      AllFreeUnscavExhaust: {
        before: [free(0), free(1), free(2)],
        expect: [[all, 3 * P * pageSize]],
        afterScav: { 0: [[0, P]], 1: [[0, P]], 2: [[0, P]] },
      },
      NoneFreeUnscavExhaust: {
        before: [
          { chunk: 0, inUse: [[0, P]], free: [], scav: [] },
          free(1, [[0, P]]),
          { chunk: 2, inUse: [[0, P]], free: [], scav: [] },
        ],
        expect: [[all, 0]],
        afterScav: { 0: [], 1: [[0, P]], 2: [] },
      },
      ScavHighestPageFirst: {
        before: [free(0, [[m, P - 2 * m]])],
        expect: [[1, m * pageSize]],
        afterScav: { 0: [[m, P - m]] },
      },
      ScavMultiple: {
        before: [free(0, [[m, P - 2 * m]])],
        expect: [[m * pageSize, m * pageSize], [m * pageSize, m * pageSize]],
        afterScav: { 0: [[0, P]] },
      },
      ScavMultiple2: {
        before: [free(0, [[m, P - 2 * m]]), free(1, [[0, P - 2 * m]])],
        expect: [[2 * m * pageSize, 2 * m * pageSize], [m * pageSize, m * pageSize], [m * pageSize, m * pageSize]],
        afterScav: { 0: [[0, P]], 1: [[0, P]] },
      },
      ScavDiscontiguous: {
        before: [free(0, [[m, P - 2 * m]]), free(0xe, [[2 * m, P - 2 * m]])],
        expect: [[2 * m * pageSize, 2 * m * pageSize], [all, 2 * m * pageSize], [all, 0]],
        afterScav: { 0: [[0, P]], 0xe: [[0, P]] },
      },
      ScavAllVeryDiscontiguous: {
        before: [free(0), free(0x1000)],
        expect: [[all, 2 * P * pageSize], [all, 0]],
        afterScav: { 0: [[0, P]], 0x1000: [[0, P]] },
      },
    };
    for (const [name, s] of Object.entries(setups)) {
      it(`${name} (physPageSize ${physPageSize})`, () => {
        const p = buildPageAlloc(s.before, { physPageSize });
        p.resetScavengeAddr();
        s.expect.forEach(([req, want], k) => expectSame(`${name} scavenge #${k}`, p.scavenge(req), want));
        sound(p, name);
        for (const c of s.before) {
          expectSame(`${name} chunk ${c.chunk} scav`, layoutOf(p, [c.chunk])[0]!.scav, s.afterScav[c.chunk]);
        }
      });
    }
  }

  it('does nothing until resetScavengeAddr, then keeps its place (Go 1.14 cursor)', () => {
    const p = buildPageAlloc([free(0), free(1)]);
    expectSame('cursor at start', p.scavAddr, minScavAddr);
    expectSame('nothing', p.scavenge(all), 0);
    p.resetScavengeAddr();
    expectSame('one page from the top', p.scavenge(1), pageSize * 256); // widened to a 2 MiB huge page
    expectSame('top huge page', layoutOf(p, [1])[0]!.scav, [[256, 256]]);
    expectSame('cursor', p.scavAddr, pageAddr(512 + 256) - 1);
    // Pages freed above the cursor are not seen until the next reset.
    const a = p.alloc(1); // page 0: unscavenged memory below the cursor
    expectSame('a', pageOf(a.addr), 0);
    const hi = p.allocRange(pageAddr(1000), 5);
    expectSame('hi scav', hi, 5 * pageSize);
    p.free(pageAddr(1000), 5);
    // Below the cursor: chunk 1 pages 0..255 and chunk 0 pages 1..511.
    expectSame('rest below the cursor', p.scavenge(all), (256 + 511) * pageSize);
    expectSame('still unscavenged above', layoutOf(p, [1])[0]!.scav, [[0, 488], [493, 19]]);
    p.resetScavengeAddr();
    expectSame('after reset', p.scavenge(all), 5 * pageSize);
    sound(p, 'end');
  });

  it('scavenged memory is reported when allocated again', () => {
    const p = buildPageAlloc([free(0, [[10, 20]])]);
    expectSame('alloc', p.alloc(15), { addr: heapBase, scav: 5 * pageSize });
    expectSame('alloc 2', p.alloc(20), { addr: pageAddr(15), scav: 15 * pageSize });
    expectSame('counts', p.pageCounts(), { total: 512, inUse: 35, free: 477, scavenged: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// pageCache
// ---------------------------------------------------------------------------------------------

describe('pageCache', () => {
  it('single pages come from the lowest free bit, runs from the lowest fitting run', () => {
    // Free pages 1,2,4,5,7,31 | 32,63; scavenged 1,5 | 63.
    const c = new pageCache(heapBase, 0x800000b6, 0x80000001, 0x00000022, 0x80000000);
    expectSame('1', c.alloc(1), { addr: pageAddr(1), scav: pageSize });
    expectSame('2', c.alloc(2), { addr: pageAddr(4), scav: pageSize });
    expectSame('no run of 3', c.alloc(3), { addr: 0, scav: 0 });
    expectSame('run across the halves', c.alloc(2), { addr: pageAddr(31), scav: 0 });
    expectSame('left', [c.freePages(), hex64(c.cacheLo, c.cacheHi), hex64(c.scavLo, c.scavHi)], [
      3,
      '0x8000000000000084',
      '0x8000000000000000',
    ]);
    expectSame('a', c.alloc(1), { addr: pageAddr(2), scav: 0 });
    expectSame('b', c.alloc(1), { addr: pageAddr(7), scav: 0 });
    expectSame('c', c.alloc(1), { addr: pageAddr(63), scav: pageSize });
    assert.ok(c.empty());
    expectSame('empty', c.alloc(1), { addr: 0, scav: 0 });
  });

  it('flush gives pages back with their scavenged bits and lowers searchAddr', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [[0, 3]], free: [[3, 509]], scav: [[10, 5], [70, 2]] }]);
    const c = p.allocToCache();
    expectSame('cache', [pageOf(c.base), hex64(c.cacheLo, c.cacheHi), hex64(c.scavLo, c.scavHi)], [
      0,
      '0xfffffffffffffff8',
      '0x0000000000007c00',
    ]);
    expectSame('searchAddr on the last cached page', pageOf(p.searchAddr), 63);
    expectSame('layout while cached', layoutOf(p, [0])[0]!.scav, [[70, 2]]);
    expectSame('from cache', c.alloc(8), { addr: pageAddr(3), scav: 1 * pageSize }); // pages 3..10
    expectSame('next from the heap', pageOf(p.alloc(1).addr), 64);
    c.flush(p);
    assert.ok(c.empty());
    sound(p, 'after flush');
    expectSame('layout after flush', layoutOf(p, [0]), [
      { chunk: 0, inUse: [[0, 11], [64, 1]], free: [[11, 53], [65, 447]], scav: [[11, 4], [70, 2]] },
    ]);
    expectSame('searchAddr', pageOf(p.searchAddr), 0);
    expectSame('heap alloc after flush', pageOf(p.alloc(1).addr), 11);
  });

  it('an empty heap gives an empty cache and parks searchAddr', () => {
    const p = buildPageAlloc([{ chunk: 0, inUse: [[0, 512]], free: [], scav: [] }]);
    const c = p.allocToCache();
    assert.ok(c.empty());
    expectSame('base', c.base, 0);
    expectSame('alloc', c.alloc(1), { addr: 0, scav: 0 });
    expectSame('searchAddr', p.searchAddr, maxSearchAddr);
  });
});

// ---------------------------------------------------------------------------------------------
// Random sequences against a brute-force model
// ---------------------------------------------------------------------------------------------

/** Plain page arrays over the grown chunks; address-ordered first fit. Pages are global indices. */
class bruteHeap {
  chunks: number[] = [];
  readonly inUse = new Map<number, Uint8Array>();
  readonly scav = new Map<number, Uint8Array>();

  grow(chunk: number): void {
    this.chunks.push(chunk);
    this.chunks.sort((a, b) => a - b);
    this.inUse.set(chunk, new Uint8Array(pallocChunkPages));
    this.scav.set(chunk, new Uint8Array(pallocChunkPages).fill(1));
  }

  used(page: number): boolean {
    return this.inUse.get(Math.floor(page / pallocChunkPages))![page % pallocChunkPages] === 1;
  }

  scavenged(page: number): boolean {
    return this.scav.get(Math.floor(page / pallocChunkPages))![page % pallocChunkPages] === 1;
  }

  firstFit(npages: number): number {
    let run = 0;
    let prev = -2;
    for (const c of this.chunks) {
      if (c !== prev + 1) run = 0;
      prev = c;
      const u = this.inUse.get(c)!;
      for (let i = 0; i < pallocChunkPages; i++) {
        run = u[i] ? 0 : run + 1;
        if (run === npages) return c * pallocChunkPages + i - npages + 1;
      }
    }
    return -1;
  }

  /** Marks in use; returns how many were scavenged (and clears them). */
  take(page: number, npages: number): number {
    let s = 0;
    for (let q = page; q < page + npages; q++) {
      const c = Math.floor(q / pallocChunkPages);
      const i = q % pallocChunkPages;
      assert.equal(this.inUse.get(c)![i], 0, `brute: page ${q} already in use`);
      this.inUse.get(c)![i] = 1;
      s += this.scav.get(c)![i]!;
      this.scav.get(c)![i] = 0;
    }
    return s;
  }

  give(page: number, npages: number): void {
    for (let q = page; q < page + npages; q++) {
      this.inUse.get(Math.floor(q / pallocChunkPages))![q % pallocChunkPages] = 0;
    }
  }
}

interface liveAlloc {
  page: number;
  npages: number;
}

function compareBitmaps(p: pageAlloc, b: bruteHeap, what: string): void {
  const baseCi = chunkIndex(heapBase);
  const views = p.chunkList();
  expectSame(`${what}: chunks`, views.map((v) => v.ci - baseCi), b.chunks);
  for (const v of views) {
    const c = v.ci - baseCi;
    const u = b.inUse.get(c)!;
    const s = b.scav.get(c)!;
    for (let i = 0; i < pallocChunkPages; i++) {
      if (wordBit(v.alloc, i) !== (u[i] === 1) || wordBit(v.scavenged, i) !== (s[i] === 1)) {
        assert.fail(`${what}: page ${c * pallocChunkPages + i}: engine inUse=${wordBit(v.alloc, i)} scav=${wordBit(v.scavenged, i)}, brute inUse=${u[i]} scav=${s[i]}`);
      }
    }
  }
}

const layouts: number[][] = [
  [0, 1, 2],
  [0, 1, 3],
  [0, 7, 8],
  [511, 512],
  [0, (1 << 20) + 5],
  [4095, 4096, 4098],
];

function runRandomSequence(seed: number, nops: number): void {
  const r = new fastrand(seed);
  const physPageSize = [4096, 4096, 16384, 65536][r.n(4)]!;
  const physHugePageSize = r.n(2) === 0 ? 2 << 20 : 0;
  const minPages = Math.max(1, physPageSize / pageSize);
  const p = new pageAlloc({ physPageSize, physHugePageSize });
  const b = new bruteHeap();
  const grown = new Set<number>();
  const growChunk = (c: number): void => {
    p.grow(heapBase + c * pallocChunkBytes, pallocChunkBytes);
    b.grow(c);
    grown.add(c);
  };
  for (const c of layouts[r.n(layouts.length)]!) growChunk(c);
  const live: liveAlloc[] = [];
  let cache = new pageCache();
  // The brute model's copy of the cache: page -> scavenged?
  let bcache = new Map<number, boolean>();
  let bcacheBase = -1;

  const doAlloc = (npages: number, what: string): void => {
    const want = b.firstFit(npages);
    const got = p.alloc(npages);
    expectSame(what, got.addr === 0 ? -1 : pageOf(got.addr), want);
    if (want >= 0) {
      const s = b.take(want, npages);
      expectSame(`${what} scav`, got.scav, s * pageSize);
      live.push({ page: want, npages });
    }
  };

  for (let k = 0; k < nops; k++) {
    const what = `seed ${seed} op ${k}`;
    const dice = r.n(100);
    if (dice < 35) {
      doAlloc(1 + r.n(r.n(3) === 0 ? 16 : 4), `${what} alloc small`);
    } else if (dice < 45) {
      doAlloc(1 + r.n([100, 600, 1500][r.n(3)]!), `${what} alloc large`);
    } else if (dice < 75) {
      if (live.length === 0) continue;
      const idx = r.n(live.length);
      const a = live[idx]!;
      live.splice(idx, 1);
      if (a.npages > 2 && r.n(4) === 0) {
        // Free a middle part; keep the two ends live.
        const off = 1 + r.n(a.npages - 2);
        const n = 1 + r.n(a.npages - off - 1);
        p.free(pageAddr(a.page + off), n);
        b.give(a.page + off, n);
        live.push({ page: a.page, npages: off }, { page: a.page + off + n, npages: a.npages - off - n });
      } else {
        p.free(pageAddr(a.page), a.npages);
        b.give(a.page, a.npages);
      }
    } else if (dice < 85) {
      // mheap.allocSpan for npages < 16: refill the cache when empty, else fall back to alloc.
      const npages = 1 + r.n(r.n(2) === 0 ? 2 : 15);
      if (cache.empty()) {
        const first = b.firstFit(1);
        cache = p.allocToCache();
        if (first < 0) {
          assert.ok(cache.empty(), `${what}: cache from a full heap`);
          bcacheBase = -1;
          bcache = new Map();
        } else {
          bcacheBase = first - (first % pageCachePages);
          expectSame(`${what} cache base`, pageOf(cache.base), bcacheBase);
          bcache = new Map();
          let wantLo = 0;
          let wantHi = 0;
          let scavLo = 0;
          let scavHi = 0;
          for (let i = 0; i < pageCachePages; i++) {
            const q = bcacheBase + i;
            if (!b.used(q)) {
              bcache.set(q, b.scavenged(q));
              if (i < 32) wantLo |= 1 << i;
              else wantHi |= 1 << (i - 32);
              if (b.scavenged(q)) {
                if (i < 32) scavLo |= 1 << i;
                else scavHi |= 1 << (i - 32);
              }
            }
          }
          expectSame(`${what} cache bits`, [hex64(cache.cacheLo, cache.cacheHi), hex64(cache.scavLo, cache.scavHi)], [
            hex64(wantLo, wantHi),
            hex64(scavLo, scavHi),
          ]);
          for (let i = 0; i < pageCachePages; i++) {
            const q = bcacheBase + i;
            if (!b.used(q)) b.take(q, 1);
          }
        }
      }
      // Brute cache alloc: lowest run of npages cached pages.
      let want = -1;
      if (bcacheBase >= 0) {
        let run = 0;
        for (let i = 0; i < pageCachePages; i++) {
          run = bcache.has(bcacheBase + i) ? run + 1 : 0;
          if (run === npages) {
            want = bcacheBase + i - npages + 1;
            break;
          }
        }
      }
      const got = cache.alloc(npages);
      expectSame(`${what} cache alloc ${npages}`, got.addr === 0 ? -1 : pageOf(got.addr), want);
      if (want >= 0) {
        let s = 0;
        for (let q = want; q < want + npages; q++) {
          if (bcache.get(q)) s++;
          bcache.delete(q);
        }
        expectSame(`${what} cache scav`, got.scav, s * pageSize);
        live.push({ page: want, npages });
      } else {
        doAlloc(npages, `${what} alloc after cache miss`);
      }
    } else if (dice < 88) {
      cache.flush(p);
      for (const [q, s] of bcache) {
        b.give(q, 1);
        if (s) b.scav.get(Math.floor(q / pallocChunkPages))![q % pallocChunkPages] = 1;
      }
      bcache = new Map();
      bcacheBase = -1;
      assert.ok(cache.empty());
    } else if (dice < 96) {
      if (r.n(3) === 0) p.resetScavengeAddr();
      const req = [1, pageSize, 5 * pageSize, 64 * pageSize, Infinity][r.n(5)]!;
      const released = p.scavenge(req);
      let newly = 0;
      for (const v of p.chunkList()) {
        const c = v.ci - chunkIndex(heapBase);
        for (let i = 0; i < pallocChunkPages; i++) {
          const now = wordBit(v.scavenged, i);
          const before = b.scav.get(c)![i] === 1;
          if (before && !now) assert.fail(`${what}: scavenge cleared page ${c * 512 + i}`);
          if (!before && now) {
            newly++;
            assert.ok(!b.used(c * pallocChunkPages + i), `${what}: scavenged in-use page ${c * 512 + i}`);
            if (i % minPages === 0) {
              for (let j = i; j < i + minPages; j++) assert.ok(wordBit(v.scavenged, j), `${what}: partial physical page`);
            }
            b.scav.get(c)![i] = 1;
          }
        }
      }
      expectSame(`${what} scavenge(${req}) released`, released, newly * pageSize);
      if (req === Infinity && p.scavAddr === minScavAddr && r.n(2) === 0) {
        // A full pass from the top leaves no whole free, unscavenged physical page anywhere.
        p.resetScavengeAddr();
        p.scavenge(Infinity);
        for (const v of p.chunkList()) {
          for (let i = 0; i < pallocChunkPages; i += minPages) {
            let freeUnscav = true;
            for (let j = i; j < i + minPages; j++) if (wordBit(v.alloc, j) || wordBit(v.scavenged, j)) freeUnscav = false;
            assert.ok(!freeUnscav, `${what}: page ${i} of chunk ${v.ci} left unscavenged`);
          }
        }
        for (const v of p.chunkList()) {
          const c = v.ci - chunkIndex(heapBase);
          for (let i = 0; i < pallocChunkPages; i++) b.scav.get(c)![i] = wordBit(v.scavenged, i) ? 1 : 0;
        }
      }
    } else {
      // Grow: the next chunk above the highest, or a far one.
      const top = Math.max(...grown);
      const c = r.n(3) === 0 ? top + 1 + r.n(5000) : top + 1;
      if (!grown.has(c)) growChunk(c);
    }
    sound(p, what);
    compareBitmaps(p, b, what);
  }
}

describe('random sequences against brute force', () => {
  it('1000 short sequences', () => {
    for (let seed = 1; seed <= 1000; seed++) runRandomSequence(seed, 25);
  });
  it('8 long sequences', () => {
    for (let seed = 5001; seed <= 5008; seed++) runRandomSequence(seed, 800);
  });
});
