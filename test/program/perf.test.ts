/**
 * Size: a 1,000,000-line script goes through the front end whole. How long it takes is measured
 * by `npm run bench` (section `scripts`), never asserted here.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, parse } from '../../src/program/index';

/** A realistic churn workload: allocations, stores, loops, branches, checks, comments. */
export function workload(lines: number): string {
  const head = ['model go1.14', 'procs 4', 'var ring[4096]', 'prev = nil', 'n = 0', 'x = nil'];
  const body = [
    'x = new 24',
    'x.next = prev',
    'prev = x',
    'b = new 100 noscan',
    'ring[n % 4096] = new 32',
    'n = n + 1',
    'repeat 10 as i { ring[i] = new 48 }',
    'if n % 7 == 0 { gc } else { sweep 2 }',
    'expect heap.inuse >= 0 && span(x).allocCount > 0, "live"',
    '# a comment line',
  ];
  const out = head.slice();
  while (out.length < lines) out.push(body[(out.length - head.length) % body.length]);
  return out.join('\n') + '\n';
}

test('a 1,000,000-line script parses and checks with no diagnostics', () => {
  const text = workload(1_000_000);
  const p = parse(text);
  const d = check(p.program);
  assert.deepEqual([...p.diagnostics, ...d], []);
  assert.equal(p.program.lineCount, 1_000_001);
});
