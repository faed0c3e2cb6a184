/**
 * Size classes: the table that rounds every small allocation to one of 66 object sizes, with the
 * number of pages per span and objects per span for each.
 *
 * Models `msize.go` (go1.5: `initSizes` computed the table at start-up) and `mksizeclasses.go`
 * (go1.9+: a generator wrote `sizeclasses.go`; go1.10 and go1.14 share that table). Both are
 * computed here by the runtime's own procedure, not copied, so the tests that compare them with
 * Go's published tables (`shared/reference/sizeclasses`) check something real.
 *
 * Invariants (checked by `checkSizeClassTable`):
 *  - class 0 is the large-object class; classes 1..66 have strictly increasing sizes;
 *  - for every class, tail waste npages*8192 mod size is at most 1/8 of the span;
 *  - `sizeToClass(n)` is the smallest class whose size is >= n, for 0 < n <= 32768.
 */
import { _MaxSmallSize, _NumSizeClasses, _PageShift, _PageSize, largeSizeDiv, smallSizeDiv, smallSizeMax } from './constants';
import type { ModelName } from './modelconfig';

export interface SizeClassTable {
  /** Object size of each class; index 0 is the large class (size 0). */
  readonly class_to_size: Int32Array;
  /** Pages per span of each class. */
  readonly class_to_allocnpages: Int32Array;
  /** Objects per span of each class (npages*8192 / size). */
  readonly class_to_nelems: Int32Array;
  /** size_to_class8[(n+7)>>3] for n <= 1016. */
  readonly size_to_class8: Uint8Array;
  /** size_to_class128[(n-1024+127)>>7] for 1016 < n <= 32768. */
  readonly size_to_class128: Uint8Array;
}

interface RawClass {
  size: number;
  npages: number;
}

const isPow2 = (x: number): boolean => (x & (x - 1)) === 0;

/** The classes before the final rounding step: shared start of both generations' procedures. */
function baseClasses(): RawClass[] {
  const classes: RawClass[] = [{ size: 0, npages: 0 }];
  let align = 8;
  for (let size = align; size <= _MaxSmallSize; size += align) {
    if (isPow2(size)) {
      // Alignment grows with the size: 8, then 16, then size/8, then 256.
      if (size >= 2048) align = 256;
      else if (size >= 128) align = size / 8;
      else if (size >= 16) align = 16;
    }
    // Grow the span until the tail left over is at most 1/8 of it (at most 12.5% waste).
    let allocsize = _PageSize;
    while (allocsize % size > allocsize / 8) allocsize += _PageSize;
    const npages = allocsize >> _PageShift;
    const prev = classes[classes.length - 1];
    // Same pages and same object count as the previous class: the larger size replaces it.
    if (classes.length > 1 && npages === prev.npages && Math.floor(allocsize / size) === Math.floor(allocsize / prev.size)) {
      prev.size = size;
      continue;
    }
    classes.push({ size, npages });
  }
  return classes;
}

/** go1.9+ generator: also grow each size to the largest 128-aligned size with the same object count. */
function generatedClasses(): RawClass[] {
  const classes = baseClasses();
  for (let i = 1; i < classes.length; i++) {
    const c = classes[i];
    const psize = c.npages * _PageSize;
    const newSize = Math.floor(psize / Math.floor(psize / c.size)) & ~(largeSizeDiv - 1);
    if (newSize > c.size) c.size = newSize;
  }
  return classes;
}

function buildTable(classes: RawClass[], fill: 'initSizes' | 'generated'): SizeClassTable {
  if (classes.length !== _NumSizeClasses) {
    throw new Error(`sizeclasses: got ${classes.length} classes, want ${_NumSizeClasses}`);
  }
  const class_to_size = new Int32Array(_NumSizeClasses);
  const class_to_allocnpages = new Int32Array(_NumSizeClasses);
  const class_to_nelems = new Int32Array(_NumSizeClasses);
  for (let i = 1; i < _NumSizeClasses; i++) {
    class_to_size[i] = classes[i].size;
    class_to_allocnpages[i] = classes[i].npages;
    class_to_nelems[i] = Math.floor((classes[i].npages * _PageSize) / classes[i].size);
  }
  const size_to_class8 = new Uint8Array(smallSizeMax / smallSizeDiv + 1);
  const size_to_class128 = new Uint8Array((_MaxSmallSize - smallSizeMax) / largeSizeDiv + 1);
  if (fill === 'initSizes') {
    // go1.5 walked the classes with a running size: the 8-byte table covers sizes 0..1016 (size 0
    // lands in class 1; the slot for 1024 is never written), the 128-byte table 1024..32768.
    let next = 0;
    for (let c = 1; c < _NumSizeClasses; c++) {
      for (; next < smallSizeMax && next <= class_to_size[c]; next += smallSizeDiv) size_to_class8[next / smallSizeDiv] = c;
      if (next >= smallSizeMax) {
        for (; next <= class_to_size[c]; next += largeSizeDiv) size_to_class128[(next - smallSizeMax) / largeSizeDiv] = c;
      }
    }
  } else {
    // The generator gives each slot the first class (class 0 included) whose size covers the slot.
    const first = (size: number): number => {
      let c = 0;
      while (class_to_size[c] < size) c++;
      return c;
    };
    for (let i = 0; i < size_to_class8.length; i++) size_to_class8[i] = first(i * smallSizeDiv);
    for (let i = 0; i < size_to_class128.length; i++) size_to_class128[i] = first(smallSizeMax + i * largeSizeDiv);
  }
  return { class_to_size, class_to_allocnpages, class_to_nelems, size_to_class8, size_to_class128 };
}

const tables = new Map<ModelName, SizeClassTable>();

/** The size-class table of a model's era (computed once, then shared). */
export function sizeClassTable(model: ModelName): SizeClassTable {
  let t = tables.get(model);
  if (!t) {
    t = model === 'go1.5' ? buildTable(baseClasses(), 'initSizes') : buildTable(generatedClasses(), 'generated');
    tables.set(model, t);
  }
  return t;
}

/** Round a small size (1..32768) to its size class, exactly as mallocgc does. */
export function sizeToClass(t: SizeClassTable, size: number): number {
  if (size <= smallSizeMax - 8) return t.size_to_class8[(size + smallSizeDiv - 1) >> 3];
  return t.size_to_class128[(size - smallSizeMax + largeSizeDiv - 1) >> 7];
}

/** Every violated invariant of a table (empty when it is sound). */
export function checkSizeClassTable(t: SizeClassTable): string[] {
  const bad: string[] = [];
  for (let i = 1; i < _NumSizeClasses; i++) {
    const span = t.class_to_allocnpages[i] * _PageSize;
    if (i > 1 && t.class_to_size[i] <= t.class_to_size[i - 1]) bad.push(`class ${i}: size not increasing`);
    if (span % t.class_to_size[i] > span / 8) bad.push(`class ${i}: tail waste over 1/8`);
  }
  return bad;
}
