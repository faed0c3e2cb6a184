/**
 * Tests of the go1.10 gcBits arenas (src/engine/gcbits.ts).
 *
 * Arithmetic used throughout: an arena is 65536 bytes, 16 of them header, so 65520 bytes of bits.
 * A 1-page span of the 8-byte class has 8192/8 = 1024 objects: 1024/64 = 16 words = 128 bytes of
 * bitmap, and (65536-16)/128 = 511.875, so 511 such bitmaps fit with 112 bytes to spare.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gcBitsArenas, gcBitsBytes, gcBitsArenaBytes, defaultGcBitsArenaBase, type gcBits } from '../../src/engine/gcbits';
import { gcBitsChunkBytes, gcBitsHeaderBytes } from '../../src/engine/constants';
import { fastrand } from '../../src/engine/fastrand';

const base = defaultGcBitsArenaBase;

/** Arena ids of a list, head first, e.g. '3,2'. */
function ids(g: gcBitsArenas, name: 'free' | 'next' | 'current' | 'previous'): string {
  return g
    .list(name)
    .map((a) => a.id)
    .join(',');
}

/** All four lists in one string: next | current | previous | free. */
function lists(g: gcBitsArenas): string {
  return `next=[${ids(g, 'next')}] current=[${ids(g, 'current')}] previous=[${ids(g, 'previous')}] free=[${ids(g, 'free')}]`;
}

function sound(g: gcBitsArenas): void {
  assert.deepEqual(g.checkInvariants(), []);
}

describe('gcBits sizes', () => {
  const cases: [number, number][] = [
    [0, 0],
    [1, 8], // one word
    [64, 8],
    [65, 16], // two words
    [1024, 128], // 1-page span of 8-byte objects
    [896, 112], // 14 words: exactly the tail left after 511 128-byte bitmaps
    [524160, 65520], // 8190 words: a whole arena
  ];
  for (const [nelems, bytes] of cases) {
    it(`${nelems} objects -> ${bytes} bytes`, () => assert.equal(gcBitsBytes(nelems), bytes));
  }
  it('arena bits are the chunk minus the header', () => assert.equal(gcBitsArenaBytes, 65536 - 16));
});

describe('newMarkBits / newAllocBits', () => {
  it('first call takes an arena from the OS and carves from its start', () => {
    const g = new gcBitsArenas();
    const b = g.newMarkBits(1024);
    assert.equal(b.arena, 0);
    assert.equal(b.offset, 0);
    assert.equal(b.nbytes, 128);
    assert.equal(b.addr, base + gcBitsHeaderBytes);
    assert.equal(lists(g), 'next=[0] current=[] previous=[] free=[]');
    assert.deepEqual(g.stats().next, { arenas: 1, usedBytes: 128, bitmaps: 1 });
    assert.equal(g.stats().sysBytes, gcBitsChunkBytes);
    sound(g);
  });

  it('511 bitmaps of 128 bytes fill one arena; the 512th opens a second', () => {
    const g = new gcBitsArenas();
    let last: gcBits | null = null;
    for (let i = 0; i < 511; i++) last = g.newMarkBits(1024);
    // The 511th starts at 510*128 = 65280 and ends at 65408; 65520 - 65408 = 112 bytes are left.
    assert.equal(last!.arena, 0);
    assert.equal(last!.offset, 65280);
    assert.equal(g.list('next')[0].free, 65408);
    const b512 = g.newMarkBits(1024);
    assert.equal(b512.arena, 1);
    assert.equal(b512.offset, 0);
    assert.equal(b512.addr, base + gcBitsChunkBytes + gcBitsHeaderBytes);
    // The fresh arena goes in front; the old one stays on the list behind it.
    assert.equal(lists(g), 'next=[1,0] current=[] previous=[] free=[]');
    assert.equal(g.stats().arenas, 2);
    sound(g);
  });

  it('a request that still fits the tail uses it; only the head is ever tried', () => {
    const g = new gcBitsArenas();
    for (let i = 0; i < 511; i++) g.newMarkBits(1024);
    const tail = g.newMarkBits(896); // 112 bytes: exactly the rest of arena 0
    assert.deepEqual([tail.arena, tail.offset], [0, 65408]);
    assert.equal(g.list('next')[0].free, 65520);
    const one = g.newMarkBits(1); // 8 bytes: no room, new arena 1
    assert.deepEqual([one.arena, one.offset], [1, 0]);
    // Arena 1 now has 65512 bytes free, arena 0 none; a 128-byte request goes to arena 1.
    const again = g.newMarkBits(1024);
    assert.deepEqual([again.arena, again.offset], [1, 8]);
    sound(g);
  });

  it('a span takes gcmarkBits then allocBits: the 256th span of 1024 objects straddles two arenas', () => {
    // Each span needs 2 x 128 = 256 bytes; 255 spans use 65280 bytes. The 256th span's
    // gcmarkBits end at 65408 <= 65520 (arena 0), its allocBits would end at 65536 > 65520.
    const g = new gcBitsArenas();
    for (let i = 0; i < 255; i++) {
      g.newMarkBits(1024);
      g.newAllocBits(1024);
    }
    const mark = g.newMarkBits(1024);
    const alloc = g.newAllocBits(1024);
    assert.deepEqual([mark.arena, mark.offset], [0, 65280]);
    assert.deepEqual([alloc.arena, alloc.offset], [1, 0]);
    assert.equal(g.stats().totalBitmaps, 512);
    assert.equal(g.stats().totalBytes, 512 * 128);
  });

  it('a bitmap may take a whole arena but not more (markBits overflow)', () => {
    const g = new gcBitsArenas();
    g.newMarkBits(1);
    const whole = g.newMarkBits(524160); // 65520 bytes: does not fit behind 8 bytes, fresh arena
    assert.deepEqual([whole.arena, whole.offset, whole.nbytes], [1, 0, 65520]);
    assert.throws(() => g.newMarkBits(524161), /markBits overflow/); // 65528 bytes
  });

  it('bitmaps are zeroed, 8-byte aligned views of their arena', () => {
    const g = new gcBitsArenas();
    const a = g.newMarkBits(100); // 2 words
    const b = g.newMarkBits(1024);
    assert.equal(a.nbytes, 16);
    assert.equal(b.offset, 16);
    assert.equal(b.addr % 8, 0);
    assert.ok(a.bytes.every((x) => x === 0) && b.bytes.every((x) => x === 0));
    b.setMarked(9);
    b.setMarked(1023);
    assert.equal(g.list('next')[0].bits[16 + 1], 0b10); // bit 9 is byte 1, bit 1
    assert.equal(g.list('next')[0].bits[16 + 127], 0x80);
    assert.ok(b.isMarked(9) && !b.isMarked(8));
    assert.equal(b.count(1024), 2);
    assert.equal(b.count(1000), 1); // bit 1023 is beyond the first 1000
    b.clearMarked(9);
    assert.equal(b.count(1024), 1);
    assert.equal(g.checkBits(b, 1024), null);
    assert.match(g.checkBits(b, 100)!, /128 bytes for 100 objects \(want 16\)/);
  });
});

describe('nextMarkBitArenaEpoch', () => {
  it('moves previous -> free, current -> previous, next -> current and reuses free arenas first', () => {
    const g = new gcBitsArenas();
    const fill = (): void => {
      g.newMarkBits(524160); // one whole arena per call
    };
    fill();
    assert.equal(lists(g), 'next=[0] current=[] previous=[] free=[]');
    g.nextMarkBitArenaEpoch();
    assert.equal(lists(g), 'next=[] current=[0] previous=[] free=[]');
    fill();
    g.nextMarkBitArenaEpoch();
    assert.equal(lists(g), 'next=[] current=[1] previous=[0] free=[]');
    fill();
    fill();
    assert.equal(lists(g), 'next=[3,2] current=[1] previous=[0] free=[]');
    g.nextMarkBitArenaEpoch();
    assert.equal(lists(g), 'next=[] current=[3,2] previous=[1] free=[0]');
    fill(); // reuses arena 0 instead of asking the OS
    assert.equal(lists(g), 'next=[0] current=[3,2] previous=[1] free=[]');
    assert.equal(g.stats().arenas, 4);
    g.nextMarkBitArenaEpoch();
    assert.equal(lists(g), 'next=[] current=[0] previous=[3,2] free=[1]');
    g.nextMarkBitArenaEpoch();
    // The previous chain [3,2] is spliced in front of the free list [1].
    assert.equal(lists(g), 'next=[] current=[] previous=[0] free=[3,2,1]');
    fill();
    fill();
    assert.equal(lists(g), 'next=[2,3] current=[] previous=[0] free=[1]');
    assert.equal(g.epoch, 5);
    assert.deepEqual(g.stats().free, { arenas: 1, usedBytes: 65520, bitmaps: 1 });
    assert.equal(g.stats().sysBytes, 4 * 65536);
    sound(g);
  });

  it('a bitmap is next, then current, then previous, then dangling; reuse clears the arena', () => {
    const g = new gcBitsArenas();
    const b = g.newMarkBits(1024);
    b.setMarked(5);
    assert.equal(g.whereIs(b), 'next');
    g.nextMarkBitArenaEpoch();
    assert.equal(g.whereIs(b), 'current');
    g.nextMarkBitArenaEpoch();
    assert.equal(g.whereIs(b), 'previous');
    g.nextMarkBitArenaEpoch();
    assert.equal(g.whereIs(b), 'dangling');
    assert.match(g.checkBits(b)!, /arena 0 is on the free list/);
    assert.ok(b.isMarked(5), 'freeing does not clear; only reuse does');
    const c = g.newMarkBits(1024);
    assert.deepEqual([c.arena, c.offset], [0, 0]);
    assert.equal(c.bytes[0], 0);
    assert.ok(!b.isMarked(5), 'the stale view sees the clearing');
    assert.equal(g.whereIs(b), 'dangling');
    assert.match(g.checkBits(b)!, /arena 0 was reused since/);
    assert.equal(g.checkBits(c), null);
  });
});

describe('clone and rebind', () => {
  it('copies arenas and lists; rebound bitmaps write to the clone only', () => {
    const g = new gcBitsArenas();
    const a = g.newMarkBits(1024);
    g.nextMarkBitArenaEpoch();
    const b = g.newMarkBits(524160);
    const c = g.clone();
    assert.equal(lists(c), lists(g));
    assert.deepEqual(c.stats(), g.stats());
    sound(c);
    const a2 = c.rebind(a);
    const b2 = c.rebind(b);
    assert.deepEqual([a2.arena, a2.offset, a2.addr, a2.nbytes], [a.arena, a.offset, a.addr, a.nbytes]);
    a2.setMarked(3);
    b2.setMarked(0);
    assert.ok(!a.isMarked(3) && !b.isMarked(0));
    assert.equal(c.checkBits(a2), null);
    c.newMarkBits(1);
    assert.notEqual(lists(c), lists(g));
  });
});

describe('checkInvariants', () => {
  it('reports list tags, arenas on no list, on two lists, and cycles', () => {
    const g = new gcBitsArenas();
    g.newMarkBits(524160);
    g.newMarkBits(524160);
    const [a1, a0] = g.list('next') as unknown as { list: string; next: unknown; id: number }[];
    a0.list = 'current';
    assert.match(g.checkInvariants().join('\n'), /arena 0 is on the next list but tagged current/);
    a0.list = 'next';
    g.current = g.all[0];
    assert.match(g.checkInvariants().join('\n'), /arena 0 is on both the next and the current list/);
    g.current = null;
    a1.next = null;
    assert.match(g.checkInvariants().join('\n'), /arena 0 \(tagged next\) is on no list/);
    a1.next = a1;
    assert.match(g.checkInvariants().join('\n'), /next list has a cycle/);
  });
});

describe('property: spans through GC cycles never hold dangling bits', () => {
  it('new spans, marking, sweeping and epochs as in go1.10', () => {
    interface fakeSpan {
      nelems: number;
      allocBits: gcBits;
      gcmarkBits: gcBits;
      /** What the alloc bits must contain (object indices). */
      want: Set<number>;
      /** What the mark bits must contain. */
      marked: Set<number>;
    }
    const rng = new fastrand(11);
    const g = new gcBitsArenas();
    let spans: fakeSpan[] = [];
    const nelemsChoices = [1024, 512, 341, 256, 170, 128, 85, 64, 32, 16, 8, 1];
    const expectBits = (b: gcBits, set: Set<number>, n: number): void => {
      for (let i = 0; i < n; i++) assert.equal(b.isMarked(i), set.has(i));
    };
    for (let cycle = 0; cycle < 60; cycle++) {
      // Mutator: new spans (heapBits.initSpan: gcmarkBits, then allocBits), a few objects allocated.
      const fresh = rng.n(300);
      for (let i = 0; i < fresh; i++) {
        const nelems = nelemsChoices[rng.n(nelemsChoices.length)];
        const s: fakeSpan = { nelems, gcmarkBits: g.newMarkBits(nelems), allocBits: g.newAllocBits(nelems), want: new Set(), marked: new Set() };
        const k = rng.n(nelems);
        s.allocBits.setMarked(k);
        s.want.add(k);
        spans.push(s);
      }
      // GC start: every span has been swept; finishsweep_m starts a new epoch.
      g.nextMarkBitArenaEpoch();
      // Mark: some allocated objects survive.
      for (const s of spans) {
        for (const i of s.want) {
          if (rng.n(2) === 0) {
            s.gcmarkBits.setMarked(i);
            s.marked.add(i);
          }
        }
      }
      // Sweep: spans with nothing marked go back to the heap; the others swap in fresh mark bits.
      const kept: fakeSpan[] = [];
      for (const s of spans) {
        expectBits(s.allocBits, s.want, s.nelems);
        expectBits(s.gcmarkBits, s.marked, s.nelems);
        if (s.marked.size === 0) continue;
        s.allocBits = s.gcmarkBits;
        s.want = s.marked;
        s.gcmarkBits = g.newMarkBits(s.nelems);
        s.marked = new Set();
        kept.push(s);
      }
      spans = kept;
      // After the sweep: alloc bits live in `current`, mark bits in `next`; nothing dangles.
      for (const s of spans) {
        assert.equal(g.whereIs(s.allocBits), 'current');
        assert.equal(g.whereIs(s.gcmarkBits), 'next');
        assert.equal(g.checkBits(s.allocBits, s.nelems), null);
        assert.equal(g.checkBits(s.gcmarkBits, s.nelems), null);
        expectBits(s.gcmarkBits, s.marked, s.nelems);
      }
      sound(g);
      // Bitmaps never overlap: sort live bitmaps by (arena, offset).
      const live = spans.flatMap((s) => [s.allocBits, s.gcmarkBits]).sort((a, b) => a.arena - b.arena || a.offset - b.offset);
      for (let i = 1; i < live.length; i++) {
        if (live[i].arena === live[i - 1].arena) assert.ok(live[i - 1].offset + live[i - 1].nbytes <= live[i].offset, 'overlap');
      }
    }
    // Arenas are recycled: far fewer than the epochs times the arenas per epoch.
    const st = g.stats();
    assert.ok(st.free.arenas + st.next.arenas + st.current.arenas + st.previous.arenas === st.arenas);
    assert.ok(st.arenas < 20, `${st.arenas} arenas`);
  });
});
