/**
 * Checkpoints for time travel. A state of a run is (program, settings, executed): the engine is
 * deterministic, so replaying `executed` statements on a fresh interpreter rebuilds it exactly.
 * Interpreters cannot be copied, and one that is run forward is used up, so a checkpoint here is a
 * *prepared* interpreter: a fresh one replayed to a target count in the background, in slices of
 * SLICE statements between event-loop turns (requests and `pause` are never held up for long).
 * `take(n)` hands over the prepared interpreter for n (finishing its replay if needed), or the
 * closest one below n run forward, or a fresh replay from 0.
 *
 * Invariants: prepared interpreters never have a probe, a listener or an output callback; each
 * one's `executed` is at most its target; at most MAX entries are kept.
 */
import type { Program } from '../program/ast';
import { Interpreter } from '../program/interpreter';
import type { Settings } from '../program/settings';

const SLICE = 50_000;
const MAX = 3;

interface Entry {
  readonly target: number;
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

  /** Prepare interpreters for these counts in the background (dropping other, older targets). */
  prefetch(targets: readonly number[]): void {
    if (this.disposed) return;
    const want = [...new Set(targets.filter((t) => t >= 0))].slice(0, MAX);
    this.entries = this.entries.filter((e) => want.includes(e.target));
    for (const t of want) if (!this.entries.some((e) => e.target === t)) this.entries.push({ target: t, it: new Interpreter(this.program, this.settings) });
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
      this.advance(e.it, Math.min(SLICE, e.target - e.it.executed));
      this.schedule();
    });
  }

  /**
   * Run exactly n more statements (fewer only if the script ends or faults). `run(n)` without a
   * predicate may stop short of n (its whole-iteration loop fast path), so loop until exact.
   */
  private advance(it: Interpreter, n: number): void {
    const before = it.executed;
    const target = before + n;
    while (it.executed < target && (it.status === 'ready' || it.status === 'paused')) it.run(target - it.executed);
    this.replayed += it.executed - before;
  }
}
