/**
 * Scopes and variables of a stop. Every expandable thing is a small handle (`VarRef`) in a
 * `Handles` table that the session resets at each stop (a reference from an older stop is simply
 * unknown). Big collections are paged: arrays and `allspans` report `indexedVariables`, and the
 * client asks for `start`/`count` windows, so a heap with 100,000 spans expands at once.
 *
 * Names on screen are the runtime's (mspan, mcentral, mcache, MemStats fields) so that a reader
 * of the Go source recognises each one.
 */
import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { HEAP_FACTS, type ModelName } from '../program/index';
import { heapGetters, spanGetters } from '../program/factsruntime';
import { FIELD_SLOT_BASE } from '../program/exprcompile';
import type { Interpreter } from '../program/interpreter';
import type { StackHandle } from '../engine/heap';
import type { mspan } from '../engine/mspan';
import type { ProbeFrame } from './watchprobe';
import { hex, showValue } from './values';

export type VarRef =
  | { readonly kind: 'locals' }
  | { readonly kind: 'heap' }
  | { readonly kind: 'memstats' }
  | { readonly kind: 'allspans' }
  | { readonly kind: 'span'; readonly base: number }
  | { readonly kind: 'object'; readonly addr: number }
  | { readonly kind: 'pointers'; readonly addr: number }
  | { readonly kind: 'array'; readonly slot: number }
  | { readonly kind: 'mcentral' }
  | { readonly kind: 'central'; readonly spanclass: number }
  | { readonly kind: 'spanlist'; readonly spanclass: number; readonly which: 'nonempty' | 'empty' }
  | { readonly kind: 'mcache' }
  | { readonly kind: 'cache'; readonly p: number }
  | { readonly kind: 'frame'; readonly index: number }
  | { readonly kind: 'info'; readonly rows: readonly DebugProtocol.Variable[] };

type Var = DebugProtocol.Variable;

export class Variables {
  private handles = new Handles<VarRef>();
  private spanCache: mspan[] | null = null;

  constructor(
    private it: Interpreter,
    private frames: readonly ProbeFrame[],
  ) {}

  /** A new stop: forget every reference handed out before. */
  reset(it: Interpreter, frames: readonly ProbeFrame[]): void {
    this.handles.reset();
    this.spanCache = null;
    this.it = it;
    this.frames = frames;
  }

  ref(v: VarRef): number {
    return this.handles.create(v);
  }

  get(ref: number): VarRef | undefined {
    return this.handles.get(ref);
  }

  private get model(): ModelName {
    return this.it.settings.model;
  }

  /** Children of a reference, optionally a window of an indexed collection. */
  variables(ref: number, start = 0, count = 0): Var[] {
    const v = this.handles.get(ref);
    if (v === undefined) return [];
    const hp = this.it.heap;
    const h = hp.h;
    switch (v.kind) {
      case 'locals':
        return this.locals();
      case 'heap': {
        // Only the count here: the address-ordered table is built when a page of it is asked for.
        const nspans = h.allspans.size;
        return [
          { name: 'memstats', value: `HeapInuse ${h.memstats.heap_inuse}, HeapSys ${h.memstats.heap_sys}, NumGC ${h.memstats.numgc}`, variablesReference: this.ref({ kind: 'memstats' }) },
          { name: 'allspans', value: `${nspans} spans`, variablesReference: nspans > 0 ? this.ref({ kind: 'allspans' }) : 0, indexedVariables: nspans },
          { name: 'sweepgen', value: String(h.sweepgen), variablesReference: 0 },
          { name: 'gcphase', value: h.gcPhase, variablesReference: 0 },
          { name: 'nanotime', value: `${h.nanotime} ns`, variablesReference: 0 },
          { name: 'model', value: this.model, variablesReference: 0 },
        ];
      }
      case 'memstats':
        return HEAP_FACTS.filter((f) => f.models.includes(this.model)).map((f) => ({
          name: f.go.replace(/^MemStats\./, ''),
          value: String(heapGetters[f.name](hp)),
          variablesReference: 0,
          evaluateName: `heap.${f.name}`,
        }));
      case 'allspans': {
        const spans = this.allspans();
        const end = count > 0 ? Math.min(spans.length, start + count) : spans.length;
        const out: Var[] = [];
        for (let i = start; i < end; i++) out.push(this.spanVar(`[${i}]`, spans[i]));
        return out;
      }
      case 'span': {
        const s = hp.spanOf(v.base);
        if (s === null || s.startAddr !== v.base) return [{ name: 'span', value: `no span starts at ${hex(v.base)} now`, variablesReference: 0 }];
        return this.spanFields(s);
      }
      case 'object':
        return this.objectFields(v.addr);
      case 'pointers': {
        const s = hp.spanOf(v.addr);
        if (s === null || s.ptrs === null) return [];
        const words = s.ptrs.get(s.objIndex(v.addr));
        if (words === undefined) return [];
        return [...words.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([slot, target]) => this.refVar(slot >= FIELD_SLOT_BASE ? `.${this.it.program.fields[slot - FIELD_SLOT_BASE] ?? '?'}` : `[${slot}]`, target));
      }
      case 'array': {
        const arr = this.it.vals[v.slot] as Float64Array;
        const end = count > 0 ? Math.min(arr.length, start + count) : arr.length;
        const name = this.it.program.slots[v.slot].name;
        const out: Var[] = [];
        for (let i = start; i < end; i++) out.push({ ...this.refVar(`[${i}]`, arr[i]), evaluateName: `${name}[${i}]` });
        return out;
      }
      case 'mcentral': {
        const out: Var[] = [];
        h.central.forEach((c, spc) => {
          if (c === undefined || (c.nonempty.isEmpty() && c.empty.isEmpty())) return;
          out.push({ name: `central[${spc}]`, value: `${this.classText(spc)}: ${c.nonempty.n} nonempty, ${c.empty.n} empty`, variablesReference: this.ref({ kind: 'central', spanclass: spc }) });
        });
        if (out.length === 0) out.push({ name: 'mcentral', value: 'every mcentral is empty', variablesReference: 0 });
        return out;
      }
      case 'central': {
        const c = h.central[v.spanclass];
        return (['nonempty', 'empty'] as const).map((which) => ({
          name: which,
          value: `${c[which].n} span${c[which].n === 1 ? '' : 's'}`,
          variablesReference: c[which].n > 0 ? this.ref({ kind: 'spanlist', spanclass: v.spanclass, which }) : 0,
          indexedVariables: c[which].n,
        }));
      }
      case 'spanlist': {
        const list = h.central[v.spanclass][v.which].toArray();
        const end = count > 0 ? Math.min(list.length, start + count) : list.length;
        return list.slice(start, end).map((s, i) => this.spanVar(`[${start + i}]`, s));
      }
      case 'mcache':
        return h.caches.map((c) => {
          const n = c.alloc.filter((s) => s !== null).length;
          return { name: `P${c.p}`, value: `${n} cached span${n === 1 ? '' : 's'}${c.tiny !== 0 ? `, tiny block ${hex(c.tiny)}+${c.tinyoffset}` : ''}`, variablesReference: this.ref({ kind: 'cache', p: c.p }) };
        });
      case 'cache': {
        const c = h.caches[v.p];
        const out: Var[] = [
          { name: 'tiny', value: c.tiny === 0 ? '0' : hex(c.tiny), variablesReference: 0 },
          { name: 'tinyoffset', value: String(c.tinyoffset), variablesReference: 0 },
          { name: 'local_tinyallocs', value: String(c.local_tinyallocs), variablesReference: 0 },
          { name: 'next_sample', value: String(c.next_sample), variablesReference: 0 },
        ];
        c.alloc.forEach((s, spc) => {
          if (s !== null) out.push(this.spanVar(`alloc[${spc}]`, s));
        });
        return out;
      }
      case 'frame': {
        const f = this.frames[v.index];
        if (f === undefined) return [];
        return Object.entries(f.locals).map(([k, x]) => ({ name: k, value: typeof x === 'number' && /addr|base|start|span|^p$|^s$|^x$|limit/.test(k) && x > 4096 ? hex(x) : String(x), variablesReference: 0 }));
      }
      case 'info':
        return [...v.rows];
    }
  }

  private allspans(): mspan[] {
    if (this.spanCache === null) this.spanCache = [...this.it.heap.spans()].sort((a, b) => a.startAddr - b.startAddr);
    return this.spanCache;
  }

  /** The script's variables in scope: every variable and array, and the counters of enclosing loops. */
  private locals(): Var[] {
    const it = this.it;
    const slots = it.program.slots;
    const out: Var[] = [];
    const counters = new Set(it.loops().map((l) => l.stmt.counter?.slot ?? -1));
    slots.forEach((s, i) => {
      if (s.counter && !counters.has(i)) return;
      out.push(this.slotVar(i));
    });
    for (const l of it.loops()) if (l.stmt.counter === null) out.push({ name: `(repeat at line ${l.stmt.line + 1})`, value: `iteration ${l.i} of ${l.n}`, variablesReference: 0 });
    return out;
  }

  /** One script variable, as Locals and `evaluate NAME` show it. */
  slotVar(i: number): Var {
    const s = this.it.program.slots[i];
    const v = this.it.vals[i];
    switch (s.type) {
      case 'ref':
        return { ...this.refVar(s.name, v as number), evaluateName: s.name };
      case 'array': {
        const arr = v as Float64Array;
        return { name: s.name, value: showValue(arr, 'array'), type: `[${arr.length}]*T`, variablesReference: this.ref({ kind: 'array', slot: i }), indexedVariables: arr.length, evaluateName: s.name };
      }
      case 'stack': {
        const st = v as StackHandle | null;
        if (st === null) return { name: s.name, value: 'no stack', variablesReference: 0, type: 'stack', evaluateName: s.name };
        return { name: s.name, value: `stack ${hex(st.base)} (${st.size} bytes) in span ${hex(st.span.startAddr)}`, type: 'stack', variablesReference: this.ref({ kind: 'span', base: st.span.startAddr }), evaluateName: s.name };
      }
      default:
        return { name: s.name, value: showValue(v, s.type), type: s.type === 'int' ? 'int' : 'bool', variablesReference: 0, evaluateName: s.name };
    }
  }

  /** A reference: address, size class, elemsize and span in the value; expands to the object. */
  refVar(name: string, addr: number): Var {
    if (addr === 0) return { name, value: 'nil', type: '*T', variablesReference: 0 };
    const s = this.it.heap.spanOf(addr);
    if (s === null) return { name, value: `${hex(addr)} (not in the heap)`, type: '*T', variablesReference: 0 };
    const cls = s.sizeclass();
    const what = cls > 0 ? `class ${cls}, elemsize ${s.elemsize}` : `large, ${s.npages} pages`;
    return { name, value: `${hex(addr)} (${what}, span ${hex(s.startAddr)})`, type: '*T', variablesReference: this.ref({ kind: 'object', addr }), memoryReference: hex(addr) };
  }

  private objectFields(addr: number): Var[] {
    const hp = this.it.heap;
    const s = hp.spanOf(addr);
    if (s === null) return [{ name: 'addr', value: `${hex(addr)} is not in the heap`, variablesReference: 0 }];
    const idx = s.objIndex(addr);
    const words = s.ptrs?.get(idx);
    const out: Var[] = [
      { name: 'addr', value: hex(addr), variablesReference: 0 },
      { name: 'size', value: String(hp.requestedSize(addr)), variablesReference: 0 },
      { name: 'elemsize', value: String(s.elemsize), variablesReference: 0 },
      { name: 'sizeclass', value: String(s.sizeclass()), variablesReference: 0 },
      { name: 'noscan', value: String(hp.isNoscan(addr)), variablesReference: 0 },
      { name: 'index', value: String(idx), variablesReference: 0 },
      { name: 'marked', value: String(s.state === 'mSpanInUse' && s.isMarked(idx)), variablesReference: 0 },
      this.spanVar('span', s),
    ];
    if (words !== undefined && words.size > 0) out.push({ name: 'pointers', value: `${words.size} non-nil`, variablesReference: this.ref({ kind: 'pointers', addr }) });
    return out;
  }

  spanVar(name: string, s: mspan): Var {
    const cls = s.state === 'mSpanInUse' && s.sizeclass() > 0 ? `, ${this.classText(s.spanclass)}, ${s.allocCount}/${s.nelems} objects` : '';
    return { name, value: `${hex(s.startAddr)} ${s.state} (${s.npages} page${s.npages === 1 ? '' : 's'}${cls})`, type: 'mspan', variablesReference: this.ref({ kind: 'span', base: s.startAddr }) };
  }

  spanFields(s: mspan): Var[] {
    const hp = this.it.heap;
    const names = ['startAddr', 'npages', 'state', 'spanclass', 'sizeclass', 'noscan', 'elemsize', 'nelems', 'allocCount', 'freeindex', 'sweepgen', 'limit', 'needzero', 'specials', 'unusedsince', 'npreleased'];
    const out: Var[] = names.map((n) => {
      const x = spanGetters[n](s, hp);
      return { name: n, value: typeof x === 'number' && (n === 'startAddr' || n === 'limit') ? hex(x) : String(x), variablesReference: 0 };
    });
    out.push({ name: 'incache', value: String(s.incache), variablesReference: 0 });
    out.push({ name: 'list', value: s.list === null ? 'none' : s.list.name, variablesReference: 0 });
    return out;
  }

  classText(spanclass: number): string {
    const h = this.it.heap.h;
    const noscanBits = h.model.noscanSpanClasses;
    const sc = noscanBits ? spanclass >> 1 : spanclass;
    const size = h.sc.class_to_size[sc];
    return `class ${sc}${noscanBits && (spanclass & 1) === 1 ? ' noscan' : ''} (${size} B)`;
  }
}
