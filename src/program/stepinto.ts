/**
 * Inside a statement: the runtime steps it goes through, and the heap at any one of them.
 *
 * The engine is deterministic, so a state of a run is identified by (program, settings, number of
 * statements executed). To look inside the next statement, a fresh interpreter replays the run
 * to that point, attaches a probe to the heap and executes the statement: a RecordingProbe lists
 * every internal step (Go's function names for the era, their arguments and locals), and one
 * that stops at step k leaves the heap exactly as it is after that step. Replaying costs time
 * proportional to the statements before; the debugger keeps checkpoints to bound it.
 */
import type { Program } from './ast';
import { Interpreter, type InterpreterOptions } from './interpreter';
import type { Settings } from './settings';
import { funcName, RecordingProbe, type Locals } from '../engine/probe';

export interface RuntimeStep {
  /** Innermost frame first, named as the model's runtime names it (`(*mheap).grow`, `mHeap_Grow`). */
  readonly frames: { readonly fn: string; readonly locals: Locals }[];
  /** What happened at this step, in words. */
  readonly what: string;
}

/** A fresh interpreter that has executed exactly `executed` statements. */
export function replayTo(program: Program, settings: Settings, executed: number, opts: InterpreterOptions = {}): Interpreter {
  const it = new Interpreter(program, settings, opts);
  if (executed > 0) it.run(executed);
  return it;
}

/** Every runtime step of the statement that runs after `executed` statements. */
export function runtimeSteps(program: Program, settings: Settings, executed: number): RuntimeStep[] {
  const it = replayTo(program, settings, executed);
  const probe = new RecordingProbe();
  it.heap.setProbe(probe);
  it.step();
  it.heap.setProbe(null);
  return probe.steps.map((st) => toStep(settings, st));
}

/**
 * An interpreter stopped inside the statement that runs after `executed` statements, right after
 * its internal step k (0-based). Its status is 'inside' (or, if the statement has k steps or
 * fewer, the statement completed normally).
 */
export function pauseInside(program: Program, settings: Settings, executed: number, k: number): { interpreter: Interpreter; step: RuntimeStep | null } {
  const it = replayTo(program, settings, executed);
  const probe = new RecordingProbe(k);
  it.heap.setProbe(probe);
  it.step();
  it.heap.setProbe(null);
  const last = probe.steps[probe.steps.length - 1];
  const step = last === undefined ? null : toStep(settings, last);
  return { interpreter: it, step };
}

function toStep(settings: Settings, st: RecordingProbe['steps'][number]): RuntimeStep {
  const frames = st.frames.map((f) => ({ fn: funcName(settings.model, f.fn), locals: f.locals }));
  return { frames, what: st.what.startsWith('enter ') ? `enter ${frames[0].fn}` : st.what };
}
