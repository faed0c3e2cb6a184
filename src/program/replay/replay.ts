/**
 * Replay: run a real program's allocation trace (trace.ts) on a simulated heap of any model and
 * score each allocation against what Go 1.19 did (fidelity.ts).
 *
 *   1. tracealloc → `malloc(size, noscan)`:
 *        size   — the request from the mallocgc frame when the traceback shows it reliably and it
 *                 rounds (by Go 1.19's table) to the traced size; else the traced size. A traced
 *                 16-byte noscan block whose request is under 16 is a new tiny block and is
 *                 replayed as one 16-byte object: the allocations that later shared the block
 *                 were never traced, so the model's own tiny allocator is not used.
 *        noscan — from the type string (types.ts); for a named type nothing says anything about:
 *                 a tiny block is noscan; a caller hint; else what is known about the real span it
 *                 shares with typed objects (a span holds one span class, so one noscan-ness),
 *                 remembered per type; else assumed to hold pointers (reported per type).
 *   2. the object stays live (a root) until its tracefree; the real→simulated address map is
 *      keyed by the real address, which the real heap reuses only after the free.
 *   3. tracegc → one collection, at the same point in the stream. The frees that follow a tracegc
 *      are the *sweep* of that cycle (the runtime prints them as it sweeps), so the objects the
 *      real collector found dead are known only after it. The replay therefore buffers the
 *      records up to the next tracegc (one GC cycle's worth, never the whole trace), marks the
 *      objects freed there as dead, runs the cycle with the rest as roots, then replays the
 *      buffered records. A forced cycle (a goroutine waiting in runtime.GC) sweeps everything
 *      before returning, as runtime.GC does; other cycles sweep lazily. If a cycle's records
 *      exceed `windowLimit`, the window is cut (GH2207): later frees then take effect one
 *      simulated cycle late.
 *   4. GOGC is off in the model by default, so the model collects exactly where the real run did.
 *   5. Objects allocated before tracing began (the runtime reads GODEBUG after its first
 *      allocations) are inferred where the addresses show them (`preTrace: 'infer'`, default):
 *      until the first collection nothing is freed and a fresh span hands out its slots in
 *      order, so when a span first appears with its first traced object at slot k > 0, slots
 *      0..k−1 hold untraced objects. They are allocated in the model first (same size and
 *      noscan-ness, not scored) under their real addresses, so their later tracefree records
 *      find them. After the first collection nothing can be inferred this way.
 *
 * The replayer never throws on bad input: inconsistent records are GH22xx diagnostics; an engine
 * fault stops the replay with the heap as it was, for inspection.
 */
import { Heap, isRuntimeFault } from '../../engine/heap';
import type { ModelName } from '../../engine/modelconfig';
import { DiagnosticSink, TraceCodes, type TraceDiagnostic } from './diagnostics';
import { Fidelity, type AllocationFidelity, type FidelityReport, type NoscanSource } from './fidelity';
import { go119ClassSize, go119MaxSmallSize, go119PageSize, go119Placement, go119SizeToClass, go119TinySize, type RealPlacement } from './go119';
import { pointerKind } from './types';
import type { AllocEvent, Frame, FreeEvent, GCEvent, TraceEvent } from './trace';

export interface ReplayOptions {
  readonly model: ModelName;
  readonly seed?: number;
  /** Ps of the model (default 1: record with GOMAXPROCS=1; every allocation is replayed on P 0). */
  readonly procs?: number;
  /** GOGC of the model; default -1 (off), so collections happen only where the trace has tracegc. */
  readonly gogc?: number;
  /** MemProfileRate of the model (default the runtime's 512 KiB). Sites are the records' stacks. */
  readonly memProfileRate?: number;
  /** When to run the invariant checker: after every collection (default), at the end, or never. */
  readonly checkInvariants?: 'gc' | 'end' | 'never';
  /** Whether named types hold pointers, for types the trace cannot tell (`main.point` → false). */
  readonly typeHints?: ReadonlyMap<string, boolean> | Readonly<Record<string, boolean>>;
  /** 'lazy' (default): unforced cycles sweep lazily; 'eager': every cycle sweeps everything at once. */
  readonly sweep?: 'lazy' | 'eager';
  /** Most records buffered between two tracegc markers (default 1,000,000). */
  readonly windowLimit?: number;
  /** Infer the objects allocated before tracing began from the addresses (default) or not. */
  readonly preTrace?: 'infer' | 'ignore';
  /** Called for every allocation with its score. */
  readonly onAllocation?: (a: AllocationFidelity) => void;
  /** Called with every operation the replay performs on the heap, in order (see ReplayOp). */
  readonly onOp?: (op: ReplayOp) => void;
}

/**
 * What the replay does to the simulated heap, in the order it does it: enough to write the same
 * run as a script (toscript.ts). Objects are numbered from 1 in allocation order.
 */
export type ReplayOp =
  | { readonly kind: 'alloc'; readonly id: number; readonly size: number; readonly noscan: boolean; readonly line: number; readonly type: string; readonly preTrace: boolean }
  | { readonly kind: 'drop'; readonly id: number; readonly line: number }
  | { readonly kind: 'gc'; readonly forced: boolean; readonly line: number };

export interface ReplayStats {
  allocs: number;
  frees: number;
  gcs: number;
  forcedGCs: number;
  /** Objects inferred to have been allocated before tracing began (replayed, not scored). */
  preTraceObjects: number;
  /** Frees of addresses with no live traced allocation (objects allocated before tracing began, or a damaged trace). */
  unknownFrees: number;
  /** Frees applied after the simulated cycle that should have found the object dead. */
  lateFrees: number;
  /** Largest number of records buffered for one cycle. */
  maxWindow: number;
  invariantChecks: number;
  /** Objects still live at the end. */
  liveAtEnd: number;
}

export interface ReplayResult {
  readonly model: ModelName;
  readonly heap: Heap;
  readonly fidelity: FidelityReport;
  /** Replay diagnostics (GH22xx); the parser has its own. */
  readonly diagnostics: readonly TraceDiagnostic[];
  readonly stats: Readonly<ReplayStats>;
  /** Profile sites: id → the record's stack with the leading runtime frames removed (innermost first). */
  readonly sites: ReadonlyMap<number, readonly Frame[]>;
  /** The replay stopped early (engine fault). */
  readonly failed: boolean;
}

interface LiveObject {
  readonly sim: number;
  /** Allocation number (1, 2, ...), for onOp. */
  readonly id: number;
  readonly size: number;
  readonly realClass: number;
  /** The real collector found it dead at the pending cycle (its free is in the buffered window). */
  dying: boolean;
}

export class TraceReplay {
  readonly heap: Heap;
  readonly stats: ReplayStats = { allocs: 0, frees: 0, gcs: 0, forcedGCs: 0, preTraceObjects: 0, unknownFrees: 0, lateFrees: 0, maxWindow: 0, invariantChecks: 0, liveAtEnd: 0 };
  private readonly sink = new DiagnosticSink();
  private readonly fidelity: Fidelity;
  private readonly live = new Map<number, LiveObject>();
  private readonly hints: ReadonlyMap<string, boolean> | undefined;
  private readonly typeLearned = new Map<string, boolean>();
  /** Real span base → span class facts learned from typed objects. */
  private readonly spanNoscan = new Map<number, { sizeclass: number; noscan: boolean }>();
  /** Real span bases seen before the first collection (for preTrace inference); null afterwards. */
  private seenSpans: Set<number> | null;
  private readonly siteIds = new Map<string, number>();
  private readonly siteStacks = new Map<number, readonly Frame[]>();
  private pending: GCEvent | null = null;
  private window: (AllocEvent | FreeEvent)[] = [];
  private failed = false;
  private finished: ReplayResult | null = null;
  private lastLine = 0;
  private readonly windowLimit: number;
  private nextId = 1;

  constructor(readonly opts: ReplayOptions) {
    this.heap = new Heap({ model: opts.model, procs: opts.procs ?? 1, gogc: opts.gogc ?? -1, memProfileRate: opts.memProfileRate, seed: opts.seed });
    this.fidelity = new Fidelity(opts.model);
    const h = opts.typeHints;
    this.hints = h === undefined ? undefined : h instanceof Map ? h : new Map(Object.entries(h as Record<string, boolean>));
    this.windowLimit = Math.max(1, opts.windowLimit ?? 1_000_000);
    this.seenSpans = (opts.preTrace ?? 'infer') === 'infer' ? new Set() : null;
    this.heap.setRoots((visit) => {
      for (const o of this.live.values()) if (!o.dying) visit(o.sim);
    });
  }

  /** Feed the next event (in trace order). */
  apply(ev: TraceEvent): void {
    if (this.failed || this.finished !== null) return;
    this.lastLine = ev.line;
    if (ev.kind === 'gc') {
      if (this.pending !== null) this.flush();
      this.pending = ev;
      this.seenSpans = null;
      return;
    }
    if (this.pending === null) {
      this.applyNow(ev);
      return;
    }
    this.window.push(ev);
    if (this.window.length >= this.windowLimit) {
      this.sink.add(TraceCodes.LateFrees, 'warning', `more than ${this.windowLimit} records after the tracegc() at line ${this.pending.line + 1}: the cycle is replayed now, and frees after this line apply one cycle late`, ev.line);
      this.flush();
    }
  }

  /** The trace is over: replay the last cycle, check the heap, and report. */
  finish(): ReplayResult {
    if (this.finished !== null) return this.finished;
    if (!this.failed && this.pending !== null) this.flush();
    if (!this.failed && this.opts.checkInvariants !== 'never') this.check(this.lastLine, 'at the end of the trace');
    this.stats.liveAtEnd = this.live.size;
    this.sink.finish(this.lastLine);
    this.finished = {
      model: this.opts.model,
      heap: this.heap,
      fidelity: this.fidelity.report(),
      diagnostics: this.sink.list,
      stats: { ...this.stats },
      sites: this.siteStacks,
      failed: this.failed,
    };
    return this.finished;
  }

  private flush(): void {
    const gc = this.pending!;
    const window = this.window;
    this.pending = null;
    this.window = [];
    this.stats.maxWindow = Math.max(this.stats.maxWindow, window.length);
    // Which objects did the real collector find dead? Those freed in this window that were
    // allocated before it (objects allocated after the cycle started are not swept by it).
    const born = new Set<number>();
    for (const ev of window) {
      if (ev.kind === 'alloc') born.add(ev.addr);
      else if (!born.delete(ev.addr)) {
        const o = this.live.get(ev.addr);
        if (o !== undefined && !o.dying) {
          o.dying = true;
          this.opts.onOp?.({ kind: 'drop', id: o.id, line: ev.line });
        }
      }
    }
    this.collect(gc);
    for (const ev of window) {
      if (this.failed) return;
      this.applyNow(ev);
    }
  }

  private collect(gc: GCEvent): void {
    const hp = this.heap;
    this.opts.onOp?.({ kind: 'gc', forced: gc.forced, line: gc.line });
    try {
      if (gc.forced) {
        hp.gc();
        this.stats.forcedGCs++;
      } else {
        hp.h.startGC(false, 0);
        if (this.opts.sweep === 'eager') hp.sweep();
      }
      this.stats.gcs++;
    } catch (e) {
      this.fault(e, gc.line, 'tracegc()');
      return;
    }
    if ((this.opts.checkInvariants ?? 'gc') === 'gc') this.check(gc.line, `after the collection at tracegc() (cycle ${hp.h.memstats.numgc})`);
  }

  private check(line: number, when: string): void {
    this.stats.invariantChecks++;
    for (const v of this.heap.checkInvariants()) this.sink.add(TraceCodes.InvariantViolation, 'error', `${when}: ${v}`, line);
  }

  /** The engine threw: a runtime fault, or (an engine bug) anything else. Either way the replay stops here. */
  private fault(e: unknown, line: number, what: string): void {
    const why = isRuntimeFault(e) ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    this.sink.add(TraceCodes.EngineFault, 'error', `the simulated runtime (${this.opts.model}) failed replaying ${what}: ${why}; replay stopped`, line);
    this.failed = true;
  }

  private applyNow(ev: AllocEvent | FreeEvent): void {
    if (ev.kind === 'alloc') this.alloc(ev);
    else this.free(ev);
  }

  private alloc(ev: AllocEvent): void {
    const real = go119Placement(ev.addr, ev.size);
    if (ev.size === 0) {
      this.sink.add(TraceCodes.UnexpectedSize, 'warning', 'a zero-size allocation: mallocgc never traces those (they all return &zerobase); not replayed', ev.line, 0, recordText(ev).length, recordText(ev));
      return;
    }
    if (real.unexpectedSize) {
      this.sink.add(TraceCodes.UnexpectedSize, 'warning', `size ${ev.size} (0x${ev.size.toString(16)}) is not a size Go 1.19 prints (a class size or whole pages); replayed as ${real.elemsize}. Was the trace recorded with another Go version?`, ev.line, 0, recordText(ev).length, recordText(ev));
    }
    const { noscan, source } = this.decideNoscan(ev, real);
    const [size, fromRequest] = this.replaySize(ev, noscan, real);
    const old = this.live.get(ev.addr);
    if (old !== undefined) {
      this.sink.add(TraceCodes.AllocOverLiveObject, 'warning', `tracealloc at 0x${ev.addr.toString(16)}, where an object is still live (its tracefree is missing); the old object is dropped`, ev.line, 0, recordText(ev).length, recordText(ev));
      if (!old.dying) this.opts.onOp?.({ kind: 'drop', id: old.id, line: ev.line });
      this.live.delete(ev.addr);
    }
    if (this.seenSpans !== null && real.sizeclass !== 0 && real.offset !== null) {
      const base = ev.addr - real.offset;
      if (!this.seenSpans.has(base)) {
        this.seenSpans.add(base);
        if (!this.preTraceObjects(ev, base, real, noscan)) return;
      }
    }
    const limit = this.heap.config.arenaReserve / 2;
    if (size > limit) {
      this.sink.add(TraceCodes.EngineFault, 'error', `an allocation of ${size} bytes is beyond what the simulated heap (${this.opts.model}) can map (${limit} bytes, half its arena); replay stopped`, ev.line, 0, recordText(ev).length, recordText(ev));
      this.failed = true;
      return;
    }
    const site = this.siteOf(ev.stack);
    let sim: number;
    try {
      sim = this.heap.malloc(size, noscan, 0, site);
    } catch (e) {
      this.fault(e, ev.line, recordText(ev));
      return;
    }
    this.stats.allocs++;
    const last = this.heap.last;
    const span = last.span!;
    const simPlacement = { addr: sim, sizeclass: last.sizeclass, elemsize: last.large ? span.npages * go119PageSize : last.elemsize, npages: span.npages, nelems: last.large ? 1 : span.nelems, offset: sim - span.startAddr };
    const f = this.fidelity.record(ev.line, ev.addr, ev.size, size, fromRequest, ev.type, noscan, source, real, simPlacement);
    if (this.opts.onAllocation !== undefined) this.opts.onAllocation(f);
    const id = this.nextId++;
    this.opts.onOp?.({ kind: 'alloc', id, size, noscan, line: ev.line, type: ev.type ?? '', preTrace: false });
    this.live.set(ev.addr, { sim, id, size: ev.size, realClass: real.sizeclass, dying: false });
  }

  /** Slots 0..k−1 of a span first seen at slot k: objects allocated before tracing began. */
  private preTraceObjects(ev: AllocEvent, base: number, real: RealPlacement, noscan: boolean): boolean {
    const k = (ev.addr - base) / real.elemsize;
    for (let i = 0; i < k; i++) {
      const addr = base + i * real.elemsize;
      if (this.live.has(addr)) continue;
      let sim: number;
      try {
        sim = this.heap.malloc(real.elemsize, noscan, 0, this.preTraceSite());
      } catch (e) {
        this.fault(e, ev.line, `an object allocated before tracing began, at 0x${addr.toString(16)}`);
        return false;
      }
      this.stats.preTraceObjects++;
      const id = this.nextId++;
      this.opts.onOp?.({ kind: 'alloc', id, size: real.elemsize, noscan, line: ev.line, type: '', preTrace: true });
      this.live.set(addr, { sim, id, size: real.elemsize, realClass: real.sizeclass, dying: false });
    }
    return true;
  }

  private free(ev: FreeEvent): void {
    const o = this.live.get(ev.addr);
    if (o === undefined) {
      this.stats.unknownFrees++;
      this.sink.add(TraceCodes.FreeOfUnknownObject, 'warning', `tracefree(0x${ev.addr.toString(16)}) of an object the trace never allocated, or freed already (objects allocated before tracing began are freed like this); ignored`, ev.line, 0, recordText(ev).length, recordText(ev));
      return;
    }
    if (o.size !== ev.size) {
      this.sink.add(TraceCodes.FreeSizeMismatch, 'warning', `tracefree(0x${ev.addr.toString(16)}, 0x${ev.size.toString(16)}) but the object there has size 0x${o.size.toString(16)}`, ev.line, 0, recordText(ev).length, recordText(ev));
    }
    if (!o.dying) {
      this.stats.lateFrees++;
      this.opts.onOp?.({ kind: 'drop', id: o.id, line: ev.line });
    }
    this.stats.frees++;
    this.live.delete(ev.addr);
    this.fidelity.free(o.realClass);
  }

  /** noscan for an allocation, and what decided it (see the file header). */
  private decideNoscan(ev: AllocEvent, real: RealPlacement): { noscan: boolean; source: NoscanSource } {
    const t = ev.type;
    const base = real.sizeclass !== 0 && real.offset !== null ? ev.addr - real.offset : -1;
    let k = pointerKind(t, this.hints);
    let source: NoscanSource = t === null ? 'untyped' : this.hints?.has(t) ? 'hint' : 'type';
    if (k === 'unknown' && ev.size === go119TinySize && ev.request !== null && ev.request <= 8) {
      k = 'noscan'; // a 16-byte object for a request of 8 or less is a tiny block: tiny blocks are noscan
      source = 'tiny';
    }
    if (k !== 'unknown') {
      const noscan = k === 'noscan';
      if (base >= 0) this.spanNoscan.set(base, { sizeclass: real.sizeclass, noscan });
      return { noscan, source };
    }
    const learned = this.typeLearned.get(t!);
    if (learned !== undefined) return { noscan: learned, source: 'span' };
    if (base >= 0) {
      const s = this.spanNoscan.get(base);
      if (s !== undefined && s.sizeclass === real.sizeclass) {
        this.typeLearned.set(t!, s.noscan);
        return { noscan: s.noscan, source: 'span' };
      }
    }
    return { noscan: false, source: 'assumed' };
  }

  /** The size to ask the model for (see the file header), and whether the request decided it. */
  private replaySize(ev: AllocEvent, noscan: boolean, real: RealPlacement): [number, boolean] {
    const r = ev.request;
    if (r === null || r > ev.size) return [ev.size, false];
    if (ev.size === go119TinySize && noscan && r < go119TinySize) return [go119TinySize, true];
    const fits = real.sizeclass === 0 ? r > go119MaxSmallSize && Math.ceil(r / go119PageSize) === real.npages : go119ClassSize(go119SizeToClass(r)) === ev.size;
    return fits ? [r, true] : [ev.size, false];
  }

  /** The profile site of objects allocated before tracing began (one synthetic frame). */
  private preTraceSite(): number {
    return this.intern('\u0002preTrace', [{ func: '(allocated before tracing began)', file: '', line: 0 }]);
  }

  private intern(key: string, frames: readonly Frame[]): number {
    let id = this.siteIds.get(key);
    if (id === undefined) {
      id = this.siteIds.size + 1;
      this.siteIds.set(key, id);
      this.siteStacks.set(id, frames);
    }
    return id;
  }

  /** Interned site of a stack: the frames from the first non-runtime one on (all of them if every frame is the runtime's). */
  private siteOf(stack: readonly Frame[]): number {
    if (stack.length === 0) return 0;
    let i = 0;
    while (i < stack.length && stack[i].func.startsWith('runtime.')) i++;
    const frames = i < stack.length ? stack.slice(i) : stack;
    let key = '';
    for (const f of frames) key += `${f.func}\u0000${f.file}:${f.line}\u0001`;
    return this.intern(key, frames);
  }
}

/** The record line of an event, as the runtime printed it (for diagnostics). */
function recordText(ev: AllocEvent | FreeEvent): string {
  const a = `0x${ev.addr.toString(16)}, 0x${ev.size.toString(16)}`;
  if (ev.kind === 'free') return `tracefree(${a})`;
  return ev.type === null ? `tracealloc(${a})` : `tracealloc(${a}, ${ev.type})`;
}

/** Replay a sequence of events on one model. */
export function replayEvents(events: Iterable<TraceEvent>, opts: ReplayOptions): ReplayResult {
  const r = new TraceReplay(opts);
  for (const ev of events) r.apply(ev);
  return r.finish();
}
