/**
 * The engine as the bench's child processes use it. By default that is the engine as it ships:
 * one esbuild bundle of src/engine/heap.ts with the options of esbuild.mjs (cjs, node20), built
 * once per bench run; `--engine tsx` measures the source modules through tsx instead (much
 * slower: every cross-module constant becomes a getter call). The choice reaches the children in
 * the GOHEAP_BENCH_ENGINE environment variable (a bundle path, or "tsx").
 *
 * The engine is loaded dynamically, so that the orchestrator never loads it (a model that fails
 * to load is reported, not fatal). Also here: roots held in a ring like the Go benchmark's
 * (`ring[i mod n] = new(...)`; every non-zero slot is a root), and a timer around the GC cycles
 * that allocation triggers, so that a measurement can say how much of its time went to GC.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as heapModule from '../../src/engine/heap';

export type Engine = typeof heapModule;
export type Heap = heapModule.Heap;
export type EngineMode = 'bundle' | 'tsx';

export const ENGINE_ENV = 'GOHEAP_BENCH_ENGINE';
const engineEntry = resolve(__dirname, '..', '..', 'src', 'engine', 'heap.ts');

export async function loadEngine(): Promise<Engine> {
  const where = process.env[ENGINE_ENV];
  if (where === undefined || where === '' || where === 'tsx') return import('../../src/engine/heap');
  return createRequire(__filename)(where) as Engine;
}

/** Bundle the engine as esbuild.mjs bundles it (plus an external source map, for profiles). */
export async function buildEngineBundle(): Promise<{ file: string; ms: number; dispose(): void }> {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'goheap-engine-'));
  const file = join(dir, 'engine.cjs');
  const t0 = performance.now();
  await esbuild.build({ entryPoints: [engineEntry], outfile: file, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'silent' });
  return { file, ms: performance.now() - t0, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Install `ring` as the heap's root set: every non-zero slot is a live address. */
export function ringRoots(hp: Heap, ring: Float64Array): void {
  hp.setRoots((visit) => {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i];
      if (a !== 0) visit(a);
    }
  });
}

export interface GCTimer {
  /** Wall time spent inside GC cycles started by malloc (ms). */
  ms: number;
  cycles: number;
}

/**
 * Time the GC cycles malloc starts (mheap.startGC), by shadowing the method on this one heap.
 * Install before the first malloc so the mheap's shape is final by the time code gets optimised.
 * Sweeping stays with the allocator (lazy, as in Go), so it counts as mutator time.
 */
export function timeGCs(hp: Heap): GCTimer {
  const h = hp.h;
  const start = h.startGC;
  const t: GCTimer = { ms: 0, cycles: 0 };
  h.startGC = (forced: boolean, extraRoot: number): void => {
    const t0 = performance.now();
    start.call(h, forced, extraRoot);
    t.ms += performance.now() - t0;
    t.cycles++;
  };
  return t;
}

/** JS memory after collecting garbage (several times: ArrayBuffer stores are freed late). */
export async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('global.gc is not available (run node with --expose-gc)');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage();
}

export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** First line of an error (for tables); the full text goes to latest.json. */
export function firstLine(s: string): string {
  return s.split('\n')[0];
}
