/**
 * The webview's side of the Heap View channel: HostToWebview messages are checked field by field
 * before anything uses them (the host is trusted, but a bug there must show up as a clear error,
 * not as a broken picture). A message that fails is dropped and reported back to the host as
 * `{type:'error'}`. The protocol is imported as types only (docs/architecture.md).
 *
 * Invariant: `validateHostMessage` returns either a message whose every field the view reads
 * has the declared type, or an error naming the first bad path.
 */
import type { HostToWebview, WebviewToHost } from '../src/protocol/heapview';

export type Checked = { ok: true; msg: HostToWebview } | { ok: false; error: string };

class Bad extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Bad(`${path}: expected an object`);
  return v as Obj;
}
function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${path}.${k}: expected a finite number`);
  return v;
}
function int(o: Obj, k: string, path: string): number {
  const v = num(o, k, path);
  if (!Number.isInteger(v)) throw new Bad(`${path}.${k}: expected an integer`);
  return v;
}
function str(o: Obj, k: string, path: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new Bad(`${path}.${k}: expected a string`);
  return v;
}
function bool(o: Obj, k: string, path: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new Bad(`${path}.${k}: expected a boolean`);
  return v;
}
function arr(o: Obj, k: string, path: string): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new Bad(`${path}.${k}: expected an array`);
  return v;
}
function oneOf<T extends string>(o: Obj, k: string, path: string, allowed: readonly T[]): T {
  const v = str(o, k, path);
  if (!(allowed as readonly string[]).includes(v)) throw new Bad(`${path}.${k}: "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}
function ints(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' || !Number.isInteger(v[i])) throw new Bad(`${path}[${i}]: expected an integer`);
}

const PAGE_KINDS = ['inuse', 'manual', 'free', 'released', 'cached', 'unused'] as const;
const SPAN_STATES = ['mSpanDead', 'mSpanInUse', 'mSpanManual', 'mSpanFree'] as const;
const MODELS = ['go1.5', 'go1.10', 'go1.14'] as const;
const OBJECT_STATES = ['free', 'allocated', 'marked', 'tiny'] as const;
const SPECIAL_KINDS = ['finalizer', 'profile'] as const;

const MEMSTATS = ['heap_sys', 'heap_inuse', 'heap_idle', 'heap_released', 'heap_alloc', 'heap_live', 'heap_objects', 'next_gc', 'stacks_inuse', 'mspan_inuse', 'mspan_sys', 'mcache_inuse', 'mcache_sys', 'gcbits_bytes', 'nmalloc', 'nfree', 'numgc', 'sweepgen', 'nanotime', 'gcpercent'];
const TIMELINE = ['executed', 'line', 'nanotime', 'heap_sys', 'heap_inuse', 'heap_idle', 'heap_released', 'heap_live', 'next_gc', 'numgc'];
const BREAKDOWN = ['live', 'roundingWaste', 'freeSlots', 'tailWaste', 'largeWaste', 'stacks', 'freeRetained', 'released', 'heap_sys'];

function memstats(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const k of MEMSTATS) num(o, k, path);
}

function stop(v: unknown, path: string): void {
  const o = obj(v, path);
  int(o, 'line', path);
  int(o, 'executed', path);
  str(o, 'reason', path);
  const f = arr(o, 'runtimeFrames', path);
  for (let i = 0; i < f.length; i++) if (typeof f[i] !== 'string') throw new Bad(`${path}.runtimeFrames[${i}]: expected a string`);
}

/** Runs: each well formed, in address order, contiguous (PageRun invariant). */
function runs(v: unknown[], path: string, from: number | null, to: number | null, pageSize: number): void {
  let at = from;
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const o = obj(v[i], p);
    const base = num(o, 'base', p);
    const n = int(o, 'npages', p);
    if (n <= 0) throw new Bad(`${p}.npages: must be positive`);
    oneOf(o, 'kind', p, PAGE_KINDS);
    int(o, 'span', p);
    int(o, 'sizeclass', p);
    if (at !== null && base !== at) throw new Bad(`${p}.base: runs must be contiguous (expected 0x${at.toString(16)})`);
    at = base + n * pageSize;
  }
  if (to !== null && at !== null && v.length > 0 && at !== to) throw new Bad(`${path}: runs end at 0x${at.toString(16)}, not 0x${to.toString(16)}`);
}

export function validateSpanRow(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const k of ['id', 'npages', 'spanclass', 'sizeclass', 'elemsize', 'nelems', 'allocCount', 'freeindex', 'sweepgen', 'cachedBy', 'nspecials']) int(o, k, path);
  num(o, 'base', path);
  num(o, 'requestedBytes', path);
  oneOf(o, 'state', path, SPAN_STATES);
  bool(o, 'noscan', path);
}

function spanRows(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) validateSpanRow(v[i], `${path}[${i}]`);
}

function mcentral(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const o = obj(v[i], p);
    int(o, 'spanclass', p);
    int(o, 'sizeclass', p);
    bool(o, 'noscan', p);
    ints(arr(o, 'nonempty', p), `${p}.nonempty`);
    ints(arr(o, 'empty', p), `${p}.empty`);
    num(o, 'nmalloc', p);
  }
}

function mcache(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const o = obj(v[i], p);
    int(o, 'p', p);
    const a = arr(o, 'alloc', p);
    for (let j = 0; j < a.length; j++) {
      const q = obj(a[j], `${p}.alloc[${j}]`);
      int(q, 'spanclass', `${p}.alloc[${j}]`);
      int(q, 'span', `${p}.alloc[${j}]`);
    }
    num(o, 'tiny', p);
    num(o, 'tinyoffset', p);
    if (o.pageCache !== null) {
      const pc = obj(o.pageCache, `${p}.pageCache`);
      num(pc, 'base', `${p}.pageCache`);
      int(pc, 'npages', `${p}.pageCache`);
    }
  }
}

function specials(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const o = obj(v[i], p);
    num(o, 'addr', p);
    int(o, 'span', p);
    oneOf(o, 'kind', p, SPECIAL_KINDS);
    int(o, 'line', p);
  }
}

function treap(v: unknown, path: string, depth: number): void {
  if (v === null) return;
  if (depth > 200) throw new Bad(`${path}: treap deeper than 200`);
  const o = obj(v, path);
  int(o, 'span', path);
  int(o, 'npages', path);
  num(o, 'base', path);
  num(o, 'priority', path);
  treap(o.left, `${path}.left`, depth + 1);
  treap(o.right, `${path}.right`, depth + 1);
}

function pageHeap(v: unknown, path: string): void {
  const o = obj(v, path);
  const kind = oneOf(o, 'kind', path, ['lists', 'radix'] as const);
  if (kind === 'lists') {
    const free = arr(o, 'free', path);
    for (let i = 0; i < free.length; i++) {
      const q = obj(free[i], `${path}.free[${i}]`);
      int(q, 'npages', `${path}.free[${i}]`);
      ints(arr(q, 'spans', `${path}.free[${i}]`), `${path}.free[${i}].spans`);
    }
    if (o.freelarge !== null) ints(arr(o, 'freelarge', path), `${path}.freelarge`);
    treap(o.treap, `${path}.treap`, 0);
    const busy = arr(o, 'busy', path);
    for (let i = 0; i < busy.length; i++) {
      const q = obj(busy[i], `${path}.busy[${i}]`);
      int(q, 'npages', `${path}.busy[${i}]`);
      int(q, 'count', `${path}.busy[${i}]`);
    }
    int(o, 'busylarge', path);
  } else {
    const chunks = arr(o, 'chunks', path);
    for (let i = 0; i < chunks.length; i++) {
      const q = obj(chunks[i], `${path}.chunks[${i}]`);
      num(q, 'base', `${path}.chunks[${i}]`);
      int(q, 'alloc', `${path}.chunks[${i}]`);
      int(q, 'scavenged', `${path}.chunks[${i}]`);
    }
    const levels = arr(o, 'levels', path);
    for (let l = 0; l < levels.length; l++) {
      const lv = levels[l];
      if (!Array.isArray(lv)) throw new Bad(`${path}.levels[${l}]: expected an array`);
      for (let i = 0; i < lv.length; i++) {
        const q = obj(lv[i], `${path}.levels[${l}][${i}]`);
        for (const k of ['i', 'start', 'max', 'end']) int(q, k, `${path}.levels[${l}][${i}]`);
      }
    }
    num(o, 'searchAddr', path);
    num(o, 'scavAddr', path);
  }
}

function breakdown(v: unknown, path: string): void {
  const o = obj(v, path);
  for (const k of BREAKDOWN) num(o, k, path);
  const m = obj(o.metadata, `${path}.metadata`);
  for (const k of ['mspan', 'mcache', 'gcbits']) num(m, k, `${path}.metadata`);
}

function timeline(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) {
    const o = obj(v[i], `${path}[${i}]`);
    for (const k of TIMELINE) num(o, k, `${path}[${i}]`);
  }
}

function transitions(v: unknown[], path: string): void {
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const o = obj(v[i], p);
    int(o, 'seq', p);
    int(o, 'executed', p);
    str(o, 'type', p);
    int(o, 'span', p);
    str(o, 'text', p);
  }
}

function snapshot(v: unknown, path: string): void {
  const o = obj(v, path);
  str(o, 'sessionId', path);
  int(o, 'generation', path);
  oneOf(o, 'model', path, MODELS);
  int(o, 'procs', path);
  int(o, 'physPageSize', path);
  const start = num(o, 'arenaStart', path);
  const end = num(o, 'arenaEnd', path);
  if (end < start) throw new Bad(`${path}.arenaEnd: below arenaStart`);
  int(o, 'nspans', path);
  stop(o.stop, `${path}.stop`);
  memstats(o.memstats, `${path}.memstats`);
  const pageSize = int(o, 'pageSize', path);
  if (pageSize <= 0) throw new Bad(`${path}.pageSize: must be positive`);
  runs(arr(o, 'pages', path), `${path}.pages`, start, end, pageSize);
  mcentral(arr(o, 'mcentral', path), `${path}.mcentral`);
  mcache(arr(o, 'mcache', path), `${path}.mcache`);
  specials(arr(o, 'specials', path), `${path}.specials`);
  ints(arr(o, 'finalizerQueue', path), `${path}.finalizerQueue`);
  pageHeap(o.pageHeap, `${path}.pageHeap`);
  breakdown(o.breakdown, `${path}.breakdown`);
  timeline(arr(o, 'timeline', path), `${path}.timeline`);
  transitions(arr(o, 'transitions', path), `${path}.transitions`);
}

function delta(v: unknown, path: string): void {
  const o = obj(v, path);
  str(o, 'sessionId', path);
  int(o, 'since', path);
  int(o, 'generation', path);
  stop(o.stop, `${path}.stop`);
  memstats(o.memstats, `${path}.memstats`);
  int(o, 'nspans', path);
  spanRows(arr(o, 'spans', path), `${path}.spans`);
  ints(arr(o, 'removed', path), `${path}.removed`);
  if (o.pages !== undefined) {
    const p = obj(o.pages, `${path}.pages`);
    const from = num(p, 'from', `${path}.pages`);
    const to = num(p, 'to', `${path}.pages`);
    // Go's page size (8 KiB) in every era the protocol carries.
    runs(arr(p, 'runs', `${path}.pages`), `${path}.pages.runs`, null, null, 8192);
    if (to < from) throw new Bad(`${path}.pages: to below from`);
  }
  if (o.arenaEnd !== undefined) num(o, 'arenaEnd', path);
  if (o.mcentral !== undefined) mcentral(arr(o, 'mcentral', path), `${path}.mcentral`);
  if (o.mcache !== undefined) mcache(arr(o, 'mcache', path), `${path}.mcache`);
  if (o.specials !== undefined) specials(arr(o, 'specials', path), `${path}.specials`);
  if (o.finalizerQueue !== undefined) ints(arr(o, 'finalizerQueue', path), `${path}.finalizerQueue`);
  if (o.pageHeap !== undefined) pageHeap(o.pageHeap, `${path}.pageHeap`);
  breakdown(o.breakdown, `${path}.breakdown`);
  timeline(arr(o, 'timeline', path), `${path}.timeline`);
  transitions(arr(o, 'transitions', path), `${path}.transitions`);
  bool(o, 'reset', path);
}

function detail(v: unknown, path: string): void {
  const o = obj(v, path);
  validateSpanRow(o.row, `${path}.row`);
  const objs = arr(o, 'objects', path);
  for (let i = 0; i < objs.length; i++) if (!(OBJECT_STATES as readonly unknown[]).includes(objs[i])) throw new Bad(`${path}.objects[${i}]: not an object state`);
  const sp = arr(o, 'specials', path);
  for (let i = 0; i < sp.length; i++) {
    const q = obj(sp[i], `${path}.specials[${i}]`);
    int(q, 'slot', `${path}.specials[${i}]`);
    int(q, 'offset', `${path}.specials[${i}]`);
    oneOf(q, 'kind', `${path}.specials[${i}]`, SPECIAL_KINDS);
  }
  if (o.allocCache !== null) str(o, 'allocCache', path);
  if (o.freelist !== null) ints(arr(o, 'freelist', path), `${path}.freelist`);
  int(o, 'heapSweepgen', path);
  const refs = arr(o, 'referencedBy', path);
  for (let i = 0; i < refs.length; i++) {
    const q = obj(refs[i], `${path}.referencedBy[${i}]`);
    str(q, 'name', `${path}.referencedBy[${i}]`);
    int(q, 'slot', `${path}.referencedBy[${i}]`);
  }
}

/** Check a message from the host; never throws. */
export function validateHostMessage(v: unknown): Checked {
  try {
    const o = obj(v, 'message');
    const type = str(o, 'type', 'message');
    switch (type) {
      case 'snapshot':
        snapshot(o.snapshot, 'snapshot');
        spanRows(arr(o, 'spans', 'message'), 'spans');
        break;
      case 'delta':
        delta(o.delta, 'delta');
        break;
      case 'spans': {
        const r = obj(o.result, 'result');
        int(r, 'generation', 'result');
        int(r, 'total', 'result');
        spanRows(arr(r, 'spans', 'result'), 'result.spans');
        break;
      }
      case 'spanDetail':
        detail(o.detail, 'detail');
        break;
      case 'select':
        int(o, 'span', 'message');
        break;
      case 'ended':
        break;
      default:
        throw new Bad(`message.type: unknown message type "${type}"`);
    }
    return { ok: true, msg: v as HostToWebview };
  } catch (e) {
    if (e instanceof Bad) return { ok: false, error: e.message };
    return { ok: false, error: `message: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The VS Code webview API as the page sees it (acquireVsCodeApi()). */
export interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
