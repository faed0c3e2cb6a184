/** Parser: AST shape of good scripts, ids, positions, recovery. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headRangeOf, parse, rangeOf, type Expr, type Stmt } from '../../src/program/index';

/** Expressions as S-expressions: `(+ 1 (* x 2))`, `(new 24 noscan)`, `(fact span x allocCount)`. */
function ex(e: Expr): string {
  switch (e.kind) {
    case 'int': return e.unit === 'none' ? String(e.value) : `${e.value}${e.unit === 'bytes' ? 'B' : 'ns'}`;
    case 'bool': return String(e.value);
    case 'nil': return 'nil';
    case 'string': return JSON.stringify(e.value);
    case 'spanstate': return e.name;
    case 'var': return e.name;
    case 'index': return `(index ${ex(e.target)} ${ex(e.index)})`;
    case 'field': return `(. ${ex(e.target)} ${e.field})`;
    case 'unary': return `(${e.op} ${ex(e.operand)})`;
    case 'binary': return `(${e.op} ${ex(e.left)} ${ex(e.right)})`;
    case 'fact': return `(fact ${e.fn}${e.args.map((a) => ' ' + ex(a)).join('')}${e.field !== null ? ' .' + e.field : ''})`;
    case 'rand': return `(rand ${ex(e.bound)})`;
    case 'new': return `(new ${ex(e.size)}${e.noscan ? ' noscan' : ''})`;
    case 'make': return `(make ${ex(e.count)} ${ex(e.elemSize)}${e.noscan ? ' noscan' : ''})`;
    case 'stackalloc': return `(stackalloc ${ex(e.size)})`;
  }
}

/** Statements as one line each, nested blocks indented. */
function st(list: Stmt[], indent = ''): string[] {
  const out: string[] = [];
  for (const s of list) {
    const p = `${indent}#${s.id} `;
    switch (s.kind) {
      case 'assign': out.push(`${p}${ex(s.target)} = ${ex(s.value)}`); break;
      case 'array': out.push(`${p}var ${s.name}[${ex(s.length)}]`); break;
      case 'drop': case 'stackfree': case 'setfinalizer':
        out.push(`${p}${s.kind} ${ex(s.target)}`); break;
      case 'gc': case 'freeosmemory': case 'runfinalizers': out.push(`${p}${s.kind}`); break;
      case 'sweep': out.push(`${p}sweep${s.count ? ' ' + ex(s.count) : ''}`); break;
      case 'scavenge': out.push(`${p}scavenge${s.bytes ? ' ' + ex(s.bytes) : ''}`); break;
      case 'tick': out.push(`${p}tick ${ex(s.duration)}`); break;
      case 'on': out.push(`${p}on P${s.p}`, ...st(s.body, indent + '  ')); break;
      case 'repeat': out.push(`${p}repeat ${ex(s.count)}${s.counter ? ' as ' + s.counter.name : ''}`, ...st(s.body, indent + '  ')); break;
      case 'if':
        out.push(`${p}if ${ex(s.cond)}`, ...st(s.then, indent + '  '));
        if (s.else) out.push(`${indent}else`, ...st(s.else, indent + '  '));
        break;
      case 'assert': case 'expect': out.push(`${p}${s.kind} ${ex(s.cond)}${s.message !== null ? ' ' + JSON.stringify(s.message) : ''}`); break;
      case 'print': out.push(`${p}print ${s.args.map(ex).join(', ')}`); break;
    }
  }
  return out;
}

function shape(text: string): string[] {
  const r = parse(text);
  assert.deepEqual(r.diagnostics, [], 'expected no syntax errors');
  return st(r.program.body);
}

test('every statement form', () => {
  const text = [
    'var ring[4096]',
    'x = new 24',
    'b = new 100 noscan',
    's = make 1000 of 24',
    't = make n * 2 of 8 noscan',
    'st = stackalloc 8KB',
    'x.next = b',
    'x[3] = nil',
    'ring[i % 4096] = x.next',
    'drop x',
    'stackfree st',
    'gc',
    'sweep',
    'sweep 10',
    'scavenge',
    'scavenge 1MB',
    'freeosmemory',
    'tick 6m',
    'setfinalizer ring[0]',
    'runfinalizers',
    'assert x == nil',
    'expect heap.inuse == 16384, "after gc"',
    'print "inuse", heap.inuse, span(x).allocCount, class(33), sizeclass(33), obj(x).elemsize, rand(10)',
  ].join('\n');
  assert.deepEqual(shape(text), [
    '#0 var ring[4096]',
    '#1 x = (new 24)',
    '#2 b = (new 100 noscan)',
    '#3 s = (make 1000 24)',
    '#4 t = (make (* n 2) 8 noscan)',
    '#5 st = (stackalloc 8192B)',
    '#6 (. x next) = b',
    '#7 (index x 3) = nil',
    '#8 (index ring (% i 4096)) = (. x next)',
    '#9 drop x',
    '#10 stackfree st',
    '#11 gc',
    '#12 sweep',
    '#13 sweep 10',
    '#14 scavenge',
    '#15 scavenge 1048576B',
    '#16 freeosmemory',
    '#17 tick 360000000000ns',
    '#18 setfinalizer (index ring 0)',
    '#19 runfinalizers',
    '#20 assert (== x nil)',
    '#21 expect (== (fact heap .inuse) 16384) "after gc"',
    '#22 print "inuse", (fact heap .inuse), (fact span x .allocCount), (fact class 33), (fact sizeclass 33), (fact obj x .elemsize), (rand 10)',
  ]);
});

test('blocks nest; ids are in source order, parents before children', () => {
  const text = [
    'repeat 10 as i {',
    '  if i % 2 == 0 { gc } else if i > 5 {',
    '    on P1 { x = new 8 }',
    '  } else {',
    '    sweep',
    '  }',
    '}',
    'repeat 3 { gc }',
  ].join('\n');
  assert.deepEqual(shape(text), [
    '#0 repeat 10 as i',
    '  #1 if (== (% i 2) 0)',
    '    #2 gc',
    '  else',
    '    #3 if (> i 5)',
    '      #4 on P1',
    '        #5 x = (new 8)',
    '    else',
    '      #6 sweep',
    '#7 repeat 3',
    '  #8 gc',
  ]);
  const p = parse(text).program;
  assert.equal(p.statements.length, 9);
  p.statements.forEach((s, i) => assert.equal(s.id, i));
});

test('precedence and associativity follow Go', () => {
  const e = (src: string) => shape(`x = ${src}`)[0].slice('#0 x = '.length);
  assert.equal(e('1 + 2 * 3'), '(+ 1 (* 2 3))');
  assert.equal(e('1 - 2 - 3'), '(- (- 1 2) 3)');
  assert.equal(e('1 << 2 + 3'), '(+ (<< 1 2) 3)');
  assert.equal(e('a || b && c == d + -e'), '(|| a (&& b (== c (+ d (- e)))))');
  assert.equal(e('!(a < b) && !c'), '(&& (! (< a b)) (! c))');
  assert.equal(e('x.next.next[2]'), '(index (. (. x next) next) 2)');
  assert.equal(e('ring[i].next'), '(. (index ring i) next)');
  assert.equal(e('span(ring[1]).npages * 8KB'), '(* (fact span (index ring 1) .npages) 8192B)');
  assert.equal(e('span(x).state == mSpanInUse'), '(== (fact span x .state) mSpanInUse)');
  assert.equal(e('true != false'), '(!= true false)');
});

test('new takes an arithmetic size: comparisons end it', () => {
  assert.deepEqual(shape('x = new n * 8 + 16 noscan'), ['#0 x = (new (+ (* n 8) 16) noscan)']);
});

test('settings are collected apart from statements', () => {
  const r = parse('model go1.10\nprocs 4\ngogc off\nmemprofilerate 512KB\nphyspagesize 16384\nseed 7\ngc\nprocs 2\n');
  assert.deepEqual(r.diagnostics, []);
  const s = r.program.settings.map((x) => [x.name, x.word ?? (x.expr && x.expr.kind === 'int' ? x.expr.value : '?'), x.afterStatements]);
  assert.deepEqual(s, [
    ['model', 'go1.10', false], ['procs', 4, false], ['gogc', 'off', false], ['memprofilerate', 524288, false],
    ['physpagesize', 16384, false], ['seed', 7, false], ['procs', 2, true],
  ]);
  assert.equal(r.program.body.length, 1);
});

test('statements know their line, offsets and header', () => {
  const text = '# header\n\nrepeat 3 as i {\n  x = new 24\n}\n';
  const p = parse(text).program;
  const [rep, assign] = p.statements;
  assert.equal(rep.line, 2);
  assert.equal(assign.line, 3);
  assert.equal(text.slice(rep.start, rep.end), 'repeat 3 as i {\n  x = new 24\n}');
  assert.equal(text.slice(assign.start, assign.end), 'x = new 24');
  assert.deepEqual(rangeOf(p, rep), { start: { line: 2, column: 0 }, end: { line: 4, column: 1 } });
  assert.deepEqual(headRangeOf(p, rep), { start: { line: 2, column: 0 }, end: { line: 2, column: 13 } });
  assert.deepEqual(rangeOf(p, assign), { start: { line: 3, column: 2 }, end: { line: 3, column: 12 } });
  assert.equal(p.lineCount, 6);
});

test('field labels are interned once per program', () => {
  const p = parse('a = new 16\na.next = a\nb = a.next\na.prev = b.next\n').program;
  assert.deepEqual(p.fields, ['next', 'prev']);
  const loads = p.statements.flatMap((s) => (s.kind === 'assign' ? [s.target, s.value] : []));
  const ids = loads.filter((e) => e.kind === 'field').map((e) => (e.kind === 'field' ? `${e.field}=${e.fieldId}` : ''));
  assert.deepEqual(ids, ['next=0', 'next=0', 'prev=1', 'next=0']);
});

test('a block may open and close on one line, and may start after `{`', () => {
  assert.deepEqual(shape('on P1 { gc }\nrepeat 2 {\n}\nif true { x = 1\n}'), ['#0 on P1', '  #1 gc', '#2 repeat 2', '#3 if true', '  #4 x = 1']);
});

test('recovery: broken statements are dropped, the rest is kept, ids are dense', () => {
  const r = parse('x = new 24\ny = (\nrepeat 2 {\n  z = 1 +\n  gc\n}\nsweep\n');
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column}`), ['GH1103 1:5', 'GH1103 3:9']);
  assert.deepEqual(st(r.program.body), ['#0 x = (new 24)', '#1 repeat 2', '  #2 gc', '#3 sweep']);
  assert.deepEqual(r.program.brokenNames, ['y', 'z']);
  assert.ok(r.program.hasSyntaxErrors);
});

test('errors inside a block skipped during recovery are still reported', () => {
  const r = parse('repeat 2 bogus {\n  x = )\n}\ngc\n');
  assert.deepEqual(r.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.column}`), ['GH1102 0:9', 'GH1103 1:6']);
  assert.deepEqual(st(r.program.body), ['#0 gc']);
});

test('at most one syntax error per line', () => {
  const r = parse('x = ) ) )\n');
  assert.equal(r.diagnostics.length, 1);
});

test('nesting guards report once and do not overflow the stack', () => {
  const deepBlocks = 'repeat 1 {\n'.repeat(5000) + 'gc\n' + '}\n'.repeat(5000) + 'sweep\n';
  const r1 = parse(deepBlocks);
  assert.deepEqual(r1.diagnostics.map((d) => `${d.code} ${d.range.start.line}`), ['GH1107 100']);
  assert.equal(r1.program.statements[r1.program.statements.length - 1].kind, 'sweep');
  const r2 = parse('x = ' + '('.repeat(100_000) + '1' + ')'.repeat(100_000) + '\ngc');
  assert.deepEqual(r2.diagnostics.map((d) => d.code), ['GH1107']);
  const r3 = parse('x = ' + '1 + '.repeat(300) + '1\ny = ' + '-'.repeat(10_000) + '1\nz = ' + 'a.'.repeat(1000) + 'b');
  assert.deepEqual(r3.diagnostics.map((d) => `${d.code} ${d.range.start.line}`), ['GH1107 0', 'GH1107 1', 'GH1107 2']);
  const r4 = parse('{'.repeat(100_000));
  assert.deepEqual(r4.diagnostics.map((d) => d.code), ['GH1101', 'GH1107', 'GH1105']);
});

test('an expression 256 operators deep is accepted, one more is not', () => {
  assert.deepEqual(parse('x = ' + '1 + '.repeat(255) + '1').diagnostics, []);
  assert.deepEqual(parse('x = ' + '1 + '.repeat(256) + '1').diagnostics.map((d) => d.code), ['GH1107']);
});
