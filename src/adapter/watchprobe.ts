/**
 * WatchProbe: the debugger's probe on the heap (see src/engine/probe.ts). It numbers the internal
 * steps of the running statement exactly as `RecordingProbe` does (one step per `enter` and per
 * `point`), keeps the stack of runtime frames with their locals, and stops the statement part-way
 * (throws ProbeStop) when
 *   - the step index reaches `stopAt` (stepping inside the runtime, replaying a position), or
 *   - a watched runtime function is entered (function breakpoints), or
 *   - a span-transition event was flagged since the last step (exception filters).
 * In record mode (reverse continue) it never throws: it reports each such step to `onHit`.
 *
 * Invariant: `count` is the number of steps of the current statement seen so far; the caller
 * resets it (`reset()`) before each statement, so (executed, step index) names a state exactly.
 */
import { ProbeStop, type FuncId, type Locals, type Probe } from '../engine/probe';

export interface ProbeFrame {
  readonly fn: FuncId;
  readonly locals: Locals;
}

export type ProbeHit = { kind: 'function'; fn: FuncId } | { kind: 'event'; reason: string } | { kind: 'step' };

export class WatchProbe implements Probe {
  stack: ProbeFrame[] = [];
  count = 0;
  /** Stop after this step index (-1: never). */
  stopAt = -1;
  /** Steps up to and including this index never stop (resuming from inside a statement). */
  quietThrough = -1;
  /** Function breakpoints. */
  functions: ReadonlySet<FuncId> = new Set();
  /** Conditions over a function's arguments; a function listed here stops when any holds. */
  functionConditions: ReadonlyMap<FuncId, readonly ((args: Locals) => boolean)[]> = new Map();
  /** A matched span transition, waiting for the next step to stop at. */
  pendingEvent: string | null = null;
  /** Record mode: report instead of throwing. */
  onHit: ((step: number, hit: ProbeHit) => void) | null = null;
  /** What the last step did (for the stop description). */
  lastWhat = '';
  /** The hit that stopped the statement. */
  hit: ProbeHit | null = null;

  reset(): void {
    this.stack = [];
    this.count = 0;
    this.quietThrough = -1;
    this.hit = null;
  }

  enter(fn: FuncId, args: Locals): void {
    this.stack.push({ fn, locals: { ...args } });
    this.record(`enter ${fn}`, fn, args);
  }

  leave(): void {
    this.stack.pop();
  }

  point(what: string, locals?: Locals): void {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && locals !== undefined) Object.assign(top.locals, locals);
    this.record(what, null);
  }

  private conditionHolds(fn: FuncId, args: Locals | undefined): boolean {
    const conds = this.functionConditions.get(fn);
    if (conds === undefined) return true;
    return conds.some((c) => c(args ?? {}));
  }

  /** Innermost frame first, with a copy of the locals. */
  frames(): ProbeFrame[] {
    return this.stack.map((f) => ({ fn: f.fn, locals: { ...f.locals } })).reverse();
  }

  private record(what: string, entered: FuncId | null, args?: Locals): void {
    const k = this.count++;
    this.lastWhat = what;
    if (k <= this.quietThrough) {
      this.pendingEvent = null;
      return;
    }
    let hit: ProbeHit | null = null;
    if (k === this.stopAt) hit = { kind: 'step' };
    else if (entered !== null && this.functions.has(entered) && this.conditionHolds(entered, args)) hit = { kind: 'function', fn: entered };
    else if (this.pendingEvent !== null) hit = { kind: 'event', reason: this.pendingEvent };
    this.pendingEvent = null;
    if (hit === null) return;
    if (this.onHit !== null) {
      this.onHit(k, hit);
      return;
    }
    this.hit = hit;
    throw new ProbeStop();
  }
}
