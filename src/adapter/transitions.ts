/**
 * Span-transition breakpoints: which heap events each exception filter catches, the event told in
 * words for the stop ("span 0xc000180000 (class 5, 1 page) freed to the heap by sweep"), and the
 * filter conditions — a tiny language over the event's fields:
 *
 *     cond   = and { "||" and } .      and = cmp { "&&" cmp } .
 *     cmp    = NAME op value | "!" NAME | NAME .       op = == != < <= > >=
 *     value  = INT (decimal, 0x hex, with KB/MB/GB units) | true | false | NAME (a word, e.g. sweep)
 *
 * Field names: the event's own (`by`, `freed`, `p`, `bytes`, `base`, `manual`, `large`, ...) and,
 * for span events, the span's (`base`, `npages`, `sizeclass`, `noscan`, `allocCount`, `nelems`,
 * `state`, `sweepgen`). Unknown fields are an error when the filter is set, not a silent false.
 */
import type { HeapEvent, SpanInfo } from '../protocol/events';
import type { TransitionFilterId } from '../protocol/dap';

const hex = (n: number): string => '0x' + n.toString(16);
const pages = (n: number): string => `${n} page${n === 1 ? '' : 's'}`;

function spanText(s: SpanInfo): string {
  const cls = s.sizeclass > 0 ? `class ${s.sizeclass}${s.noscan ? ' noscan' : ''}, ` : '';
  return `span ${hex(s.base)} (${cls}${pages(s.npages)})`;
}

/** The filter that catches an event, or null. */
export function filterOf(ev: HeapEvent): TransitionFilterId | null {
  switch (ev.type) {
    case 'spanAlloc':
    case 'spanFree':
    case 'spanCoalesce':
    case 'spanCache':
    case 'spanUncache':
    case 'spanSwept':
    case 'spanRelease':
    case 'spanReuse':
    case 'heapGrow':
    case 'finalizerQueued':
      return ev.type;
    default:
      return null;
  }
}

/** The event in words. */
export function describeEvent(ev: HeapEvent): string {
  switch (ev.type) {
    case 'spanAlloc':
      return `${spanText(ev.span)} allocated${ev.manual ? ' as a stack span (mSpanManual)' : ev.large ? ' for a large object' : ''}${ev.scavenged > 0 ? `, reusing ${ev.scavenged} released bytes` : ''}`;
    case 'spanFree':
      return `${spanText(ev.span)} freed to the heap by ${ev.by}`;
    case 'spanCoalesce':
      return `${spanText(ev.span)} coalesced with its free neighbour ${hex(ev.absorbed.base)} (${pages(ev.absorbed.npages)})`;
    case 'spanCache':
      return `${spanText(ev.span)} taken into P${ev.p}'s mcache (span class ${ev.spanclass})`;
    case 'spanUncache':
      return `${spanText(ev.span)} returned to mcentral from P${ev.p}'s mcache`;
    case 'spanSwept':
      return `${spanText(ev.span)} swept by ${ev.by}: ${ev.freed} object${ev.freed === 1 ? '' : 's'} freed${ev.freedToHeap ? ', span freed to the heap' : ''}`;
    case 'spanRelease':
      return `${ev.bytes} bytes${ev.base !== 0 ? ` at ${hex(ev.base)}` : ''} released to the OS by ${ev.by}`;
    case 'spanReuse':
      return `${ev.bytes} released bytes at ${hex(ev.base)} reused`;
    case 'heapGrow':
      return `heap grown by ${ev.bytes} bytes at ${hex(ev.base)} (heap_sys ${ev.heap_sys})`;
    case 'finalizerQueued':
      return `finalizer queued for unreachable object ${hex(ev.addr)}`;
    case 'malloc':
      return `malloc ${hex(ev.addr)} (${ev.size} bytes)`;
    case 'spanTrim':
      return `${spanText(ev.span)} trimmed; ${pages(ev.rest.npages)} at ${hex(ev.rest.base)} back to the free lists`;
    case 'spanState':
      return `${spanText(ev.span)} ${ev.from} -> ${ev.to}`;
    case 'specialAdd':
    case 'specialRemove':
      return `${ev.kind} special ${ev.type === 'specialAdd' ? 'added to' : 'removed from'} ${hex(ev.addr)}`;
    case 'finalizerRun':
      return `finalizer ran for ${hex(ev.addr)}`;
    case 'gcPhase':
      return `GC phase ${ev.phase} (cycle ${ev.cycle})`;
    case 'gcCycle':
      return `GC cycle ${ev.cycle} done`;
    case 'fault':
      return `fault: ${ev.message}`;
  }
}

export type FieldValue = number | boolean | string;

/** The fields a condition may name. */
export function eventFields(ev: HeapEvent): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(ev)) {
    if (k === 'type') continue;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
  }
  if ('span' in ev && typeof ev.span === 'object') {
    const s = ev.span;
    Object.assign(out, { base: s.base, npages: s.npages, sizeclass: s.sizeclass, noscan: s.noscan, allocCount: s.allocCount, nelems: s.nelems, state: s.state, sweepgen: s.sweepgen, span: s.base });
  }
  if (ev.type === 'spanCoalesce') Object.assign(out, { absorbedBase: ev.absorbed.base, absorbedPages: ev.absorbed.npages });
  if (ev.type === 'spanRelease' || ev.type === 'spanReuse' || ev.type === 'heapGrow') out.npages = Math.ceil(ev.bytes / 8192);
  return out;
}

/** Names every filter's condition may use (for messages). */
const KNOWN_FIELDS = new Set(['base', 'npages', 'sizeclass', 'noscan', 'allocCount', 'nelems', 'state', 'sweepgen', 'span', 'by', 'freed', 'freedToHeap', 'p', 'spanclass', 'manual', 'large', 'scavenged', 'bytes', 'heap_sys', 'addr', 'absorbedBase', 'absorbedPages']);

export type EventCondition = (fields: Record<string, FieldValue>) => boolean;

type Tok = { k: 'name' | 'num' | 'op'; v: string };

const UNITS: Record<string, number> = { B: 1, KB: 1024, KiB: 1024, MB: 1 << 20, MiB: 1 << 20, GB: 1 << 30, GiB: 1 << 30 };

/**
 * Compiles a filter condition; throws an Error with a readable message when it is malformed.
 * `known` names the fields it may use (null: any name, as for a runtime function's arguments).
 */
export function compileEventCondition(text: string, known: ReadonlySet<string> | null = KNOWN_FIELDS): EventCondition {
  const toks: Tok[] = [];
  const re = /\s*(?:(0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:[A-Za-z]+)?)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[<>!()]))/y;
  let i = 0;
  const src = text.trim();
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (m === null) throw new Error(`unexpected \`${src.slice(i, i + 10)}\` in condition \`${src}\``);
    i = re.lastIndex;
    if (m[1] !== undefined) toks.push({ k: 'num', v: m[1] });
    else if (m[2] !== undefined) toks.push({ k: 'name', v: m[2] });
    else toks.push({ k: 'op', v: m[3] });
  }
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const expectOp = (v: string): void => {
    const t = toks[p++];
    if (t === undefined || t.k !== 'op' || t.v !== v) throw new Error(`expected \`${v}\` in condition \`${src}\``);
  };
  const number = (v: string): number => {
    const m = /^(0x[0-9a-fA-F_]+|[0-9][0-9_]*)([A-Za-z]*)$/.exec(v)!;
    const n = Number(m[1].replace(/_/g, ''));
    if (m[2] === '') return n;
    const u = UNITS[m[2]];
    if (u === undefined) throw new Error(`unknown unit \`${m[2]}\` in condition \`${src}\` (use B, KB, MB, GB)`);
    return n * u;
  };
  type Node = (f: Record<string, FieldValue>) => boolean;
  const field = (name: string): string => {
    if (known !== null && !known.has(name)) throw new Error(`unknown event field \`${name}\`; fields are ${[...known].join(', ')}`);
    return name;
  };
  const cmp = (): Node => {
    const t = toks[p++];
    if (t === undefined) throw new Error(`condition \`${src}\` ends too early`);
    if (t.k === 'op' && t.v === '(') {
      const e = or();
      expectOp(')');
      return e;
    }
    if (t.k === 'op' && t.v === '!') {
      const e = cmp();
      return (f) => !e(f);
    }
    if (t.k !== 'name') throw new Error(`expected a field name at \`${t.v}\` in condition \`${src}\``);
    const name = field(t.v);
    const op = peek();
    if (op === undefined || op.k !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(op.v)) return (f) => f[name] === true || (typeof f[name] === 'number' && f[name] !== 0);
    p++;
    const vt = toks[p++];
    if (vt === undefined || vt.k === 'op') throw new Error(`expected a value after \`${op.v}\` in condition \`${src}\``);
    const value: FieldValue = vt.k === 'num' ? number(vt.v) : vt.v === 'true' ? true : vt.v === 'false' ? false : vt.v;
    switch (op.v) {
      case '==':
        return (f) => f[name] === value;
      case '!=':
        return (f) => f[name] !== value;
      case '<':
        return (f) => (f[name] as number) < (value as number);
      case '<=':
        return (f) => (f[name] as number) <= (value as number);
      case '>':
        return (f) => (f[name] as number) > (value as number);
      default:
        return (f) => (f[name] as number) >= (value as number);
    }
  };
  const and = (): Node => {
    let l = cmp();
    while (peek()?.v === '&&') {
      p++;
      const a = l;
      const b = cmp();
      l = (f) => a(f) && b(f);
    }
    return l;
  };
  const or = (): Node => {
    let l = and();
    while (peek()?.v === '||') {
      p++;
      const a = l;
      const b = and();
      l = (f) => a(f) || b(f);
    }
    return l;
  };
  if (toks.length === 0) return () => true;
  const e = or();
  if (p !== toks.length) throw new Error(`unexpected \`${toks[p].v}\` in condition \`${src}\``);
  return e;
}
