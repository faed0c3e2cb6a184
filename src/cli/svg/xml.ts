/**
 * SVG building blocks shared by the plots: text escaping, number formatting for coordinates and
 * axis labels, "nice" tick steps, and the colours of the page map and the series.
 *
 * Invariants: every string that came from data (file names, labels) passes through `esc` before it
 * is placed in markup, so the SVG is well-formed XML whatever the script is called; styling uses
 * presentation attributes only (no `style` attributes, no `<script>`), so the images can be inlined
 * in a webview under a strict Content-Security-Policy.
 */

/** Escape text for XML character data and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A coordinate with at most two decimals (keeps files small and diffs stable). */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A tick step of 1, 2 or 5 × 10^k (bytes: × 2^k) giving at most `maxTicks` ticks over [0, max]. */
export function niceStep(max: number, maxTicks: number, binary = false): number {
  if (!(max > 0)) return 1;
  const raw = max / maxTicks;
  if (binary && raw >= 1024) {
    let step = 1024;
    while (step < raw) step *= 2;
    return step;
  }
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Bytes for an axis label: "0", "512 KiB", "4 MiB", "1.5 GiB". */
export function bytesLabel(n: number): string {
  if (n === 0) return '0';
  const units: [number, string][] = [
    [1 << 30, 'GiB'],
    [1 << 20, 'MiB'],
    [1 << 10, 'KiB'],
  ];
  for (const [u, name] of units) if (n >= u) return `${+(n / u).toFixed(2)} ${name}`;
  return `${n} B`;
}

/** A count for an axis label: 1200 → "1.2k", 3000000 → "3M". */
export function countLabel(n: number): string {
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(2)}k`;
  return String(n);
}

/** Distinct, colour-blind-friendly series colours (Okabe–Ito), cycled. */
export const seriesColors: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

export function seriesColor(i: number): string {
  return seriesColors[i % seriesColors.length];
}

/** Colour of a small size class on the page map: hues spread over the classes, large objects dark. */
export function classColor(sizeclass: number): string {
  if (sizeclass === 0) return '#2b4c7e';
  const hue = (sizeclass * 47) % 360;
  return `hsl(${hue},62%,58%)`;
}

/** Colours of page-map kinds other than small in-use spans. */
export const kindColors = {
  large: '#2b4c7e',
  manual: '#7b3fa0',
  free: '#c8c8c8',
  released: '#f4f4f4',
  cached: '#f2d24b',
  unused: '#ffffff',
} as const;

/** The document wrapper: a standalone SVG with a white background and a title for screen readers. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect x="0" y="0" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
