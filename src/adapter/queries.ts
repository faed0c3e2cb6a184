/**
 * Debug Console queries beyond script expressions:
 *   span 0xADDR     the span holding an address (any state), expandable
 *   lookup 0xADDR   what an address is: an object (class, elemsize, span), a free slot, a stack, free pages
 *   class N         how an N-byte allocation is served: size class, elemsize, span size, objects per span, waste
 * Each answer is one line plus, where there is more, a reference to expand.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Interpreter } from '../program/interpreter';
import { hex } from './values';
import type { Variables } from './variables';

export interface QueryAnswer {
  readonly result: string;
  readonly variablesReference: number;
}

const QUERY = /^\s*(span|lookup|class)\s+(0x[0-9a-fA-F]+|[0-9][0-9_]*)\s*$/;

export function isQuery(text: string): boolean {
  return QUERY.test(text);
}

export function runQuery(text: string, it: Interpreter, vars: Variables): QueryAnswer {
  const m = QUERY.exec(text)!;
  const n = Number(m[2].replace(/_/g, ''));
  const hp = it.heap;
  const h = hp.h;
  if (m[1] === 'class') {
    if (n <= 0) return { result: `a ${n}-byte allocation returns runtime.zerobase`, variablesReference: 0 };
    const sc = hp.sizeclass(n);
    if (sc === 0) {
      const pages = Math.ceil(n / 8192);
      return { result: `${n} bytes: large object (size class 0), its own span of ${pages} page${pages === 1 ? '' : 's'}; ${pages * 8192 - n} bytes of tail waste`, variablesReference: 0 };
    }
    const size = h.sc.class_to_size[sc];
    const npages = h.sc.class_to_allocnpages[sc];
    const per = Math.floor((npages * 8192) / size);
    const rows: DebugProtocol.Variable[] = [
      { name: 'sizeclass', value: String(sc), variablesReference: 0 },
      { name: 'elemsize', value: String(size), variablesReference: 0 },
      { name: 'span pages', value: String(npages), variablesReference: 0 },
      { name: 'objects per span', value: String(per), variablesReference: 0 },
      { name: 'waste per object', value: `${size - n} bytes (${(((size - n) / size) * 100).toFixed(1)}%)`, variablesReference: 0 },
      { name: 'span tail waste', value: `${npages * 8192 - per * size} bytes`, variablesReference: 0 },
    ];
    return { result: `${n} bytes -> size class ${sc}, elemsize ${size}, ${per} objects per ${npages}-page span`, variablesReference: vars.ref({ kind: 'info', rows }) };
  }
  const s = hp.spanOf(n);
  if (s === null) return { result: `${hex(n)} is not in any span of the heap`, variablesReference: 0 };
  if (m[1] === 'span' || s.state !== 'mSpanInUse') {
    const v = vars.spanVar('span', s);
    const note = m[1] === 'lookup' ? `${hex(n)} is in ${s.state === 'mSpanManual' ? 'a stack span' : 'a free span'}: ` : '';
    return { result: `${note}span ${v.value}`, variablesReference: v.variablesReference };
  }
  const idx = s.objIndex(n);
  const base = s.startAddr + idx * s.elemsize;
  const allocated = s.isAllocated(idx);
  if (!allocated) return { result: `${hex(n)} is free slot ${idx} of span ${hex(s.startAddr)} (${vars.classText(s.spanclass)})`, variablesReference: vars.spanVar('span', s).variablesReference };
  const off = n - base;
  const v = vars.refVar('object', base);
  return { result: `${hex(n)} is ${off === 0 ? '' : `offset ${off} of `}object ${v.value}`, variablesReference: v.variablesReference };
}
