/**
 * The recording runtime: what Go 1.19 (linux/amd64), the runtime that prints the traces we
 * replay, did with an allocation — its size class and where the object sits in its span.
 *
 * The size-class table is Go 1.19's generated `sizeclasses.go` (68 classes counting class 0):
 * the go1.10/go1.14 table plus a 24-byte class. It is data here, not computed, because it is
 * the *reference* the simulation is compared with; `test/replay/go119.test.ts` checks it against
 * `shared/reference/sizeclasses/go1.19.json`.
 *
 * What a trace line tells about the real object (see trace.ts for the format):
 *  - `size` is what mallocgc had *after rounding*: the class size for small objects, 16 for a new
 *    tiny block, npages × 8192 for a large object. So the real class follows from `size` alone.
 *  - the address. A span's base is page-aligned and its objects sit at base + k·elemsize for
 *    k < nelems, so the base is the unique page-aligned `addr − k·elemsize` when only one k fits.
 *    For one-page classes that is `addr mod 8192`; for Go 1.19's multi-page classes it is also
 *    unique (no class has 8192/gcd(size, 8192) < nelems), but the code does not assume so and
 *    answers null when two bases are possible. `addr mod (span bytes)` would be wrong for
 *    multi-page spans: they are page-aligned, not aligned to their own size.
 */

/** Object size and pages per span of classes 1..67 (index 0 is class 1). */
const classes: readonly (readonly [size: number, npages: number])[] = [
  [8, 1], [16, 1], [24, 1], [32, 1], [48, 1], [64, 1], [80, 1], [96, 1],
  [112, 1], [128, 1], [144, 1], [160, 1], [176, 1], [192, 1], [208, 1], [224, 1],
  [240, 1], [256, 1], [288, 1], [320, 1], [352, 1], [384, 1], [416, 1], [448, 1],
  [480, 1], [512, 1], [576, 1], [640, 1], [704, 1], [768, 1], [896, 1], [1024, 1],
  [1152, 1], [1280, 1], [1408, 2], [1536, 1], [1792, 2], [2048, 1], [2304, 2], [2688, 1],
  [3072, 3], [3200, 2], [3456, 3], [4096, 1], [4864, 3], [5376, 2], [6144, 3], [6528, 4],
  [6784, 5], [6912, 6], [8192, 1], [9472, 7], [9728, 6], [10240, 5], [10880, 4], [12288, 3],
  [13568, 5], [14336, 7], [16384, 2], [18432, 9], [19072, 7], [20480, 5], [21760, 8], [24576, 3],
  [27264, 10], [28672, 7], [32768, 4],
];

export const go119PageSize = 8192;
export const go119MaxSmallSize = 32768;
export const go119TinySize = 16;
/** Go 1.19's _NumSizeClasses (class 0, the large-object class, included). */
export const go119NumSizeClasses = classes.length + 1;
/** First heap address of Go 1.14+ on linux/amd64 (the first arena hint). */
export const go119ArenaStart = 0xc000000000;

/** Object size of class c (1..67); 0 for class 0. */
export function go119ClassSize(c: number): number {
  return c >= 1 && c < go119NumSizeClasses ? classes[c - 1][0] : 0;
}

/** Pages per span of class c (1..67). */
export function go119ClassPages(c: number): number {
  return c >= 1 && c < go119NumSizeClasses ? classes[c - 1][1] : 0;
}

/** Objects per span of class c. */
export function go119ClassNelems(c: number): number {
  return Math.floor((go119ClassPages(c) * go119PageSize) / go119ClassSize(c));
}

/** The class mallocgc rounds a request of n bytes (1..32768) to: the smallest class with size >= n. */
export function go119SizeToClass(n: number): number {
  let lo = 1;
  let hi = classes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (classes[mid - 1][0] >= n) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** What the real runtime did with an allocation, derived from a trace record. */
export interface RealPlacement {
  /** Go 1.19 size class (0 for a large object). */
  readonly sizeclass: number;
  /** Bytes the object occupies (class size, or the large span's bytes). */
  readonly elemsize: number;
  /** Pages of the span that holds it. */
  readonly npages: number;
  /** Objects per span (1 for large). */
  readonly nelems: number;
  /** Offset from the span base, or null when it cannot be derived from the address. */
  readonly offset: number | null;
  /** The traced size is not one Go 1.19 can print (not a class size, not whole pages). */
  readonly unexpectedSize: boolean;
}

/**
 * Where the object of a trace record lives in the real heap. `size` is the traced (rounded)
 * size; a size that is no class size (a trace from another Go version) is rounded up to be usable
 * and flagged.
 */
export function go119Placement(addr: number, size: number): RealPlacement {
  if (size > go119MaxSmallSize) {
    const npages = Math.ceil(size / go119PageSize);
    return { sizeclass: 0, elemsize: npages * go119PageSize, npages, nelems: 1, offset: addr % go119PageSize === 0 ? 0 : null, unexpectedSize: size % go119PageSize !== 0 };
  }
  const c = go119SizeToClass(Math.max(size, 1));
  const elemsize = go119ClassSize(c);
  const npages = go119ClassPages(c);
  const nelems = go119ClassNelems(c);
  return { sizeclass: c, elemsize, npages, nelems, offset: offsetInSpan(addr, elemsize, nelems), unexpectedSize: elemsize !== size };
}

/** The offset of addr from the one page-aligned base that puts it at object k < nelems; null if none or several. */
export function offsetInSpan(addr: number, elemsize: number, nelems: number): number | null {
  const inPage = addr % go119PageSize;
  let found: number | null = null;
  // The base is addr - k*elemsize with (addr - k*elemsize) mod 8192 == 0.
  for (let k = 0; k < nelems; k++) {
    const off = k * elemsize;
    if ((inPage - (off % go119PageSize) + go119PageSize) % go119PageSize !== 0) continue;
    if (found !== null) return null;
    found = off;
  }
  return found;
}
