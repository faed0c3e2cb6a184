/** How script values read on screen: references in hex (as Go prints pointers), nil, stacks, arrays. */
import type { ValueType } from '../program/ast';
import type { Value } from '../program/exprcompile';

export const hex = (n: number): string => '0x' + n.toString(16);

export function showValue(v: Value, type: ValueType | 'array'): string {
  if (type === 'ref') return typeof v === 'number' && v !== 0 ? hex(v) : 'nil';
  if (v === null) return type === 'stack' ? 'no stack' : 'nil';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof Float64Array) return `[${v.length}] refs (${v.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0)} non-nil)`;
  return `stack ${hex(v.base)} (${v.size} bytes)`;
}
