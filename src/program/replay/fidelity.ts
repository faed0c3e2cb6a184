/**
 * Fidelity: how closely a replay on one model reproduced what the real Go 1.19 run did with each
 * allocation, per allocation and per Go 1.19 size class.
 *
 * What can honestly be compared (the real side comes from go119.ts):
 *
 *  - **Size class.** The traced size is already rounded, so the real class is known exactly.
 *    The comparison is by object size (class *numbers* differ between eras). It is *meaningful*
 *    when the model has the real class: a class of the same size whose range of request sizes
 *    covers the real class's range (the previous class is no larger than Go 1.19's previous
 *    class), so every request Go 1.19 put there lands there in the model too. Go 1.19's 24-byte
 *    class has no counterpart in go1.5/go1.10/go1.14 (requests of 17–24 bytes take 32 there), and
 *    go1.5's classes from 1664 bytes up are different sizes; those allocations are listed, not
 *    scored. Large objects compare by page count. Where meaningful, agreement must be 100%.
 *  - **Offset in span.** Real: derived from the address (the unique page-aligned span base that
 *    puts the object on the class's grid); simulated: address − span base. Compared only when the
 *    classes agree and the class has more than one object per span (with one object the offset
 *    is always 0 on both sides, which says nothing). It measures whether the model hands out the
 *    same *slot*, which depends on things a trace cannot carry: objects allocated before tracing
 *    started (the runtime parses GODEBUG after its first allocations), the order in which the
 *    real mcentral handed out partly-free spans, and when the real sweeper reached each span.
 *    It is reported, not required. (The replay makes up for the first cause where the addresses
 *    show it: see `preTrace` in replay.ts.)
 *  - Addresses themselves are not compared: the real heap also holds goroutine stacks and the
 *    pages of objects allocated before tracing began, so page choices cannot line up.
 *  - Nothing is said about noscan-ness of the real object: the address does not show it.
 */
import type { ModelName } from '../../engine/modelconfig';
import { sizeClassTable } from '../../engine/sizeclasses';
import { go119ClassSize, go119NumSizeClasses, type RealPlacement } from './go119';

/** Where the simulated runtime put the object. */
export interface SimPlacement {
  readonly addr: number;
  /** The model's size class (0 for large). */
  readonly sizeclass: number;
  readonly elemsize: number;
  readonly npages: number;
  readonly nelems: number;
  /** addr − span base. */
  readonly offset: number;
}

/** How noscan was decided for an allocation (see types.ts and replay.ts). */
export type NoscanSource = 'untyped' | 'type' | 'hint' | 'tiny' | 'span' | 'assumed';
export const noscanSources: readonly NoscanSource[] = ['untyped', 'type', 'hint', 'tiny', 'span', 'assumed'];

export interface AllocationFidelity {
  /** 0-based trace line of the tracealloc record. */
  readonly line: number;
  readonly realAddr: number;
  /** Traced size; `replayedSize` is what the model was asked for (the request when known). */
  readonly size: number;
  readonly replayedSize: number;
  readonly type: string | null;
  readonly noscan: boolean;
  readonly noscanSource: NoscanSource;
  readonly real: RealPlacement;
  readonly sim: SimPlacement;
  readonly classComparable: boolean;
  readonly classAgree: boolean;
  readonly offsetComparable: boolean;
  readonly offsetAgree: boolean;
}

/** One row of the table: a Go 1.19 size class (0 = large objects). */
export interface ClassRow {
  readonly realClass: number;
  /** Class size; for large objects 0 (sizes vary). */
  readonly realSize: number;
  allocs: number;
  frees: number;
  /** Simulated object sizes the row's allocations got, with counts. */
  readonly simSizes: Map<number, number>;
  /** The model has this class (see the header): the class comparison counts. */
  readonly comparable: boolean;
  classAgree: number;
  offsetComparable: number;
  offsetAgree: number;
}

export interface FidelityTotals {
  allocs: number;
  frees: number;
  classComparable: number;
  classAgree: number;
  offsetComparable: number;
  offsetAgree: number;
  /** Allocations replayed with the request size from the mallocgc frame (the rest used the traced size). */
  requestKnown: number;
}

export interface FidelityReport {
  readonly model: ModelName;
  /** Rows in class order, only classes that occurred; large objects last. */
  readonly rows: readonly ClassRow[];
  readonly totals: Readonly<FidelityTotals>;
  readonly noscan: Readonly<Record<NoscanSource, number>>;
  readonly noscanCount: number;
  /** Named types assumed to hold pointers (nothing told otherwise), with counts, most frequent first. */
  readonly assumedTypes: readonly (readonly [string, number])[];
}

export class Fidelity {
  private readonly rows = new Map<number, ClassRow>();
  private readonly comparable: boolean[] = [];
  private readonly totals: FidelityTotals = { allocs: 0, frees: 0, classComparable: 0, classAgree: 0, offsetComparable: 0, offsetAgree: 0, requestKnown: 0 };
  private readonly noscan: Record<NoscanSource, number> = { untyped: 0, type: 0, hint: 0, tiny: 0, span: 0, assumed: 0 };
  private noscanCount = 0;
  private readonly assumed = new Map<string, number>();

  constructor(readonly model: ModelName) {
    this.comparable = comparableClasses(model);
  }

  /** Score one allocation. */
  record(line: number, realAddr: number, size: number, replayedSize: number, requestKnown: boolean, type: string | null, noscan: boolean, noscanSource: NoscanSource, real: RealPlacement, sim: SimPlacement): AllocationFidelity {
    const row = this.row(real.sizeclass);
    row.allocs++;
    row.simSizes.set(sim.elemsize, (row.simSizes.get(sim.elemsize) ?? 0) + 1);
    const t = this.totals;
    t.allocs++;
    if (requestKnown) t.requestKnown++;
    this.noscan[noscanSource]++;
    if (noscan) this.noscanCount++;
    if (noscanSource === 'assumed' && type !== null) this.assumed.set(type, (this.assumed.get(type) ?? 0) + 1);
    const large = real.sizeclass === 0;
    const classComparable = row.comparable;
    const classAgree = large ? sim.sizeclass === 0 && sim.npages === real.npages : sim.sizeclass !== 0 && sim.elemsize === real.elemsize;
    if (classComparable) {
      t.classComparable++;
      row.classAgree += classAgree ? 1 : 0;
      t.classAgree += classAgree ? 1 : 0;
    }
    const offsetComparable = classAgree && !large && real.nelems > 1 && real.offset !== null;
    const offsetAgree = offsetComparable && real.offset === sim.offset;
    if (offsetComparable) {
      row.offsetComparable++;
      t.offsetComparable++;
      if (offsetAgree) {
        row.offsetAgree++;
        t.offsetAgree++;
      }
    }
    return { line, realAddr, size, replayedSize, type, noscan, noscanSource, real, sim, classComparable, classAgree, offsetComparable, offsetAgree };
  }

  /** A free of an object of the given real class. */
  free(realClass: number): void {
    this.row(realClass).frees++;
    this.totals.frees++;
  }

  report(): FidelityReport {
    const rows = [...this.rows.values()].sort((a, b) => (a.realClass === 0 ? 1e9 : a.realClass) - (b.realClass === 0 ? 1e9 : b.realClass));
    const assumedTypes = [...this.assumed].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { model: this.model, rows, totals: { ...this.totals }, noscan: { ...this.noscan }, noscanCount: this.noscanCount, assumedTypes };
  }

  private row(c: number): ClassRow {
    let r = this.rows.get(c);
    if (r === undefined) {
      r = { realClass: c, realSize: go119ClassSize(c), allocs: 0, frees: 0, simSizes: new Map(), comparable: c === 0 || this.comparable[c], classAgree: 0, offsetComparable: 0, offsetAgree: 0 };
      this.rows.set(c, r);
    }
    return r;
  }
}

/**
 * For each Go 1.19 class: does the model have it? A class of the same size whose previous class
 * is no larger than Go 1.19's previous class, so the whole request range maps to it.
 */
export function comparableClasses(model: ModelName): boolean[] {
  const t = sizeClassTable(model);
  const sizes = Array.from(t.class_to_size);
  const out: boolean[] = [false];
  for (let c = 1; c < go119NumSizeClasses; c++) {
    const size = go119ClassSize(c);
    const prev = go119ClassSize(c - 1);
    const m = sizes.indexOf(size);
    out.push(m > 0 && sizes[m - 1] <= prev);
  }
  return out;
}

const pct = (a: number, b: number): string => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);
const frac = (a: number, b: number): string => (b === 0 ? '—' : `${a}/${b} ${pct(a, b)}`);

/**
 * The summary table as text:
 *
 *   go1.14 bintree.trace
 *   class   size  allocs  frees  sim size  class =         offset =
 *       2     16      43      7        16  43/43 100.0%    43/43 100.0%
 *       3     24     346    218        32  n/a             —
 *   ...
 *   total            444    236            98/98 100.0%    90/97 92.8%
 *
 * `n/a`: the model has no class of that size covering the same requests (not scored); `—`:
 * nothing comparable; a `+` after the simulated size: the row's objects got several sizes; a `*`:
 * the model's class also receives objects of a Go 1.19 class it lacks, so its slots shift.
 */
export function formatFidelityTable(r: FidelityReport, title = ''): string {
  const head = ['class', 'size', 'allocs', 'frees', 'sim size', 'class =', 'offset ='];
  // Model classes that also receive objects of a Go 1.19 class the model lacks: their slots shift.
  const shared = new Map<number, number[]>();
  for (const row of r.rows) {
    if (row.comparable) continue;
    for (const s of row.simSizes.keys()) shared.set(s, [...(shared.get(s) ?? []), row.realSize]);
  }
  const lines: string[][] = [];
  for (const row of r.rows) {
    const sims = [...row.simSizes].sort((a, b) => b[1] - a[1]);
    let sim = sims.length === 0 ? '—' : sims[0][0] === 0 ? '?' : String(sims[0][0]);
    if (row.realClass === 0) sim = sims.every(([s]) => s > 32768) ? 'large' : 'small?';
    if (sims.length > 1 && row.realClass !== 0) sim += '+';
    if (row.comparable && row.realClass !== 0 && shared.has(row.realSize)) sim += '*';
    lines.push([
      row.realClass === 0 ? 'large' : String(row.realClass),
      row.realClass === 0 ? '>32K' : String(row.realSize),
      String(row.allocs),
      String(row.frees),
      sim,
      row.comparable ? frac(row.classAgree, row.allocs) : 'n/a',
      row.offsetComparable === 0 ? '—' : frac(row.offsetAgree, row.offsetComparable),
    ]);
  }
  const t = r.totals;
  lines.push(['total', '', String(t.allocs), String(t.frees), '', frac(t.classAgree, t.classComparable), frac(t.offsetAgree, t.offsetComparable)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const right = [true, true, true, true, true, false, false];
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (title !== '') out.push(title);
  out.push(fmt(head));
  for (const l of lines) out.push(fmt(l));
  const ns = r.noscan;
  out.push(`noscan: ${r.noscanCount} of ${t.allocs} (decided by: ${noscanSources.filter((s) => ns[s] > 0).map((s) => `${s} ${ns[s]}`).join(', ')})`);
  if (r.assumedTypes.length > 0) out.push(`assumed to hold pointers: ${r.assumedTypes.slice(0, 6).map(([ty, n]) => `${ty} ×${n}`).join(', ')}${r.assumedTypes.length > 6 ? `, … ${r.assumedTypes.length - 6} more` : ''}`);
  out.push(`request size from the mallocgc frame: ${t.requestKnown} of ${t.allocs}`);
  const na = r.rows.filter((x) => !x.comparable);
  if (na.length > 0) out.push(`n/a: ${r.model} has no class like Go 1.19's ${na.map((x) => `${x.realSize} B`).join(', ')} (not scored)`);
  for (const [size, from] of shared) {
    if (r.rows.some((x) => x.comparable && x.realClass !== 0 && x.realSize === size)) out.push(`*: ${r.model}'s ${size} B class also holds Go 1.19's ${from.map((f) => `${f} B`).join(', ')} objects, so its slots shift`);
  }
  return out.join('\n');
}
