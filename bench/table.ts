/** Text formatting for the bench report: aligned tables, section headings, numbers with units. */

export type Align = 'l' | 'r';

/** A plain-text table; numbers are right-aligned by default, the first column left-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const cols = head.length;
  const al = (i: number): Align => align?.[i] ?? (i === 0 ? 'l' : 'r');
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    Array.from({ length: cols }, (_, i) => {
      const c = cells[i] ?? '';
      return al(i) === 'l' ? c.padEnd(width[i]) : c.padStart(width[i]);
    })
      .join('  ')
      .trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), rule, ...rows.map(line)].join('\n');
}

export function heading(title: string): string {
  return `\n== ${title} ${'='.repeat(Math.max(3, 76 - title.length))}`;
}

/** Nanoseconds with a unit that keeps 3-4 significant digits. */
export function ns(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x < 1e3) return `${x.toFixed(1)} ns`;
  if (x < 1e6) return `${(x / 1e3).toFixed(2)} µs`;
  if (x < 1e9) return `${(x / 1e6).toFixed(2)} ms`;
  return `${(x / 1e9).toFixed(2)} s`;
}

export function ms(x: number): string {
  return Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : '-';
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '-';
}

export function ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '-';
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(0)}%` : '-';
}

export function int(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-';
}

/** 10^k for powers of ten, else a grouped integer. */
export function count(x: number): string {
  const k = Math.log10(x);
  return Number.isInteger(k) && k >= 3 ? `10^${k}` : int(x);
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}
