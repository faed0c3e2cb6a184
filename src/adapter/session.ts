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
import {
  InitializedEvent, LoggingDebugSession, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, Handles,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { compile, formatDiagnostic, headRangeOf, type Program, type Settings } from '../program/index';
import { funcName } from '../engine/probe';
import { FAULT_FILTER, TRANSITION_FILTERS } from '../protocol/dap';
import { Breakpoints, type LineRequest } from './breakpoints';
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
}

export class GoHeapSession extends LoggingDebugSession {
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

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configured = new Promise((r) => (this.markConfigured = r));
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
    const runner = new Runner(c.program, c.settings, bps, { output: (text, category) => this.sendEvent(new OutputEvent(text, category)) });
    this.vars = new Variables(runner.it, []);
    bps.setLines(this.lineRequests);
    bps.setFunctions(this.functionRequests, c.settings.model);
    bps.setFilters(this.filterRequests);
    return { config, program: c.program, settings: c.settings, bps, runner };
  }

  private begin(): void {
    const l = this.loaded!;
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
    this.loaded = loaded;
    this.sendResponse(response);
    this.begin();
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.loaded?.runner.dispose();
    this.sendResponse(response);
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
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    void this.move('continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    void this.move('next');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    void this.move('stepIn');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    void this.move('stepOut');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.loaded?.runner.pause();
    this.sendResponse(response);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    const l = this.loaded;
    if (l === null || l.runner.running) {
      this.sendErrorResponse(response, { id: 1004, format: 'cannot step back while running' });
      return;
    }
    this.sendResponse(response);
    this.stopped(l.runner.stepBack());
  }

  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    const l = this.loaded;
    if (l === null || l.runner.running) {
      this.sendErrorResponse(response, { id: 1004, format: 'cannot reverse-continue while running' });
      return;
    }
    this.sendResponse(response);
    this.stopped(await l.runner.reverseContinue());
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

  /** Report a stop: check invariants if asked, reset handles, prefetch checkpoints. */
  private stopped(stop: Stop): void {
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
    this.sendEvent(ev);
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
    const v = this.vars!;
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
