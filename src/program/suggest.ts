/**
 * "Did you mean ...?": the nearest candidate name by edit distance (optimal string alignment:
 * insertions, deletions, substitutions, adjacent transpositions), for unknown variables,
 * statements, units and heap facts.
 *
 * Distances ignore case and `_` (`heap_sys` is `heapSys`); a candidate equal under that rule
 * always wins. Deterministic: ties go to the earliest candidate.
 */

function normalize(s: string): string {
  return s.replace(/_/g, '').toLowerCase();
}

/** Edit distance, giving up (returning limit+1) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        v = Math.min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/** The closest candidate to `name`, or undefined when none is close enough to be a typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > 64) return undefined;
  const norm = normalize(name);
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    if (c === name) continue;
    const cn = normalize(c);
    if (cn === norm) return c;
    const d = editDistance(norm, cn, limit);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** ", did you mean `x`?" or "". */
export function didYouMean(name: string, candidates: Iterable<string>, prefix = ''): string {
  const s = nearest(name, candidates);
  return s === undefined ? '' : `; did you mean \`${prefix}${s}\`?`;
}
