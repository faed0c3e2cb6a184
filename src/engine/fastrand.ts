/**
 * fastrand: the runtime's cheap per-M random number generator, seeded here so that the engine is
 * deterministic. Used for treap priorities (go1.10) and memory-profile sampling.
 *
 * The algorithm is xorshift (Marsaglia), 32-bit state pair, as in the runtime of the go1.10 era.
 * Invariant: never returns the same sequence for two different seeds except by coincidence, and
 * always the same sequence for the same seed.
 */
export class fastrand {
  private s0: number;
  private s1: number;

  constructor(seed: number) {
    // Spread the seed over two non-zero 32-bit words (splitmix-style mixing).
    let z = (seed ^ 0x9e3779b9) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    this.s0 = (z ^ (z >>> 16)) >>> 0 || 1;
    this.s1 = (Math.imul(this.s0, 0x27d4eb2d) ^ 0x165667b1) >>> 0 || 2;
  }

  /** Next uint32. */
  next(): number {
    let s1 = this.s0;
    const s0 = this.s1;
    s1 ^= s1 << 17;
    s1 = s1 ^ s0 ^ (s1 >>> 7) ^ (s0 >>> 16);
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    return (this.s0 + this.s1) >>> 0;
  }

  /** Uniform in [0, n). */
  n(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  /** Captured state, for checkpoints. */
  state(): [number, number] {
    return [this.s0, this.s1];
  }

  restore(st: [number, number]): void {
    this.s0 = st[0];
    this.s1 = st[1];
  }
}
