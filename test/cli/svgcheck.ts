/**
 * Test helper: a strict XML well-formedness parser for the SVGs the CLI writes (elements,
 * attributes in double or single quotes, the five predefined entities and numeric references,
 * comments). Throws with the offset of the first problem; returns the element tree to query.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const entity = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function decode(s: string, at: number): string {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) if (!entity.test(s.slice(i))) throw new Error(`bad entity at ${at + i}`);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const nameRe = /^[A-Za-z_][\w.:-]*/;
  while (i < src.length) {
    if (src.startsWith('<!--', i)) {
      const e = src.indexOf('-->', i);
      if (e < 0) throw new Error(`unterminated comment at ${i}`);
      i = e + 3;
    } else if (src.startsWith('<?', i)) {
      const e = src.indexOf('?>', i);
      if (e < 0) throw new Error(`unterminated declaration at ${i}`);
      i = e + 2;
    } else if (src.startsWith('</', i)) {
      const m = nameRe.exec(src.slice(i + 2));
      const top = stack.pop();
      if (m === null || top === undefined || top.name !== m[0]) throw new Error(`mismatched end tag at ${i}: ${m?.[0]} closes ${top?.name}`);
      i += 2 + m[0].length;
      while (/\s/.test(src[i])) i++;
      if (src[i] !== '>') throw new Error(`bad end tag at ${i}`);
      i++;
    } else if (src[i] === '<') {
      const m = nameRe.exec(src.slice(i + 1));
      if (m === null) throw new Error(`bad tag name at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0].length;
        i += ws;
        if (src.startsWith('/>', i) || src[i] === '>') break;
        if (ws === 0) throw new Error(`missing space before attribute at ${i}`);
        const a = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(i));
        if (a === null) throw new Error(`bad attribute at ${i}`);
        if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} at ${i}`);
        el.attrs[a[1]] = decode(a[3] ?? a[4], i);
        i += a[0].length;
      }
      if (stack.length > 0) stack[stack.length - 1].children.push(el);
      else if (root === null) root = el;
      else throw new Error(`second root element at ${i}`);
      if (src.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const e = src.indexOf('<', i);
      const t = src.slice(i, e < 0 ? src.length : e);
      if (stack.length === 0) {
        if (t.trim() !== '') throw new Error(`text outside the root at ${i}`);
      } else stack[stack.length - 1].text += decode(t, i);
      i = e < 0 ? src.length : e;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root === null) throw new Error('no root element');
  return root;
}

/** Every element below (and including) `el` matching `pred`, in document order. */
export function findAll(el: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (pred(e)) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}

/** All text under an element. */
export function textOf(el: XmlElement): string {
  return el.text + el.children.map(textOf).join('');
}
