/** Small statistics for noisy machines: medians of repetitions, spread, and calibrated loops. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** (max - min) / median, as a percentage: how noisy the repetitions were. */
export function spreadPct(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
}

/**
 * Warm `run(n)` up for about warmupMs (growing n), then return the n that should take targetMs.
 * `run` must do n operations and continue where the previous call stopped.
 */
export function calibrate(run: (n: number) => void, warmupMs: number, targetMs: number): number {
  let n = 256;
  let spent = 0;
  let nsPerOp = 0;
  while (spent < warmupMs) {
    const t0 = performance.now();
    run(n);
    const dt = performance.now() - t0;
    spent += dt;
    nsPerOp = (dt * 1e6) / n;
    if (dt < 50) n *= 2;
  }
  return Math.max(1000, Math.round((targetMs * 1e6) / nsPerOp));
}
