/**
 * Pointer-free or not: deciding `noscan` for a traced allocation from its type string.
 *
 * mallocgc's rule is `noscan = typ == nil || typ.ptrdata == 0`. The trace prints `typ.string()`
 * (or nothing when typ is nil), so the rule here reads the type *syntax*:
 *
 *   no type (typ == nil)                    noscan   string bytes (rawstring), untyped buffers
 *   bool, intN, uintN, uintptr, floatN,     noscan   `make([]byte, n)` prints its element type,
 *     complexN                                          `uint8`, so byte slices are noscan
 *   [N]T                                    noscan iff N == 0 or T is
 *   struct { f T; … }                       noscan iff every field is
 *   map.bucket[K]V                          noscan iff K and V are (the overflow word is then a
 *                                                    uintptr; buckets of big keys/values are not
 *                                                    told apart: their size is not in the string)
 *   string, *T, []T, map[K]V, chan T,       scan     each holds a pointer (a string header points
 *     func(…), interface {…}, error,                 at its bytes; `make([]string, n)` prints
 *     unsafe.Pointer                                  `string` and is a scan object)
 *   a named type (main.node)                hint, or the table of runtime/std types below, or
 *                                           unknown: the replay then infers it from the real span
 *                                           the object shares with a typed one, or assumes scan
 *
 * `noalg.` prefixes (compiler-generated types) are ignored.
 */

export type PointerKind = 'noscan' | 'scan' | 'unknown';

const basicNoscan = new Set(['bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128', 'byte', 'rune']);
const basicScan = new Set(['string', 'error', 'unsafe.Pointer', 'any']);

/** Named types of the runtime and standard library that show up in traces: true when they hold pointers. */
export const knownNamedTypes: ReadonlyMap<string, boolean> = new Map([
  ['runtime.g', true], ['runtime.m', true], ['runtime.p', true], ['runtime.hmap', true], ['runtime.hchan', true],
  ['runtime.sudog', true], ['runtime.timer', true], ['runtime.mapextra', true], ['runtime.gcBgMarkWorkerNode', true],
  ['runtime.itab', true], ['runtime._defer', true], ['runtime._panic', true], ['runtime.special', true],
  ['errors.errorString', true], ['os.File', true], ['os.file', true], ['fmt.pp', true], ['fmt.ss', true],
  ['sync.Pool', true], ['sync.poolLocal', true], ['sync.poolChain', true], ['sync.poolChainElt', true],
  ['strings.Builder', true], ['strings.Reader', true], ['bytes.Buffer', true], ['bytes.Reader', true],
  ['bufio.Reader', true], ['bufio.Writer', true], ['time.Location', true], ['time.Time', true],
  ['reflect.rtype', true], ['reflect.Value', true], ['context.emptyCtx', false], ['context.cancelCtx', true],
  ['sync.Mutex', false], ['sync.RWMutex', false], ['sync.WaitGroup', false], ['sync.Once', false],
  ['time.Duration', false], ['time.Month', false], ['time.Weekday', false], ['big.Word', false],
  ['unicode.Range16', false], ['unicode.Range32', false], ['atomic.Int32', false], ['atomic.Int64', false],
  ['atomic.Uint32', false], ['atomic.Uint64', false], ['atomic.Bool', false],
]);

/**
 * Does a value of type `t` hold pointers? `hints` (type → has pointers) is consulted for named
 * types before the built-in table. `null` type = typ == nil = noscan.
 */
export function pointerKind(t: string | null, hints?: ReadonlyMap<string, boolean>): PointerKind {
  if (t === null) return 'noscan';
  const r = kindOf(t.trim(), hints, 0);
  return r;
}

function kindOf(t: string, hints: ReadonlyMap<string, boolean> | undefined, depth: number): PointerKind {
  if (depth > 50 || t.length === 0) return 'unknown';
  if (t.startsWith('noalg.')) t = t.slice(6);
  if (basicNoscan.has(t)) return 'noscan';
  if (basicScan.has(t)) return 'scan';
  if (t.startsWith('*') || t.startsWith('[]') || t.startsWith('map[') || t.startsWith('chan ') || t.startsWith('<-chan ') || t.startsWith('chan<- ') || t.startsWith('func(') || t.startsWith('interface {') || t.startsWith('interface{')) return 'scan';
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return 'unknown';
    const n = Number(t.slice(1, close));
    if (!Number.isInteger(n)) return 'unknown';
    if (n === 0) return 'noscan';
    return kindOf(t.slice(close + 1), hints, depth + 1);
  }
  if (t.startsWith('struct {') || t.startsWith('struct{')) return structKind(t, hints, depth);
  if (t.startsWith('map.bucket[')) {
    const close = matching(t, 'map.bucket'.length);
    if (close < 0) return 'unknown';
    return combine([kindOf(t.slice('map.bucket['.length, close), hints, depth + 1), kindOf(t.slice(close + 1), hints, depth + 1)]);
  }
  if (t.startsWith('map.iter[') || t.startsWith('map.hdr[')) return 'scan';
  const h = hints?.get(t) ?? knownNamedTypes.get(t);
  if (h !== undefined) return h ? 'scan' : 'noscan';
  return 'unknown';
}

/** Index of the `]` matching the `[` at i. */
function matching(t: string, i: number): number {
  let depth = 0;
  for (let j = i; j < t.length; j++) {
    const c = t[j];
    if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      depth--;
      if (depth === 0) return c === ']' ? j : -1;
    }
  }
  return -1;
}

/** scan if any part is scan; unknown if any is unknown and none is scan; else noscan. */
function combine(ks: PointerKind[]): PointerKind {
  if (ks.includes('scan')) return 'scan';
  if (ks.includes('unknown')) return 'unknown';
  return 'noscan';
}

function structKind(t: string, hints: ReadonlyMap<string, boolean> | undefined, depth: number): PointerKind {
  const open = t.indexOf('{');
  const close = t.lastIndexOf('}');
  if (close < open) return 'unknown';
  const body = t.slice(open + 1, close).trim();
  if (body.length === 0) return 'noscan';
  const kinds: PointerKind[] = [];
  for (let field of splitTop(body, ';')) {
    field = field.trim();
    if (field.length === 0) continue;
    // Drop a struct tag: a trailing quoted string.
    const tag = /\s+"(?:[^"\\]|\\.)*"$/.exec(field);
    if (tag !== null) field = field.slice(0, tag.index);
    const sp = topLevelSpace(field);
    kinds.push(kindOf(sp < 0 ? field : field.slice(sp + 1).trim(), hints, depth + 1));
  }
  return combine(kinds);
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** First space outside brackets: separates a field name from its type (`F uintptr`). */
function topLevelSpace(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ' ' && depth === 0) return i;
  }
  return -1;
}
