/**
 * The messages of pprof's profile.proto (github.com/google/pprof/proto/profile.proto), all of
 * them, with their field numbers, and their encoding and decoding.
 *
 * The interfaces mirror the .proto one to one: strings are indices into `stringTable` (whose
 * entry 0 must be ""), ids are 1-based and 0 means "none", every repeated field is an array.
 * Zero values are omitted on the wire (proto3), so decode(encode(p)) gives p back field for field.
 * Repeated integers are packed when there are more than two, as runtime/pprof writes them; the
 * decoder accepts packed and unpacked forms and skips unknown fields. Numbers are JavaScript
 * numbers: values, ids and string indices beyond 2^53 are a decoding error; times and addresses
 * (a real profile's time_nanos is about 1.7e18) are read rounded to the nearest double.
 *
 *   Profile   1 sample_type  2 sample  3 mapping  4 location  5 function  6 string_table
 *             7 drop_frames  8 keep_frames  9 time_nanos  10 duration_nanos  11 period_type
 *             12 period  13 comment  14 default_sample_type
 *   ValueType 1 type  2 unit
 *   Sample    1 location_id  2 value  3 label
 *   Label     1 key  2 str  3 num  4 num_unit
 *   Mapping   1 id  2 memory_start  3 memory_limit  4 file_offset  5 filename  6 build_id
 *             7 has_functions  8 has_filenames  9 has_line_numbers  10 has_inline_frames
 *   Location  1 id  2 mapping_id  3 address  4 line  5 is_folded
 *   Line      1 function_id  2 line
 *   Function  1 id  2 name  3 system_name  4 filename  5 start_line
 */
import { ProtoError, ProtoReader, ProtoWriter, WireBytes } from './protobuf';

export interface ValueType {
  type: number;
  unit: number;
}

export interface Label {
  key: number;
  str: number;
  num: number;
  numUnit: number;
}

export interface Sample {
  locationId: number[];
  value: number[];
  label: Label[];
}

export interface Mapping {
  id: number;
  memoryStart: number;
  memoryLimit: number;
  fileOffset: number;
  filename: number;
  buildId: number;
  hasFunctions: boolean;
  hasFilenames: boolean;
  hasLineNumbers: boolean;
  hasInlineFrames: boolean;
}

export interface Line {
  functionId: number;
  line: number;
}

export interface Location {
  id: number;
  mappingId: number;
  address: number;
  line: Line[];
  isFolded: boolean;
}

/** profile.proto's Function (renamed: `Function` is a global type). */
export interface ProfileFunction {
  id: number;
  name: number;
  systemName: number;
  filename: number;
  startLine: number;
}

export interface Profile {
  sampleType: ValueType[];
  sample: Sample[];
  mapping: Mapping[];
  location: Location[];
  function: ProfileFunction[];
  stringTable: string[];
  dropFrames: number;
  keepFrames: number;
  timeNanos: number;
  durationNanos: number;
  periodType: ValueType | null;
  period: number;
  comment: number[];
  defaultSampleType: number;
}

export function emptyProfile(): Profile {
  return { sampleType: [], sample: [], mapping: [], location: [], function: [], stringTable: [''], dropFrames: 0, keepFrames: 0, timeNanos: 0, durationNanos: 0, periodType: null, period: 0, comment: [], defaultSampleType: 0 };
}

// --- encoding

function writeValueType(w: ProtoWriter, v: ValueType): void {
  w.intOpt(1, v.type);
  w.intOpt(2, v.unit);
}

/** The profile as protobuf bytes (not gzipped). */
export function encodeProfile(p: Profile): Uint8Array {
  if (p.stringTable[0] !== '') throw new Error('profile: string_table[0] must be ""');
  const w = new ProtoWriter();
  for (const v of p.sampleType) w.message(1, (m) => writeValueType(m, v));
  for (const s of p.sample) {
    w.message(2, (m) => {
      m.ints(1, s.locationId);
      m.ints(2, s.value);
      for (const l of s.label) {
        m.message(3, (lm) => {
          lm.intOpt(1, l.key);
          lm.intOpt(2, l.str);
          lm.intOpt(3, l.num);
          lm.intOpt(4, l.numUnit);
        });
      }
    });
  }
  for (const mp of p.mapping) {
    w.message(3, (m) => {
      m.intOpt(1, mp.id);
      m.intOpt(2, mp.memoryStart);
      m.intOpt(3, mp.memoryLimit);
      m.intOpt(4, mp.fileOffset);
      m.intOpt(5, mp.filename);
      m.intOpt(6, mp.buildId);
      m.boolOpt(7, mp.hasFunctions);
      m.boolOpt(8, mp.hasFilenames);
      m.boolOpt(9, mp.hasLineNumbers);
      m.boolOpt(10, mp.hasInlineFrames);
    });
  }
  for (const loc of p.location) {
    w.message(4, (m) => {
      m.intOpt(1, loc.id);
      m.intOpt(2, loc.mappingId);
      m.intOpt(3, loc.address);
      for (const ln of loc.line) {
        m.message(4, (lm) => {
          lm.intOpt(1, ln.functionId);
          lm.intOpt(2, ln.line);
        });
      }
      m.boolOpt(5, loc.isFolded);
    });
  }
  for (const f of p.function) {
    w.message(5, (m) => {
      m.intOpt(1, f.id);
      m.intOpt(2, f.name);
      m.intOpt(3, f.systemName);
      m.intOpt(4, f.filename);
      m.intOpt(5, f.startLine);
    });
  }
  for (const s of p.stringTable) w.string(6, s);
  w.intOpt(7, p.dropFrames);
  w.intOpt(8, p.keepFrames);
  w.intOpt(9, p.timeNanos);
  w.intOpt(10, p.durationNanos);
  if (p.periodType !== null) {
    const pt = p.periodType;
    w.message(11, (m) => writeValueType(m, pt));
  }
  w.intOpt(12, p.period);
  w.ints(13, p.comment);
  w.intOpt(14, p.defaultSampleType);
  return w.finish();
}

// --- decoding

function readValueType(r: ProtoReader): ValueType {
  const v: ValueType = { type: 0, unit: 0 };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) v.type = r.int(f.wire);
    else if (f.field === 2) v.unit = r.int(f.wire);
    else r.skip(f.wire);
  }
  return v;
}

function readLabel(r: ProtoReader): Label {
  const l: Label = { key: 0, str: 0, num: 0, numUnit: 0 };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) l.key = r.int(f.wire);
    else if (f.field === 2) l.str = r.int(f.wire);
    else if (f.field === 3) l.num = r.int(f.wire);
    else if (f.field === 4) l.numUnit = r.int(f.wire);
    else r.skip(f.wire);
  }
  return l;
}

function readSample(r: ProtoReader): Sample {
  const s: Sample = { locationId: [], value: [], label: [] };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) r.ints(f.wire, s.locationId);
    else if (f.field === 2) r.ints(f.wire, s.value);
    else if (f.field === 3) s.label.push(readLabel(sub(r, f.wire)));
    else r.skip(f.wire);
  }
  return s;
}

function readMapping(r: ProtoReader): Mapping {
  const m: Mapping = { id: 0, memoryStart: 0, memoryLimit: 0, fileOffset: 0, filename: 0, buildId: 0, hasFunctions: false, hasFilenames: false, hasLineNumbers: false, hasInlineFrames: false };
  for (let f = r.next(); f !== null; f = r.next()) {
    switch (f.field) {
      case 1: m.id = r.int(f.wire); break;
      case 2: m.memoryStart = r.int(f.wire, true, true); break;
      case 3: m.memoryLimit = r.int(f.wire, true, true); break;
      case 4: m.fileOffset = r.int(f.wire, true, true); break;
      case 5: m.filename = r.int(f.wire); break;
      case 6: m.buildId = r.int(f.wire); break;
      case 7: m.hasFunctions = r.int(f.wire) !== 0; break;
      case 8: m.hasFilenames = r.int(f.wire) !== 0; break;
      case 9: m.hasLineNumbers = r.int(f.wire) !== 0; break;
      case 10: m.hasInlineFrames = r.int(f.wire) !== 0; break;
      default: r.skip(f.wire);
    }
  }
  return m;
}

function readLine(r: ProtoReader): Line {
  const l: Line = { functionId: 0, line: 0 };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) l.functionId = r.int(f.wire);
    else if (f.field === 2) l.line = r.int(f.wire);
    else r.skip(f.wire);
  }
  return l;
}

function readLocation(r: ProtoReader): Location {
  const loc: Location = { id: 0, mappingId: 0, address: 0, line: [], isFolded: false };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) loc.id = r.int(f.wire);
    else if (f.field === 2) loc.mappingId = r.int(f.wire);
    else if (f.field === 3) loc.address = r.int(f.wire, true, true);
    else if (f.field === 4) loc.line.push(readLine(sub(r, f.wire)));
    else if (f.field === 5) loc.isFolded = r.int(f.wire) !== 0;
    else r.skip(f.wire);
  }
  return loc;
}

function readFunction(r: ProtoReader): ProfileFunction {
  const fn: ProfileFunction = { id: 0, name: 0, systemName: 0, filename: 0, startLine: 0 };
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) fn.id = r.int(f.wire);
    else if (f.field === 2) fn.name = r.int(f.wire);
    else if (f.field === 3) fn.systemName = r.int(f.wire);
    else if (f.field === 4) fn.filename = r.int(f.wire);
    else if (f.field === 5) fn.startLine = r.int(f.wire);
    else r.skip(f.wire);
  }
  return fn;
}

/** The embedded message of a field (which must be length-delimited). */
function sub(r: ProtoReader, wire: number): ProtoReader {
  if (wire !== WireBytes) throw new ProtoError(`wire type ${wire} for an embedded message`, r.offset);
  return r.message();
}

/**
 * Profile bytes (not gzipped) back to the message. Throws ProtoError (with the byte offset) on
 * malformed input; an empty string table gets its required "" entry.
 */
export function decodeProfile(bytes: Uint8Array): Profile {
  const r = new ProtoReader(bytes);
  const p = emptyProfile();
  p.stringTable = [];
  for (let f = r.next(); f !== null; f = r.next()) {
    switch (f.field) {
      case 1: p.sampleType.push(readValueType(sub(r, f.wire))); break;
      case 2: p.sample.push(readSample(sub(r, f.wire))); break;
      case 3: p.mapping.push(readMapping(sub(r, f.wire))); break;
      case 4: p.location.push(readLocation(sub(r, f.wire))); break;
      case 5: p.function.push(readFunction(sub(r, f.wire))); break;
      case 6:
        if (f.wire !== WireBytes) throw new ProtoError(`wire type ${f.wire} for string_table`, r.offset);
        p.stringTable.push(r.string());
        break;
      case 7: p.dropFrames = r.int(f.wire); break;
      case 8: p.keepFrames = r.int(f.wire); break;
      case 9: p.timeNanos = r.int(f.wire, true); break;
      case 10: p.durationNanos = r.int(f.wire, true); break;
      case 11: p.periodType = readValueType(sub(r, f.wire)); break;
      case 12: p.period = r.int(f.wire); break;
      case 13: r.ints(f.wire, p.comment); break;
      case 14: p.defaultSampleType = r.int(f.wire); break;
      default: r.skip(f.wire);
    }
  }
  if (p.stringTable.length === 0) p.stringTable.push('');
  return p;
}

/** String of a string-table index ('' when out of range). */
export function str(p: Profile, i: number): string {
  return p.stringTable[i] ?? '';
}
