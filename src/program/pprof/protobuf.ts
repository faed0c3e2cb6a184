/**
 * A minimal protocol-buffers wire-format writer and reader: what profile.proto needs (varints,
 * length-delimited fields, packed repeated varints) and nothing more. No dependency, no I/O: the
 * writer returns bytes (gzip, as pprof files are, is the caller's business: node:zlib).
 *
 * Numbers are JavaScript numbers: any integer-valued number is written exactly (negative ones as
 * 10-byte two's complement varints, as protobuf does for int64). The reader returns numbers and
 * throws a `ProtoError` with the byte offset when the input is malformed, or when a value is
 * beyond 2^53 — unless the caller reads it `lossy` (timestamps, addresses), rounding it to the
 * nearest double.
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (1 and 5 are only skipped).
 */

export class ProtoError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'ProtoError';
  }
}

export const WireVarint = 0;
export const WireFixed64 = 1;
export const WireBytes = 2;
export const WireFixed32 = 5;

const utf8 = new TextEncoder();
const utf8d = new TextDecoder('utf-8', { fatal: false });

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private n = 0;

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }

  /** A raw varint (no tag). Negative numbers become 10-byte two's complement. */
  varint(x: number): void {
    if (!Number.isInteger(x)) throw new RangeError(`varint: ${x} is not an integer`);
    if (x < 0 || x > Number.MAX_SAFE_INTEGER) {
      if (x >= 2 ** 64 || x < -(2 ** 63)) throw new RangeError(`varint: ${x} does not fit in 64 bits`);
      let v = BigInt.asUintN(64, BigInt(x));
      this.room(10);
      while (v >= 0x80n) {
        this.buf[this.n++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.n++] = Number(v);
      return;
    }
    this.room(8);
    while (x >= 0x80) {
      this.buf[this.n++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.n++] = x;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An (u)int64 / bool / enum field; zero is written too (use the *Opt forms for proto3 defaults). */
  int(field: number, x: number): void {
    this.tag(field, WireVarint);
    this.varint(x);
  }

  /** Omitted when zero (proto3 default). */
  intOpt(field: number, x: number): void {
    if (x !== 0) this.int(field, x);
  }

  boolOpt(field: number, b: boolean): void {
    if (b) this.int(field, 1);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, WireBytes);
    this.varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** A string field, written even when empty (repeated string_table entries need that). */
  string(field: number, s: string): void {
    this.bytes(field, utf8.encode(s));
  }

  /** Repeated varints: packed (one length-delimited field) when more than `packAbove`, else one field each. */
  ints(field: number, xs: readonly number[], packAbove = 2): void {
    if (xs.length === 0) return;
    if (xs.length <= packAbove) {
      for (const x of xs) this.int(field, x);
      return;
    }
    const w = new ProtoWriter();
    for (const x of xs) w.varint(x);
    this.bytes(field, w.finish());
  }

  /** An embedded message, written by `body` into a nested writer. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    body(w);
    this.bytes(field, w.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

export class ProtoReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly base = 0,
  ) {
    this.pos = 0;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Offset in the outermost buffer (for errors). */
  get offset(): number {
    return this.base + this.pos;
  }

  /** The next field's number and wire type, or null at the end. */
  next(): { field: number; wire: number } | null {
    if (this.done) return null;
    const at = this.offset;
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new ProtoError('field number 0', at);
    return { field, wire };
  }

  /**
   * A varint as a number; beyond ±2^53 it is an error, or rounded when `lossy`. Ten-byte varints
   * are negative int64 values, or with `unsigned` uint64 values above 2^63 (addresses).
   */
  varint(lossy = false, unsigned = false): number {
    const at = this.offset;
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtoError('truncated varint', at);
      const b = this.buf[this.pos++];
      if (i >= 7) return this.bigVarint(at, lossy, unsigned);
      x += (b & 0x7f) * mul;
      mul *= 0x80;
      if (b < 0x80) return x;
    }
    throw new ProtoError('varint longer than 10 bytes', at);
  }

  /** The slow path: a varint of 8+ bytes, re-read with BigInt; negative int64 allowed. */
  private bigVarint(at: number, lossy: boolean, unsigned: boolean): number {
    this.pos = at - this.base;
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtoError('truncated varint', at);
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) {
        const s = unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
        if (!lossy && (s > BigInt(Number.MAX_SAFE_INTEGER) || s < BigInt(Number.MIN_SAFE_INTEGER))) throw new ProtoError(`value ${s} does not fit in a safe integer`, at);
        return Number(s);
      }
    }
    throw new ProtoError('varint longer than 10 bytes', at);
  }

  /** A length-delimited field's bytes (a view). */
  bytes(): Uint8Array {
    const at = this.offset;
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new ProtoError(`length ${len} runs past the end`, at);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const b = this.bytes();
    return new ProtoReader(b, this.offset - b.length);
  }

  string(): string {
    return utf8d.decode(this.bytes());
  }

  /** A repeated varint field's value(s): packed (wire type 2) or one (wire type 0). */
  ints(wire: number, into: number[]): void {
    if (wire === WireVarint) {
      into.push(this.varint());
      return;
    }
    if (wire !== WireBytes) throw new ProtoError(`wire type ${wire} for a repeated integer`, this.offset);
    const r = this.message();
    while (!r.done) into.push(r.varint());
  }

  /** A scalar varint field, checking the wire type. */
  int(wire: number, lossy = false, unsigned = false): number {
    if (wire !== WireVarint) throw new ProtoError(`wire type ${wire} for an integer field`, this.offset);
    return this.varint(lossy, unsigned);
  }

  /** Skip a field of this wire type (unknown fields). */
  skip(wire: number): void {
    const at = this.offset;
    switch (wire) {
      case WireVarint:
        this.varint();
        return;
      case WireFixed64:
        this.advance(8, at);
        return;
      case WireBytes:
        this.bytes();
        return;
      case WireFixed32:
        this.advance(4, at);
        return;
      default:
        throw new ProtoError(`unsupported wire type ${wire}`, at);
    }
  }

  private advance(k: number, at: number): void {
    if (this.pos + k > this.buf.length) throw new ProtoError('truncated fixed-size field', at);
    this.pos += k;
  }
}
