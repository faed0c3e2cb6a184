/**
 * GoHeapSession: the Debug Adapter Protocol face of the debugger, type `goheap`. It translates
 * requests into Runner motions (runner.ts), stops into StoppedEvents that say why in words, and
 * the stopped state into stack frames, scopes and variables (variables.ts). Domain logic lives in
 * the other files of this folder; this one only speaks DAP.
 *
 * One thread, "main": the script runs its statements in order (an `on P2 { }` block runs on P2's
 * mcache, but nothing runs concurrently), so per-P threads would only ever show one running.
 * Positions are 0-based inside (lines, columns) and converted at this edge only.
 * The stack, when stopped inside the runtime: runtime frames (innermost first, named as the era
 * names them) above the script frame. Their source is a generated page (runtimesource.ts).
 */
import { basename } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  DebugSession, Event, InitializedEvent, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, Handles,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { compile, formatDiagnostic, headRangeOf, type Program, type Settings } from '../program/index';
import { funcName } from '../engine/probe';
import { FAULT_FILTER, TRANSITION_FILTERS } from '../protocol/dap';
import { EVT_STOPPED, REQ_BREAK_ON_SPAN, type BreakOnSpanArgs, type BreakOnSpanResult, type StopPoint, type StoppedEventBody } from '../protocol/heapview';
import { Breakpoints, type LineRequest } from './breakpoints';
import { DataBreakpoints, dataTarget } from './databreakpoints';
import { HeapTracker } from './heapdelta';
import { isHeapRequest, parseHeapRequest } from './heaprequests';
import { compileExpression, evaluate } from './expressions';
import { parseLaunchArguments, type LaunchConfig } from './launchargs';
import { isQuery, runQuery } from './queries';
import { Runner, type Motion, type Outcome, type Stop } from './runner';
import { runtimeSourceText } from './runtimesource';
import { showValue } from './values';
import { Variables } from './variables';

const THREAD_ID = 1;
const SCRIPT_FRAME_ID = 1;
/** Runtime frame i (0 = innermost) has id RUNTIME_FRAME_BASE + i. */
const RUNTIME_FRAME_BASE = 1000;

interface Loaded {
  readonly config: LaunchConfig;
  readonly program: Program;
  readonly settings: Settings;
  readonly bps: Breakpoints;
  readonly runner: Runner;
  readonly tracker: HeapTracker;
}

/**
 * A plain DebugSession, not LoggingDebugSession: the latter JSON-encodes every message for a
 * global logger that queues them forever until someone calls `logger.setup` (a leak of every
 * message of every session, and a second encoding of every snapshot).
 */
export class GoHeapSession extends DebugSession {
  private loaded: Loaded | null = null;
  private vars: Variables | null = null;
  private lastStop: Stop | null = null;
  private sources = new Handles<{ readonly frame: number }>();
  private configured!: Promise<void>;
  private markConfigured!: () => void;
  /** Last breakpoint requests, re-applied on restart. */
  private lineRequests: readonly LineRequest[] = [];
  private functionRequests: readonly DebugProtocol.FunctionBreakpoint[] = [];
  private filterRequests: readonly { filterId: string; condition?: string }[] = [{ filterId: FAULT_FILTER }];
  private dataRequests: readonly DebugProtocol.DataBreakpoint[] = [];
  /** configurationDone has come and the run has begun (motions before that are refused). */
  private started = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configured = new Promise((r) => (this.markConfigured = r));
  }

  /**
   * A request handler that threw (arguments of the wrong shape, say) is answered by the base class
   * with code 1104 and the exception's stack; answer with a sentence instead.
   */
  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: Record<string, string>, dest?: number): void {
    if (codeOrMessage === 1104) {
      super.sendErrorResponse(response, { id: 1104, format: `cannot handle \`${response.command}\`: its arguments are missing or of the wrong shape`, showUser: false });
      return;
    }
    if (typeof codeOrMessage === 'number') super.sendErrorResponse(response, codeOrMessage, format, variables, dest);
    else super.sendErrorResponse(response, codeOrMessage);
  }

  /** Motions need a started run: not before launch, not between launch and configurationDone. */
  private refuseMotion(response: DebugProtocol.Response): boolean {
    if (this.loaded !== null && this.started) return false;
    this.sendErrorResponse(response, { id: 1009, format: this.loaded === null ? 'no script is loaded' : 'the run has not started yet (waiting for configurationDone)', showUser: false });
    return true;
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      supportsDelayedStackTraceLoading: false,
      supportsSteppingGranularity: false,
      exceptionBreakpointFilters: [
        { filter: FAULT_FILTER, label: 'Runtime fault or failed assert', description: 'a fatal error of the simulated runtime (e.g. a stack freed twice), a script fault or a failed assert', default: true },
        ...TRANSITION_FILTERS.map((f) => ({
          filter: f.id,
          label: f.label,
          description: f.description,
          default: false,
          supportsCondition: true,
          conditionDescription: 'over the event: sizeclass == 5, npages >= 128, by == sweep, noscan, p == 1 (&&, ||)',
        })),
      ],
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigured();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const r = parseLaunchArguments(args);
    if (!r.ok) {
      this.sendErrorResponse(response, { id: 1001, format: `Cannot launch: ${r.message}`, showUser: true });
      return;
    }
    const loaded = this.load(r.config);
    if (typeof loaded === 'string') {
      this.sendErrorResponse(response, { id: 1002, format: loaded, showUser: true });
      return;
    }
    this.loaded = loaded;
    this.sendEvent(new InitializedEvent());
    await this.configured;
    this.sendResponse(response);
    this.begin();
  }

  /** Compile the script; diagnostics go to the Debug Console; errors fail the launch. */
  private load(config: LaunchConfig): Loaded | string {
    const c = compile(config.text, config.overrides);
    if (c.diagnostics.length > 0) {
      const frames = c.diagnostics.map((d) => formatDiagnostic(config.text, d, config.programPath)).join('\n\n');
      this.sendEvent(new OutputEvent(frames + '\n', c.ok ? 'console' : 'stderr'));
    }
    if (!c.ok) {
      const n = c.diagnostics.filter((d) => d.severity === 'error').length;
      return `${basename(config.programPath)} has ${n} error${n === 1 ? '' : 's'} and cannot be debugged; see the Debug Console (first: ${c.diagnostics.find((d) => d.severity === 'error')!.message})`;
    }
    const bps = new Breakpoints(config.text, config.overrides, c.program);
    const tracker = new HeapTracker();
    const runner = new Runner(c.program, c.settings, bps, {
      output: (text, category) => this.sendEvent(new OutputEvent(text, category)),
      event: (ev, it, step) => tracker.event(ev, it, step),
      wantsEvents: () => tracker.viewing,
    }, new DataBreakpoints());
    this.vars = new Variables(runner.it, []);
    bps.setLines(this.lineRequests);
    bps.setFunctions(this.functionRequests, c.settings.model);
    bps.setFilters(this.filterRequests);
    if (this.dataRequests.length > 0) runner.data.set(this.dataRequests, runner.it, (cond) => compileExpression(config.text, config.overrides, c.program, -1, cond));
    return { config, program: c.program, settings: c.settings, bps, runner, tracker };
  }

  private begin(): void {
    const l = this.loaded!;
    this.started = true;
    this.sendEvent(new OutputEvent(`goheap: ${basename(l.config.programPath)} on ${l.settings.model}, ${l.settings.procs} P, GOGC=${l.settings.gogc}\n`, 'console'));
    if (l.config.stopOnEntry) this.stopped({ reason: 'entry', description: 'before the first statement' });
    else void this.move('continue');
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const old = this.loaded;
    if (old === null) {
      this.sendErrorResponse(response, { id: 1003, format: 'nothing to restart' });
      return;
    }
    old.runner.dispose();
    const r = parseLaunchArguments((args as { arguments?: unknown } | undefined)?.arguments ?? { program: old.config.programPath, stopOnEntry: old.config.stopOnEntry, checkInvariants: old.config.checkInvariants, ...unmapOverrides(old.config) });
    const loaded = r.ok ? this.load(r.config) : r.message;
    if (typeof loaded === 'string') {
      this.sendErrorResponse(response, { id: 1002, format: loaded, showUser: true });
      return;
    }
    // The views' span watches stay when the script and its settings are the same (ids then name
    // the same spans); after an edit they would name others, so they go.
    if (loaded.config.text === old.config.text && isDeepStrictEqual(loaded.settings, old.settings)) loaded.runner.data.adoptSpanWatches(old.runner.data);
    this.loaded = loaded;
    this.sendResponse(response);
    this.begin();
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.loaded?.runner.dispose();
    this.sendResponse(response);
    // The stdio adapter exits (after the base class's short delay); inline it is a no-op.
    this.shutdown();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.loaded?.runner.dispose();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  // ---- breakpoints

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.lineRequests = (args.breakpoints ?? []).map((b) => ({ line: this.convertClientLineToDebugger(b.line), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage }));
    const l = this.loaded;
    const results = l === null ? this.lineRequests.map((b, i) => ({ id: i + 1, verified: false, line: b.line, message: 'the script is not loaded yet' })) : l.bps.setLines(this.lineRequests);
    response.body = {
      breakpoints: results.map((b) => ({ id: b.id, verified: b.verified, line: this.convertDebuggerLineToClient(b.line), message: b.message, source: l === null ? undefined : this.scriptSource(l) })),
    };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.functionRequests = args.breakpoints;
    const l = this.loaded;
    const res = l === null ? args.breakpoints.map(() => ({ verified: false, message: 'the script is not loaded yet' })) : l.bps.setFunctions(args.breakpoints, l.settings.model);
    response.body = { breakpoints: res };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.filterRequests = [...(args.filters ?? []).map((filterId) => ({ filterId })), ...(args.filterOptions ?? []).map((o) => ({ filterId: o.filterId, condition: o.condition }))];
    const res = this.loaded?.bps.setFilters(this.filterRequests) ?? this.filterRequests.map(() => ({ verified: true }));
    response.body = { breakpoints: res };
    this.sendResponse(response);
  }

  // ---- motion

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (this.refuseMotion(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    void this.move('continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    if (this.refuseMotion(response)) return;
    this.sendResponse(response);
    void this.move('next');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    if (this.refuseMotion(response)) return;
    this.sendResponse(response);
    void this.move('stepIn');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    if (this.refuseMotion(response)) return;
    this.sendResponse(response);
    void this.move('stepOut');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.loaded?.runner.pause();
    this.sendResponse(response);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    if (this.refuseMotion(response)) return;
    const l = this.loaded;
    if (l === null || l.runner.running) {
      this.sendErrorResponse(response, { id: 1004, format: 'cannot step back while running' });
      return;
    }
    this.sendResponse(response);
    this.stopped(l.runner.stepBack(), false);
  }

  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    if (this.refuseMotion(response)) return;
    const l = this.loaded;
    if (l === null || l.runner.running) {
      this.sendErrorResponse(response, { id: 1004, format: 'cannot reverse-continue while running' });
      return;
    }
    this.sendResponse(response);
    this.stopped(await l.runner.reverseContinue(), false);
  }

  private async move(motion: Motion): Promise<void> {
    const l = this.loaded;
    if (l === null || l.runner.running) return;
    const runner = l.runner;
    const it = runner.it;
    if (!runner.inside && (it.status === 'faulted' || it.status === 'failed')) {
      this.sendEvent(new OutputEvent(`the script stopped at a fault (${it.fault?.message ?? ''}); ending the session\n`, 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const outcome: Outcome = await runner.forward(motion);
    if (this.loaded !== l) return;
    if (outcome.kind === 'terminated') {
      this.sendEvent(new OutputEvent(`${outcome.why}\n`, 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    if (outcome.stop.exception !== undefined && runner.it.status !== 'inside' && (runner.it.status === 'faulted' || runner.it.status === 'failed') && !l.bps.breakOnFault) {
      this.sendEvent(new OutputEvent(`${outcome.stop.description}\n`, 'stderr'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.stopped(outcome.stop);
  }

  /**
   * Report a stop: check invariants if asked, reset handles, prefetch checkpoints, start a new heap
   * generation (`continues` false: the state is not the previous one run forward) and announce it
   * with `goheap/stopped` right after the StoppedEvent.
   */
  private stopped(stop: Stop, continues = true): void {
    const l = this.loaded!;
    const runner = l.runner;
    let s = stop;
    if (l.config.checkInvariants) {
      const bad = runner.it.heap.checkInvariants();
      if (bad.length > 0) s = { reason: 'exception', description: `heap invariant violated: ${bad[0]}${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ''}`, exception: { id: 'invariant violated', text: bad[0], details: bad } };
    }
    this.lastStop = s;
    this.vars!.reset(runner.it, runner.frames);
    this.sources.reset();
    runner.prefetch();
    const ev = new StoppedEvent(s.reason, THREAD_ID, s.exception?.text) as DebugProtocol.StoppedEvent;
    ev.body.description = s.description;
    ev.body.allThreadsStopped = true;
    if (s.hitBreakpointIds !== undefined) ev.body.hitBreakpointIds = [...s.hitBreakpointIds];
    const inside = runner.pos.step >= 0 ? { statement: runner.pos.executed + 1, step: runner.pos.step } : null;
    const generation = l.tracker.stopped(runner.it, runner.it.current()?.line ?? -1, continues, inside);
    this.sendEvent(ev);
    this.sendEvent(new Event(EVT_STOPPED, { sessionId: l.tracker.sessionId, generation } satisfies StoppedEventBody));
  }

  /** Where the run is stopped, for snapshots and deltas. */
  private stopPoint(l: Loaded): StopPoint {
    const r = l.runner;
    const stmt = r.it.current();
    return {
      line: stmt === null ? Math.max(0, l.program.lineCount - 1) : stmt.line,
      executed: r.pos.executed,
      reason: this.lastStop?.reason ?? 'entry',
      runtimeFrames: r.frames.map((f) => funcName(l.settings.model, f.fn)),
    };
  }

  // ---- custom requests of the Heap View and tree views (src/protocol/heapview.ts)

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const l = this.loaded;
    const fail = (id: number, msg: string): void => this.sendErrorResponse(response, { id, format: msg, showUser: false });
    if (command === REQ_BREAK_ON_SPAN) {
      const span = (args as Partial<BreakOnSpanArgs> | null)?.span;
      if (typeof span !== 'number' || !Number.isInteger(span) || span < 0) return fail(1013, '`span` must be a span id (a non-negative integer)');
      if (l === null) return fail(1011, 'no script is loaded');
      if (l.runner.running) return fail(1012, 'the script is running; ask again at the next stop');
      const { verified, message } = l.runner.data.addSpanWatch(span, l.runner.it);
      const body: BreakOnSpanResult = message === undefined ? { verified } : { verified, message };
      response.body = body;
      this.sendResponse(response);
      return;
    }
    if (!isHeapRequest(command)) return fail(1010, `unknown request \`${command}\``);
    if (l === null) return fail(1011, 'no script is loaded');
    if (l.runner.running) return fail(1012, 'the script is running; ask again at the next stop');
    const r = parseHeapRequest(command, args);
    if ('error' in r) return fail(1013, r.error);
    const it = l.runner.it;
    try {
      switch (r.type) {
        case 'snapshot':
          response.body = l.tracker.snapshot(it, this.stopPoint(l));
          break;
        case 'delta':
          response.body = l.tracker.delta(it, r.since, this.stopPoint(l));
          break;
        case 'spans':
          response.body = l.tracker.spans(it, r);
          break;
        case 'span': {
          const d = l.tracker.span(it, r.id);
          if (d === null) return fail(1014, `no live span has id ${r.id} at this stop`);
          response.body = d;
          break;
        }
        case 'travel': {
          const from = l.runner.pos;
          const stop = l.runner.travel(r.executed);
          this.sendResponse(response);
          this.stopped(stop, l.runner.pos.executed >= from.executed && from.step < 0);
          return;
        }
        default: {
          const never: never = r;
          return fail(1010, `unhandled request ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      return fail(1015, `${command} failed: ${(e as Error).message}`);
    }
    this.sendResponse(response);
  }

  // ---- data breakpoints

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const none = (why: string): void => {
      response.body = { dataId: null, description: why };
      this.sendResponse(response);
    };
    const l = this.loaded;
    const v = this.vars;
    if (l === null || v === null) return none('no script is loaded');
    const target = dataTarget(args, v, l.runner.it);
    if (target === null) return none('only spans and heap objects can be watched (a span or object in Variables, or `span 0xADDR`)');
    response.body = { dataId: target.dataId, description: target.description, accessTypes: ['write'], canPersist: false };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.dataRequests = args.breakpoints;
    const l = this.loaded;
    const res = l === null ? args.breakpoints.map(() => ({ verified: false, message: 'the script is not loaded yet' })) : l.runner.data.set(args.breakpoints, l.runner.it, (cond) => compileExpression(l.config.text, l.config.overrides, l.program, -1, cond));
    response.body = { breakpoints: res };
    this.sendResponse(response);
  }

  // ---- inspection

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'main')] };
    this.sendResponse(response);
  }

  private scriptSource(l: Loaded): Source {
    return new Source(basename(l.config.programPath), this.convertDebuggerPathToClient(l.config.programPath));
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const l = this.loaded;
    const frames: DebugProtocol.StackFrame[] = [];
    if (l !== null) {
      const r = l.runner;
      const model = l.settings.model;
      r.frames.forEach((f, i) => {
        const name = funcName(model, f.fn);
        const ref = this.sources.create({ frame: i });
        const src = new Source(`${name} (runtime)`, undefined, ref, 'simulated Go runtime', { kind: 'runtime frame' });
        (src as DebugProtocol.Source).presentationHint = 'deemphasize';
        const sf = new StackFrame(RUNTIME_FRAME_BASE + i, name, src, this.convertDebuggerLineToClient(6), this.convertDebuggerColumnToClient(0)) as DebugProtocol.StackFrame;
        sf.presentationHint = i === 0 ? 'normal' : 'subtle';
        frames.push(sf);
      });
      const stmt = r.it.current();
      const loops = r.it.loops();
      const where = loops.length === 0 ? '' : ` · ${loops.map((x) => `${x.stmt.counter?.name ?? 'repeat'} ${x.i}/${x.n}`).join(', ')}`;
      if (stmt !== null) {
        const range = headRangeOf(l.program, stmt);
        const sf = new StackFrame(SCRIPT_FRAME_ID, `main${where}`, this.scriptSource(l), this.convertDebuggerLineToClient(range.start.line), this.convertDebuggerColumnToClient(range.start.column)) as DebugProtocol.StackFrame;
        sf.endLine = this.convertDebuggerLineToClient(range.end.line);
        sf.endColumn = this.convertDebuggerColumnToClient(range.end.column);
        frames.push(sf);
      } else {
        frames.push(new StackFrame(SCRIPT_FRAME_ID, 'main (finished)', this.scriptSource(l), this.convertDebuggerLineToClient(Math.max(0, l.program.lineCount - 1)), this.convertDebuggerColumnToClient(0)));
      }
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const l = this.loaded;
    const i = this.sources.get(args.sourceReference ?? args.source?.sourceReference ?? 0)?.frame;
    if (l === null || i === undefined || l.runner.frames[i] === undefined) {
      this.sendErrorResponse(response, { id: 1005, format: 'this runtime frame is from an earlier stop; its page is gone' });
      return;
    }
    response.body = { content: runtimeSourceText(l.settings.model, l.runner.frames, i, l.runner.stepWhat), mimeType: 'text/x-go' };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const v = this.vars;
    if (v === null || this.lastStop === null) {
      this.sendErrorResponse(response, { id: 1016, format: 'no scopes: the program is not stopped', showUser: false });
      return;
    }
    if (typeof args?.frameId !== 'number') {
      this.sendErrorResponse(response, { id: 1016, format: '`frameId` must be a frame id from stackTrace', showUser: false });
      return;
    }
    const scopes: DebugProtocol.Scope[] = [];
    if (args.frameId >= RUNTIME_FRAME_BASE) {
      const i = args.frameId - RUNTIME_FRAME_BASE;
      const s = new Scope('Runtime frame', v.ref({ kind: 'frame', index: i }), false) as DebugProtocol.Scope;
      s.presentationHint = 'locals';
      scopes.push(s);
    }
    const locals = new Scope('Locals', v.ref({ kind: 'locals' }), false) as DebugProtocol.Scope;
    if (args.frameId < RUNTIME_FRAME_BASE) locals.presentationHint = 'locals';
    scopes.push(locals, new Scope('Heap', v.ref({ kind: 'heap' }), false), new Scope('mcentral', v.ref({ kind: 'mcentral' }), true), new Scope('mcache', v.ref({ kind: 'mcache' }), true));
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.vars?.variables(args.variablesReference, args.start ?? 0, args.count ?? 0) ?? [] };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const e = this.lastStop?.exception;
    response.body = {
      exceptionId: e?.id ?? 'none',
      description: e?.text ?? this.lastStop?.description ?? '',
      breakMode: e?.id === 'span transition' ? 'userUnhandled' : 'always',
      details: e === undefined ? undefined : { message: e.text, stackTrace: e.details?.join('\n') },
    };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (typeof args?.expression !== 'string') {
      this.sendErrorResponse(response, { id: 1008, format: '`expression` must be a string', showUser: false });
      return;
    }
    try {
      this.evaluate(response, args);
    } catch {
      // Never an exception out of the adapter, and never console noise for a hover.
      this.sendErrorResponse(response, { id: 1008, format: args.context === 'hover' ? 'not available' : `cannot evaluate \`${args.expression}\``, showUser: false });
    }
  }

  /**
   * Debug Console, watches and hovers. Failures answer with an error response that is never shown
   * to the user and nothing is written to the Debug Console (a hover over a keyword or a number
   * stays silent).
   */
  private evaluate(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const l = this.loaded;
    const v = this.vars;
    if (l === null || v === null) {
      this.sendErrorResponse(response, { id: 1006, format: 'no script is loaded' });
      return;
    }
    const fail = (msg: string): void => this.sendErrorResponse(response, { id: 1007, format: msg, showUser: false });
    const it = l.runner.it;
    const text = args.expression.trim();
    if (isQuery(text)) {
      const a = runQuery(text, it, v);
      response.body = { result: a.result, variablesReference: a.variablesReference };
      this.sendResponse(response);
      return;
    }
    const cur = it.current();
    const loopCounters = new Set(it.loops().map((x) => x.stmt.counter?.slot ?? -1));
    const slot = l.program.slots.findIndex((s, i) => s.name === text && (!s.counter || loopCounters.has(i)));
    if (slot >= 0) {
      const x = v.slotVar(slot);
      response.body = { result: x.value, type: x.type, variablesReference: x.variablesReference, indexedVariables: x.indexedVariables };
      this.sendResponse(response);
      return;
    }
    const c = compileExpression(l.config.text, l.config.overrides, l.program, cur === null ? -1 : cur.start, text);
    if (!c.ok) return fail(c.message);
    const r = evaluate(it, c.expr);
    if (!r.ok) return fail(r.message);
    if (c.type === 'ref' && typeof r.value === 'number') {
      const x = v.refVar(text, r.value);
      response.body = { result: x.value, type: x.type, variablesReference: x.variablesReference };
    } else response.body = { result: showValue(r.value, c.type), type: c.type, variablesReference: 0 };
    this.sendResponse(response);
  }
}

/** The launch attributes a configuration's overrides came from (for restart without arguments). */
function unmapOverrides(c: LaunchConfig): Record<string, unknown> {
  const o = c.overrides as Record<string, unknown>;
  return { model: o.model, procs: o.procs, gogc: o.gogc, memProfileRate: o.memprofilerate, physPageSize: o.physpagesize, seed: o.seed };
}
