/**
 * Tests of the go1.10 large-span treap (src/engine/treap.ts).
 *
 * Notation: a span is written `npages@page` (its base is arena start + page * 8 KiB); a tree as
 * `(node left right)` with `-` for an empty child and a bare `node` for a leaf. Hand-built trees
 * get their shape from scripted priorities (the injected fastrand), so every expected shape below
 * follows from the insert/remove rules by hand.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mTreap, type TreapSpan, type treapNodeView } from '../../src/engine/treap';
import { fastrand } from '../../src/engine/fastrand';
import type { mspan } from '../../src/engine/mspan';
import type { LargeFreeSet } from '../../src/engine/pageheap_lists';

// Type-level: a treap of mspans can serve directly as go1.10's `freelarge`.
void ((t: mTreap<mspan>): LargeFreeSet => t);

const arenaStart = 0xc420000000;
const pageSize = 8192;

class span implements TreapSpan {
  constructor(
    public npages: number,
    public startAddr: number,
    /** Stand-in for the address of the mspan struct itself (what Go 1.10 really compares). */
    public structAddr = 0,
  ) {}
  base(): number {
    return this.startAddr;
  }
}

function sp(npages: number, page: number, structAddr = 0): span {
  return new span(npages, arenaStart + page * pageSize, structAddr);
}

function label(s: span): string {
  return `${s.npages}@${(s.startAddr - arenaStart) / pageSize}`;
}

function shape(n: treapNodeView<span> | null): string {
  if (n === null) return '-';
  if (n.left === null && n.right === null) return label(n.spanKey);
  return `(${label(n.spanKey)} ${shape(n.left)} ${shape(n.right)})`;
}

/** A fastrand that returns the given priorities in order, and counts calls. */
function scripted(prios: number[]): { rand: () => number; calls: () => number } {
  let i = 0;
  return {
    rand: () => {
      if (i >= prios.length) throw new Error('scripted fastrand exhausted');
      return prios[i++];
    },
    calls: () => i,
  };
}

/** Builds a treap from [npages, page, priority] triples, inserted in order. */
function build(triples: [number, number, number][]): { t: mTreap<span>; spans: span[] } {
  const r = scripted(triples.map((x) => x[2]));
  const t = new mTreap<span>(r.rand);
  const spans = triples.map(([n, p]) => sp(n, p));
  for (const s of spans) {
    t.insert(s);
    assert.deepEqual(t.checkInvariants(), []);
  }
  return { t, spans };
}

function check(got: string, want: string, what: string): void {
  assert.equal(got, want, `${what}\n got: ${got}\nwant: ${want}`);
}

describe('mTreap insert', () => {
  const cases: { name: string; ins: [number, number, number][]; want: string }[] = [
    {
      // 200 is the root; 130 < 200 goes left; 150: < 200 left, > 130 right. Priorities grow downwards: no rotation.
      name: 'leaves only, priorities already heap-ordered',
      ins: [[200, 0, 1], [130, 10, 2], [150, 20, 3]],
      want: '(200@0 (130@10 - 150@20) -)',
    },
    {
      // 300 > 200 lands right of 200; its priority 10 < 50 so rotateLeft(200) lifts it to the root.
      name: 'rotate left to the root',
      ins: [[200, 0, 50], [300, 10, 10]],
      want: '(300@10 200@0 -)',
    },
    {
      // 130 lands left of 150 (left of 200). 1 < 7: rotateRight(150); 1 < 5: rotateRight(200).
      // 130 ends at the root, 200 as its right child keeping 150 on its left.
      name: 'rotate right twice',
      ins: [[200, 0, 5], [150, 10, 7], [130, 20, 1]],
      want: '(130@20 - (200@0 150@10 -))',
    },
    {
      // Equal sizes order by base: 128@10 < 128@30 goes left, 128@20 goes left of 30 then right of 10.
      name: 'equal npages ordered by base address',
      ins: [[128, 30, 1], [128, 10, 2], [128, 20, 3]],
      want: '(128@30 (128@10 - 128@20) -)',
    },
    {
      // The rotate-up loop only runs while the parent's priority is strictly greater.
      name: 'equal priority does not rotate',
      ins: [[200, 0, 5], [300, 10, 5]],
      want: '(200@0 - 300@10)',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { t } = build(c.ins);
      check(shape(t.treap), c.want, c.name);
      assert.equal(t.size(), c.ins.length);
      assert.equal(t.npagesTotal, c.ins.reduce((a, x) => a + x[0], 0));
    });
  }

  it('calls fastrand exactly once per insert and never when removing', () => {
    const r = scripted([9, 3, 7, 1, 5]);
    const t = new mTreap<span>(r.rand);
    const ss = [sp(200, 0), sp(130, 100), sp(300, 200), sp(150, 400), sp(128, 500)];
    ss.forEach((s, i) => {
      t.insert(s);
      assert.equal(r.calls(), i + 1);
    });
    t.remove(140);
    t.removeSpan(ss[0]);
    assert.equal(r.calls(), 5);
    assert.equal(t.nodeAllocs, 5);
    assert.equal(t.nodeFrees, 2);
  });

  it('throws when a span is inserted twice', () => {
    const { t, spans } = build([[200, 0, 1]]);
    assert.throws(() => t.insert(spans[0]), /inserting span already in treap/);
  });
});

describe('mTreap remove (the Go 1.10 search walk)', () => {
  const cases: {
    name: string;
    ins: [number, number, number][];
    npages: number;
    want: string | null;
    bestFit: string | null;
    after: string;
  }[] = [
    {
      // Walk: root 200 >= 140; its left child 130 < 140, so stop at the root and take 200@0.
      // Best fit would be 150@20 (150 - 140 = 10 pages spare instead of 60), hidden in 130's right subtree.
      // Removing the root: only a left child, rotateRight(200) -> 130 is root and 200 has 150 on its
      // left; rotateRight(200) again -> 150 replaces it; 200 is a leaf and goes.
      name: 'differs from best fit: a better fit hides right of a too-small left child',
      ins: [[200, 0, 1], [130, 10, 2], [150, 20, 3]],
      npages: 140,
      want: '200@0',
      bestFit: '150@20',
      after: '(130@10 - 150@20)',
    },
    {
      // Walk: root 200@50 >= 200; left child 130 < 200: take the root, although 200@20 has the same
      // size at a lower address (it is in 130's right subtree: 200@20 < 200@50 by base).
      name: 'differs from the documented tie rule: lower address of the same size is skipped',
      ins: [[200, 50, 1], [130, 10, 2], [200, 20, 3]],
      npages: 200,
      want: '200@50',
      bestFit: '200@20',
      after: '(130@10 - 200@20)',
    },
    {
      // Every node fits 128 pages: the walk goes left while the left child fits, ending at the
      // leftmost node, which is the best fit.
      name: 'npages <= smallest node: leftmost, equals best fit',
      ins: [[200, 0, 1], [130, 10, 2], [150, 20, 3]],
      npages: 128,
      want: '130@10',
      bestFit: '130@10',
      after: '(200@0 150@20 -)',
    },
    {
      // Root 130 < 150 -> right; 200 >= 150 and its left 150 >= 150 -> left; 150 has no left: take it.
      name: 'exact fit below a right turn',
      ins: [[130, 0, 1], [200, 10, 2], [150, 20, 3]],
      npages: 150,
      want: '150@20',
      bestFit: '150@20',
      after: '(130@0 - 200@10)',
    },
    {
      // Root 200 < 201 -> right, which is empty: nothing fits.
      name: 'nothing large enough',
      ins: [[200, 0, 1], [130, 10, 2], [150, 20, 3]],
      npages: 201,
      want: null,
      bestFit: null,
      after: '(200@0 (130@10 - 150@20) -)',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { t, spans } = build(c.ins);
      const bf = bestFit(spans, c.npages);
      assert.equal(bf === null ? null : label(bf), c.bestFit, 'brute-force best fit');
      const found = t.find(c.npages);
      const got = t.remove(c.npages);
      assert.equal(got === null ? null : label(got), c.want);
      assert.equal(found === null ? null : found.spanKey, got, 'find previews what remove takes');
      check(shape(t.treap), c.after, 'tree after remove');
      assert.deepEqual(t.checkInvariants(), []);
    });
  }

  it('findPath lists the nodes the walk visits', () => {
    const { t } = build([[130, 0, 1], [200, 10, 2], [150, 20, 3]]);
    assert.deepEqual(t.findPath(150).map((n) => label(n.spanKey)), ['130@0', '200@10', '150@20']);
    assert.deepEqual(t.findPath(300).map((n) => label(n.spanKey)), ['130@0', '200@10']);
  });
});

describe('mTreap removeSpan / removeNode', () => {
  it('rotates a two-child node down through the child with the smaller priority', () => {
    // Tree: (200@0 (130@10 - 150@30) 300@20), priorities 200:1 130:3 300:2 150:4.
    // remove 200: right (2) < left (3) -> rotateLeft(200): 300 is root, 200 its left child.
    // 200 has only a left child -> rotateRight(200): 130 takes its place, 200 gets 130's right (150).
    // 200 has only a left child (150) -> rotateRight(200): 150 takes its place; 200 is a leaf.
    const { t, spans } = build([[200, 0, 1], [130, 10, 3], [300, 20, 2], [150, 30, 4]]);
    check(shape(t.treap), '(200@0 (130@10 - 150@30) 300@20)', 'before');
    t.removeSpan(spans[0]);
    check(shape(t.treap), '(300@20 (130@10 - 150@30) -)', 'after');
    assert.deepEqual(t.checkInvariants(), []);
    assert.equal(t.size(), 3);
    assert.equal(t.npagesTotal, 130 + 150 + 300);
  });

  it('equal child priorities bring the right child up (rotateLeft)', () => {
    const { t, spans } = build([[200, 0, 1], [130, 10, 2], [300, 20, 2]]);
    t.removeSpan(spans[0]);
    check(shape(t.treap), '(300@20 130@10 -)', 'after');
  });

  it('removes leaves and the last node', () => {
    const { t, spans } = build([[200, 0, 1], [130, 10, 2]]);
    t.removeSpan(spans[1]);
    check(shape(t.treap), '200@0', 'after leaf');
    t.removeSpan(spans[0]);
    assert.equal(t.treap, null);
    assert.equal(t.size(), 0);
    assert.equal(t.remove(1), null);
  });

  it('throws for a span that is not in the treap', () => {
    const { t } = build([[200, 0, 1], [130, 10, 2]]);
    assert.throws(() => t.removeSpan(sp(150, 40)), /span not in treap/);
    assert.throws(() => t.removeSpan(sp(200, 0)), /another span has the same key/);
  });

  it('throws like Go when a span changed size while in the treap', () => {
    const { t, spans } = build([[200, 0, 1]]);
    spans[0].npages = 250;
    assert.match(t.checkInvariants().join('\n'), /npagesKey 200 but span.npages 250/);
    assert.throws(() => t.remove(128), /span and treap node npages do not match/);
  });

  it('removeNode takes a node by its view and refuses foreign nodes', () => {
    const a = build([[200, 0, 1], [130, 10, 2]]);
    const b = build([[300, 0, 1]]);
    assert.throws(() => a.t.removeNode(b.t.treap!), /not in this treap/);
    a.t.removeNode(a.t.find(128)!);
    check(shape(a.t.treap), '200@0', 'after');
  });
});

describe('mTreap rotations, order and walks', () => {
  it('rotateLeft and rotateRight are inverses', () => {
    const { t } = build([[200, 0, 1], [130, 10, 2], [300, 20, 3], [250, 30, 4], [400, 40, 5]]);
    const before = shape(t.treap);
    check(before, '(200@0 130@10 (300@20 250@30 400@40))', 'before');
    t.rotateLeft(t.treap!);
    check(shape(t.treap), '(300@20 (200@0 130@10 250@30) 400@40)', 'after rotateLeft');
    t.rotateRight(t.treap!);
    check(shape(t.treap), before, 'after rotateRight');
  });

  it('iterates in (npages, base) order; pred/succ walk both ways; walkTreap is pre-order', () => {
    const { t } = build([[200, 0, 1], [130, 10, 3], [300, 20, 2], [150, 30, 4], [200, 5, 6]]);
    assert.deepEqual([...t].map(label), ['130@10', '150@30', '200@0', '200@5', '300@20']);
    assert.deepEqual(t.spans().map(label), ['130@10', '150@30', '200@0', '200@5', '300@20']);
    const back: string[] = [];
    for (let n = t.last(); n !== null; n = t.pred(n)) back.push(label(n.spanKey));
    assert.deepEqual(back, ['300@20', '200@5', '200@0', '150@30', '130@10']);
    const pre: string[] = [];
    t.walkTreap((n) => pre.push(label(n.spanKey)));
    // (200@0 (130@10 - 150@30) (300@20 200@5 -))
    assert.deepEqual(pre, ['200@0', '130@10', '150@30', '300@20', '200@5']);
    assert.equal(t.height(), 3);
    assert.ok(t.isSpanInTreap(t.first()!.spanKey));
    assert.ok(!t.isSpanInTreap(sp(130, 10)));
  });

  it('node views expose key, base, priority and children for drawing', () => {
    const { t } = build([[200, 0, 7], [130, 10, 9]]);
    const r = t.treap!;
    assert.equal(r.npagesKey, 200);
    assert.equal(r.spanKey.base(), arenaStart);
    assert.equal(r.priority, 7);
    assert.equal(r.left!.priority, 9);
    assert.equal(r.left!.parent, r);
    assert.equal(r.right, null);
    assert.deepEqual([r.id, r.left!.id], [1, 2]);
  });

  it('secondaryKey: order equal sizes by the mspan struct address, as Go 1.10 does', () => {
    // Two 200-page spans: a at the lower base but the higher struct address.
    const a = sp(200, 0, 0xc000010200);
    const b = sp(200, 100, 0xc000010000);
    const byBase = new mTreap<span>(scripted([1, 2]).rand);
    const byStruct = new mTreap<span>(scripted([1, 2]).rand, { secondaryKey: (s) => s.structAddr });
    for (const t of [byBase, byStruct]) {
      t.insert(a);
      t.insert(b);
      assert.deepEqual(t.checkInvariants(), []);
    }
    // 200 <= every node: the walk takes the leftmost, i.e. the smallest secondary key.
    assert.equal(byBase.remove(200), a);
    assert.equal(byStruct.remove(200), b);
  });

  it('is deterministic for a seed; clone keeps the shape and stays independent', () => {
    const run = (seed: number): mTreap<span> => {
      const r = new fastrand(seed);
      const t = new mTreap<span>(() => r.next());
      for (let i = 0; i < 50; i++) t.insert(sp(128 + ((i * 37) % 23), i * 1000));
      for (let i = 0; i < 10; i++) t.remove(130 + i);
      return t;
    };
    assert.equal(shape(run(42).treap), shape(run(42).treap));
    const t = run(42);
    const c = t.clone((s) => new span(s.npages, s.startAddr), () => 0);
    assert.equal(shape(c.treap), shape(t.treap));
    assert.deepEqual(c.checkInvariants(), []);
    c.remove(128);
    assert.notEqual(c.size(), t.size());
    assert.deepEqual(t.checkInvariants(), []);
  });
});

describe('mTreap checkInvariants', () => {
  type mut = { left: unknown; right: unknown; parent: unknown; priority: number };
  it('reports heap order, parent links, BST order and size', () => {
    const { t } = build([[200, 0, 1], [130, 10, 2], [300, 20, 3]]);
    const root = t.treap as unknown as mut;
    const left = t.treap!.left as unknown as mut;
    left.priority = 0;
    assert.match(t.checkInvariants().join('\n'), /heap order: node#2 \(priority 0\) below node#1 \(priority 1\)/);
    left.priority = 2;
    left.parent = null;
    assert.match(t.checkInvariants().join('\n'), /node#2 is the left child of node#1 but its parent is nil/);
    left.parent = root;
    // Swap the children: 300 on the left, 130 on the right.
    [root.left, root.right] = [root.right, root.left];
    assert.match(t.checkInvariants().join('\n'), /BST order: node#3 \(300 pages, base 0xc420028000\) is not before node#1/);
    [root.left, root.right] = [root.right, root.left];
    root.right = null;
    assert.match(t.checkInvariants().join('\n'), /size is 3 but the treap holds 2 nodes/);
  });
});

// ---- property test ----

/** Brute force of the documented intent: fewest pages >= npages, then lowest base. */
function bestFit(spans: readonly span[], npages: number): span | null {
  let best: span | null = null;
  for (const s of spans) {
    if (s.npages < npages) continue;
    if (best === null || s.npages < best.npages || (s.npages === best.npages && s.base() < best.base())) best = s;
  }
  return best;
}

function keyCmp(a: span, b: span): number {
  return a.npages !== b.npages ? a.npages - b.npages : a.base() - b.base();
}

/** Reference shape: the unique tree that is a BST on the keys and a min-heap on distinct priorities. */
function cartesian(items: { s: span; prio: number }[]): string {
  if (items.length === 0) return '-';
  let m = 0;
  for (let i = 1; i < items.length; i++) if (items[i].prio < items[m].prio) m = i;
  const l = cartesian(items.slice(0, m));
  const r = cartesian(items.slice(m + 1));
  const me = label(items[m].s);
  return l === '-' && r === '-' ? me : `(${me} ${l} ${r})`;
}

function anyFits(n: treapNodeView<span> | null, npages: number): boolean {
  if (n === null) return false;
  return n.npagesKey >= npages || anyFits(n.left, npages) || anyFits(n.right, npages);
}

describe('mTreap property: random insert/remove sequences', () => {
  for (const mode of ['uint32 priorities', 'priorities 0..3 (many ties)'] as const) {
    it(`keeps its invariants and agrees with best fit wherever the walk must (${mode})`, (ctx) => {
      const rng = new fastrand(mode === 'uint32 priorities' ? 1 : 2);
      let differs = 0;
      let agrees = 0;
      let sequences = 0;
      let totalOps = 0;
      for (let seq = 0; seq < 1500; seq++) {
        sequences++;
        const prioOf = new Map<span, number>();
        let lastPrio = 0;
        const t = new mTreap<span>(() => {
          lastPrio = mode === 'uint32 priorities' ? rng.next() : rng.n(4);
          return lastPrio;
        });
        let model: span[] = [];
        let nextPage = 0;
        const ops = 10 + rng.n(40);
        totalOps += ops;
        for (let op = 0; op < ops; op++) {
          const k = rng.n(10);
          if (k < 5 || model.length === 0) {
            nextPage += 1 + rng.n(3);
            const s = sp(128 + rng.n(24), nextPage * 1000);
            t.insert(s);
            prioOf.set(s, lastPrio);
            model.push(s);
          } else if (k < 8) {
            const npages = 100 + rng.n(60);
            const bf = bestFit(model, npages);
            const found = t.find(npages);
            assert.equal(found === null, bf === null, 'the walk finds a span iff one fits');
            // Is a fitting span hidden in the left subtree of the node the walk stops at?
            const hiddenLeft = found !== null && anyFits(found.left, npages);
            const got = t.remove(npages);
            assert.equal(got, found === null ? null : found.spanKey);
            if (got !== null && found !== null && bf !== null) {
              assert.ok(got.npages >= npages, 'the taken span fits');
              assert.ok(keyCmp(got, bf) >= 0, 'never better than best fit');
              // The walk misses the best fit exactly when a fitting span hides in the left
              // subtree of the node it stopped at.
              assert.equal(got === bf, !hiddenLeft);
              if (npages <= Math.min(...model.map((s) => s.npages))) assert.equal(got, bf, 'all fit: leftmost = best fit');
              if (got === bf) agrees++;
              else differs++;
              model = model.filter((s) => s !== got);
            }
          } else {
            const victim = model[rng.n(model.length)];
            t.removeSpan(victim);
            model = model.filter((s) => s !== victim);
          }
          const errs = t.checkInvariants();
          assert.deepEqual(errs, [], `sequence ${seq} op ${op}`);
          const sorted = [...model].sort(keyCmp);
          assert.deepEqual(t.spans(), sorted);
          assert.equal(t.size(), model.length);
          assert.equal(t.npagesTotal, model.reduce((a, s) => a + s.npages, 0));
          if (mode === 'uint32 priorities' && new Set(sorted.map((s) => prioOf.get(s))).size === sorted.length) {
            assert.equal(shape(t.treap), cartesian(sorted.map((s) => ({ s, prio: prioOf.get(s)! }))), 'shape is the Cartesian tree');
          }
        }
      }
      assert.equal(sequences, 1500);
      ctx.diagnostic(`${totalOps} operations; remove agreed with best fit ${agrees} times, differed ${differs} times`);
      // Both outcomes must actually occur for the property to mean anything.
      assert.ok(differs > 0, `walk differed from best fit ${differs} times`);
      assert.ok(agrees > differs, `walk agreed with best fit ${agrees} times`);
    });
  }

  it('the walk result has no fitting span in its own left subtree iff it is the best fit', (ctx) => {
    const rng = new fastrand(7);
    let seen = 0;
    let missed = 0;
    for (let seq = 0; seq < 500; seq++) {
      const t = new mTreap<span>(() => rng.next());
      const model: span[] = [];
      for (let i = 0; i < 30; i++) {
        const s = sp(128 + rng.n(64), i * 1000);
        t.insert(s);
        model.push(s);
      }
      for (let q = 0; q < 10; q++) {
        const npages = 128 + rng.n(64);
        const n = t.find(npages);
        const bf = bestFit(model, npages);
        if (n === null) {
          assert.equal(bf, null);
          continue;
        }
        assert.ok(n.left === null || n.left.npagesKey < npages, 'stops where the left child is too small');
        assert.equal(n.spanKey === bf, !anyFits(n.left, npages));
        if (n.spanKey !== bf) missed++;
        seen++;
      }
    }
    assert.ok(seen > 1000);
    ctx.diagnostic(`${seen} queries, ${missed} missed the best fit`);
  });
});
