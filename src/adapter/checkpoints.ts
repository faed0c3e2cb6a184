/**
 * Checkpoints for time travel. A state of a run is (program, settings, executed): the engine is
 * deterministic, so replaying `executed` statements on a fresh interpreter rebuilds it exactly.
 * Interpreters cannot be copied, and one that is run forward is used up, so a checkpoint here is a
 * *prepared* interpreter: a fresh one replayed to a target count in the background, a few
 * milliseconds at a time between event-loop turns (requests and `pause` are never held up long).
 * `take(n)` hands over the prepared interpreter for n (finishing its replay if needed), or the
 * closest one below n run forward, or a fresh replay from 0.
 *
 * A new prefetch reuses what is prepared: an entry whose target is no longer wanted is retargeted
 * to a wanted count at or above where it is (after a `next`, the interpreter prepared for "one
 * back" runs one statement more instead of a fresh replay from 0). Background work runs in turns
 * of at most TURN_MS, so a request arriving meanwhile waits at most that long.
 *
 * Invariants: prepared interpreters never have a probe, a listener or an output callback; each
 * one's `executed` is at most its target; at most MAX entries are kept.
 */
import type { Program } from '../program/ast';
import { Interpreter } from '../program/interpreter';
import type { Settings } from '../program/settings';

const MAX = 3;
/** Longest background turn, ms; statements run in batches of BATCH between clock reads. */
const TURN_MS = 4;
const BATCH = 500;

interface Entry {
  target: number;
  readonly it: Interpreter;
}

export class Checkpoints {
  private entries: Entry[] = [];
  private scheduled = false;
  private disposed = false;
  /** Statements replayed in total (for measurements and tests). */
  replayed = 0;

  constructor(
    private readonly program: Program,
    private readonly settings: Settings,
  ) {}

  /** An interpreter that has executed exactly `n` statements, for the caller to use up. */
  take(n: number): Interpreter {
    let best = -1;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.it.executed > n) continue;
      if (e.target === n) {
        best = i;
        break;
      }
      if (best < 0 || e.it.executed > this.entries[best].it.executed) best = i;
    }
    let it: Interpreter;
    if (best >= 0) {
      it = this.entries[best].it;
      this.entries.splice(best, 1);
    } else it = new Interpreter(this.program, this.settings);
    this.advance(it, n - it.executed);
    return it;
  }

  /** The interpreter prepared for exactly n, if its replay is finished (a fresh one for 0); null otherwise (nothing is run). */
  takeReady(n: number): Interpreter | null {
    const i = this.entries.findIndex((e) => e.target === n && e.it.executed === n);
    if (i < 0) return n === 0 && !this.disposed ? new Interpreter(this.program, this.settings) : null;
    return this.entries.splice(i, 1)[0].it;
  }

  /** Keep an interpreter someone else ran (the runner's trailing one) as the checkpoint for its count. */
  give(it: Interpreter): void {
    if (this.disposed || !(it.status === 'ready' || it.status === 'paused')) return;
    this.entries = this.entries.filter((e) => e.target !== it.executed);
    this.entries.unshift({ target: it.executed, it });
    if (this.entries.length > MAX) this.entries.length = MAX;
  }

  /** Prepare interpreters for these counts in the background (dropping other, older targets). */
  prefetch(targets: readonly number[]): void {
    if (this.disposed) return;
    const want = [...new Set(targets.filter((t) => t >= 0))].slice(0, MAX);
    const kept = this.entries.filter((e) => want.includes(e.target));
    const spare = this.entries.filter((e) => !want.includes(e.target) && (e.it.status === 'ready' || e.it.status === 'paused'));
    for (const t of want) {
      if (kept.some((e) => e.target === t)) continue;
      // The spare entry furthest along that is not past t, else a fresh replay.
      let best = -1;
      for (let i = 0; i < spare.length; i++) if (spare[i].it.executed <= t && (best < 0 || spare[i].it.executed > spare[best].it.executed)) best = i;
      if (best >= 0) {
        const e = spare.splice(best, 1)[0];
        e.target = t;
        kept.push(e);
      } else kept.push({ target: t, it: new Interpreter(this.program, this.settings) });
    }
    this.entries = kept;
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.entries = [];
  }

  private schedule(): void {
    if (this.scheduled || this.disposed) return;
    const pending = this.entries.find((e) => e.it.executed < e.target && (e.it.status === 'ready' || e.it.status === 'paused'));
    if (pending === undefined) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.disposed) return;
      const e = this.entries.find((x) => x.it.executed < x.target && (x.it.status === 'ready' || x.it.status === 'paused'));
      if (e === undefined) return;
      const t0 = performance.now();
      do this.advance(e.it, Math.min(BATCH, e.target - e.it.executed));
      while (e.it.executed < e.target && (e.it.status === 'ready' || e.it.status === 'paused') && performance.now() - t0 < TURN_MS);
      this.schedule();
    });
  }

  /**
   * Run exactly n more statements (fewer only if the script ends or faults). `run(n)` without a
   * predicate may stop short of n (its whole-iteration loop fast path), so loop until exact.
   */
  advance(it: Interpreter, n: number): void {
    const before = it.executed;
    const target = before + n;
    while (it.executed < target && (it.status === 'ready' || it.status === 'paused')) it.run(target - it.executed);
    this.replayed += it.executed - before;
  }
}
