/** noscan from a traced type string: mallocgc's `typ == nil || typ.ptrdata == 0`, read from the type's syntax. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointerKind, type PointerKind } from '../../src/program/replay/index';

test('pointer-free or not, by type syntax', () => {
  const cases: [string | null, PointerKind][] = [
    [null, 'noscan'], // typ == nil: rawstring, untyped buffers
    ['uint8', 'noscan'], // make([]byte, n) prints its element type
    ['int64', 'noscan'],
    ['float64', 'noscan'],
    ['complex128', 'noscan'],
    ['uintptr', 'noscan'],
    ['string', 'scan'], // a string header points at its bytes
    ['error', 'scan'],
    ['unsafe.Pointer', 'scan'],
    ['*main.node', 'scan'],
    ['[]uint8', 'scan'], // a slice header holds a pointer
    ['[16]uint8', 'noscan'],
    ['[4][2]int32', 'noscan'],
    ['[0]*int', 'noscan'],
    ['[3]string', 'scan'],
    ['map[string]int', 'scan'],
    ['chan int', 'scan'],
    ['<-chan *main.msg', 'scan'],
    ['func(int) (string, error)', 'scan'],
    ['interface {}', 'scan'],
    ['struct {}', 'noscan'],
    ['struct { x int; y float64 }', 'noscan'],
    ['struct { F uintptr; .autotmp_13 <-chan *main.msg; .autotmp_15 int64 }', 'scan'],
    ['struct { a [2]struct { b int32 }; c uint8 "json:\\"c\\"" }', 'noscan'],
    ['noalg.struct { F uintptr; R *main.T }', 'scan'],
    ['map.bucket[string]int', 'scan'],
    ['map.bucket[int64]float64', 'noscan'],
    ['map.bucket[[2]int]struct {}', 'noscan'],
    ['map.bucket[int]*main.node', 'scan'],
    ['map.bucket[main.key]int', 'unknown'],
    ['map.iter[int]int', 'scan'],
    ['runtime.hmap', 'scan'],
    ['sync.Mutex', 'noscan'],
    ['main.node', 'unknown'],
    ['[4]main.point', 'unknown'],
    ['struct { p main.point; q *int }', 'scan'], // one pointer field decides
    ['', 'unknown'],
  ];
  const bad: string[] = [];
  for (const [t, want] of cases) {
    const got = pointerKind(t);
    if (got !== want) bad.push(`${JSON.stringify(t)}: got ${got}, want ${want}`);
  }
  assert.deepEqual(bad, []);
});

test('hints decide named types, also inside composite types', () => {
  const hints = new Map([['main.point', false], ['main.node', true]]);
  assert.equal(pointerKind('main.point', hints), 'noscan');
  assert.equal(pointerKind('[4]main.point', hints), 'noscan');
  assert.equal(pointerKind('map.bucket[main.point]int8', hints), 'noscan');
  assert.equal(pointerKind('struct { a main.point; b main.node }', hints), 'scan');
  assert.equal(pointerKind('sync.Mutex', new Map([['sync.Mutex', true]])), 'scan', 'a hint overrides the built-in table');
});
