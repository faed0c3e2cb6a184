/**
 * Interpreter fuzzing: thousands of random well-formed scripts (random allocations, pointer
 * stores, drops, loops, GC, sweeps, stacks, finalizers, facts) on every model. A run may end
 * done, with a failed assert, or with a fault — never with an exception escaping — and the heap
 * must satisfy every invariant afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../src/program/index';
import { Interpreter } from '../../src/program/interpreter';
import { fastrand } from '../../src/engine/fastrand';

const SCRIPTS = Number(process.env.GOHEAP_FUZZ_SCRIPTS ?? 1500);

function randomScript(r: fastrand, model: string): string {
  // p and q always hold pointerful objects, n pointer-free ones, so most scripts pass the checker;
  // the ring holds anything and may be cleared.
  const scan = ['p', 'q'];
  const lines: string[] = [`model ${model}`, `procs ${1 + r.n(3)}`, `gogc ${['50', '100', 'off'][r.n(3)]}`, `memprofilerate ${[0, 1, 4096][r.n(3)]}`, 'var ring[64]'];
  lines.push(`p = new ${8 + r.n(200)}`, `q = new ${8 + r.n(200)}`, `n = new ${1 + r.n(200)} noscan`, 'st = stackalloc 8KB');
  const scanSize = (): string => [`${8 + r.n(4000)}`, `${32769 + r.n(300000)}`, `rand(5000) + 8`][r.n(3)];
  const anySize = (): string => [`${1 + r.n(15)} noscan`, `${1 + r.n(4000)}`, `${1 + r.n(4000)} noscan`, `${32769 + r.n(300000)} noscan`, `rand(5000) + 1`][r.n(5)];
  const stmt = (depth: number): string[] => {
    const v = scan[r.n(2)];
    const w = scan[r.n(2)];
    switch (r.n(16)) {
      case 0: case 1: return [`${v} = new ${scanSize()}`];
      case 2: return [`n = new ${[`${1 + r.n(15)}`, `${1 + r.n(4000)}`, `${32769 + r.n(300000)}`][r.n(3)]} noscan`];
      case 3: return [`ring[rand(64)] = new ${anySize()}`];
      case 4: return [`${v}.next = ${w}`, `${v}.other = n`];
      case 5: return [`${v}[${r.n(4)}] = ring[${r.n(64)}]`];
      case 6: return [`ring[${r.n(64)}] = nil`];
      case 7: return ['gc'];
      case 8: return [`sweep ${1 + r.n(10)}`];
      case 9: return [`tick ${1 + r.n(7)}m`];
      case 10: return [`setfinalizer ${v}`, 'runfinalizers'];
      case 11: return ['freeosmemory'];
      case 12: return [`expect heap.objects >= 0`, `print heap.inuse, obj(${v}).elemsize, span(n).allocCount`];
      case 13: return [`on P0 {`, ...(depth < 2 ? stmt(depth + 1) : ['gc']), '}'];
      case 14: return depth < 2 ? [`repeat ${1 + r.n(50)} as i${depth} {`, ...stmt(depth + 1), ...stmt(depth + 1), '}'] : ['scavenge'];
      default: return [`if heap.inuse > ${r.n(1 << 20)} {`, ...stmt(depth + 1), '} else {', `${w} = new 48`, '}'];
    }
  };
  const count = 5 + r.n(25);
  for (let i = 0; i < count; i++) lines.push(...stmt(0));
  if (r.n(3) === 0) lines.push('stackfree st');
  return lines.join('\n') + '\n';
}

for (const model of ['go1.5', 'go1.10', 'go1.14']) {
  test(`${model}: ${SCRIPTS} random scripts end done, failed or faulted — never throw — with a sound heap`, () => {
    const r = new fastrand(model.length * 7 + 11);
    let ran = 0;
    const outcomes = new Map<string, number>();
    for (let k = 0; k < SCRIPTS; k++) {
      const text = randomScript(r, model);
      const c = compile(text);
      if (!c.ok) continue; // the static checker refused it (e.g. a pointer store into a known-noscan object)
      ran++;
      const it = new Interpreter(c.program, c.settings);
      let status: string;
      try {
        status = it.run(200_000);
      } catch (e) {
        assert.fail(`script ${k} threw ${(e as Error).stack}\n${text}`);
      }
      assert.ok(['done', 'paused', 'faulted', 'failed'].includes(status), status);
      outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
      const bad = it.heap.checkInvariants();
      if (bad.length > 0) assert.fail(`script ${k} (${status}) left the heap unsound:\n  ${bad.slice(0, 5).join('\n  ')}\n${text}`);
    }
    assert.ok(ran > SCRIPTS / 2, `most scripts compile (${ran}/${SCRIPTS})`);
    assert.ok((outcomes.get('done') ?? 0) > ran / 2, `most run to the end: ${JSON.stringify([...outcomes])}`);
  });
}
