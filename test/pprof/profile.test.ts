/**
 * profile.proto messages: every field survives encode → decode; the heap profile built from the
 * engine's buckets has runtime/pprof's sample types, period, scaling, stacks and labels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from '../../src/engine/heap';
import { ProtoWriter, buildHeapProfile, decodeProfile, encodeProfile, scaleHeapSample, str, type Profile } from '../../src/program/pprof/index';

/** A profile with every field of every message set to something other than its default. */
function everyField(): Profile {
  return {
    sampleType: [
      { type: 1, unit: 2 },
      { type: 3, unit: 4 },
    ],
    sample: [
      { locationId: [1, 2, 3], value: [10, -20, 2 ** 40, 0], label: [{ key: 5, str: 6, num: 0, numUnit: 0 }, { key: 7, str: 0, num: -3, numUnit: 8 }] },
      { locationId: [2], value: [1], label: [] },
    ],
    mapping: [{ id: 1, memoryStart: 0xffffffff81000000, memoryLimit: 0x800000, fileOffset: 4096, filename: 9, buildId: 10, hasFunctions: true, hasFilenames: true, hasLineNumbers: true, hasInlineFrames: true }],
    location: [
      { id: 1, mappingId: 1, address: 0x401000, line: [{ functionId: 1, line: 12 }, { functionId: 2, line: 7 }], isFolded: true },
      { id: 2, mappingId: 1, address: 0x402000, line: [{ functionId: 2, line: 3 }], isFolded: false },
      { id: 3, mappingId: 0, address: 0, line: [], isFolded: false },
    ],
    function: [
      { id: 1, name: 11, systemName: 12, filename: 13, startLine: 1 },
      { id: 2, name: 14, systemName: 14, filename: 13, startLine: 2 },
    ],
    stringTable: ['', 'alloc_objects', 'count', 'alloc_space', 'bytes', 'k', 'v', 'n', 'u', 'a.out', 'build', 'f', 'sys.f', 'f.go', 'g', 'space', 'héllo ✓'],
    dropFrames: 11,
    keepFrames: 12,
    timeNanos: 1_700_000_000_123_456_768, // a real Unix time in ns: beyond 2^53, exact as a double
    durationNanos: 5_000_000_000,
    periodType: { type: 15, unit: 4 },
    period: 524288,
    comment: [16, 5, 6],
    defaultSampleType: 3,
  };
}

test('every field of every message survives encode → decode', () => {
  const p = everyField();
  assert.deepEqual(decodeProfile(encodeProfile(p)), p);
  const empty = decodeProfile(new Uint8Array(0));
  assert.deepEqual(empty.stringTable, ['']);
  assert.equal(empty.periodType, null);
});

test('the decoder also reads unpacked repeated fields and skips unknown ones', () => {
  const w = new ProtoWriter();
  w.message(2, (m) => {
    for (const l of [4, 5, 6]) m.int(1, l); // unpacked location ids
    m.ints(2, [1, 2, 3], 99); // unpacked values
    m.int(9, 77); // unknown field
  });
  w.string(6, '');
  w.int(99, 1); // unknown top-level field
  const p = decodeProfile(w.finish());
  assert.deepEqual(p.sample, [{ locationId: [4, 5, 6], value: [1, 2, 3], label: [] }]);
});

test('scaleHeapSample matches Go 1.19 runtime/pprof (values printed by Go)', () => {
  // [count, size, rate, scaled count, scaled size], from protomem.go's function run by go1.19.8.
  const cases = [
    [1, 524288, 524288, 1, 829411],
    [3, 96, 524288, 49153, 1572912],
    [10, 40960, 524288, 1285, 5263386],
    [2, 2097152, 524288, 2, 2425393],
    [5, 160, 1, 5, 160],
    [7, 7168, 4096, 31, 32405],
    [0, 0, 512, 0, 0],
    [1, 32, 524288, 16384, 524304],
  ];
  for (const [c, s, r, wc, ws] of cases) assert.deepEqual(scaleHeapSample(c, s, r), [wc, ws], `${c} ${s} ${r}`);
});

const stacks = new Map([
  [1, [{ func: 'loop@3', file: 'demo.goheap', line: 4 }, { func: 'main', file: 'demo.goheap', line: 3 }]],
  [2, [{ func: 'main', file: 'demo.goheap', line: 7 }]],
]);

/** Three 1 KiB objects kept at site 1, one 4 KiB object dropped at site 2, one GC. */
function run(rate: number): Heap {
  const hp = new Heap({ model: 'go1.14', memProfileRate: rate });
  const keep: number[] = [];
  hp.setRoots((visit) => keep.forEach(visit));
  for (let i = 0; i < 3; i++) keep.push(hp.malloc(1024, false, 0, 1));
  hp.malloc(4096, true, 0, 2);
  hp.gc();
  return hp;
}

test('a heap profile from the engine: sample types, period, one sample per site with its stack', () => {
  const hp = run(1);
  const p = decodeProfile(encodeProfile(buildHeapProfile({ buckets: hp.h.mProf, stacks, rate: 1, comments: ['model go1.14'] })));
  assert.deepEqual(
    p.sampleType.map((v) => `${str(p, v.type)}/${str(p, v.unit)}`),
    ['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes'],
  );
  assert.equal(`${str(p, p.periodType!.type)}/${str(p, p.periodType!.unit)}`, 'space/bytes');
  assert.equal(p.period, 1);
  assert.deepEqual(p.comment.map((c) => str(p, c)), ['model go1.14']);
  const frames = (locIds: number[]): string[] =>
    locIds.map((id) => {
      const loc = p.location.find((l) => l.id === id)!;
      const fn = p.function.find((f) => f.id === loc.line[0].functionId)!;
      return `${str(p, fn.name)} ${str(p, fn.filename)}:${loc.line[0].line}`;
    });
  assert.deepEqual(
    p.sample.map((s) => ({ stack: frames(s.locationId), value: s.value, bytes: s.label.map((l) => `${str(p, l.key)}=${l.num}`) })),
    [
      { stack: ['loop@3 demo.goheap:4', 'main demo.goheap:3'], value: [3, 3072, 3, 3072], bytes: ['bytes=1024'] },
      { stack: ['main demo.goheap:7'], value: [1, 4096, 0, 0], bytes: ['bytes=4096'] },
    ],
  );
  // Functions are shared by name and file; locations by frame.
  assert.equal(p.function.length, 2);
  assert.equal(p.location.length, 3);
  assert.deepEqual(p.mapping.map((m) => [m.id, str(p, m.filename), m.hasFunctions]), [[1, 'goheap', true]]);
});

test('sampled buckets are scaled up by the sampling probability; a site with no stack is named', () => {
  const buckets = new Map([
    [1, { allocs: 3, allocBytes: 96, frees: 1, freeBytes: 32 }],
    [5, { allocs: 1, allocBytes: 524288, frees: 0, freeBytes: 0 }],
    [6, { allocs: 0, allocBytes: 0, frees: 0, freeBytes: 0 }],
  ]);
  const p = buildHeapProfile({ buckets, stacks, rate: 524288 });
  assert.equal(p.period, 524288);
  assert.deepEqual(p.sample.map((s) => s.value), [
    [49153, 1572912, ...scaleHeapSample(2, 64, 524288)],
    [1, 829411, 1, 829411],
  ]);
  const loc = p.location.find((l) => l.id === p.sample[1].locationId[0])!;
  assert.equal(str(p, p.function.find((f) => f.id === loc.line[0].functionId)!.name), 'site 5');
});
