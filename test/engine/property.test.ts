/**
 * Property tests: thousands of random operation sequences per model, with the invariant checker
 * after every operation. Operations mix everything a program does to the allocator; the only
 * faults allowed are the ones the sequence provokes on purpose (freeing a stack twice).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestHeap, allModels } from './helpers';
import { fastrand } from '../../src/engine/fastrand';
import { isRuntimeFault } from '../../src/engine/heap';
import type { StackHandle } from '../../src/engine/heap';

const SEQUENCES = Number(process.env.GOHEAP_PROPERTY_SEQUENCES ?? 2000);
const OPS = 40;

function size(r: fastrand): number {
  switch (r.n(6)) {
    case 0:
      return 1 + r.n(15); // tiny range
    case 1:
      return 1 + r.n(1024);
    case 2:
      return 1 + r.n(32768);
    case 3:
      return 32769 + r.n(40 * 8192); // large
    case 4:
      return [8, 16, 32, 48, 64, 8192, 32768][r.n(7)];
    default:
      return 128 * 8192 + r.n(64) * 8192; // freelarge / treap sized
  }
}

function runSequence(model: (typeof allModels)[number], seed: number): void {
  const r = new fastrand(seed);
  const hp = new TestHeap({ model, procs: 1 + r.n(3), memProfileRate: [0, 1, 4096, 512 * 1024][r.n(4)], gogc: [50, 100, -1][r.n(3)], seed });
  const stacks: StackHandle[] = [];
  const freedStacks: StackHandle[] = [];
  const names = (): string[] => [...hp.rootSet.keys()];
  const log: string[] = [];
  for (let k = 0; k < OPS; k++) {
    const op = r.n(14);
    let what = '';
    try {
      switch (op) {
        case 0:
        case 1:
        case 2:
        case 3: {
          const n = size(r);
          const noscan = r.n(2) === 0;
          what = `keep v${k} = new ${n}${noscan ? ' noscan' : ''}`;
          hp.keep(`v${k}`, n, noscan, r.n(hp.config.procs));
          break;
        }
        case 4: {
          const n = size(r);
          what = `garbage new ${n}`;
          hp.malloc(n, r.n(2) === 0, r.n(hp.config.procs));
          break;
        }
        case 5: {
          const ns = names();
          if (ns.length === 0) break;
          const v = ns[r.n(ns.length)];
          what = `drop ${v}`;
          hp.drop(v);
          break;
        }
        case 6: {
          const ns = names();
          if (ns.length < 2) break;
          const a = hp.rootSet.get(ns[r.n(ns.length)])!;
          const b = hp.rootSet.get(ns[r.n(ns.length)])!;
          const s = hp.spanOf(a);
          if (s === null || hp.isNoscan(a)) break;
          what = `link ${a.toString(16)} -> ${b.toString(16)}`;
          hp.writePointer(a, r.n(4), b);
          break;
        }
        case 7:
          what = 'gc';
          hp.gc();
          break;
        case 8:
          what = 'gcStart (lazy sweep)';
          hp.h.startGC(false, 0);
          break;
        case 9:
          what = 'sweep';
          hp.sweep(1 + r.n(5));
          break;
        case 10:
          what = 'tick';
          hp.tick((1 + r.n(8)) * 60e9);
          break;
        case 11: {
          if (freedStacks.length > 0 && r.n(4) === 0) {
            what = 'stackfree twice';
            const s = freedStacks[r.n(freedStacks.length)];
            assert.throws(() => hp.stackFree(s), (e: unknown) => isRuntimeFault(e));
          } else if (stacks.length > 0 && r.n(2) === 0) {
            what = 'stackfree';
            const s = stacks.splice(r.n(stacks.length), 1)[0];
            hp.stackFree(s);
            freedStacks.push(s);
          } else {
            what = 'stackalloc';
            stacks.push(hp.stackAlloc(2048 << r.n(8)));
          }
          break;
        }
        case 12: {
          const ns = names();
          if (ns.length === 0) break;
          what = 'setfinalizer';
          hp.setFinalizer(hp.rootSet.get(ns[r.n(ns.length)])!);
          break;
        }
        default:
          what = ['runfinalizers', 'freeosmemory', 'scavenge'][r.n(3)];
          if (what === 'runfinalizers') hp.runFinalizers();
          else if (what === 'freeosmemory') hp.freeOSMemory();
          else hp.scavenge();
      }
    } catch (e) {
      throw new Error(`seed ${seed}, op ${k} (${what}) threw: ${(e as Error).stack}\n${log.join('\n')}`);
    }
    if (what !== '') log.push(what);
    const bad = hp.checkInvariants();
    if (bad.length > 0) assert.fail(`seed ${seed} (${model}), after op ${k} "${what}":\n  ${bad.slice(0, 8).join('\n  ')}\nops:\n${log.join('\n')}`);
  }
}

for (const model of allModels) {
  test(`${model}: ${SEQUENCES} random sequences of ${OPS} operations keep every invariant`, () => {
    for (let seed = 1; seed <= SEQUENCES; seed++) runSequence(model, seed * 7919 + model.length);
  });
}
