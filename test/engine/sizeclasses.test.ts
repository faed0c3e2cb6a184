import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSizeClassTable, sizeClassTable, sizeToClass } from '../../src/engine/sizeclasses';
import type { ModelName } from '../../src/engine/modelconfig';

interface RefClass { class: number; size: number; npages: number; objectsPerSpan: number; tailWaste: number }
interface RefTable { classes: RefClass[]; numSizeClasses: number; sizeToClass8: number[]; sizeToClass128: number[] }
const refDir = join(__dirname, '..', '..', '..', 'shared', 'reference', 'sizeclasses');
const ref = (v: string): RefTable => JSON.parse(readFileSync(join(refDir, `${v}.json`), 'utf8')) as RefTable;

for (const model of ['go1.5', 'go1.10', 'go1.14'] as ModelName[]) {
  test(`${model}: computed size classes match Go's table`, () => {
    const r = ref(model);
    const t = sizeClassTable(model);
    assert.equal(r.numSizeClasses, 67);
    assert.equal(r.classes.length, 66);
    for (const c of r.classes) {
      assert.equal(t.class_to_size[c.class], c.size, `class ${c.class} size`);
      assert.equal(t.class_to_allocnpages[c.class], c.npages, `class ${c.class} npages`);
      assert.equal(t.class_to_nelems[c.class], c.objectsPerSpan, `class ${c.class} nelems`);
      assert.equal((c.npages * 8192) % c.size, c.tailWaste, `class ${c.class} tail waste arithmetic`);
    }
    assert.deepEqual(checkSizeClassTable(t), []);
  });

  test(`${model}: lookup tables equal Go's size_to_class8/size_to_class128`, () => {
    const r = ref(model);
    const t = sizeClassTable(model);
    if (r.sizeToClass8) assert.deepEqual(Array.from(t.size_to_class8), r.sizeToClass8);
    if (r.sizeToClass128) assert.deepEqual(Array.from(t.size_to_class128), r.sizeToClass128);
  });

  test(`${model}: every size 1..32768 rounds to the smallest class that holds it`, () => {
    const t = sizeClassTable(model);
    for (let n = 1; n <= 32768; n++) {
      const c = sizeToClass(t, n);
      assert.ok(t.class_to_size[c] >= n, `size ${n} -> class ${c} too small`);
      assert.ok(c === 1 || t.class_to_size[c - 1] < n, `size ${n} -> class ${c} not the smallest`);
    }
  });
}

test('known roundings from the runtime (go1.10 table): 33 -> 48, 1025 -> 1152, 32768 -> 32768', () => {
  const t = sizeClassTable('go1.10');
  assert.equal(t.class_to_size[sizeToClass(t, 33)], 48);
  assert.equal(t.class_to_size[sizeToClass(t, 1025)], 1152);
  assert.equal(t.class_to_size[sizeToClass(t, 32768)], 32768);
  assert.equal(sizeToClass(t, 32768), 66);
});
