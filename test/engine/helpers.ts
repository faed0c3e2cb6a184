/** Test helpers: a heap with an explicit root set, and printing of got/want. */
import assert from 'node:assert/strict';
import { Heap, type HeapConfig } from '../../src/engine/heap';
import type { ModelName } from '../../src/engine/modelconfig';

export const allModels: ModelName[] = ['go1.5', 'go1.10', 'go1.14'];

/** A heap whose roots are a named set the test controls. */
export class TestHeap extends Heap {
  readonly rootSet = new Map<string, number>();
  constructor(cfg: HeapConfig) {
    super(cfg);
    this.setRoots((visit) => {
      for (const a of this.rootSet.values()) visit(a);
    });
  }
  /** Allocate and keep as root `name`. */
  keep(name: string, size: number, noscan = false, p = 0): number {
    const a = this.malloc(size, noscan, p);
    this.rootSet.set(name, a);
    return a;
  }
  drop(name: string): void {
    this.rootSet.delete(name);
  }
  assertSound(what = ''): void {
    const bad = this.checkInvariants();
    assert.deepEqual(bad, [], `invariants violated ${what}:\n  ${bad.join('\n  ')}`);
  }
}

/** Free page ranges the page heap can allocate from, in address order: [base, npages] (P page caches excluded). */
export function freeRanges(hp: Heap): [number, number][] {
  const out: [number, number][] = [];
  hp.h.pages.forEachRange(hp.h, (base, npages, kind) => {
    if (kind === 'span' || kind === 'cached') return;
    const last = out[out.length - 1];
    if (last !== undefined && last[0] + last[1] * 8192 === base) last[1] += npages;
    else out.push([base, npages]);
  });
  return out;
}

export const hex = (n: number): string => '0x' + n.toString(16);
