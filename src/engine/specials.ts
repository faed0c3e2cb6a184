/**
 * Specials: records attached to objects through their span — finalizers and memory-profile
 * records (`_KindSpecialFinalizer` = 1, `_KindSpecialProfile` = 2 in mheap.go).
 *
 * Invariants: `s.specials` is sorted by (offset, kind); at most one record of each kind per
 * offset (`addspecial` refuses a duplicate, which is how SetFinalizer reports "finalizer already
 * set"); every offset lies inside an allocated object of the span.
 * On sweep (mgcsweep.ts): an unmarked object with a finalizer is kept alive for one more cycle
 * and its finalizer queued (the record is removed); an unmarked object's profile record is freed
 * (mProf_Free) unless a finalizer kept the object alive.
 */
import type { mheap } from './mheap';
import type { mspan } from './mspan';
import { hex } from './mspanlist';

export const _KindSpecialFinalizer = 1;
export const _KindSpecialProfile = 2;
export type SpecialKind = typeof _KindSpecialFinalizer | typeof _KindSpecialProfile;

export interface special {
  readonly offset: number;
  readonly kind: SpecialKind;
  /** Profile records: the allocation's size and the script line that made it (the "bucket"). */
  readonly size: number;
  readonly site: number;
}

/** addspecial: insert in (offset, kind) order; false if that kind is already present at p. */
export function addspecial(h: mheap, p: number, sp: special): boolean {
  const s = h.spanOf(p);
  if (s === null || s.state !== 'mSpanInUse') h.throw('addspecial on invalid pointer');
  const list = s.specials;
  let i = 0;
  while (i < list.length && (list[i].offset < sp.offset || (list[i].offset === sp.offset && list[i].kind < sp.kind))) i++;
  if (i < list.length && list[i].offset === sp.offset && list[i].kind === sp.kind) return false;
  list.splice(i, 0, sp);
  if (h.listener !== null) h.emit({ type: 'specialAdd', addr: p, kind: sp.kind === _KindSpecialFinalizer ? 'finalizer' : 'profile', span: s.startAddr });
  return true;
}

/** removespecial: take the record of this kind at exactly p, if any. */
export function removespecial(h: mheap, p: number, kind: SpecialKind): special | null {
  const s = h.spanOf(p);
  if (s === null) h.throw('removespecial on invalid pointer');
  const off = p - s.startAddr;
  const i = s.specials.findIndex((x) => x.offset === off && x.kind === kind);
  if (i < 0) return null;
  const [sp] = s.specials.splice(i, 1);
  if (h.listener !== null) h.emit({ type: 'specialRemove', addr: p, kind: kind === _KindSpecialFinalizer ? 'finalizer' : 'profile', span: s.startAddr });
  return sp;
}

/** addfinalizer (runtime.SetFinalizer): false when the object already has one. */
export function addfinalizer(h: mheap, p: number): boolean {
  const s = h.spanOf(p);
  if (s === null || s.state !== 'mSpanInUse') h.throw('runtime.SetFinalizer: pointer not in allocated block');
  return addspecial(h, p, { offset: p - s.startAddr, kind: _KindSpecialFinalizer, size: 0, site: 0 });
}

/** setprofilebucket: attach the profile record of a sampled allocation. */
export function setprofilebucket(h: mheap, p: number, size: number, site: number): void {
  const s = h.spanOf(p)!;
  if (!addspecial(h, p, { offset: p - s.startAddr, kind: _KindSpecialProfile, size, site })) h.throw('setprofilebucket: profile already set');
}

/** freespecial: a dead object's record — queue its finalizer or free its profile record. */
export function freespecial(h: mheap, s: mspan, sp: special, p: number): void {
  if (sp.kind === _KindSpecialFinalizer) {
    h.finq.push({ addr: p, span: s, sp });
    if (h.listener !== null) h.emit({ type: 'finalizerQueued', addr: p, span: s.startAddr });
  } else {
    h.mProf_Free(sp.site, sp.size);
    if (h.listener !== null) h.emit({ type: 'specialRemove', addr: p, kind: 'profile', span: s.startAddr });
  }
}

export function describeSpecial(s: mspan, sp: special): string {
  return `${sp.kind === _KindSpecialFinalizer ? 'finalizer' : 'profile'} at ${hex(s.startAddr + sp.offset)}`;
}
