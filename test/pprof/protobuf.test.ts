/** The protobuf wire format: varints (with Go's own encodings as the reference), fields, packing, skipping, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoError, ProtoReader, ProtoWriter, WireBytes, WireVarint } from '../../src/program/pprof/index';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('varints encode as protobuf does, and decode back', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 32, '8080808010'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    [-1, 'ffffffffffffffffff01'], // int64 -1: ten bytes of two's complement
    [-2, 'feffffffffffffffff01'],
  ];
  for (const [x, want] of cases) {
    const w = new ProtoWriter();
    w.varint(x);
    const b = w.finish();
    assert.equal(hex(b), want, `encode ${x}`);
    assert.equal(new ProtoReader(b).varint(), x, `decode ${x}`);
  }
  assert.throws(() => new ProtoWriter().varint(2 ** 64), RangeError);
  assert.throws(() => new ProtoWriter().varint(1.5), RangeError);
  // Beyond 2^53: written exactly; read only when the caller accepts rounding.
  const w = new ProtoWriter();
  w.varint(2 ** 60 + 2 ** 10);
  const big = w.finish();
  assert.equal(hex(big), '8088808080808080' + '10');
  assert.throws(() => new ProtoReader(big).varint(), ProtoError);
  assert.equal(new ProtoReader(big).varint(true), 2 ** 60 + 2 ** 10);
});

test('fields: tags, strings, embedded messages, packed and unpacked repeated integers', () => {
  const w = new ProtoWriter();
  w.int(1, 150); // the protobuf documentation's example: 08 96 01
  w.string(2, 'testing'); // 12 07 74 65 73 74 69 6e 67
  w.ints(4, [3, 270, 86942]); // packed: 22 06 03 8e 02 9e a7 05
  w.ints(5, [7, 8]); // two values: one field each
  w.message(6, (m) => m.int(1, 1));
  w.intOpt(7, 0); // omitted
  w.boolOpt(8, false); // omitted
  const b = w.finish();
  assert.equal(hex(b), '089601120774657374696e67' + '2206038e029ea705' + '28072808' + '32020801');
  const r = new ProtoReader(b);
  const got: unknown[] = [];
  const ints: number[] = [];
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) got.push(['int', r.int(f.wire)]);
    else if (f.field === 2) got.push(['string', r.string()]);
    else if (f.field === 4 || f.field === 5) r.ints(f.wire, ints);
    else if (f.field === 6) {
      const m = r.message();
      const g = m.next()!;
      got.push(['message', g.field, m.int(g.wire)]);
    }
  }
  assert.deepEqual(got, [
    ['int', 150],
    ['string', 'testing'],
    ['message', 1, 1],
  ]);
  assert.deepEqual(ints, [3, 270, 86942, 7, 8]);
});

test('unknown fields of every wire type are skipped', () => {
  // field 9 fixed64, field 10 fixed32, field 11 bytes, field 12 varint, then field 1 = 5
  const b = Uint8Array.from([0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x55, 1, 2, 3, 4, 0x5a, 2, 0xaa, 0xbb, 0x60, 0x96, 0x01, 0x08, 0x05]);
  const r = new ProtoReader(b);
  let one = -1;
  for (let f = r.next(); f !== null; f = r.next()) {
    if (f.field === 1) one = r.int(f.wire);
    else r.skip(f.wire);
  }
  assert.equal(one, 5);
});

test('malformed input is a ProtoError with the byte offset', () => {
  const cases: [number[], string][] = [
    [[0x08], 'truncated varint at byte 1'],
    [[0x08, 0x80], 'truncated varint at byte 1'],
    [[0x12, 0x05, 0x61], 'length 5 runs past the end at byte 1'],
    [[0x00, 0x01], 'field number 0 at byte 0'],
    [[0x0b], 'unsupported wire type 3 at byte 1'],
    [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], 'does not fit in a safe integer at byte 1'],
  ];
  for (const [bytes, msg] of cases) {
    const r = new ProtoReader(Uint8Array.from(bytes));
    assert.throws(
      () => {
        for (let f = r.next(); f !== null; f = r.next()) {
          if (f.wire === WireVarint) r.varint();
          else if (f.wire === WireBytes) r.bytes();
          else r.skip(f.wire);
        }
      },
      (e: unknown) => e instanceof ProtoError && e.message.endsWith(msg),
      msg,
    );
  }
});
