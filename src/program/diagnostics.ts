/**
 * Diagnostics of the allocation-script front end: what the lexer, parser and checker report.
 *
 * Every diagnostic has a stable code (`GH1203`), a severity, a 0-based range and a message that
 * says what to do. Codes are grouped by hundreds:
 *
 *   GH10xx  lexical       (characters, numbers, units, strings)
 *   GH11xx  syntax        (statements, blocks, expressions)
 *   GH12xx  heap rules    (sizes, noscan, indexes, stacks, Ps, nil, units)
 *   GH13xx  settings      (model, procs, gogc, ... and their overrides)
 *   GH14xx  names, types  (unknown variables, use before assignment, operand types)
 *   GH15xx  heap facts    (`heap.*`, `span(x).*`, `obj(x).*`, `class(n)`, `sizeclass(n)`)
 *   GH19xx  warnings
 *
 * Nothing here throws: the front end collects diagnostics, callers decide what to do with them.
 * A code never changes meaning once published; retired codes are not reused.
 */

import { toRange, type Range } from './positions';

export type Severity = 'error' | 'warning';

/** Where a diagnostic comes from: the script text, or a setting overridden by the CLI/launch config. */
export type DiagnosticOrigin = 'script' | 'override';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** 0-based; for `origin: 'override'` it is the range of the overridden setting, or 0:0-0:0. */
  readonly range: Range;
  readonly origin: DiagnosticOrigin;
  /** For `origin: 'override'`: the setting that was overridden. */
  readonly setting?: string;
}

/** Every code, by name. The comment says what triggers it. */
export const Codes = {
  // --- lexical
  UnexpectedCharacter: 'GH1001', // a character that starts no token
  UnterminatedString: 'GH1002', // "... without closing quote on the same line
  NumberTooLarge: 'GH1003', // literal beyond 2^53-1 (after its unit)
  UnknownUnit: 'GH1004', // 4kb, 10M
  MalformedNumber: 'GH1005', // 1__0, 007, 0x, 0x10KB
  FractionalNumber: 'GH1006', // 1.5s
  InvalidEscape: 'GH1007', // "\q"
  ForeignOperator: 'GH1008', // := ; & | // — Go or C habits, with the script's spelling
  // --- syntax
  ExpectedStatement: 'GH1101',
  ExpectedToken: 'GH1102',
  ExpectedExpression: 'GH1103',
  ExpectedEndOfStatement: 'GH1104',
  UnclosedBlock: 'GH1105',
  UnexpectedCloseBrace: 'GH1106',
  NestingTooDeep: 'GH1107',
  MisplacedAllocation: 'GH1108',
  InvalidAssignTarget: 'GH1109',
  ElseWithoutIf: 'GH1110',
  InvalidProcName: 'GH1111',
  UnitNotAttached: 'GH1112',
  KeywordAsName: 'GH1113',
  TooManyErrors: 'GH1198',
  InternalError: 'GH1199',
  // --- heap rules
  SizeTooSmall: 'GH1201',
  SizeTooLarge: 'GH1202',
  NoscanPointer: 'GH1203',
  IndexOutOfRange: 'GH1204',
  NotAStack: 'GH1205',
  BadStackSize: 'GH1206',
  ProcOutOfRange: 'GH1207',
  NilDereference: 'GH1208',
  UseAfterRelease: 'GH1209',
  DoubleStackFree: 'GH1210',
  WrongUnit: 'GH1211',
  CountOutOfRange: 'GH1212',
  ArrayLengthOutOfRange: 'GH1213',
  StackMisuse: 'GH1214',
  DivisionByZero: 'GH1215',
  ConstantOverflow: 'GH1216',
  // --- settings
  UnknownModel: 'GH1301',
  ProcsOutOfRange: 'GH1302',
  DuplicateSetting: 'GH1303',
  SettingAfterStatements: 'GH1304',
  SettingOutOfRange: 'GH1305',
  SettingNotConstant: 'GH1306',
  UnknownOverride: 'GH1307',
  // --- names and types
  UnknownVariable: 'GH1401',
  UsedBeforeAssigned: 'GH1402',
  TypeMismatch: 'GH1403',
  OperandType: 'GH1404',
  ConditionNotBool: 'GH1405',
  AssignToCounter: 'GH1406',
  CounterShadows: 'GH1407',
  NotAReference: 'GH1408',
  ArrayMisuse: 'GH1409',
  ArrayRedeclared: 'GH1410',
  ArrayNotTopLevel: 'GH1411',
  StringMisuse: 'GH1412',
  DropNonReference: 'GH1413',
  // --- heap facts
  UnknownFactFunction: 'GH1501',
  UnknownFactField: 'GH1502',
  FactNotInModel: 'GH1503',
  FactArgument: 'GH1504',
  FactFieldRequired: 'GH1505',
  FactFieldNotAllowed: 'GH1506',
  // --- warnings
  UnusedVariable: 'GH1901',
  UnusedCounter: 'GH1902',
  ConstantCondition: 'GH1903',
  StackLeak: 'GH1904',
  AlreadyNil: 'GH1905',
} as const;

export type DiagnosticCode = (typeof Codes)[keyof typeof Codes];

/** Most diagnostics one file reports; the next one becomes a single GH1198. */
export const MAX_DIAGNOSTICS = 1000;

/**
 * Collects diagnostics for one file, capped at MAX_DIAGNOSTICS (the cap protects the editor from
 * a binary file turning into a million squiggles; real scripts never reach it).
 */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  private full = false;

  constructor(private readonly max = MAX_DIAGNOSTICS) {}

  get errorCount(): number {
    let n = 0;
    for (const d of this.list) if (d.severity === 'error') n++;
    return n;
  }

  error(code: DiagnosticCode, range: Range, message: string): void {
    this.add({ code, severity: 'error', message, range, origin: 'script' });
  }

  warning(code: DiagnosticCode, range: Range, message: string): void {
    this.add({ code, severity: 'warning', message, range, origin: 'script' });
  }

  add(d: Diagnostic): void {
    if (this.full) {
      // The cap note is as severe as the worst diagnostic it stands for: a file with a thousand
      // warnings still compiles; an error past the cap still fails it.
      const note = this.list[this.list.length - 1];
      if (d.severity === 'error' && note.severity !== 'error') this.list[this.list.length - 1] = { ...note, severity: 'error' };
      return;
    }
    d = { ...d, range: toRange(d.range), message: shortenQuotes(d.message) };
    if (this.list.length >= this.max) {
      this.full = true;
      this.list.push({
        code: Codes.TooManyErrors,
        severity: d.severity,
        message: `too many problems; stopped reporting after ${this.max}`,
        range: d.range,
        origin: d.origin,
      });
      return;
    }
    this.list.push(d);
  }
}

/** Quoted names and literals longer than this are cut (a 10 MB identifier must not become a 10 MB message). */
const MAX_QUOTED = 60;

function shortenQuotes(message: string): string {
  if (message.length <= 2 * MAX_QUOTED) return message;
  return message.replace(/`([^`]*)`/g, (m, inner: string) => (inner.length > MAX_QUOTED ? '`' + inner.slice(0, MAX_QUOTED) + '…`' : m));
}

/** Orders diagnostics by position, then code, for stable output. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return ds.slice().sort(
    (a, b) =>
      (a.origin === b.origin ? 0 : a.origin === 'override' ? -1 : 1) ||
      a.range.start.line - b.range.start.line ||
      a.range.start.column - b.range.start.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
