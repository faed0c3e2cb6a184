/**
 * Script settings: the heap model and the runtime knobs a script may set at its top, each of which
 * the CLI or a launch configuration may override.
 *
 *   model          go1.5 | go1.10 | go1.14          which allocator generation to simulate
 *   procs          1..256                           GOMAXPROCS: number of Ps (P0..P{procs-1})
 *   gogc           0..1000000 | off                 GOGC (runtime's gcpercent; off = -1)
 *   memprofilerate 0..2^40                          runtime.MemProfileRate (0 = off, 1 = every alloc)
 *   physpagesize   power of two in 4096..524288     the OS page size (minPhysPageSize..maxPhysPageSize)
 *   seed           0..2^53-1                        seed of `rand(n)` and of the engine's fastrand
 *
 * Validation is shared by the checker (values written in the script) and by overrides, so a
 * launch configuration gets the same messages as the script.
 */

export const MODELS = ['go1.5', 'go1.10', 'go1.14'] as const;
export type ModelName = (typeof MODELS)[number];

export const SETTING_NAMES = ['model', 'procs', 'gogc', 'memprofilerate', 'physpagesize', 'seed'] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export interface Settings {
  readonly model: ModelName;
  readonly procs: number;
  /** GOGC percentage, or 'off'. */
  readonly gogc: number | 'off';
  readonly memprofilerate: number;
  readonly physpagesize: number;
  readonly seed: number;
}

/** Values from the CLI or a launch configuration; loosely typed because they come from JSON. */
export type SettingOverrides = Partial<Record<string, unknown>>;

export const DEFAULT_SETTINGS: Settings = {
  model: 'go1.14',
  procs: 1,
  gogc: 100,
  memprofilerate: 512 * 1024,
  physpagesize: 4096,
  seed: 1,
};

export const MAX_PROCS = 256;
export const MAX_GOGC = 1_000_000;
export const MAX_MEMPROFILERATE = 2 ** 40;
export const MIN_PHYS_PAGE_SIZE = 4096;
export const MAX_PHYS_PAGE_SIZE = 512 * 1024;

export function isModelName(s: string): s is ModelName {
  return (MODELS as readonly string[]).includes(s);
}

export function isSettingName(s: string): s is SettingName {
  return (SETTING_NAMES as readonly string[]).includes(s);
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The problem with a setting value, or null when it is valid. Messages never repeat the code. */
export type SettingProblem = { code: 'GH1301' | 'GH1302' | 'GH1305'; message: string } | null;

/** Validates one numeric or word value of a setting. `word` is the `model` name or `off`. */
export function validateSetting(name: SettingName, value: number | string): SettingProblem {
  const range = (lo: number, hi: number, what: string): SettingProblem =>
    typeof value === 'number' && Number.isInteger(value) && value >= lo && value <= hi
      ? null
      : { code: 'GH1305', message: `${name} must be ${what} (got ${show(value)})` };
  switch (name) {
    case 'model':
      return typeof value === 'string' && isModelName(value)
        ? null
        : { code: 'GH1301', message: `unknown model \`${show(value)}\`; valid models: ${MODELS.join(', ')}` };
    case 'procs':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PROCS
        ? null
        : { code: 'GH1302', message: `procs must be between 1 and ${MAX_PROCS} (got ${show(value)})` };
    case 'gogc':
      if (value === 'off') return null;
      return range(0, MAX_GOGC, `a percentage between 0 and ${MAX_GOGC}, or \`off\``);
    case 'memprofilerate':
      return range(0, MAX_MEMPROFILERATE, 'between 0 (profiling off) and 1TB');
    case 'physpagesize':
      if (typeof value === 'number' && isPowerOfTwo(value) && value >= MIN_PHYS_PAGE_SIZE && value <= MAX_PHYS_PAGE_SIZE) return null;
      return { code: 'GH1305', message: `physpagesize must be a power of two between 4096 and 524288 (4KB..512KB), as the Go runtime requires (got ${show(value)})` };
    case 'seed':
      return range(0, Number.MAX_SAFE_INTEGER, 'an integer between 0 and 2^53-1');
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? v.slice(0, 40) + '…' : v;
  if (typeof v === 'number') return String(v);
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 40) + '…' : s;
  } catch {
    return String(v);
  }
}

/**
 * Normalises an override value from JSON/CLI: numbers may arrive as strings ("4"), `gogc` may be
 * "off". Returns the value to validate, or the original when it cannot be normalised.
 */
export function normalizeOverride(name: SettingName, v: unknown): number | string | unknown {
  if (name === 'model') return v;
  if (name === 'gogc' && v === 'off') return 'off';
  if (typeof v === 'string' && /^[0-9]{1,16}$/.test(v)) return Number(v);
  return v;
}
