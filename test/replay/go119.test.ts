/**
 * The recording runtime's facts: Go 1.19's size classes (checked against the reference data in
 * shared/reference/sizeclasses/go1.19.json, lookup tables included) and where an object sits in
 * its span, derived from its address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { comparableClasses, go119ClassNelems, go119ClassPages, go119ClassSize, go119NumSizeClasses, go119Placement, go119SizeToClass, offsetInSpan } from '../../src/program/replay/index';

const refPath = resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'sizeclasses', 'go1.19.json');

interface RefClass {
  class: number;
  size: number;
  npages: number;
  objectsPerSpan: number;
}

test('the Go 1.19 table matches the reference, lookup tables included', { skip: !existsSync(refPath) && 'reference data not present' }, () => {
  const ref = JSON.parse(readFileSync(refPath, 'utf8')) as { numSizeClasses: number; classes: RefClass[]; sizeToClass8: number[]; sizeToClass128: number[] };
  assert.equal(go119NumSizeClasses, ref.numSizeClasses);
  for (const c of ref.classes) {
    assert.deepEqual([go119ClassSize(c.class), go119ClassPages(c.class), go119ClassNelems(c.class)], [c.size, c.npages, c.objectsPerSpan], `class ${c.class}`);
  }
  for (let n = 1; n <= 32768; n++) {
    const want = n <= 1016 ? ref.sizeToClass8[(n + 7) >> 3] : ref.sizeToClass128[(n - 1024 + 127) >> 7];
    if (go119SizeToClass(n) !== want) assert.fail(`size ${n}: class ${go119SizeToClass(n)}, want ${want}`);
  }
});

test('the offset in the span follows from the address for every Go 1.19 class', () => {
  for (let c = 1; c < go119NumSizeClasses; c++) {
    const size = go119ClassSize(c);
    const nelems = go119ClassNelems(c);
    for (const base of [0xc000000000, 0xc000012000, 0xc0003fe000]) {
      for (const k of new Set([0, 1, nelems >> 1, nelems - 1].filter((k) => k < nelems))) {
        assert.equal(offsetInSpan(base + k * size, size, nelems), k * size, `class ${c} (${size} B) object ${k} of span ${base.toString(16)}`);
      }
    }
  }
  // Two page-aligned bases fit when 8192/gcd(size, 8192) < nelems: the offset is unknown.
  assert.equal(offsetInSpan(0xc000004000, 4096, 4), null);
  // No page-aligned base at all: not an object of that class.
  assert.equal(offsetInSpan(0xc000000008, 16384, 2), null);
});

test('placements: small, tiny block, large, and a size Go 1.19 never prints', () => {
  assert.deepEqual(go119Placement(0xc000012030, 0x18), { sizeclass: 3, elemsize: 24, npages: 1, nelems: 341, offset: 0x30, unexpectedSize: false });
  assert.deepEqual(go119Placement(0xc00001a090, 0x10), { sizeclass: 2, elemsize: 16, npages: 1, nelems: 512, offset: 0x90, unexpectedSize: false });
  // 1408-byte class: 2 pages, 11 objects; object 7 of a span at ...2000 crosses into the second page.
  assert.deepEqual(go119Placement(0xc000002000 + 7 * 1408, 1408), { sizeclass: 35, elemsize: 1408, npages: 2, nelems: 11, offset: 7 * 1408, unexpectedSize: false });
  assert.deepEqual(go119Placement(0xc000100000, 0x12000), { sizeclass: 0, elemsize: 0x12000, npages: 9, nelems: 1, offset: 0, unexpectedSize: false });
  assert.equal(go119Placement(0xc000012000, 0x19).unexpectedSize, true);
});

test('which Go 1.19 classes each model has (same size, same range of requests)', () => {
  const missing = (m: 'go1.5' | 'go1.10' | 'go1.14'): number[] => {
    const ok = comparableClasses(m);
    const out: number[] = [];
    for (let c = 1; c < go119NumSizeClasses; c++) if (!ok[c]) out.push(go119ClassSize(c));
    return out;
  };
  assert.deepEqual(missing('go1.14'), [24]);
  assert.deepEqual(missing('go1.10'), [24]);
  const m5 = missing('go1.5');
  assert.equal(m5[0], 24);
  assert.ok(m5.length > 1 && m5.slice(1).every((s) => s >= 1664), `go1.5 differs only from 1664 bytes up: ${m5.join(' ')}`);
});
