/**
 * What the debug adapter last told a heap view, kept cheaply enough to compare at every stop on a
 * heap of 100,000 spans (heapdelta.ts uses both):
 *  - SpanTable: per live span (by mspan id), every SpanRow field but requestedBytes and what that
 *    depends on (tiny objects, specials), plus the span's breakdown parts; updated in place, so an
 *    unchanged span costs a comparison and no allocation; the parts are summed incrementally;
 *  - RunColumns: the page runs (pagemap.ts) in typed columns, one object per run never built.
 * Invariant: after `refresh(h)` / `fill(h)` they describe exactly h; `refresh` reports the
 * entries that changed and the ids that died since the previous refresh.
 */
import { _PageSize } from '../engine/constants';
import type { mheap } from '../engine/mheap';
import type { mspan } from '../engine/mspan';
import { addParts, arenaBounds, cacheOwners, noParts, spanParts, walkRuns, type SpanParts } from '../program/heapsnapshot';
import type { PageKind, PageRun } from '../protocol/heapview';

/** A span as last told to the client: every SpanRow field but requestedBytes, plus what that depends on. */
export interface Entry {
  readonly id: number;
  span: mspan;
  base: number;
  npages: number;
  state: string;
  spanclass: number;
  elemsize: number;
  nelems: number;
  allocCount: number;
  freeindex: number;
  sweepgen: number;
  cachedBy: number;
  nspecials: number;
  /** Sum over its specials of offset*4+kind: a replaced record with the same count still shows. */
  ssig: number;
  ntiny: number;
  parts: SpanParts;
  /** Refresh epoch that last saw the span alive. */
  mark: number;
}

/**
 * Every live span's entry, updated in place at each refresh (no allocation for unchanged spans,
 * so a 100,000-span heap costs one pass and no garbage), with the breakdown parts summed.
 */
export class SpanTable {
  /**
   * Entries by mspan id (ids are small consecutive integers, never reused): an array, whose
   * lookups are several times cheaper than a Map's at 100,000 spans. `size` counts live entries.
   */
  private byId: (Entry | undefined)[] = [];
  /** byId[i] is the entry of id i + offset (the dead prefix of old ids is cut off). */
  private offset = 0;
  private size = 0;
  readonly sum: SpanParts = noParts();
  private epoch = 0;

  /** Bring every entry up to date; the entries that are new or changed, and the ids gone. */
  refresh(h: mheap): { changed: Entry[]; removed: number[]; specialsChanged: boolean } {
    const epoch = ++this.epoch;
    let specialsChanged = false;
    const owners = cacheOwners(h);
    const changed: Entry[] = [];
    for (const s of h.allspans) {
      const cachedBy = owners.size === 0 ? -1 : owners.get(s) ?? -1;
      const ntiny = s.tinySizes === null ? 0 : s.tinySizes.size;
      let ssig = 0;
      for (let k = 0; k < s.specials.length; k++) ssig += s.specials[k].offset * 4 + s.specials[k].kind;
      let e = this.byId[s.id - this.offset];
      if (e === undefined) {
        e = { id: s.id, span: s, base: 0, npages: 0, state: '', spanclass: 0, elemsize: 0, nelems: 0, allocCount: 0, freeindex: 0, sweepgen: 0, cachedBy: 0, nspecials: 0, ssig: 0, ntiny: 0, parts: noParts(), mark: epoch };
        if (s.id < this.offset) this.unshiftTo(s.id);
        this.byId[s.id - this.offset] = e;
        this.size++;
      } else {
        e.mark = epoch;
        if (
          e.span === s && e.base === s.startAddr && e.npages === s.npages && e.state === s.state && e.spanclass === s.spanclass && e.elemsize === s.elemsize && e.nelems === s.nelems &&
          e.allocCount === s.allocCount && e.freeindex === s.freeindex && e.sweepgen === s.sweepgen && e.cachedBy === cachedBy && e.nspecials === s.specials.length && e.ssig === ssig && e.ntiny === ntiny
        ) continue;
        // A replayed interpreter has new mspan objects with the same ids: compare values, not identity.
        const same =
          e.base === s.startAddr && e.npages === s.npages && e.state === s.state && e.spanclass === s.spanclass && e.elemsize === s.elemsize && e.nelems === s.nelems &&
          e.allocCount === s.allocCount && e.freeindex === s.freeindex && e.sweepgen === s.sweepgen && e.cachedBy === cachedBy && e.nspecials === s.specials.length && e.ssig === ssig && e.ntiny === ntiny;
        e.span = s;
        if (same) continue;
        addParts(this.sum, e.parts, -1);
        if (e.nspecials !== s.specials.length || e.ssig !== ssig) specialsChanged = true;
      }
      if (e.nspecials === 0 && s.specials.length > 0) specialsChanged = true;
      e.base = s.startAddr;
      e.npages = s.npages;
      e.state = s.state;
      e.spanclass = s.spanclass;
      e.elemsize = s.elemsize;
      e.nelems = s.nelems;
      e.allocCount = s.allocCount;
      e.freeindex = s.freeindex;
      e.sweepgen = s.sweepgen;
      e.cachedBy = cachedBy;
      e.nspecials = s.specials.length;
      e.ssig = ssig;
      e.ntiny = ntiny;
      e.parts = spanParts(s);
      addParts(this.sum, e.parts);
      changed.push(e);
    }
    const removed: number[] = [];
    if (this.size > h.allspans.size) {
      const byId = this.byId;
      let lo = byId.length;
      for (let id = 0; id < byId.length; id++) {
        const e = byId[id];
        if (e === undefined) continue;
        if (e.mark !== epoch) {
          removed.push(e.id);
          if (e.nspecials > 0) specialsChanged = true;
          addParts(this.sum, e.parts, -1);
          byId[id] = undefined;
          this.size--;
        } else if (id < lo) lo = id;
      }
      // Spans die oldest-first in long runs: cut the dead prefix so the array does not grow without bound.
      if (lo > 4096 && lo > this.byId.length / 2) {
        this.byId = this.byId.slice(lo);
        this.offset += lo;
      }
    }
    return { changed, removed, specialsChanged };
  }

  /** Make room below the current offset (an id older than the cut: only after a replay). */
  private unshiftTo(id: number): void {
    const more = this.offset - id;
    this.byId = [...new Array<Entry | undefined>(more).fill(undefined), ...this.byId];
    this.offset = id;
  }
}

const KIND_CODES: readonly PageKind[] = ['inuse', 'manual', 'free', 'released', 'cached', 'unused'];

/** Page runs in columns (no object per run); rebuilt at each refresh into the spare buffer. */
export class RunColumns {
  n = 0;
  base: Float64Array = new Float64Array(1024);
  npages: Float64Array = new Float64Array(1024);
  kind: Uint8Array = new Uint8Array(1024);
  span: Float64Array = new Float64Array(1024);
  sizeclass: Uint8Array = new Uint8Array(1024);
  idle = 0;
  end = 0;

  fill(h: mheap): void {
    this.n = 0;
    this.idle = 0;
    walkRuns(h, (base, npages, kind, span, sizeclass) => {
      if (this.n === this.base.length) this.grow();
      const i = this.n++;
      this.base[i] = base;
      this.npages[i] = npages;
      this.kind[i] = KIND_CODES.indexOf(kind);
      this.span[i] = span;
      this.sizeclass[i] = sizeclass;
      if (kind === 'free' || kind === 'released' || kind === 'cached') this.idle += npages * _PageSize;
    });
    this.end = arenaBounds(h).end;
  }

  private grow(): void {
    const m = this.base.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(m);
      b.set(a);
      return b;
    };
    const u = (a: Uint8Array): Uint8Array => {
      const b = new Uint8Array(m);
      b.set(a);
      return b;
    };
    this.base = f(this.base);
    this.npages = f(this.npages);
    this.span = f(this.span);
    this.kind = u(this.kind);
    this.sizeclass = u(this.sizeclass);
  }

  same(i: number, o: RunColumns, j: number): boolean {
    return this.base[i] === o.base[j] && this.npages[i] === o.npages[j] && this.kind[i] === o.kind[j] && this.span[i] === o.span[j] && this.sizeclass[i] === o.sizeclass[j];
  }

  run(i: number): PageRun {
    return { base: this.base[i], npages: this.npages[i], kind: KIND_CODES[this.kind[i]], span: this.span[i], sizeclass: this.sizeclass[i] };
  }
}

