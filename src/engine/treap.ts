/**
 * mTreap: the go1.10 page heap's home for free spans of `_MaxMHeapList` (128) pages or more.
 *
 * Models `mTreap`/`treapNode` of `src/runtime/mgclarge.go` as of Go 1.10 (the version before the
 * Go 1.12 rewrite that added iterators, `find` and the scavenged/unscavenged treaps). `mheap`
 * keeps one of these as `freelarge`: `allocLarge` calls `remove(npages)`, `freeSpanLocked` calls
 * `removeSpan` on a large neighbour it coalesces with and `insert` on the merged result, and the
 * scavenger visits every node (`walkTreap`).
 *
 * Shape. A binary search tree on the key (npagesKey, secondary key of the span), which is also a
 * min-heap on `priority`: every node's priority is <= its children's. Priorities are uint32 drawn
 * from the injected `fastrand` once per `insert`, after the descent and before the new leaf is
 * linked, exactly where Go calls `fastrand()`. The shape is therefore a pure function of the
 * insert/remove history and the fastrand sequence, which keeps the engine deterministic.
 *
 * The secondary key. Go 1.10's comments say spans of equal size are ordered by start address,
 * but its code compares the addresses of the `mspan` structs themselves (golang/go#28805; Go 1.12
 * switched to `base()`). The default here is `span.base()`, the documented intent; pass
 * `secondaryKey` to order by something else (e.g. a simulated mspan struct address).
 *
 * The search walk of `remove(npages)`. Documented as "best fit, ties to the lowest address", it
 * really does this, starting at the root:
 *   1. if the node is too small (npagesKey < npages), go right;
 *   2. else if it has a left child that is big enough (left.npagesKey >= npages), go left;
 *   3. else take this node.
 * Step 3 never looks into the left child's right subtree, which can hold a better fit (or an
 * equal-sized span at a lower address). Precisely: the walk returns the best fit unless a fitting
 * span lives in the left subtree of the node it stops at (golang/go#31616). It always finds
 * *some* fitting span when one exists. When `npages` is at most the smallest npagesKey in the
 * treap (in go1.10: any request of <= 128 pages), every node fits, the walk runs down the left
 * spine and the result *is* the best fit.
 *
 * Invariants (`checkInvariants` reports every violation):
 *  - BST order: the in-order sequence of (npagesKey, secondaryKey(spanKey)) is strictly increasing;
 *  - heap order: parent.priority <= child.priority; priorities are uint32;
 *  - links: root.parent is null, every child's parent is the node that holds it, no cycles;
 *  - each node's npagesKey equals its span's npages (a span's size must not change while it is
 *    in the treap; Go throws "span and treap node npages do not match");
 *  - no span appears twice; `size` and `npagesTotal` match the nodes.
 *
 * Who changes what. Only this file writes node fields and the root. Callers hand in spans and
 * must not change `npages` or the secondary key of a span while it is in the treap. Nodes are
 * exposed read-only (`treapNodeView`) for drawing; `id` is our addition (a stable identity across
 * rotations, in order of insertion).
 *
 * Costs: every `insert` allocates one treapNode from `mheap_.treapalloc` (a fixalloc) in Go and
 * every `removeNode` frees one; `nodeAllocs`/`nodeFrees` count them for the caller's accounting.
 */

/** What the treap needs from a span: its size in pages and its start address. */
export interface TreapSpan {
  readonly npages: number;
  base(): number;
}

/** Read-only view of a treap node, for drawing and inspection. */
export interface treapNodeView<S> {
  /** Our addition: stable identity of the node (insertion sequence number, from 1). */
  readonly id: number;
  readonly npagesKey: number;
  readonly spanKey: S;
  readonly priority: number;
  readonly left: treapNodeView<S> | null;
  readonly right: treapNodeView<S> | null;
  readonly parent: treapNodeView<S> | null;
}

class treapNode<S> implements treapNodeView<S> {
  right: treapNode<S> | null = null;
  left: treapNode<S> | null = null;
  parent: treapNode<S> | null = null;
  constructor(
    readonly id: number,
    readonly npagesKey: number,
    readonly spanKey: S,
    readonly priority: number,
  ) {}
}

export interface mTreapOptions<S> {
  /**
   * Key that orders spans of equal npages. Default `s.base()` (what Go 1.10 documents; Go 1.12+
   * does). Go 1.10 itself compares mspan struct addresses.
   */
  readonly secondaryKey?: (s: S) => number;
}

function baseKey(s: TreapSpan): number {
  return s.base();
}

export class mTreap<S extends TreapSpan> {
  private root: treapNode<S> | null = null;
  private count = 0;
  private pages = 0;
  private nextId = 1;
  /** treapalloc.alloc calls (one per insert). */
  nodeAllocs = 0;
  /** treapalloc.free calls (one per removed node). */
  nodeFrees = 0;
  private readonly fastrand: () => number;
  private readonly keyOf: (s: S) => number;

  /** `fastrand` must return a uint32; it is called once per `insert` and nowhere else. */
  constructor(fastrand: () => number, options: mTreapOptions<S> = {}) {
    this.fastrand = fastrand;
    this.keyOf = options.secondaryKey ?? baseKey;
  }

  /** The root (`mTreap.treap` in Go), or null when empty. */
  get treap(): treapNodeView<S> | null {
    return this.root;
  }

  /** Number of spans in the treap (our addition; Go does not count). */
  size(): number {
    return this.count;
  }

  /** Sum of npagesKey over all nodes (our addition, for statistics). */
  get npagesTotal(): number {
    return this.pages;
  }

  /** The key that orders equal-sized spans, as this treap computes it. */
  secondaryKeyOf(span: S): number {
    return this.keyOf(span);
  }

  /** Adds a span: descend to a leaf position by key, draw a priority, rotate up while the parent's priority is larger. */
  insert(span: S): void {
    const npages = span.npages;
    const addr = this.keyOf(span);
    let last: treapNode<S> | null = null;
    let asLeft = false;
    let t = this.root;
    while (t !== null) {
      last = t;
      if (t.npagesKey < npages) {
        t = t.right;
        asLeft = false;
      } else if (t.npagesKey > npages) {
        t = t.left;
        asLeft = true;
      } else {
        const ta = this.keyOf(t.spanKey);
        if (ta < addr) {
          t = t.right;
          asLeft = false;
        } else if (ta > addr) {
          t = t.left;
          asLeft = true;
        } else {
          throw new Error('mTreap.insert - inserting span already in treap');
        }
      }
    }
    const n = new treapNode<S>(this.nextId++, npages, span, this.fastrand() >>> 0);
    this.nodeAllocs++;
    n.parent = last;
    if (last === null) this.root = n;
    else if (asLeft) last.left = n;
    else last.right = n;
    this.count++;
    this.pages += npages;
    // Rotate up into place by priority (strictly greater parent only: ties stay below).
    for (let p = n.parent; p !== null && p.priority > n.priority; p = n.parent) {
      if (p.left === n) this.rotateRight(p);
      else this.rotateLeft(p);
    }
  }

  /**
   * Removes a node: rotate it down (the child with the smaller priority comes up; a tie brings the
   * right child up) until it is a leaf, then unlink it.
   */
  removeNode(node: treapNodeView<S>): void {
    const t = node as treapNode<S>;
    if (!this.owns(t)) throw new Error('mTreap.removeNode - node is not in this treap');
    this.removeNodeLocked(t);
  }

  /**
   * Go 1.10's `remove`: takes out and returns the span the search walk stops at (see the header:
   * best fit unless a better fit hides in the left subtree of that node), or null when no span
   * has npages pages or more.
   */
  remove(npages: number): S | null {
    const t = this.walk(npages);
    if (t === null) return null;
    const s = t.spanKey;
    this.removeNodeLocked(t);
    return s;
  }

  /**
   * The node `remove(npages)` would take, without taking it. Not in Go 1.10 (Go 1.12 split
   * `remove` into this `find` plus `removeNode`); here for previews and explanations.
   */
  find(npages: number): treapNodeView<S> | null {
    return this.walk(npages);
  }

  /** The nodes the search walk of `remove(npages)` visits, root first (for drawing). */
  findPath(npages: number): treapNodeView<S>[] {
    const path: treapNodeView<S>[] = [];
    let t = this.root;
    while (t !== null) {
      path.push(t);
      if (t.npagesKey < npages) t = t.right;
      else if (t.left !== null && t.left.npagesKey >= npages) t = t.left;
      else break;
    }
    return path;
  }

  /** Removes a specific span, found by its key. Throws if it is not in the treap. */
  removeSpan(span: S): void {
    const npages = span.npages;
    const addr = this.keyOf(span);
    let t = this.root;
    while (t !== null && t.spanKey !== span) {
      if (t.npagesKey < npages) t = t.right;
      else if (t.npagesKey > npages) t = t.left;
      else {
        const ta = this.keyOf(t.spanKey);
        if (ta < addr) t = t.right;
        else if (ta > addr) t = t.left;
        // Go would loop forever here; two distinct spans with one key is an engine bug.
        else throw new Error('mTreap.removeSpan - another span has the same key');
      }
    }
    // Go dereferences nil here.
    if (t === null) throw new Error('mTreap.removeSpan - span not in treap');
    this.removeNodeLocked(t);
  }

  /** Whether the span is in the treap (Go's debugging helper `isSpanInTreap`), by full search. */
  isSpanInTreap(span: S): boolean {
    let found = false;
    this.walkTreap((n) => {
      if (n.spanKey === span) found = true;
    });
    return found;
  }

  /**
   * Rotates the subtree rooted at x left: (x a (y b c)) becomes (y (x a b) c).
   * Used by insert/removeNode; public so that tests and explanations can show it.
   */
  rotateLeft(xv: treapNodeView<S>): void {
    const x = xv as treapNode<S>;
    const p = x.parent;
    const y = x.right;
    if (y === null) throw new Error('mTreap.rotateLeft - no right child');
    const b = y.left;
    y.left = x;
    x.parent = y;
    x.right = b;
    if (b !== null) b.parent = x;
    y.parent = p;
    if (p === null) this.root = y;
    else if (p.left === x) p.left = y;
    else if (p.right === x) p.right = y;
    else throw new Error('mTreap.rotateLeft - large span treap rotateLeft');
  }

  /** Rotates the subtree rooted at y right: (y (x a b) c) becomes (x a (y b c)). */
  rotateRight(yv: treapNodeView<S>): void {
    const y = yv as treapNode<S>;
    const p = y.parent;
    const x = y.left;
    if (x === null) throw new Error('mTreap.rotateRight - no left child');
    const b = x.right;
    x.right = y;
    y.parent = x;
    y.left = b;
    if (b !== null) b.parent = y;
    x.parent = p;
    if (p === null) this.root = x;
    else if (p.left === y) p.left = x;
    else if (p.right === y) p.right = x;
    else throw new Error('mTreap.rotateRight - large span treap rotateRight');
  }

  /** In-order predecessor of a node (Go's `treapNode.pred`), or null for the smallest. */
  pred(tv: treapNodeView<S>): treapNodeView<S> | null {
    let t = tv;
    if (t.left !== null) {
      t = t.left;
      while (t.right !== null) t = t.right;
      return t;
    }
    while (t.parent !== null && t.parent.right !== t) t = t.parent;
    return t.parent;
  }

  /** In-order successor of a node (Go's `treapNode.succ`), or null for the largest. */
  succ(tv: treapNodeView<S>): treapNodeView<S> | null {
    let t = tv;
    if (t.right !== null) {
      t = t.right;
      while (t.left !== null) t = t.left;
      return t;
    }
    while (t.parent !== null && t.parent.left !== t) t = t.parent;
    return t.parent;
  }

  /** Smallest node (fewest pages, then lowest secondary key), or null. */
  first(): treapNodeView<S> | null {
    let t = this.root;
    if (t === null) return null;
    while (t.left !== null) t = t.left;
    return t;
  }

  /** Largest node, or null. */
  last(): treapNodeView<S> | null {
    let t = this.root;
    if (t === null) return null;
    while (t.right !== null) t = t.right;
    return t;
  }

  /** Nodes in key order. Do not modify the treap while iterating. */
  *nodes(): IterableIterator<treapNodeView<S>> {
    for (let t = this.first(); t !== null; t = this.succ(t)) yield t;
  }

  /** Spans in key order (npages, then secondary key). Do not modify the treap while iterating. */
  *[Symbol.iterator](): IterableIterator<S> {
    for (let t = this.first(); t !== null; t = this.succ(t)) yield t.spanKey;
  }

  /** Spans in key order, as an array. */
  spans(): S[] {
    const out: S[] = [];
    for (let t = this.first(); t !== null; t = this.succ(t)) out.push(t.spanKey);
    return out;
  }

  /**
   * Depth-first pre-order visit (node, left subtree, right subtree): the order of Go's `walkTreap`
   * and of the scavenger's `scavengetreap`. `fn` must not modify the treap.
   */
  walkTreap(fn: (n: treapNodeView<S>) => void): void {
    if (this.root === null) return;
    const stack: treapNode<S>[] = [this.root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      fn(t);
      if (t.right !== null) stack.push(t.right);
      if (t.left !== null) stack.push(t.left);
    }
  }

  /** Visits every span in `walkTreap` order (pre-order: the order Go's scavenger visits them). */
  forEach(fn: (s: S) => void): void {
    this.walkTreap((n) => fn(n.spanKey));
  }

  /** Height of the tree (0 when empty), for statistics and drawing. */
  height(): number {
    let h = 0;
    if (this.root === null) return 0;
    const stack: [treapNode<S>, number][] = [[this.root, 1]];
    while (stack.length > 0) {
      const [t, d] = stack.pop()!;
      if (d > h) h = d;
      if (t.left !== null) stack.push([t.left, d + 1]);
      if (t.right !== null) stack.push([t.right, d + 1]);
    }
    return h;
  }

  /**
   * A copy with the same shape, priorities and node ids, holding `mapSpan(s)` for every span and
   * drawing future priorities from `fastrand`. The mapped spans must have the same keys.
   */
  clone<T extends TreapSpan>(mapSpan: (s: S) => T, fastrand: () => number, options: mTreapOptions<T> = {}): mTreap<T> {
    const c = new mTreap<T>(fastrand, options);
    const copy = (t: treapNode<S> | null, parent: treapNode<T> | null): treapNode<T> | null => {
      if (t === null) return null;
      const n = new treapNode<T>(t.id, t.npagesKey, mapSpan(t.spanKey), t.priority);
      n.parent = parent;
      n.left = copy(t.left, n);
      n.right = copy(t.right, n);
      return n;
    };
    c.root = copy(this.root, null);
    c.count = this.count;
    c.pages = this.pages;
    c.nextId = this.nextId;
    c.nodeAllocs = this.nodeAllocs;
    c.nodeFrees = this.nodeFrees;
    return c;
  }

  /**
   * Every violated invariant, as a readable message; empty when the treap is sound. With `out`,
   * the messages are appended to it and `out` is returned.
   */
  checkInvariants(out: string[] = []): string[] {
    const errs: string[] = [];
    const root = this.root;
    if (root !== null && root.parent !== null) errs.push(`root node#${root.id} has a parent (node#${root.parent.id})`);
    // Structural pass: links, heap order, sizes; bounded so that a cycle cannot hang it.
    const seenNodes = new Set<treapNode<S>>();
    const seenSpans = new Set<S>();
    let n = 0;
    let pages = 0;
    const stack: treapNode<S>[] = root === null ? [] : [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seenNodes.has(t)) {
        errs.push(`node#${t.id} reached twice (cycle or shared child)`);
        continue;
      }
      seenNodes.add(t);
      n++;
      pages += t.npagesKey;
      if (seenSpans.has(t.spanKey)) errs.push(`node#${t.id}: span ${describe(t)} is in the treap twice`);
      seenSpans.add(t.spanKey);
      if (t.spanKey.npages !== t.npagesKey) {
        errs.push(`node#${t.id}: npagesKey ${t.npagesKey} but span.npages ${t.spanKey.npages}`);
      }
      if (!Number.isInteger(t.priority) || t.priority < 0 || t.priority > 0xffffffff) {
        errs.push(`node#${t.id}: priority ${t.priority} is not a uint32`);
      }
      for (const [side, c] of [['left', t.left], ['right', t.right]] as const) {
        if (c === null) continue;
        if (c.parent !== t) {
          errs.push(`node#${c.id} is the ${side} child of node#${t.id} but its parent is ${c.parent === null ? 'nil' : `node#${c.parent.id}`}`);
        }
        if (c.priority < t.priority) {
          errs.push(`heap order: node#${c.id} (priority ${c.priority}) below node#${t.id} (priority ${t.priority})`);
        }
        stack.push(c);
      }
    }
    if (n !== this.count) errs.push(`size is ${this.count} but the treap holds ${n} nodes`);
    if (pages !== this.pages) errs.push(`npagesTotal is ${this.pages} but the nodes hold ${pages} pages`);
    // Order pass: an in-order walk (only over an acyclic structure) must give strictly increasing keys.
    if (errs.length === 0) {
      let prev: treapNode<S> | null = null;
      const st: treapNode<S>[] = [];
      let t: treapNode<S> | null = root;
      while (t !== null || st.length > 0) {
        while (t !== null) {
          st.push(t);
          t = t.left;
        }
        const cur: treapNode<S> = st.pop()!;
        if (prev !== null && !this.keyLess(prev, cur)) {
          errs.push(`BST order: node#${prev.id} ${describe(prev)} is not before node#${cur.id} ${describe(cur)}`);
        }
        prev = cur;
        t = cur.right;
      }
    }
    for (const e of errs) out.push(e);
    return out;
  }

  // ---- internals ----

  private keyLess(a: treapNode<S>, b: treapNode<S>): boolean {
    if (a.npagesKey !== b.npagesKey) return a.npagesKey < b.npagesKey;
    return this.keyOf(a.spanKey) < this.keyOf(b.spanKey);
  }

  /** Go 1.10's search walk (see the header). */
  private walk(npages: number): treapNode<S> | null {
    let t = this.root;
    while (t !== null) {
      if (t.npagesKey < npages) t = t.right;
      else if (t.left !== null && t.left.npagesKey >= npages) t = t.left;
      else return t;
    }
    return null;
  }

  private owns(t: treapNode<S>): boolean {
    if (!(t instanceof treapNode)) return false;
    let r: treapNode<S> = t;
    for (let guard = this.count; r.parent !== null && guard >= 0; guard--) r = r.parent;
    return r === this.root && this.root !== null;
  }

  private removeNodeLocked(t: treapNode<S>): void {
    if (t.spanKey.npages !== t.npagesKey) throw new Error('mTreap.removeNode - span and treap node npages do not match');
    while (t.right !== null || t.left !== null) {
      if (t.right === null || (t.left !== null && t.left.priority < t.right.priority)) this.rotateRight(t);
      else this.rotateLeft(t);
    }
    const p = t.parent;
    if (p === null) this.root = null;
    else if (p.left === t) p.left = null;
    else p.right = null;
    t.parent = null;
    this.count--;
    this.pages -= t.npagesKey;
    this.nodeFrees++;
  }
}

function describe<S extends TreapSpan>(t: treapNodeView<S>): string {
  return `(${t.npagesKey} pages, base 0x${t.spanKey.base().toString(16)})`;
}
