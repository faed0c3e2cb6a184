/**
 * Integer arithmetic of scripts, shared by the checker (constant folding) and the interpreter so
 * both agree to the bit.
 *
 * Values are exact integers in [-(2^53-1), 2^53-1] (JS numbers). Semantics follow Go's int:
 * `/` truncates toward zero, `%` has the sign of the dividend, `>>` is arithmetic (floor),
 * a negative shift count is an error. A result outside the exact range is an overflow error
 * rather than a silent wrap, since a wrapped size would allocate something the user never meant.
 */

import { MAX_INT } from './tokens';

export type IntOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>';

/** An arithmetic failure: the interpreter turns it into a stop-on-exception, the checker into a diagnostic. */
export type ArithFault = 'overflow' | 'division by zero' | 'negative shift count';

/** Applies `op`; returns the result, or a fault. Operands must be exact integers. */
export function applyIntOp(op: IntOp, a: number, b: number): number | ArithFault {
  let r: number;
  switch (op) {
    case '+': r = a + b; break;
    case '-': r = a - b; break;
    case '*': r = a * b; break;
    case '/':
      if (b === 0) return 'division by zero';
      r = truncDiv(a, b);
      break;
    case '%':
      if (b === 0) return 'division by zero';
      r = a % b;
      if (r === 0) r = 0; // no -0
      break;
    case '<<':
      if (b < 0) return 'negative shift count';
      if (a === 0) return 0;
      if (b > 53) return 'overflow';
      r = a * 2 ** b;
      break;
    case '>>':
      if (b < 0) return 'negative shift count';
      if (b > 53) return a < 0 ? -1 : 0;
      r = Math.floor(a / 2 ** b);
      break;
  }
  if (r > MAX_INT || r < -MAX_INT) return 'overflow';
  return r === 0 ? 0 : r;
}

/** Exact truncated division of safe integers (a float quotient can be one off near 2^53). */
export function truncDiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  let rem = a - q * b;
  // Fix the quotient so that |rem| < |b| and rem has the sign of a (or is zero).
  while (rem !== 0 && (Math.sign(rem) !== Math.sign(a) || Math.abs(rem) >= Math.abs(b))) {
    if (Math.sign(rem) !== Math.sign(a)) q += Math.sign(a) === Math.sign(b) ? -1 : 1;
    else q += Math.sign(a) === Math.sign(b) ? 1 : -1;
    rem = a - q * b;
  }
  return q === 0 ? 0 : q;
}

export function isFault(v: number | ArithFault): v is ArithFault {
  return typeof v === 'string';
}

/** 1KB, 1.5MB-ish readable size for messages: exact when a unit divides it, else bytes. */
export function formatBytes(n: number): string {
  const units: [string, number][] = [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['KB', 2 ** 10]];
  for (const [u, s] of units) if (n >= s && n % s === 0) return `${n / s}${u}`;
  return `${n} bytes`;
}
