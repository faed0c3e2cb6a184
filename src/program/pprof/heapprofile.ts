/**
 * A heap profile in pprof's format from the engine's memory-profile buckets (`mheap.mProf`), the
 * way runtime/pprof's writeHeapProto (protomem.go, Go 1.19) writes one:
 *
 *   sample types  alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes
 *   period type   space/bytes, period = MemProfileRate
 *   one sample per bucket (allocation site) with allocations: its stack's locations, the four
 *     values scaled by scaleHeapSample, and a numeric label `bytes` = average object size
 *   inuse = allocs − frees (the engine's buckets; the runtime publishes its counts only at the end
 *     of a GC cycle, the engine's are current)
 *
 * A site is whatever the caller allocates from: the script interpreter's statement with its loop
 * nesting, or a replayed record's stack. The caller gives each site's stack, innermost frame
 * first, as {func, file, line} (the shape of a replay `Frame`); a site with no stack gets one
 * frame named `site N` (site 0: `unknown site`). Locations and functions are shared between stacks (one per distinct
 * frame and per distinct function+file); all of them sit in one mapping, "goheap".
 */
import { emptyProfile, type Profile } from './profile';

export interface StackFrame {
  /** Function name as pprof shows it (`main.main`, `loop@12`). */
  readonly func: string;
  readonly file: string;
  /** 1-based source line (0: unknown). */
  readonly line: number;
}

/** One bucket of the memory profile (the engine's `mProf` values). */
export interface HeapBucket {
  readonly allocs: number;
  readonly allocBytes: number;
  readonly frees: number;
  readonly freeBytes: number;
}

export interface HeapProfileInput {
  /** site → sampled counts (`heap.h.mProf`). */
  readonly buckets: ReadonlyMap<number, HeapBucket>;
  /** site → its stack, innermost frame first. */
  readonly stacks: ReadonlyMap<number, readonly StackFrame[]>;
  /** MemProfileRate the buckets were sampled at (the profile's period). */
  readonly rate: number;
  /** Profile time and duration (ns); 0 leaves them out, which keeps the output deterministic. */
  readonly timeNanos?: number;
  readonly durationNanos?: number;
  /** Sample type pprof shows by default (e.g. "alloc_space"); none: pprof's own choice (inuse_space). */
  readonly defaultSampleType?: string;
  readonly comments?: readonly string[];
  /** Name of the one mapping (default "goheap"). */
  readonly mappingFile?: string;
}

/**
 * scaleHeapSample (runtime/pprof/protomem.go): a sample of average size S, taken with
 * probability 1 − exp(−S/rate), stands for 1/(1 − exp(−S/rate)) of them. rate ≤ 1: no scaling.
 * The results are truncated to integers, as Go's int64 conversion does.
 */
export function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const avgSize = size / count;
  const scale = 1 / (1 - Math.exp(-avgSize / rate));
  return [Math.trunc(count * scale), Math.trunc(size * scale)];
}

export function buildHeapProfile(input: HeapProfileInput): Profile {
  const p = emptyProfile();
  const strings = new Map<string, number>([['', 0]]);
  const s = (x: string): number => {
    let i = strings.get(x);
    if (i === undefined) {
      i = p.stringTable.length;
      p.stringTable.push(x);
      strings.set(x, i);
    }
    return i;
  };
  p.periodType = { type: s('space'), unit: s('bytes') };
  p.period = input.rate;
  for (const [t, u] of [
    ['alloc_objects', 'count'],
    ['alloc_space', 'bytes'],
    ['inuse_objects', 'count'],
    ['inuse_space', 'bytes'],
  ]) {
    p.sampleType.push({ type: s(t), unit: s(u) });
  }
  if (input.defaultSampleType !== undefined && input.defaultSampleType !== '') p.defaultSampleType = s(input.defaultSampleType);
  p.timeNanos = input.timeNanos ?? 0;
  p.durationNanos = input.durationNanos ?? 0;
  for (const c of input.comments ?? []) p.comment.push(s(c));
  p.mapping.push({ id: 1, memoryStart: 0, memoryLimit: 0, fileOffset: 0, filename: s(input.mappingFile ?? 'goheap'), buildId: 0, hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: false });

  const functions = new Map<string, number>();
  const locations = new Map<string, number>();
  const functionId = (f: StackFrame): number => {
    const key = `${f.func}\u0000${f.file}`;
    let id = functions.get(key);
    if (id === undefined) {
      id = p.function.length + 1;
      p.function.push({ id, name: s(f.func), systemName: s(f.func), filename: s(f.file), startLine: 0 });
      functions.set(key, id);
    }
    return id;
  };
  const locationId = (f: StackFrame): number => {
    const key = `${f.func}\u0000${f.file}\u0000${f.line}`;
    let id = locations.get(key);
    if (id === undefined) {
      id = p.location.length + 1;
      // A distinct address per location: pprof keys some views by address.
      p.location.push({ id, mappingId: 1, address: id, line: [{ functionId: functionId(f), line: f.line }], isFolded: false });
      locations.set(key, id);
    }
    return id;
  };

  const sites = [...input.buckets.keys()].sort((a, b) => a - b);
  for (const site of sites) {
    const b = input.buckets.get(site)!;
    if (b.allocs === 0) continue;
    const stack = input.stacks.get(site);
    // (No angle brackets: pprof strips `<…>` from names as C++ template arguments.)
    const frames = stack !== undefined && stack.length > 0 ? stack : [{ func: site === 0 ? 'unknown site' : `site ${site}`, file: '', line: 0 }];
    const [ao, ab] = scaleHeapSample(b.allocs, b.allocBytes, input.rate);
    const [io, ib] = scaleHeapSample(b.allocs - b.frees, b.allocBytes - b.freeBytes, input.rate);
    const blockSize = Math.trunc(b.allocBytes / b.allocs);
    p.sample.push({
      locationId: frames.map(locationId),
      value: [ao, ab, io, ib],
      label: blockSize !== 0 ? [{ key: s('bytes'), str: 0, num: blockSize, numUnit: 0 }] : [],
    });
  }
  return p;
}
