/**
 * What the checker knows, at one point of the script, about the value in each slot — just enough
 * to report misuse that is certain: storing a pointer into a noscan object, reading a dropped
 * variable, dereferencing nil, indexing past the end of an object of known size, freeing a stack
 * twice.
 *
 * States form a flat lattice per slot: UNKNOWN on top; below it 'nil', 'obj' (with optional
 * noscan/size), 'dropped', 'live' (a stack) and 'freed' (a freed stack). `join` is used where
 * paths meet (after `if`, after loops). Every fact must hold on every path: when in doubt, the
 * state is UNKNOWN and nothing is reported.
 *
 * Branches are analysed with an undo trail rather than by copying the whole state, so the cost is
 * proportional to what a branch changes, not to the number of variables.
 */

export type AbsKind = 'unknown' | 'nil' | 'obj' | 'dropped' | 'live' | 'freed';

export interface Abs {
  readonly k: AbsKind;
  /** 'obj': true for noscan, false for pointerful, null when unknown. */
  readonly noscan: boolean | null;
  /** 'obj': size in bytes when known. */
  readonly size: number | null;
  /** Offset where the state was established (the `nil`, `drop x`, `stackalloc`, `stackfree`); -1 if mixed. */
  readonly at: number;
}

export const UNKNOWN: Abs = { k: 'unknown', noscan: null, size: null, at: -1 };
export const NIL: Abs = { k: 'nil', noscan: null, size: null, at: -1 };

export function abs(k: AbsKind, at: number, noscan: boolean | null = null, size: number | null = null): Abs {
  return { k, noscan, size, at };
}

export function join(a: Abs, b: Abs): Abs {
  if (a === b) return a;
  if (a.k !== b.k || a.k === 'unknown') return UNKNOWN;
  const noscan = a.noscan === b.noscan ? a.noscan : null;
  const size = a.size === b.size ? a.size : null;
  const at = a.at === b.at ? a.at : -1;
  return { k: a.k, noscan, size, at };
}

/** Per-slot states with an undo trail. */
export class FlowState {
  private readonly vals: Abs[] = [];
  private readonly trailSlots: number[] = [];
  private readonly trailVals: Abs[] = [];

  /** A new slot starts at its zero value (nil), or UNKNOWN inside a loop (a previous iteration may have set it). */
  addSlot(initial: Abs): void {
    this.vals.push(initial);
  }

  get(slot: number): Abs {
    return slot >= 0 && slot < this.vals.length ? this.vals[slot] : UNKNOWN;
  }

  set(slot: number, v: Abs): void {
    if (slot < 0 || slot >= this.vals.length) return;
    if (this.vals[slot] === v) return;
    this.trailSlots.push(slot);
    this.trailVals.push(this.vals[slot]);
    this.vals[slot] = v;
  }

  mark(): number {
    return this.trailSlots.length;
  }

  /** Slots changed since `mark`, with their current values. */
  changedSince(mark: number): Map<number, Abs> {
    const out = new Map<number, Abs>();
    for (let i = mark; i < this.trailSlots.length; i++) {
      const s = this.trailSlots[i];
      out.set(s, this.vals[s]);
    }
    return out;
  }

  undo(mark: number): void {
    while (this.trailSlots.length > mark) {
      const s = this.trailSlots.pop()!;
      this.vals[s] = this.trailVals.pop()!;
    }
  }
}
