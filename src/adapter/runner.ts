/**
 * Runner: where the debuggee is, and how it moves. Knows nothing of DAP.
 *
 * A position is (executed, step): `executed` statements have completed; step -1 means "before the
 * next statement", step k >= 0 means "inside the next statement, right after its internal runtime
 * step k" (the numbering of src/engine/probe.ts). Positions are totally ordered, and the engine is
 * deterministic, so any position can be rebuilt by replay (checkpoints.ts) — that is all time
 * travel is.
 *
 * Forward motion runs the current interpreter (or, from inside a statement, a replayed one with
 * the probe quiet up to the current step) in slices of about SLICE_MS milliseconds with an event-loop turn in
 * between, so `pause` and other requests are served quickly. Stops come from: line breakpoints
 * and data breakpoints (checked before each statement), the WatchProbe (function breakpoints with
 * their conditions, span transitions, the next internal step), faults, the end of a step, or a
 * pause. A forward motion from a statement boundary takes along a trailing interpreter (one
 * statement behind after every slice, run on the fast path) and leaves it with the checkpoints,
 * so stepping back right after a long run needs no replay. Reverse motion replays: stepBack
 * rebuilds the previous position; reverseContinue scans forward from the start with the same
 * breakpoints (data breakpoints included) in record mode and goes to the last hit before the current position.
 */
import type { Program } from '../program/ast';
import { Interpreter } from '../program/interpreter';
import type { Settings } from '../program/settings';
import { funcName } from '../engine/probe';
import type { HeapEvent } from '../protocol/events';
import type { Breakpoints } from './breakpoints';
import { Checkpoints } from './checkpoints';
import { describeEvent } from './transitions';
import { DataBreakpoints } from './databreakpoints';
import { WatchProbe, type ProbeFrame } from './watchprobe';

export interface Position {
  readonly executed: number;
  readonly step: number;
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto';

export interface Stop {
  readonly reason: StopReason;
  /** Why, in words (StoppedEvent description). */
  readonly description: string;
  /** Exception stops: what kind (exceptionInfo id) and the full text. */
  readonly exception?: { readonly id: string; readonly text: string; readonly details?: string[] };
  /** Breakpoints that caused the stop (data breakpoints). */
  readonly hitBreakpointIds?: readonly number[];
}

export type Outcome = { readonly kind: 'stopped'; readonly stop: Stop } | { readonly kind: 'terminated'; readonly why: string };

export type Motion = 'continue' | 'next' | 'stepIn' | 'stepOut';

export interface RunnerHooks {
  output(text: string, category: 'stdout' | 'stderr' | 'console'): void;
  /** Every heap event of a forward run (the transition log and timeline). */
  event?(ev: HeapEvent, it: Interpreter, step: number): void;
  /** Whether `event` wants them now (no listener at all keeps a plain continue at full speed). */
  wantsEvents?(): boolean;
}

/**
 * Statements run between two event-loop turns adapt so that one slice takes about SLICE_MS:
 * Pause, threads and stackTrace are answered within one slice however heavy the statements are
 * (a slice of 50,000 fixed statements took up to half a second on a loaded machine).
 */
const SLICE_MS = 8;
const SLICE_MIN = 200;
const SLICE_MAX = 200_000;
/** Bytes of program output sent in one output event at most (about 8,000 short lines). */
const OUT_BATCH = 64 * 1024;

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Runner {
  /** Current statements per slice (see SLICE_MS). */
  private slice = 5_000;
  it: Interpreter;
  pos: Position = { executed: 0, step: -1 };
  /** Runtime frames (innermost first) when stopped inside a statement. */
  frames: ProbeFrame[] = [];
  /** What the last internal step did, in the era's names. */
  stepWhat = '';
  readonly checkpoints: Checkpoints;
  private pauseRequested = false;
  private outBuf: string[] = [];
  private outBytes = 0;
  private busy = false;
  private expectsSeen = 0;

  constructor(
    readonly program: Program,
    readonly settings: Settings,
    private readonly bps: Breakpoints,
    private readonly hooks: RunnerHooks,
    /** Data breakpoints (spans and objects whose state, allocCount or sweepgen is watched). */
    readonly data: DataBreakpoints = new DataBreakpoints(),
  ) {
    this.it = new Interpreter(program, settings);
    this.checkpoints = new Checkpoints(program, settings);
  }

  /**
   * Program output is batched: `print` lines gather until OUT_BATCH bytes, the end of a slice or
   * a stop, so a loop printing a million lines sends a few hundred output events, not a million.
   * Any other category flushes the batch first, so the order of lines is kept.
   */
  private out(text: string, category: 'stdout' | 'stderr' | 'console'): void {
    if (category === 'stdout') {
      this.outBuf.push(text);
      this.outBytes += text.length;
      if (this.outBytes >= OUT_BATCH) this.flushOut();
      return;
    }
    this.flushOut();
    this.hooks.output(text, category);
  }

  private flushOut(): void {
    if (this.outBuf.length === 0) return;
    const text = this.outBuf.join('');
    this.outBuf = [];
    this.outBytes = 0;
    this.hooks.output(text, 'stdout');
  }

  get running(): boolean {
    return this.busy;
  }

  get inside(): boolean {
    return this.pos.step >= 0 && this.it.status === 'inside';
  }

  /** The script has ended (no current statement) without a fault. */
  get finished(): boolean {
    return this.it.status === 'done';
  }

  pause(): void {
    if (this.busy) this.pauseRequested = true;
  }

  dispose(): void {
    this.pauseRequested = true;
    this.checkpoints.dispose();
  }

  /** Rebuild `p` (replay) and make it current. */
  goto(p: Position): void {
    const it = this.checkpoints.take(p.executed);
    let frames: ProbeFrame[] = [];
    let what = '';
    if (p.step >= 0 && (it.status === 'ready' || it.status === 'paused')) {
      const probe = new WatchProbe();
      probe.stopAt = p.step;
      it.heap.setProbe(probe);
      it.step();
      it.heap.setProbe(null);
      frames = probe.frames();
      what = probe.lastWhat;
    }
    this.it = it;
    this.pos = it.status === 'inside' ? { executed: it.executed - 1, step: p.step } : { executed: it.executed, step: -1 };
    this.frames = it.status === 'inside' ? frames : [];
    this.stepWhat = it.status === 'inside' ? this.eraWhat(what) : '';
    this.expectsSeen = it.expectFailures.length;
  }

  /** Prepare the positions a user most likely asks for next (step back, step in). */
  prefetch(): void {
    const e = this.pos.executed;
    this.checkpoints.prefetch(this.pos.step >= 0 ? [e, e > 0 ? e - 1 : e] : [e > 0 ? e - 1 : 0, e]);
  }

  /** Run forward; resolves with where it stopped (or that the script ended). */
  async forward(motion: Motion): Promise<Outcome> {
    this.busy = true;
    this.pauseRequested = false;
    try {
      return await this.forwardLoop(motion);
    } finally {
      this.busy = false;
      this.pauseRequested = false;
    }
  }

  private async forwardLoop(motion: Motion): Promise<Outcome> {
    const resumeInside = this.inside;
    const terminal = this.terminalOutcome();
    if (terminal !== null && !resumeInside) return terminal;
    const it = resumeInside ? this.checkpoints.take(this.pos.executed) : this.it;
    // The trailing interpreter: one statement behind the live one at every slice boundary (run at
    // full speed, no probe, no predicate), handed to the checkpoints at the stop, so Step Back or
    // stepping into the statement just run needs no replay. Used only when one is ready for free.
    const trail = resumeInside ? null : this.checkpoints.takeReady(it.executed);
    const follow = (): void => {
      if (trail !== null && trail.executed < it.executed - 1) this.checkpoints.advance(trail, it.executed - 1 - trail.executed);
    };
    const bps = this.bps;
    const probe = new WatchProbe();
    probe.functions = bps.functions;
    probe.functionConditions = bps.functionConditions;
    const stepping = resumeInside ? motion !== 'continue' : motion === 'next' || motion === 'stepIn';
    if (motion === 'stepIn' || (resumeInside && motion === 'next')) probe.stopAt = resumeInside ? this.pos.step + 1 : 0;
    const useProbe = probe.stopAt >= 0 || bps.functions.size > 0 || bps.hasTransitionFilters() || resumeInside;
    if (useProbe) it.heap.setProbe(probe);
    const onEvent = this.hooks.wantsEvents?.() === false ? undefined : this.hooks.event;
    // Resuming inside a statement replays its first steps quietly: their events are already logged.
    const logEvent =
      onEvent === undefined
        ? undefined
        : (ev: HeapEvent): void => {
            if (useProbe && probe.count <= probe.quietThrough) return;
            onEvent(ev, it, useProbe ? probe.count : -1);
          };
    if (bps.hasTransitionFilters()) it.heap.setListener((ev: HeapEvent) => (logEvent?.(ev), watchEvent(bps, probe, ev)));
    else if (logEvent !== undefined) it.heap.setListener(logEvent);
    it.onOutput = (line) => this.out(line + '\n', 'stdout');
    const data = this.data;
    data.arm(it);
    probe.reset();
    if (resumeInside) probe.quietThrough = this.pos.step;
    const depth0 = it.depth();
    let predStop: Stop | null = null;
    const log = (text: string): void => this.out(text + '\n', 'console');
    const pred = (s: Parameters<Breakpoints['shouldStop']>[1]): boolean => {
      const ev = probe.pendingEvent;
      probe.reset();
      if (ev !== null) {
        probe.pendingEvent = null;
        predStop = transitionStop(ev);
        return true;
      }
      if (motion === 'stepOut' && !resumeInside && it.depth() < depth0) {
        predStop = { reason: 'step', description: 'stepped out of the block' };
        return true;
      }
      if (data.active) {
        const hit = data.check(it);
        if (hit !== null) {
          predStop = { reason: 'data breakpoint', description: hit.description, hitBreakpointIds: hit.ids };
          return true;
        }
      }
      if (bps.hasLineBreakpoints() && bps.shouldStop(it, s, false, log)) {
        predStop = { reason: 'breakpoint', description: `breakpoint at line ${s.line + 1}` };
        return true;
      }
      return false;
    };
    let remaining = stepping || (resumeInside && motion === 'stepOut') ? 1 : Infinity;
    let firstSlice = true;
    let outcome: Outcome;
    for (;;) {
      if (!firstSlice) {
        const cur = it.current();
        if (cur !== null && pred(cur)) {
          outcome = { kind: 'stopped', stop: predStop! };
          break;
        }
      }
      firstSlice = false;
      const before = it.executed;
      const t0 = performance.now();
      const status = it.run(Math.min(this.slice, remaining), pred);
      remaining -= it.executed - before;
      follow();
      this.adaptSlice(it.executed - before, performance.now() - t0);
      if (status === 'inside') {
        const hit = probe.hit;
        const what = this.eraWhat(probe.lastWhat);
        const stop: Stop =
          hit === null || hit.kind === 'step'
            ? { reason: 'step', description: `runtime step ${probe.count - 1}: ${what}` }
            : hit.kind === 'function'
              ? { reason: 'function breakpoint', description: `entered ${funcName(this.settings.model, hit.fn)}` }
              : transitionStop(hit.reason);
        this.settle(it, { executed: it.executed - 1, step: probe.count - 1 }, probe.frames(), what);
        if (trail !== null) this.checkpoints.give(trail);
        return { kind: 'stopped', stop };
      }
      if (status === 'faulted' || status === 'failed' || status === 'done') {
        this.settle(it, { executed: it.executed, step: -1 }, [], '');
        if (trail !== null) this.checkpoints.give(trail);
        return this.terminalOutcome() ?? { kind: 'terminated', why: 'the script ended' };
      }
      if (predStop !== null) {
        outcome = { kind: 'stopped', stop: predStop };
        break;
      }
      if (remaining <= 0) {
        const ev = probe.pendingEvent;
        probe.pendingEvent = null;
        const hit = data.active ? data.check(it) : null;
        if (ev !== null) outcome = { kind: 'stopped', stop: transitionStop(ev) };
        else if (hit !== null) outcome = { kind: 'stopped', stop: { reason: 'data breakpoint', description: hit.description, hitBreakpointIds: hit.ids } };
        else outcome = { kind: 'stopped', stop: { reason: 'step', description: stepping ? 'step' : 'stepped out of the runtime' } };
        break;
      }
      this.flushOut();
      await turn();
      if (this.pauseRequested) {
        outcome = { kind: 'stopped', stop: { reason: 'pause', description: `paused after ${it.executed.toLocaleString('en-US')} statements` } };
        break;
      }
    }
    this.settle(it, { executed: it.executed, step: -1 }, [], '');
    if (trail !== null) this.checkpoints.give(trail);
    return outcome;
  }

  /** Resize the slice from the last one: n statements took ms. */
  private adaptSlice(n: number, ms: number): void {
    if (n < this.slice) return; // a short slice (a stop, the end) says nothing about speed
    const next = Math.round((n * SLICE_MS) / Math.max(ms, 0.05));
    this.slice = Math.min(SLICE_MAX, Math.max(SLICE_MIN, next));
  }

  /** A stop for a faulted or failed interpreter, termination for a finished one, else null. */
  terminalOutcome(): Outcome | null {
    const it = this.it;
    if (it.status === 'done') return { kind: 'terminated', why: `the script ended after ${it.executed} statements` };
    if ((it.status === 'faulted' || it.status === 'failed') && it.fault !== null) {
      const f = it.fault;
      const id = it.status === 'failed' ? 'assert failed' : f.kind === 'runtime' ? 'runtime fault' : 'script fault';
      const text = f.kind === 'runtime' ? `fatal error: ${f.message}${f.where !== '' ? ` (in ${f.where})` : ''}` : f.message;
      return { kind: 'stopped', stop: { reason: 'exception', description: `${id}: ${text}`, exception: { id, text } } };
    }
    return null;
  }

  /** Make `it` current at `p`, detached from probes and output, and report new expect failures. */
  private settle(it: Interpreter, p: Position, frames: ProbeFrame[], what: string): void {
    it.heap.setProbe(null);
    it.heap.setListener(null);
    it.onOutput = null;
    this.flushOut();
    this.it = it;
    this.pos = p;
    this.frames = frames;
    this.stepWhat = what;
    const ef = it.expectFailures;
    if (ef.length < this.expectsSeen) this.expectsSeen = 0;
    for (; this.expectsSeen < ef.length; this.expectsSeen++) {
      const f = ef[this.expectsSeen];
      this.out(`line ${this.program.statements[f.stmt].line + 1}: ${f.message}\n`, 'stderr');
    }
  }

  /** Go to the state after `executed` statements (clamped to the script's end or fault). */
  travel(executed: number): Stop {
    const from = this.pos.executed;
    this.goto({ executed: Math.max(0, Math.floor(executed)), step: -1 });
    const at = this.pos.executed;
    const short = at < executed ? ` (the script ${this.it.status === 'done' ? 'ends' : 'stops'} after ${at.toLocaleString('en-US')})` : '';
    return { reason: 'goto', description: `travelled ${at < from ? 'back' : 'forward'} to the state after ${at.toLocaleString('en-US')} statements${short}` };
  }

  /** One step back: the previous internal step, or the previous statement boundary. */
  stepBack(): Stop {
    const p = this.pos;
    if (p.step > 0) this.goto({ executed: p.executed, step: p.step - 1 });
    else if (p.step === 0) this.goto({ executed: p.executed, step: -1 });
    else if (p.executed === 0) return { reason: 'entry', description: 'at the beginning of the script' };
    else this.goto({ executed: p.executed - 1, step: -1 });
    return this.pos.executed === 0 && this.pos.step < 0 ? { reason: 'entry', description: 'stepped back to the beginning of the script' } : { reason: 'step', description: this.pos.step >= 0 ? `back to runtime step ${this.pos.step}: ${this.stepWhat}` : 'stepped back' };
  }

  /** Back to the last breakpoint, function breakpoint, data breakpoint or transition before the current position. */
  async reverseContinue(): Promise<Stop> {
    this.busy = true;
    this.pauseRequested = false;
    try {
      const found = await this.scanBack(this.pos);
      if (found === 'paused') return { reason: 'pause', description: 'reverse continue paused; still at the same position' };
      if (found === null) {
        this.goto({ executed: 0, step: -1 });
        return { reason: 'entry', description: 'reached the beginning of the script' };
      }
      this.goto(found.pos);
      return found.stop;
    } finally {
      this.busy = false;
      this.pauseRequested = false;
    }
  }

  private async scanBack(cur: Position): Promise<{ pos: Position; stop: Stop } | null | 'paused'> {
    const it = new Interpreter(this.program, this.settings);
    const bps = this.bps;
    const probe = new WatchProbe();
    probe.functions = bps.functions;
    probe.functionConditions = bps.functionConditions;
    let last: { pos: Position; stop: Stop } | null = null;
    /** Hits at or after this step of the final statement are not before `cur`. */
    let limit = Infinity;
    probe.onHit = (k, hit) => {
      if (k >= limit) return;
      const stop: Stop =
        hit.kind === 'function'
          ? { reason: 'function breakpoint', description: `entered ${funcName(this.settings.model, hit.fn)}` }
          : hit.kind === 'event'
            ? transitionStop(hit.reason)
            : { reason: 'step', description: 'step' };
      last = { pos: { executed: it.executed - 1, step: k }, stop };
    };
    if (bps.functions.size > 0 || bps.hasTransitionFilters()) it.heap.setProbe(probe);
    if (bps.hasTransitionFilters()) it.heap.setListener((ev: HeapEvent) => watchEvent(bps, probe, ev));
    const noLog = (): void => {};
    const scan = this.data.active ? this.data.scanner() : null;
    const pred = (s: Parameters<Breakpoints['shouldStop']>[1]): boolean => {
      const ev = probe.pendingEvent;
      probe.reset();
      probe.pendingEvent = null;
      if (ev !== null && it.executed > 0) last = { pos: { executed: it.executed, step: -1 }, stop: transitionStop(ev) };
      const hit = scan !== null ? scan.check(it) : null;
      if (hit !== null && it.executed > 0) last = { pos: { executed: it.executed, step: -1 }, stop: { reason: 'data breakpoint', description: `${hit.description} (reverse)`, hitBreakpointIds: hit.ids } };
      if (bps.hasLineBreakpoints() && bps.shouldStop(it, s, true, noLog)) last = { pos: { executed: it.executed, step: -1 }, stop: { reason: 'breakpoint', description: `breakpoint at line ${s.line + 1} (reverse)` } };
      return false;
    };
    const live = (): boolean => it.status === 'ready' || it.status === 'paused';
    while (it.executed < cur.executed && live()) {
      // run() skips the predicate for the first statement of each call.
      const c = it.current();
      if (c !== null) pred(c);
      const before = it.executed;
      const t0 = performance.now();
      it.run(Math.min(this.slice, cur.executed - it.executed), pred);
      this.adaptSlice(it.executed - before, performance.now() - t0);
      if (it.executed < cur.executed) {
        await turn();
        if (this.pauseRequested) return 'paused';
      }
    }
    if (cur.step >= 0 && it.executed === cur.executed && live()) {
      const c = it.current();
      if (c !== null) pred(c);
      probe.reset();
      it.heap.setProbe(probe);
      limit = cur.step;
      it.step();
    }
    return last;
  }

  /** 'enter mheap.grow' → 'enter (*mheap).grow' in the era's spelling. */
  private eraWhat(what: string): string {
    if (!what.startsWith('enter ')) return what;
    return `enter ${funcName(this.settings.model, what.slice(6) as Parameters<typeof funcName>[1])}`;
  }
}

/** Listener for span transitions: flags a matching event for the probe's next step (or the next statement). */
function watchEvent(bps: Breakpoints, probe: WatchProbe, ev: HeapEvent): void {
  if (bps.matches(ev)) probe.pendingEvent = describeEvent(ev);
}

function transitionStop(text: string): Stop {
  return { reason: 'exception', description: text, exception: { id: 'span transition', text } };
}
