/**
 * The vscode-free editor logic for `.goheap` files (src/program/editor): hover numbers checked
 * against Go's published size-class tables (shared/reference/sizeclasses), completion by
 * context and scope, the outline, CodeLens positions and debugger hover expressions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocationInfo, stackInfo } from '../../src/program/editor/sizeinfo';
import { EditorDocument } from '../../src/program/editor/document';
import { hoverAt } from '../../src/program/editor/hover';
import { completionsAt } from '../../src/program/editor/completion';
import { documentSymbols, type OutlineSymbol } from '../../src/program/editor/symbols';
import { codeLensPositions } from '../../src/program/editor/codelens';
import { evaluatableAt } from '../../src/program/editor/evaluatable';

interface RefClass {
  class: number;
  size: number;
  npages: number;
  objectsPerSpan: number;
  tailWaste: number;
}
const refDir = '/work/shared/reference/sizeclasses';
const reference = (model: string): RefClass[] => JSON.parse(readFileSync(join(refDir, `${model}.json`), 'utf8')).classes;

/** Position of the first `|` in `text` and the text without it. */
function cursor(marked: string): { text: string; line: number; column: number } {
  const i = marked.indexOf('|');
  const before = marked.slice(0, i).split('\n');
  return { text: marked.slice(0, i) + marked.slice(i + 1), line: before.length - 1, column: before[before.length - 1].length };
}

function hoverText(marked: string): string | null {
  const c = cursor(marked);
  return hoverAt(new EditorDocument(c.text), c.line, c.column)?.markdown ?? null;
}

function labels(marked: string): string[] {
  const c = cursor(marked);
  return completionsAt(new EditorDocument(c.text), c.line, c.column).map((e) => e.label);
}

test('new 33 on go1.14: class 4, elemsize 48, 170 objects per 8 KB span, 32 B tail, 15 B rounding', () => {
  const ref = reference('go1.14');
  const cls = ref.find((c) => c.size >= 33)!;
  // The reference says class 4 is 48 bytes; the arithmetic: 8192 div 48 = 170, 8192 - 170*48 = 32.
  assert.equal(cls.class, 4);
  assert.equal(cls.size, 48);
  const info = allocationInfo('go1.14', 33, false);
  assert.equal(info.kind, 'small');
  assert.equal(info.sizeclass, 4);
  assert.equal(info.spanclass, 8);
  assert.equal(info.elemsize, 48);
  assert.equal(info.npages, 1);
  assert.equal(info.nelems, Math.floor(8192 / 48));
  assert.equal(info.nelems, 170);
  assert.equal(info.tailWaste, 8192 - 170 * 48);
  assert.equal(info.tailWaste, 32);
  assert.equal(info.roundingWaste, 48 - 33);
  assert.equal(allocationInfo('go1.14', 33, true).spanclass, 9, 'noscan sets the low bit');
  assert.equal(allocationInfo('go1.5', 33, true).spanclass, 8, 'go1.5 has no noscan span classes');
});

test('every small size on every model rounds to the reference table\'s smallest class that fits', () => {
  for (const model of ['go1.5', 'go1.10', 'go1.14'] as const) {
    const ref = reference(model);
    let k = 0;
    for (let n = 1; n <= 32768; n++) {
      while (ref[k].size < n) k++;
      const c = ref[k];
      const info = allocationInfo(model, n, false);
      if (info.sizeclass !== c.class || info.elemsize !== c.size || info.npages !== c.npages || info.nelems !== c.objectsPerSpan || info.tailWaste !== c.tailWaste || info.roundingWaste !== c.size - n) {
        assert.fail(`${model} size ${n}: got class ${info.sizeclass} elemsize ${info.elemsize} npages ${info.npages} nelems ${info.nelems} tail ${info.tailWaste}; want ${JSON.stringify(c)}`);
      }
    }
  }
});

test('large, tiny and zero-size allocations', () => {
  const big = allocationInfo('go1.14', 40000, false);
  assert.deepEqual([big.kind, big.sizeclass, big.npages, big.elemsize, big.nelems, big.roundingWaste], ['large', 0, 5, 5 * 8192, 1, 5 * 8192 - 40000]);
  assert.equal(allocationInfo('go1.14', 32769, false).npages, 5);
  assert.equal(allocationInfo('go1.14', 32768, false).kind, 'small');
  const tiny = allocationInfo('go1.10', 5, true);
  assert.deepEqual([tiny.kind, tiny.sizeclass, tiny.elemsize, tiny.tinyAlign, tiny.nelems], ['tiny', 2, 16, 1, 512]);
  assert.equal(allocationInfo('go1.10', 8, true).tinyAlign, 8);
  assert.equal(allocationInfo('go1.10', 12, true).tinyAlign, 4);
  assert.equal(allocationInfo('go1.10', 6, true).tinyAlign, 2);
  assert.equal(allocationInfo('go1.10', 16, true).kind, 'small', '16 bytes is not tiny (size < 16)');
  assert.equal(allocationInfo('go1.10', 5, false).kind, 'small', 'pointerful objects never use the tiny allocator');
  assert.equal(allocationInfo('go1.14', 0, false).kind, 'zero');
  assert.deepEqual(stackInfo(8192), { size: 8192, pooled: true, npages: 4, perSpan: 4 });
  assert.deepEqual(stackInfo(64 * 1024), { size: 65536, pooled: false, npages: 8, perSpan: 1 });
});

test('hover on an allocation uses the file\'s model', () => {
  const r14 = reference('go1.14').find((c) => c.size >= 1700)!;
  const r5 = reference('go1.5').find((c) => c.size >= 1700)!;
  assert.notEqual(r14.size, r5.size, 'the generations differ at 1700 bytes');
  const h14 = hoverText('x = ne|w 1700\n')!;
  assert.match(h14, new RegExp(`\\| elemsize \\| ${r14.size.toLocaleString('en-US')} B \\|`));
  assert.match(h14, /on go1\.14/);
  const h5 = hoverText('model go1.5\nx = new 17|00\n')!;
  assert.match(h5, new RegExp(`\\| elemsize \\| ${r5.size.toLocaleString('en-US')} B \\|`));
  assert.match(h5, new RegExp(`\\| objects per span \\| ${r5.objectsPerSpan} \\|`));
  assert.match(h5, new RegExp(`\\| tail waste \\| ${r5.tailWaste} B per span`));
  assert.match(h5, new RegExp(`\\| rounding waste \\| ${r5.size - 1700} B per object`));
  assert.match(h5, /on go1\.5/);
});

test('hover on new 33, make, stackalloc, class(n), facts and settings', () => {
  const h = hoverText('x = new 3|3\n')!;
  assert.match(h, /\| size class \| 4 \(spanclass 8\) \|/);
  assert.match(h, /\| elemsize \| 48 B \|/);
  assert.match(h, /\| span \| 1 page \(8 KB\) \|/);
  assert.match(h, /\| objects per span \| 170 \|/);
  assert.match(h, /\| tail waste \| 32 B per span/);
  assert.match(h, /\| rounding waste \| 15 B per object/);
  const mk = hoverText('s = make 10 of 1|00 noscan\n')!;
  assert.match(mk, /1,000 bytes on go1\.14, noscan/);
  assert.match(mk, /\| elemsize \| 1,024 B \|/);
  assert.match(mk, /\| objects per span \| 8 \|/);
  assert.match(hoverText('n = 3\nx = new n|*8\nprint x, n\n')!, /computed at run time/);
  assert.match(hoverText('st = stackalloc 64|KB\nstackfree st\n')!, /manual span of its own \(mSpanManual\): 8 pages/);
  assert.match(hoverText('print cl|ass(33)\n')!, /= 48 on go1\.14/);
  assert.match(hoverText('print sizeclass(3|3)\n')!, /= 4 on go1\.14/);
  assert.match(hoverText('print heap.in|use\n')!, /MemStats\.HeapInuse/);
  assert.match(hoverText('model go1.10\nprint heap.scavenge|Goal\n')!, /Exists in go1\.14 — not in go1\.10/);
  assert.match(hoverText('mod|el go1.5\n')!, /free\[1\.\.127\] lists and a best-fit `freelarge`/);
  assert.equal(hoverText('# new 3|3\n'), null);
  assert.equal(hoverText('g|c\n'), null);
});

test('hover range covers the allocation expression', () => {
  const doc = new EditorDocument('\nx = new 33 noscan\n');
  const h = hoverAt(doc, 1, 9)!;
  assert.deepEqual(h.range, { start: { line: 1, column: 4 }, end: { line: 1, column: 17 } });
});

test('completion after heap. and span(x). follows the model', () => {
  const h14 = labels('print heap.|\n');
  assert.ok(h14.includes('inuse') && h14.includes('scavengeGoal') && h14.includes('numForcedGC'));
  const h10 = labels('model go1.10\nprint heap.|\n');
  assert.ok(!h10.includes('scavengeGoal') && h10.includes('numForcedGC'));
  const h5 = labels('model go1.5\nprint heap.|\n');
  assert.ok(!h5.includes('numForcedGC'));
  const s5 = labels('model go1.5\nx = new 8\nprint span(x).|\n');
  assert.ok(s5.includes('ref') && !s5.includes('freeindex'));
  const s14 = labels('x = new 8\nprint span(x).n|\n');
  assert.ok(s14.includes('freeindex') && s14.includes('scavenged') && !s14.includes('ref'));
  assert.ok(labels('x = new 8\nprint obj(x).|\n').includes('elemsize'));
});

test('completion of settings, their values, statements and Ps', () => {
  assert.deepEqual(labels('model |\n'), ['go1.5', 'go1.10', 'go1.14']);
  assert.ok(labels('gogc |\n').includes('off'));
  assert.deepEqual(labels('procs 3\non |\n'), ['P0', 'P1', 'P2']);
  const top = labels('model go1.5\n|\n');
  assert.ok(top.includes('procs') && top.includes('gogc') && !top.includes('model'), 'settings not yet set');
  assert.ok(top.includes('repeat') && top.includes('gc') && top.includes('var'));
  const later = labels('gc\n|\n');
  assert.ok(!later.includes('procs'), 'no settings after a statement');
  assert.ok(later.includes('repeat'));
  assert.deepEqual(labels('x = new 32 |\n'), ['noscan']);
  assert.deepEqual(labels('x = make 4 of 8 n|\n'), ['noscan']);
  assert.ok(labels('x = |\n').includes('new'));
  assert.ok(!labels('expect |\n').includes('new'), 'allocations only after =');
  assert.deepEqual(labels('# heap.|\n'), []);
  assert.deepEqual(labels('print "heap.|"\n'), []);
});

test('completion offers variables in scope only', () => {
  const text = 'var ring[16]\na = new 8\nrepeat 3 as i {\n  b = new 16\n  print |\n}\nc = new 8\nprint a, b, c\n';
  const got = labels(text);
  assert.ok(got.includes('ring') && got.includes('a') && got.includes('b') && got.includes('i'));
  assert.ok(!got.includes('c'), 'c is declared later in the text');
  const after = labels('repeat 3 as i {\n  gc\n}\nprint |\n');
  assert.ok(!after.includes('i'), 'a counter exists only inside its loop');
  const st5 = labels('model go1.5\nprint |\n');
  assert.ok(st5.includes('mSpanFree'));
  assert.ok(!labels('print |\n').includes('mSpanFree'), 'go1.14 has no mSpanFree');
});

function shape(s: OutlineSymbol): unknown {
  return { name: s.name, kind: s.kind, line: s.range.start.line, children: s.children.map(shape) };
}

test('the outline lists settings, arrays, variables, loops and on-blocks, nested', () => {
  const text = [
    'model go1.10', // 0
    'procs 2', // 1
    'var ring[64]', // 2
    'a = new 24', // 3
    'repeat 64 as i {', // 4
    '  ring[i] = new 32', // 5
    '  if i == 3 {', // 6
    '    b = new 8', // 7
    '  }', // 8
    '}', // 9
    'on P1 {', // 10
    '  c = new 16 noscan', // 11
    '}', // 12
    'a = nil', // 13
    'print b, c', // 14
  ].join('\n');
  const doc = new EditorDocument(text);
  assert.ok(doc.compiled.ok, JSON.stringify(doc.compiled.diagnostics));
  const syms = documentSymbols(doc.program, text);
  assert.deepEqual(syms.map(shape), [
    { name: 'model', kind: 'setting', line: 0, children: [] },
    { name: 'procs', kind: 'setting', line: 1, children: [] },
    { name: 'ring', kind: 'array', line: 2, children: [] },
    { name: 'a', kind: 'variable', line: 3, children: [] },
    { name: 'repeat 64 as i', kind: 'loop', line: 4, children: [{ name: 'b', kind: 'variable', line: 7, children: [] }] },
    { name: 'on P1', kind: 'on', line: 10, children: [{ name: 'c', kind: 'variable', line: 11, children: [] }] },
  ]);
  assert.equal(syms[3].detail, 'new 24');
  assert.equal(syms[0].detail, 'go1.10');
  assert.equal(syms[2].detail, '[64]');
  const loop = syms[4];
  assert.deepEqual(loop.range, { start: { line: 4, column: 0 }, end: { line: 9, column: 1 } });
  assert.deepEqual(loop.selectionRange, { start: { line: 4, column: 0 }, end: { line: 4, column: 14 } });
});

test('CodeLenses sit on the first line of code, below a header comment', () => {
  const doc = new EditorDocument('# header\n# more\n\nmodel go1.5\ngc\n');
  const lenses = codeLensPositions(doc.program);
  assert.deepEqual(lenses.map((l) => [l.command, l.range.start.line]), [['run', 3], ['debug', 3]]);
  assert.deepEqual(codeLensPositions(new EditorDocument('').program).map((l) => l.range.start.line), [0, 0]);
});

test('debug hover expressions: variables, fields, elements, facts', () => {
  const text = 'var ring[4]\nx = new 16\nx.next = new 16\nring[1] = x\nprint span(x).allocCount, heap.inuse, x.next, 3\n';
  const doc = new EditorDocument(text);
  const at = (line: number, col: number) => evaluatableAt(doc, line, col)?.expression ?? null;
  assert.equal(at(4, 17), 'span(x).allocCount');
  assert.equal(at(4, 11), 'x');
  assert.equal(at(4, 34), 'heap.inuse');
  assert.equal(at(4, 42), 'x.next');
  assert.equal(at(3, 1), 'ring');
  assert.equal(at(3, 6), 'ring[1]');
  assert.equal(at(4, 46), null, 'a literal is not evaluated');
});

test('the editor logic never throws on hostile text', () => {
  const texts = ['', '\u0000\u0001', 'x = new', 'repeat {', '}}}}', 'model', 'heap.', 'x = new 1TB\n'.repeat(3), '"unterminated', 'on P9999 {'];
  for (const t of texts) {
    const doc = new EditorDocument(t);
    for (let line = 0; line < 3; line++) {
      for (let col = 0; col < 14; col++) {
        hoverAt(doc, line, col);
        completionsAt(doc, line, col);
        evaluatableAt(doc, line, col);
      }
    }
    documentSymbols(doc.program, t);
    codeLensPositions(doc.program);
  }
});

test('a typed space opens completion only after model, gogc, on and an allocation size', () => {
  const at = (marked: string): string[] => {
    const c = cursor(marked);
    return completionsAt(new EditorDocument(c.text), c.line, c.column, ' ').map((e) => e.label);
  };
  assert.deepEqual(at('model |\n'), ['go1.5', 'go1.10', 'go1.14']);
  assert.ok(at('gogc |\n').includes('off'));
  assert.deepEqual(at('procs 2\non |\n'), ['P0', 'P1']);
  assert.deepEqual(at('x = new 32 |\n'), ['noscan']);
  assert.deepEqual(at('print |\n'), []);
  assert.deepEqual(at('x = |\n'), []);
  assert.deepEqual(at('repeat |\n'), []);
});

test('a document answers diagnostics before its tree is built, the same ones the tree gives', () => {
  const text = 'model go1.10\nx = new 24\nprint y\nrepeat 2 as k {\n  z = new 8\n}\n';
  const doc = new EditorDocument(text);
  const early = doc.checked; // diagnostics as you type: no tree yet
  assert.equal(doc.model, 'go1.10');
  assert.deepEqual(early.diagnostics.map((d) => d.code), ['GH1401', 'GH1902']); // unknown `y`, unused counter `k`
  const tree = doc.compiled; // hover, completion, outline: the tree, once
  assert.deepEqual(tree.diagnostics, early.diagnostics);
  assert.equal(doc.checked, tree, 'once the tree exists, diagnostics come from it');
  assert.equal(doc.compiled, tree, 'built once per document version');
});
