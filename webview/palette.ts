/**
 * The page map's colours, taken from the theme: each page kind has a CSS custom property in
 * media/heapview.css (`--gh-free`, ...) defined over VS Code's theme variables, and in-use spans
 * get one hue per size class (golden-angle steps, lightness chosen for the theme kind). Colours
 * are resolved once per theme change to packed RGBA words for ImageData.
 *
 * Invariant: `css` and `word` of an entry describe the same colour (the legend shows `css`, the
 * canvas writes `word`), so a pixel can be traced back to its kind.
 */
import type { PageKind } from '../src/protocol/heapview';

export interface Colour {
  readonly css: string;
  /** RGBA packed little-endian (R in the low byte), as Uint32Array over ImageData sees it. */
  readonly word: number;
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

export const KIND_ORDER: readonly PageKind[] = ['inuse', 'manual', 'free', 'released', 'cached', 'unused'];

export const KIND_LABEL: Record<PageKind, string> = {
  inuse: 'in use (mSpanInUse, by size class)',
  manual: 'manual (stacks)',
  free: 'free, retained',
  released: 'free, released to the OS',
  cached: "in a P's page cache",
  unused: 'not yet used (arena)',
};

export interface Palette {
  readonly kind: Record<PageKind, Colour>;
  /** Large objects (size class 0). */
  readonly large: Colour;
  readonly background: Colour;
  /** Span boundary and selection outline. */
  readonly boundary: Colour;
  readonly selection: Colour;
  readonly theme: 'light' | 'dark' | 'high-contrast';
  sizeclass(c: number): Colour;
}

function parse(css: string, probe: CanvasRenderingContext2D): Colour {
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = css.trim() === '' ? '#808080' : css.trim();
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return make(r, g, b);
}

function make(r: number, g: number, b: number): Colour {
  return { css: `rgb(${r}, ${g}, ${b})`, word: ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0, r, g, b };
}

function hsl(h: number, s: number, l: number): Colour {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return make(f(0), f(8), f(4));
}

export function themeOf(body: HTMLElement): Palette['theme'] {
  if (body.classList.contains('vscode-high-contrast') || body.classList.contains('vscode-high-contrast-light')) return 'high-contrast';
  if (body.classList.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Resolve the palette from the document's computed styles. */
export function readPalette(doc: Document): Palette {
  const cs = getComputedStyle(doc.body);
  const c = doc.createElement('canvas');
  c.width = c.height = 1;
  const probe = c.getContext('2d', { willReadFrequently: true });
  if (probe === null) throw new Error('no 2d canvas');
  const v = (name: string): Colour => parse(cs.getPropertyValue(name), probe);
  const theme = themeOf(doc.body);
  const kind: Record<PageKind, Colour> = {
    inuse: v('--gh-inuse'),
    manual: v('--gh-manual'),
    free: v('--gh-free'),
    released: v('--gh-released'),
    cached: v('--gh-cached'),
    unused: v('--gh-unused'),
  };
  // Size-class hues avoid the kinds' own colours: they stay in the warm/blue band 180..420°,
  // stepped by the golden angle so neighbouring classes differ.
  const light = theme === 'light' ? 0.5 : 0.62;
  const sat = theme === 'high-contrast' ? 0.9 : 0.62;
  const cache = new Map<number, Colour>();
  const sizeclass = (k: number): Colour => {
    let col = cache.get(k);
    if (col === undefined) {
      const hue = 190 + ((k * 137.508) % 200);
      col = hsl(hue % 360, sat, light - (k % 3) * 0.06);
      cache.set(k, col);
    }
    return col;
  };
  return {
    kind,
    large: v('--gh-large'),
    background: v('--gh-background'),
    boundary: v('--gh-boundary'),
    selection: v('--gh-selection'),
    theme,
    sizeclass,
  };
}

/** The colour a run is drawn with. */
export function runColour(p: Palette, kind: PageKind, sizeclass: number): Colour {
  if (kind !== 'inuse') return p.kind[kind];
  return sizeclass === 0 ? p.large : p.sizeclass(sizeclass);
}
