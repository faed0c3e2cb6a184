/**
 * Story helpers for driving the stdio debug adapter as VS Code would (DebugClient from
 * @vscode/debugadapter-testsupport). Every event is queued from the moment the client starts, so
 * a story awaits "the next stop" without racing the adapter and never sleeps.
 *
 * The adapter is the bundle dist/adapter.js when it is newer than every source file (the test
 * command builds it first), otherwise src/adapter/stdio.ts through tsx.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const root = resolve(__dirname, '..', '..');

function newestSource(dir: string): number {
  let t = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return t;
}

function adapter(): { exec: string; env: NodeJS.ProcessEnv } {
  const bundle = join(root, 'dist', 'adapter.js');
  try {
    if (statSync(bundle).mtimeMs >= newestSource(join(root, 'src'))) return { exec: bundle, env: process.env };
  } catch {
    // no bundle: run the source
  }
  return { exec: join(root, 'src', 'adapter', 'stdio.ts'), env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() } };
}

let tmp: string | null = null;

/** A temp .goheap file with this text. */
export function scriptFile(text: string, name = 'script.goheap'): string {
  if (tmp === null) {
    tmp = mkdtempSync(join(tmpdir(), 'goheap-adapter-'));
    process.on('exit', () => rmSync(tmp!, { recursive: true, force: true }));
  }
  const p = join(tmp, `${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(p, text);
  return p;
}

type Stopped = DebugProtocol.StoppedEvent;

export interface LaunchOptions {
  readonly breakpoints?: readonly (number | DebugProtocol.SourceBreakpoint)[];
  readonly functionBreakpoints?: readonly string[];
  readonly filters?: readonly (string | { filterId: string; condition?: string })[];
}

export class Story {
  readonly dc: DebugClient;
  private readonly queue: DebugProtocol.Event[] = [];
  private readonly waiters: { types: string[]; resolve: (e: DebugProtocol.Event) => void }[] = [];
  readonly output: string[] = [];
  program = '';
  initialize: DebugProtocol.InitializeResponse | null = null;

  private constructor() {
    const a = adapter();
    this.dc = new DebugClient('node', a.exec, 'goheap', { env: a.env, shell: false }, process.env.GOHEAP_TEST_STDERR === '1');
    this.dc.defaultTimeout = 20000;
  }

  /** Started adapter, initialized; no launch yet. */
  static async start(): Promise<Story> {
    const s = new Story();
    await s.dc.start();
    for (const ev of ['stopped', 'terminated', 'initialized', 'exited', 'goheap/stopped']) s.dc.on(ev, (e: DebugProtocol.Event) => s.push(ev, e));
    s.dc.on('output', (e: DebugProtocol.OutputEvent) => s.output.push(e.body.output));
    s.initialize = await s.dc.initializeRequest({ adapterID: 'goheap', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsVariablePaging: true });
    return s;
  }

  /** Launch a script (text, written to a temp file) and configure breakpoints; resolves at the entry stop (none with stopOnEntry false). */
  static async launch(text: string, args: Record<string, unknown> = {}, opts: LaunchOptions = {}): Promise<{ story: Story; stop: Stopped | null }> {
    const s = await Story.start();
    const program = scriptFile(text);
    s.program = program;
    const launched = s.dc.launchRequest({ program, stopOnEntry: true, ...args } as DebugProtocol.LaunchRequestArguments);
    await s.next('initialized');
    if (opts.breakpoints !== undefined) await s.setBreakpoints(opts.breakpoints);
    if (opts.functionBreakpoints !== undefined) await s.dc.setFunctionBreakpointsRequest({ breakpoints: opts.functionBreakpoints.map((name) => ({ name })) });
    await s.setFilters(opts.filters ?? ['fault']);
    await s.dc.configurationDoneRequest();
    await launched;
    return { story: s, stop: args.stopOnEntry === false ? null : await s.nextStop() };
  }

  async setBreakpoints(bps: readonly (number | DebugProtocol.SourceBreakpoint)[]): Promise<DebugProtocol.Breakpoint[]> {
    const r = await this.dc.setBreakpointsRequest({ source: { path: this.program }, breakpoints: bps.map((b) => (typeof b === 'number' ? { line: b } : b)) });
    return r.body.breakpoints;
  }

  async setFilters(filters: readonly (string | { filterId: string; condition?: string })[]): Promise<DebugProtocol.Breakpoint[] | undefined> {
    const r = await this.dc.setExceptionBreakpointsRequest({
      filters: filters.filter((f): f is string => typeof f === 'string'),
      filterOptions: filters.filter((f): f is { filterId: string; condition?: string } => typeof f !== 'string'),
    });
    return r.body?.breakpoints;
  }

  private push(type: string, e: DebugProtocol.Event): void {
    const i = this.waiters.findIndex((w) => w.types.includes(type));
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(e);
    else this.queue.push(e);
  }

  /** The next event of one of these types (queued or future); each event is delivered once. */
  next(...types: string[]): Promise<DebugProtocol.Event> {
    const i = this.queue.findIndex((e) => types.includes(e.event));
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ types, resolve }));
  }

  /** The next stop; fails if the session terminates first. */
  async nextStop(): Promise<Stopped> {
    const e = await this.next('stopped', 'terminated');
    assert.ok(e.event === 'stopped', `expected a stop, the session terminated; output:\n${this.output.join('')}`);
    return e as Stopped;
  }

  async terminated(): Promise<void> {
    await this.next('terminated');
  }

  async motion(kind: 'next' | 'stepIn' | 'stepOut' | 'continue' | 'stepBack' | 'reverseContinue'): Promise<Stopped> {
    const args = { threadId: 1 };
    const stop = this.nextStop();
    switch (kind) {
      case 'next':
        await this.dc.nextRequest(args);
        break;
      case 'stepIn':
        await this.dc.stepInRequest(args);
        break;
      case 'stepOut':
        await this.dc.stepOutRequest(args);
        break;
      case 'continue':
        await this.dc.continueRequest(args);
        break;
      case 'stepBack':
        await this.dc.stepBackRequest(args);
        break;
      case 'reverseContinue':
        await this.dc.reverseContinueRequest(args);
        break;
    }
    return stop;
  }

  async frames(): Promise<DebugProtocol.StackFrame[]> {
    return (await this.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  }

  /** The top frame's name and the script line (1-based). */
  async where(): Promise<{ top: string; line: number }> {
    const f = await this.frames();
    return { top: f[0].name, line: f[f.length - 1].line };
  }

  /** Step (stepIn or next) until the predicate holds on the stack; at most `max` steps. */
  async stepUntil(pred: (frames: DebugProtocol.StackFrame[], stop: Stopped) => boolean, kind: 'stepIn' | 'next' = 'stepIn', max = 200): Promise<Stopped> {
    for (let i = 0; i < max; i++) {
      const stop = await this.motion(kind);
      if (pred(await this.frames(), stop)) return stop;
    }
    assert.fail(`no stop satisfied the predicate within ${max} steps`);
  }

  /** The `goheap/stopped` event that follows a stop. */
  async heapStopped(): Promise<{ sessionId: string; generation: number }> {
    return (await this.next('goheap/stopped')).body as { sessionId: string; generation: number };
  }

  /** A custom request's body (rejects with the adapter's message on an error response). */
  async custom<T>(command: string, args: unknown = {}): Promise<T> {
    return (await this.dc.customRequest(command, args)).body as T;
  }

  async evaluate(expression: string): Promise<DebugProtocol.EvaluateResponse['body']> {
    const f = await this.frames();
    return (await this.dc.evaluateRequest({ expression, context: 'repl', frameId: f[f.length - 1].id })).body;
  }

  async value(expression: string): Promise<string> {
    return (await this.evaluate(expression)).result;
  }

  /** The span holding the object an expression points to is in this state. */
  async expectSpanState(expr: string, state: string): Promise<void> {
    assert.equal(await this.value(`span(${expr}).state == ${state}`), 'true', `span(${expr}).state should be ${state}`);
  }

  async scope(name: string, frameIndex = 0): Promise<DebugProtocol.Variable[]> {
    const f = await this.frames();
    const scopes = (await this.dc.scopesRequest({ frameId: f[frameIndex].id })).body.scopes;
    const s = scopes.find((x) => x.name === name);
    assert.ok(s !== undefined, `scope ${name} in ${scopes.map((x) => x.name).join(', ')}`);
    return this.children(s.variablesReference);
  }

  async children(ref: number, start?: number, count?: number): Promise<DebugProtocol.Variable[]> {
    return (await this.dc.variablesRequest({ variablesReference: ref, start, count })).body.variables;
  }

  async close(): Promise<void> {
    await this.dc.stop();
  }
}
